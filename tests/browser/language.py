"""The language check of the browser tests: interface text in the other language on a page.

Every page a browser test visits is loaded again when the test ends, in French and in English, in the same
browser context (so by the same signed-in person), and its visible text is compared with the catalogue
(locale/fr/LC_MESSAGES/django.po):
- on a /fr/ page, an English source string (msgid) whose French differs, or which has no French yet;
- on an /en/ page, a French translation (msgstr) that differs from its English source;
- on either, a date whose month or day is named in the other language, or a colon written as the other
  language writes it (French puts a space before it, English does not).
User content (titles, descriptions, names) is data: it fails only when it equals a catalogue string. Text
marked as being in another language (`lang`, as the language switcher's « English ») or `translate="no"` is
not checked."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polib
from playwright.sync_api import Browser, BrowserContext, Page, Request
from playwright.sync_api import Error as PlaywrightError

CATALOGUE = Path(__file__).resolve().parents[2] / "locale" / "fr" / "LC_MESSAGES" / "django.po"
LANGUAGES = ("fr", "en")
PREFIX = re.compile(r"^(?P<origin>https?://[^/]+)/(?P<language>fr|en)(?P<rest>/.*)?$")

# The service's name reads the same in both languages, though it also translates the matching app's name.
SAME_IN_BOTH = {"maillage"}  # Casefolded, as the comparisons.
# A catalogue string with fewer letters than this outside its placeholders (« %(count)s », « Oui ») is too
# short to tell a leak from chance.
MIN_LETTERS = 3
# A catalogue string of this many words is a leak inside a longer text too.
CONTAINED_WORDS = 3
CLAUSE_EDGES = ".:;,·|—–()!?«»"
PLACEHOLDER = re.compile(r"(%\(\w+\)[sdif]|%[sdif]|%%|\{\w*\})")
TAG = re.compile(r"<[^>]+>")

ENGLISH_MONTHS = (
    "January|February|March|April|May|June|July|August|September|October|November|December"
    "|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec"
)
FRENCH_MONTHS = (
    "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
    "|janv|févr|avr|juil|sept|oct|nov|déc"
)
# A month or a day counts only beside a number (« December 7 », « 7 décembre », « lundi 7 »), so that
# « May I… » or « mars » in someone's text is not taken for a date.
FOREIGN_DATES = {
    "fr": re.compile(
        rf"\b(?:{ENGLISH_MONTHS})\.?\s+\d{{1,2}}\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{ENGLISH_MONTHS})\b"
        r"|\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b,?\s+\w*\s*\d"
        r"|\b\d{1,2}(?::\d{2})?\s?[ap]\.m\."
    ),
    "en": re.compile(
        rf"\b\d{{1,2}}(?:er)?\s+(?:{FRENCH_MONTHS})\b"
        r"|\b(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+\d{1,2}\b"
        r"|\b\d{1,2}\s?h\s?\d{2}\b"
    ),
}
# A colon as the other language writes it: French puts a (non-breaking) space before it, English does not.
FOREIGN_COLONS = {"fr": re.compile(r"\S:(?:\s|$)"), "en": re.compile(r"\s:(?:\s|$)")}
# A date or a colon in a long paragraph is someone's text (a description), not the interface's.
MAX_FORMATTED_SEGMENT = 80


def language_of(url: str) -> str | None:
    """The language of a page's address (/fr/… or /en/…), None outside the translated pages."""
    match = PREFIX.match(url)
    return match["language"] if match else None


def in_language(url: str, language: str) -> str:
    """The same page's address in `language`."""
    match = PREFIX.match(url)
    return f"{match['origin']}/{language}{match['rest'] or '/'}"


def normalize(text: str) -> str:
    """Spaces of any kind (the OQLF's non-breaking ones too) collapsed, apostrophes straightened."""
    return " ".join(text.replace("’", "'").split())


