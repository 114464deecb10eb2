"""The catalogues: complete, and French by the typography of the Office québécois de la langue française.

The typography tests read every msgstr of the French catalogue (Banque de dépannage linguistique): a no-break
space (U+00A0) inside « » and before the colon and the percent sign, no space before ; ! ? (Quebec usage), and
no « hub » (the CQEN is « le Centre »; docs/glossary.md holds the words the interface uses)."""

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"
FRENCH_CATALOGUE = LOCALE / "fr" / "LC_MESSAGES" / "django.po"
NO_BREAK_SPACE = "\u00a0"

PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]+\}")
HTML_TAG = re.compile(r"</?[a-z][^<>]*>")
URL = re.compile(r"[a-z]+://\S+")
TIME = re.compile(r"\d:\d")
# Literals that keep their own punctuation in every language: an HTTP header is written "Authorization: Token".
TECHNICAL_LITERALS = ("Authorization:",)


@dataclass(frozen=True)
class CatalogueEntry:
    msgid: str
    msgid_plural: str
    msgstrs: tuple[str, ...]
    fuzzy: bool

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """(source, translation) for each form: the singular msgid with msgstr[0], the plural with the others."""
        plural_pairs = [(self.msgid_plural, msgstr) for msgstr in self.msgstrs[1:]]
        return [(self.msgid, self.msgstrs[0]), *plural_pairs]


def catalogue_entries(path: Path) -> list[CatalogueEntry]:
    """Every entry of a .po file, header and obsolete entries excluded."""
    entries, fields, fuzzy, field = [], {}, False, ""
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            if fields.get("msgid"):
                msgstrs = tuple(value for key, value in sorted(fields.items()) if key.startswith("msgstr"))
                entries.append(
                    CatalogueEntry(fields["msgid"], fields.get("msgid_plural", ""), msgstrs, fuzzy)
                )
            fields, fuzzy = {}, False
        elif line.startswith("#,"):
            fuzzy = fuzzy or "fuzzy" in line
        elif line.startswith('"'):
            fields[field] += ast.literal_eval(line)
        elif not line.startswith("#"):
            field, literal = line.split(" ", 1)
            fields[field] = ast.literal_eval(literal)
    return entries


def po_entries(path: Path) -> list[tuple[str, str, bool]]:
    """(msgid, msgstr, fuzzy) for each entry of a .po file, header excluded."""
    return [(entry.msgid, entry.msgstrs[0], entry.fuzzy) for entry in catalogue_entries(path)]


def prose(msgstr: str) -> str:
    """The text a reader sees, without what typography does not apply to: HTML tags, URLs, technical literals;
    each placeholder stands as an « x »."""
    text = URL.sub("", HTML_TAG.sub("", msgstr))
    for literal in TECHNICAL_LITERALS:
        text = text.replace(literal, "")
    return PLACEHOLDER.sub("x", text)


def guillemet_faults(msgstr: str) -> list[str]:
    text = prose(msgstr)
    opening = [
        f"« must be followed by a no-break space: “{text[i : i + 12]}…”"
        for i in _positions(text, "«")
        if text[i + 1 : i + 2] != NO_BREAK_SPACE
    ]
    closing = [
        f"» must follow a no-break space: “…{text[max(i - 12, 0) : i + 1]}”"
        for i in _positions(text, "»")
        if text[i - 1 : i] != NO_BREAK_SPACE
    ]
    return opening + closing


def colon_faults(msgstr: str) -> list[str]:
    text = TIME.sub("", prose(msgstr))
    return [
        f"the colon must follow a no-break space: “…{text[max(i - 12, 0) : i + 1]}”"
        for i in _positions(text, ":")
        if text[i - 1 : i] != NO_BREAK_SPACE or text[i - 2 : i - 1].isspace()
    ]


def tight_punctuation_faults(msgstr: str) -> list[str]:
    return [
        f"no space before “{match.group(1)}” in Quebec usage"
        for match in re.finditer(r"\s([;!?])", prose(msgstr))
    ]


def percent_faults(msgstr: str) -> list[str]:
    text = prose(msgstr).replace("%%", "%")
    return [
        f"the percent sign must follow a no-break space: “…{text[max(i - 12, 0) : i + 1]}”"
        for i in _positions(text, "%")
        if text[i - 1 : i] != NO_BREAK_SPACE
    ]


