"""A deterministic synthetic `hub-catalog/1` catalogue, grown from the development catalogue.

Every record copies the shape of a randomly chosen record of the development catalogue (its
languages, number of regions, size, certifications, references, expertise, requirements), so the
proportions of regions, languages and sizes are those of the development catalogue. Text is made of
the development catalogue's own sentences for the same language and expertise, plus one sentence
from a word-level Markov chain trained on them and the taxonomy labels, as long as the record it
copies, so the vocabulary and the lengths are real and postings vary. Same seed and scale, same file, byte for byte.
"""

import json
import random
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

DEV_CATALOG = Path(__file__).resolve().parent.parent / "marketplace" / "fixtures" / "catalog-dev.json"


@dataclass(frozen=True)
class Scale:
    name: str
    vendors: int
    challenges: int


SCALES = {
    "1k": Scale("1k", 1_000, 100),
    "10k": Scale("10k", 10_000, 1_000),
    "100k": Scale("100k", 100_000, 10_000),
}

FRENCH_MARKERS = {
    "le",
    "la",
    "les",
    "des",
    "du",
    "et",
    "pour",
    "avec",
    "nous",
    "une",
    "dans",
    "est",
    "sur",
    "aux",
}
ENGLISH_MARKERS = {"the", "and", "for", "with", "we", "our", "of", "to", "in", "is", "on", "a"}
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def text_language(text: str) -> str:
    words = re.findall(r"[a-zà-ÿ]+", text.lower())
    french = sum(word in FRENCH_MARKERS for word in words)
    english = sum(word in ENGLISH_MARKERS for word in words)
    return "fr" if french >= english else "en"


def sentences(text: str) -> list[str]:
    return [sentence.strip() for sentence in SENTENCE_END.split(text) if len(sentence.split()) >= 4]


class MarkovChain:
    """Order-2 word chain: new sentences in the catalogue's own words and turns of phrase."""

    def __init__(self, corpus: list[str]) -> None:
        self.next: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.starts: list[tuple[str, str]] = []
        for sentence in corpus:
            words = sentence.split()
            if len(words) < 3:
                continue
            self.starts.append((words[0], words[1]))
            for a, b, c in zip(words, words[1:], [*words[2:], None], strict=False):
                self.next[(a, b)].append(c)

    def sentence(self, rng: random.Random, *, max_words: int = 30) -> str:
        a, b = rng.choice(self.starts)
        words = [a, b]
        while len(words) < max_words:
            following = self.next.get((a, b))
            if not following:
                break
            c = rng.choice(following)
            if c is None:
                break
            words.append(c)
            a, b = b, c
        text = " ".join(words)
        return text if text.endswith((".", "!", "?")) else text + "."