@dataclass(frozen=True)
class Source:
    """A catalogue string as a page shows it, and the entry it comes from."""

    text: str
    entry: str
    # With placeholders, a pattern the whole segment must match. Without (pattern None), the string itself,
    # in any case, which a segment must equal or, for a string of a few words (`contained`), contain as a
    # clause of its own: two strings translated side by side in a template make one text.
    pattern: re.Pattern | None
    anchor: str  # With a pattern, its longest literal part: a segment without it cannot match.
    contained: bool

    def matches(self, segment: str, folded: str) -> bool:
        if self.pattern is not None:
            return self.anchor in segment and self.pattern.fullmatch(segment) is not None
        if not self.contained:
            return folded == self.anchor
        start = folded.find(self.anchor)
        while start != -1:
            if _stands_alone(folded, start=start, end=start + len(self.anchor)):
                return True
            start = folded.find(self.anchor, start + 1)
        return False


def _stands_alone(text: str, *, start: int, end: int) -> bool:
    """Whether text[start:end] is a clause of its own (« … · Skip to main content »), not words inside
    someone's sentence (« Tableau de bord des délais », a challenge's title)."""
    before, after = text[:start].rstrip(), text[end:]
    ends_a_sentence = text[end - 1] in ".!?:"
    return (not before or before[-1] in CLAUSE_EDGES) and (
        not after.strip() or after.lstrip()[0] in CLAUSE_EDGES or (ends_a_sentence and after[0].isspace())
    )


def _source(text: str, entry: str) -> Source | None:
    shown = normalize(html.unescape(TAG.sub("", text)))
    parts = PLACEHOLDER.split(shown)
    literals = [part if index % 2 == 0 else ("%" if part == "%%" else "") for index, part in enumerate(parts)]
    if sum(character.isalpha() for character in "".join(literals)) < MIN_LETTERS:
        return None
    if len(parts) == 1 or all(part == "%%" for part in parts[1::2]):
        literal = "".join(literals)
        return Source(
            text=literal,
            entry=entry,
            pattern=None,
            anchor=literal.casefold(),
            contained=len(literal.split()) >= CONTAINED_WORDS,
        )
    pattern = "".join(
        re.escape(part) if index % 2 == 0 else (re.escape("%") if part == "%%" else "(.+?)")
        for index, part in enumerate(parts)
    )
    return Source(
        text=shown,
        entry=entry,
        pattern=re.compile(pattern),
        anchor=max(literals, key=len).strip(),
        contained=False,
    )


def _describe(entry: polib.POEntry) -> str:
    where = f" ({entry.occurrences[0][0]}:{entry.occurrences[0][1]})" if entry.occurrences else ""
    if entry.fuzzy:
        return f'msgid "{entry.msgid}" is fuzzy, so not used{where}'
    if not entry.translated():
        return f'msgid "{entry.msgid}" has no French translation{where}'
    return f'msgid "{entry.msgid}" → msgstr "{entry.msgstr or entry.msgstr_plural[0]}"{where}'


@cache
def catalogue_sources() -> dict[str, tuple[Source, ...]]:
    """For each page language, the catalogue strings that must not show on its pages."""
    english: list[tuple[str, polib.POEntry]] = []
    french: list[tuple[str, polib.POEntry]] = []
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.obsolete:
            continue
        sources = [entry.msgid, *([entry.msgid_plural] if entry.msgid_plural else [])]
        translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if entry.translated():  # polib: not fuzzy, and every msgstr filled.
            english += [(text, entry) for text in sources if text not in translations]
            french += [(text, entry) for text in translations if text not in sources]
        else:  # Django shows the English source on French pages.
            english += [(text, entry) for text in sources]
    # A string that is also, for another entry, the right text in the other language proves nothing.
    english_texts = {normalize(text).casefold() for text, _entry in english} | SAME_IN_BOTH
    french_texts = {normalize(text).casefold() for text, _entry in french} | SAME_IN_BOTH
    return {
        "fr": tuple(
            source
            for text, entry in english
            if normalize(text).casefold() not in french_texts and (source := _source(text, _describe(entry)))
        ),
        "en": tuple(
            source
            for text, entry in french
            if normalize(text).casefold() not in english_texts and (source := _source(text, _describe(entry)))
        ),
    }