def amount_faults(msgstr: str) -> list[str]:
    text = prose(msgstr)
    thousands = [
        f"thousands are grouped with no-break spaces: “{m.group(0)}”"
        for m in re.finditer(r"\d \d{3}(?!\d)", text)
    ]
    dollars = [
        f"the dollar sign follows a no-break space: “{m.group(0)}”" for m in re.finditer(r"\d ?\$", text)
    ]
    return thousands + dollars


def hub_faults(msgstr: str) -> list[str]:
    return (
        ["« hub » is not French: the CQEN is « le Centre »"]
        if re.search(r"\bhub\b", msgstr, re.IGNORECASE)
        else []
    )


def placeholder_faults(source: str, msgstr: str) -> list[str]:
    expected, found = set(PLACEHOLDER.findall(source)), set(PLACEHOLDER.findall(msgstr))
    return (
        [f"placeholders {sorted(found)} differ from the source's {sorted(expected)}"]
        if expected != found
        else []
    )


def _positions(text: str, character: str) -> list[int]:
    return [i for i, each in enumerate(text) if each == character]


def french_faults(check: Callable[[str, str], list[str]]) -> list[str]:
    """One line per fault, naming the msgid, so a failure says which string to fix; `check(source, msgstr)`."""
    return [
        f"{source!r} → {msgstr!r}: {fault}"
        for entry in catalogue_entries(FRENCH_CATALOGUE)
        for source, msgstr in entry.pairs
        for fault in check(source, msgstr)
    ]


@pytest.mark.parametrize(
    ("check", "correct", "wrong"),
    [
        (guillemet_faults, "«\u00a0<strong>%(title)s</strong>\u00a0»", "« %(title)s »"),
        (guillemet_faults, "«\u00a0Publié\u00a0»", "«Publié»"),
        (
            colon_faults,
            "Statut\u00a0: à 14:30, https://quebec.ca/a:b, %(label)s\u00a0: %(message)s",
            "Statut : oui",
        ),
        (colon_faults, "Authorization: Token <clé>. Date limite\u00a0: demain", "%(label)s: %(message)s"),
        (tight_punctuation_faults, "Vraiment? Oui; enfin!", "Vraiment\u00a0?"),
        (tight_punctuation_faults, "&nbsp;", "Oui ; non"),
        (percent_faults, "Complet à %(percent)s\u00a0%%", "Complet à %(percent)s %%"),
        (percent_faults, "70\u00a0%", "70%"),
        (
            amount_faults,
            "De 100\u00a0000\u00a0$ à 1\u00a0000\u00a0000\u00a0$, ISO 27001, Loi 25",
            "Moins de 100 000 $",
        ),
        (amount_faults, "12\u00a0500,00\u00a0$", "12\u00a0500,00$"),
        (hub_faults, "GitHub, le Centre, les coordonnateurs", "le Hub"),
    ],
)
def test_typography_checks_tell_a_correct_french_string_from_a_wrong_one(check, correct, wrong):
    assert check(correct) == []
    assert check(wrong) != []


def test_french_translation_is_complete():
    entries = catalogue_entries(FRENCH_CATALOGUE)

    missing = [entry.msgid for entry in entries if entry.fuzzy or not all(entry.msgstrs)]

    assert entries
    assert missing == [], "fuzzy or untranslated entries"


def test_french_catalogue_keeps_the_placeholders_of_each_source_string():
    assert french_faults(placeholder_faults) == []


# One rule each: a no-break space inside « » and before the colon, none before ; ! ? (Quebec usage), « 70 % »,
# « 12 500 $ », and never « hub ». A failure lists each string to fix, by its msgid.
@pytest.mark.parametrize(
    "check",
    [guillemet_faults, colon_faults, tight_punctuation_faults, percent_faults, amount_faults, hub_faults],
    ids=lambda check: check.__name__,
)
def test_french_catalogue_follows_the_typography_and_the_glossary(check):
    assert french_faults(lambda _source, msgstr: check(msgstr)) == []


@pytest.mark.django_db
def test_api_errors_follow_accept_language(client):
    french = client.get("/api/v1/challenges/", {"page": "x"}, HTTP_ACCEPT_LANGUAGE="fr")
    english = client.get("/api/v1/challenges/", {"page": "x"}, HTTP_ACCEPT_LANGUAGE="en")

    assert "nombre entier" in french.json()["page"][0]
    assert "whole number" in english.json()["page"][0]