class Vocabulary:
    """Sentences of the development catalogue by (language, expertise code), and Markov chains by language."""

    def __init__(self, dev: dict) -> None:
        self.taxonomy = {item["code"]: item for item in dev["taxonomy"]}
        self.by_code: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.by_language: dict[str, list[str]] = defaultdict(list)
        self.titles: dict[tuple[str, str], list[str]] = defaultdict(list)
        self.references: dict[str, list[dict]] = defaultdict(list)
        for record in dev["vendors"]:
            self._add(record["description"], record["expertise"])
            for reference in record.get("references", []):
                language = text_language(f"{reference['title']} {reference['summary']}")
                self.references[language].append(reference)
        for record in dev["challenges"]:
            self._add(record["description"], record["expertise"])
            for code in record["expertise"]:
                self.titles[(record["language"], code)].append(record["title"])
                self.titles[(record["language"], "")].append(record["title"])
        self.chains = {language: MarkovChain(corpus) for language, corpus in self.by_language.items()}
        names = [record["name"] for record in dev["vendors"]]
        self.name_heads = sorted({name.split()[0] for name in names})
        self.name_tails = sorted({" ".join(name.split()[1:]) for name in names if len(name.split()) > 1})

    def _add(self, text: str, codes: list[str]) -> None:
        language = text_language(text)
        for sentence in sentences(text):
            self.by_language[language].append(sentence)
            for code in codes:
                self.by_code[(language, code)].append(sentence)

    def paragraph(self, rng: random.Random, *, language: str, codes: list[str], words: int) -> str:
        """About `words` words (the length of the development record it copies, so lengths keep the
        development catalogue's spread): its expertise's sentences, one Markov sentence, the labels."""
        pool = [s for code in codes for s in self.by_code.get((language, code), [])] or self.by_language[
            language
        ]
        labels = ", ".join(self.taxonomy[code][language] for code in codes)
        chosen = [self.chains[language].sentence(rng, max_words=max(8, words // 4))]
        length = len(chosen[0].split()) + len(codes) + 2
        for sentence in rng.sample(pool, len(pool)):
            if length >= words:
                break
            if length + len(sentence.split()) > words and len(chosen) > 1:
                continue
            chosen.append(sentence)
            length += len(sentence.split())
        rng.shuffle(chosen)
        chosen.append(("Domaines : " if language == "fr" else "Areas: ") + labels + ".")
        return " ".join(chosen)

    def name(self, rng: random.Random) -> str:
        return f"{rng.choice(self.name_heads)} {rng.choice(self.name_tails)}".strip()

    def title(self, rng: random.Random, *, language: str, codes: list[str]) -> str:
        pool = [t for code in codes for t in self.titles.get((language, code), [])] or self.titles[
            (language, "")
        ]
        return rng.choice(pool)


def generate(*, scale: Scale, seed: int = 20261128, dev: dict | None = None) -> dict:
    """A `hub-catalog/1` catalogue with `scale.vendors` vendors and `scale.challenges` challenges."""
    dev = dev or json.loads(DEV_CATALOG.read_text(encoding="utf-8"))
    rng = random.Random(f"{seed}-{scale.name}")
    words = Vocabulary(dev)
    vendors = []
    for number in range(1, scale.vendors + 1):
        model = rng.choice(dev["vendors"])  # The template keeps the development catalogue's proportions.
        language = text_language(model["description"])
        references = []
        for reference in model.get("references", []):
            pool = words.references[text_language(f"{reference['title']} {reference['summary']}")]
            references.append({**rng.choice(pool), "year": rng.randint(2015, 2026)})
        vendors.append(
            {
                "key": f"v-{number:06d}",
                "name": words.name(rng),
                "neq": f"88{number:08d}",
                "description": words.paragraph(
                    rng, language=language, codes=model["expertise"], words=len(model["description"].split())
                ),
                "languages": model["languages"],
                "regions": model["regions"],
                "employees": max(1, int(model["employees"] * rng.uniform(0.8, 1.2))),
                "founded": model["founded"],
                "expertise": model["expertise"],
                "certifications": model.get("certifications", []),
                "references": references,
            }
        )
    challenges = []
    for number in range(1, scale.challenges + 1):
        model = rng.choice(dev["challenges"])
        language = model["language"]
        challenges.append(
            {
                **{
                    name: model[name]
                    for name in (
                        "organization",
                        "language",
                        "expertise",
                        "regions",
                        "currency",
                        "deadline",
                        "requirements",
                    )
                },
                "key": f"c-{number:05d}",
                "title": words.title(rng, language=language, codes=model["expertise"]),
                "description": words.paragraph(
                    rng, language=language, codes=model["expertise"], words=len(model["description"].split())
                ),
                "budget_min": model["budget_min"],
                "budget_max": model["budget_max"],
            }
        )
    return {
        "format": "hub-catalog/1",
        "taxonomy": dev["taxonomy"],
        "regions": dev["regions"],
        "organizations": dev["organizations"],
        "vendors": vendors,
        "challenges": challenges,
        "judgments": [],
    }


def proportions(catalog: dict) -> dict:
    """Shares of delivery languages, regions served and size bands: to check a synthetic catalogue
    against the development one."""
    vendors = catalog["vendors"]

    def shares(values: list) -> dict:
        counts: dict = defaultdict(int)
        for value in values:
            counts[value] += 1
        return {key: round(count / len(values), 3) for key, count in sorted(counts.items())}

    bands = [(1, 9), (10, 49), (50, 99), (100, 249), (250, 499)]
    return {
        "languages": shares(["+".join(v["languages"]) for v in vendors]),
        "regions": shares([region for v in vendors for region in v["regions"]]),
        "size": shares(
            [next((f"{lo}-{hi}" for lo, hi in bands if lo <= v["employees"] <= hi), "500+") for v in vendors]
        ),
        "description_language": shares([text_language(v["description"]) for v in vendors]),
        "challenge_language": shares([c["language"] for c in catalog["challenges"]]),
    }