def leaks(segments: Iterable[str], *, language: str) -> list[str]:
    """Each segment of a page in `language` that is interface text in the other language, explained."""
    sources = catalogue_sources()[language]
    found: list[str] = []
    for segment in dict.fromkeys(normalize(segment) for segment in segments):
        folded = segment.casefold()
        for source in sources:
            if source.matches(segment, folded):
                within = (
                    f" (« {source.text} » within)" if source.contained and source.anchor != folded else ""
                )
                found.append(f"« {segment} »{within}: {source.entry}")
                break
        else:
            if len(segment) > MAX_FORMATTED_SEGMENT:
                continue
            other = "English" if language == "fr" else "French"
            if date := FOREIGN_DATES[language].search(segment):
                found.append(f"« {segment} »: « {date[0]} » is a date in {other}")
            elif colon := FOREIGN_COLONS[language].search(segment):
                found.append(f"« {segment} »: « {colon[0].strip()} » is a colon as {other} writes it")
    return found


# The text a person sees (and hears: screen-reader-only text is interface too): visible text nodes, the
# phrases they form within a block or an inline-block, the document's title, and the labels, placeholders,
# titles and button values of visible elements. Evaluated through the debugging protocol, which the site's
# Content-Security-Policy does not apply to.
VISIBLE_TEXT = """() => {
  const language = document.documentElement.lang.split("-")[0];
  const segments = new Set([document.title]);
  const phrases = new Map();
  const visible = (element) => element.checkVisibility({ checkVisibilityCSS: true, visibilityProperty: true });
  const foreign = (element) => {
    const marked = element.closest("[lang]");
    return element.closest("[translate='no']") || (marked && marked.lang.split("-")[0] !== language);
  };
  // What shows an element's text: an option shows in its list, an SVG title in its drawing's tooltip.
  const shownBy = (element) => element.closest("select") || (["title", "desc"].includes(element.localName) && element.closest("svg")) || element;
  const container = (element, inlineBlocks) => {
    let current = element;
    for (; current.parentElement && current !== document.body; current = current.parentElement) {
      const display = getComputedStyle(current).display;
      if (display !== "inline" && display !== "contents" && (inlineBlocks || !display.startsWith("inline"))) {
        return current;
      }
    }
    return current;  // The body, or the top of a web component's shadow tree.
  };
  // Text nodes in document order, web components' open shadow trees included (their own texts show too).
  const textNodes = [];
  const roots = [];
  const collect = (root) => {
    roots.push(root);
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeType === Node.TEXT_NODE) {
        textNodes.push(node);
      } else if (node.shadowRoot) {
        collect(node.shadowRoot);
      }
    }
  };
  collect(document.body);
  for (const node of textNodes) {
    const element = node.parentElement;
    if (!element || element.closest("script, style, noscript, template") || !visible(shownBy(element))) {
      continue;
    }
    const own = !foreign(element) && node.data.trim() !== "";
    if (own) {
      segments.add(node.data);
    }
    // A phrase keeps the words in another language it contains (« Award the challenge to <title>? »), but
    // one made of them only is not ours.
    for (const inlineBlocks of [true, false]) {
      const key = container(element, inlineBlocks);
      if (!phrases.has(key)) {
        phrases.set(key, { inlineBlocks: { texts: [], own: false }, blocks: { texts: [], own: false } });
      }
      const phrase = phrases.get(key)[inlineBlocks ? "inlineBlocks" : "blocks"];
      phrase.texts.push(node.data);
      phrase.own = phrase.own || own;
    }
  }
  for (const [key, levels] of phrases) {
    for (const phrase of [levels.inlineBlocks, levels.blocks]) {
      if (phrase.own && !foreign(key)) {
        segments.add(phrase.texts.join(""));
      }
    }
  }
  const labelled = "[aria-label], [placeholder], [title], [alt], input[type=submit], input[type=button], input[type=reset]";
  for (const element of roots.flatMap((root) => Array.from(root.querySelectorAll(labelled)))) {
    if (!visible(element) || foreign(element)) {
      continue;
    }
    for (const name of ["aria-label", "placeholder", "title", "alt"]) {
      segments.add(element.getAttribute(name) || "");
    }
    if (element.localName === "input" && ["submit", "button", "reset"].includes(element.type)) {
      segments.add(element.value);
    }
  }
  return Array.from(segments).filter((text) => text.trim());
}"""


def page_leaks(page: Page, *, language: str) -> list[str]:
    """The leaks on the page shown now, read as a page in `language`."""
    return leaks(page.evaluate(VISIBLE_TEXT), language=language)


class Visits:
    """The pages (GET navigations of a main frame to /fr/… or /en/…) each browser context went to."""

    def __init__(self) -> None:
        self.by_context: list[tuple[BrowserContext, list[str]]] = []
        self.closed: set[int] = set()  # Contexts the test closed itself: their session is gone with them.
        self.recording = True

    def watch(self, context: BrowserContext) -> None:
        urls: list[str] = []
        self.by_context.append((context, urls))
        context.on("close", lambda closed: self.closed.add(id(closed)))
        context.on("page", lambda page: self._watch_page(page, urls))
        for page in context.pages:
            self._watch_page(page, urls)

    def _watch_page(self, page: Page, urls: list[str]) -> None:
        # A page shown in answer to a POST (a form with errors) is not recorded: loading its address again
        # would be a GET of something else. The GET that follows a POST's redirect is recorded.
        posted_to: list[str | None] = [None]

        def on_request(request: Request) -> None:
            if request.is_navigation_request() and request.frame.parent_frame is None:
                posted_to[0] = request.url if request.method != "GET" else None

        def on_navigated(frame) -> None:
            if not self.recording or frame.parent_frame is not None or frame.url == posted_to[0]:
                return
            if language_of(frame.url) and in_language(frame.url, "fr") not in urls:
                urls.append(in_language(frame.url, "fr"))

        page.on("request", on_request)
        page.on("framenavigated", on_navigated)  # Also when htmx pushes a new address into the history.

    def problems(self, check: Callable[[Page, str], list[str]]) -> str | None:
        """Each visited page loaded again in both languages, and `check(page, language)` run on it: what it
        found, as a failure message."""
        self.recording = False
        reports: list[str] = []
        skipped: list[str] = []
        visited = [
            (context, urls) for context, urls in self.by_context if urls and id(context) not in self.closed
        ]
        for context, urls in visited:
            page = context.new_page()
            for url in urls:
                for language in LANGUAGES:
                    address = in_language(url, language)
                    try:
                        response = page.goto(address)
                    except PlaywrightError as error:  # A download.
                        skipped.append(f"{address}: {error.message.splitlines()[0]}")
                        continue
                    if response is None or response.status != 200 or response.request.redirected_from:
                        skipped.append(f"{address}: {response.status if response else 'no answer'}")
                        continue
                    found = check(page, language)
                    if found:
                        reports.append(f"{address} ({language}):\n  " + "\n  ".join(found))
            page.close()
        checked = sum(len(urls) for _context, urls in visited) * len(LANGUAGES)
        if checked and len(skipped) == checked:
            return "Visited pages: none answered 200 any more:\n  " + "\n  ".join(skipped)
        if reports:
            return "Visited pages, loaded again in each language:\n" + "\n".join(reports)
        return None


@contextmanager
def watching(browser: Browser) -> Iterator[Visits]:
    """Record the visits of every context made while inside, by the test's fixtures or by the test."""
    visits = Visits()
    new_context = browser.new_context

    def new_watched_context(**kwargs) -> BrowserContext:
        context = new_context(**kwargs)
        visits.watch(context)
        return context

    browser.new_context = new_watched_context
    try:
        yield visits
    finally:
        del browser.new_context  # The class's method again.


def page_in_each_language(page: Page) -> dict[str, Page]:
    """The page as it is, and the same address in the other language in a new page of its context (when it
    answers 200); a page outside /fr/ and /en/ alone."""
    current = language_of(page.url)
    shown = {current: page}
    for other in LANGUAGES if current else ():
        if other != current:
            view = page.context.new_page()
            response = view.goto(in_language(page.url, other))
            if response is not None and response.status == 200:
                shown[other] = view
            else:
                view.close()
    return dict(sorted(shown.items(), key=lambda item: str(item[0]) != "fr"))
