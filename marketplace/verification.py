"""What the coordinators compare before verifying a firm: what it declared beside what the enterprise register's
extract says. Pure functions of plain values, so each rule is tested without a database; the selector
(marketplace.selectors.vendor_verification_evidence) feeds them a firm and its register entry."""

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum

# Legal-form words a firm often adds to or drops from its name (« Nuage inc. » and « Nuage ltée » are one
# firm's names): ignored when names are compared. Written without accents, as names are once normalised.
LEGAL_FORM_WORDS = frozenset(
    {
        "inc",
        "incorporated",
        "incorporee",
        "ltee",
        "limitee",
        "ltd",
        "limited",
        "corp",
        "corporation",
        "senc",
        "sencrl",
        "srl",
        "llp",
        "enr",
        "cie",
    }
)
_NOT_WORD = re.compile(r"[^0-9a-z]+")


class NameMatch(StrEnum):
    EXACT = "exact"  # The same text, but for spaces.
    CLOSE = "close"  # The same once case, accents, punctuation and legal-form words are set aside.
    DIFFERENT = "different"
    NO_EVIDENCE = "no_evidence"  # Nothing to compare with: not in the extract, or no extract loaded.


def name_normalized(name: str) -> str:
    """The name as compared for a close match: lower case, no accents, no punctuation, no legal-form words."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(character for character in decomposed if not unicodedata.combining(character))
    # « S.E.N.C. » and « s.e.n.c » are one word once their dots go.
    plain = re.sub(r"(?<=\b[a-z])\.(?=[a-z]\b)", "", plain)
    words = [word for word in _NOT_WORD.split(plain) if word and word not in LEGAL_FORM_WORDS]
    return " ".join(words)


@dataclass(frozen=True)
class NameComparison:
    match: NameMatch
    register_name: str = ""  # The register's name it matched (the legal name, or one of the other names).
    is_other_name: bool = False  # The match is with one of the register's other names, not the legal name.


def name_compare(*, declared: str, legal_name: str, other_names: list[str]) -> NameComparison:
    """The best match of the declared name among the register's legal name, then its other names."""
    names = [(legal_name, False), *((name, True) for name in other_names)]
    declared_spaced = " ".join(declared.split())
    for name, is_other in names:
        if declared_spaced == " ".join(name.split()):
            return NameComparison(NameMatch.EXACT, name, is_other)
    declared_normalized = name_normalized(declared)
    for name, is_other in names:
        if declared_normalized and declared_normalized == name_normalized(name):
            return NameComparison(NameMatch.CLOSE, name, is_other)
    return NameComparison(NameMatch.DIFFERENT)


def region_declared(*, registered: str | None, declared: set[str]) -> bool | None:
    """Whether the registered office's region is among the regions the firm declared (None: no region known)."""
    if registered is None:
        return None
    return registered in declared


@dataclass(frozen=True)
class SizeComparison:
    within_sme_ceiling: bool  # The register's whole range is at most the ceiling.
    declared_in_range: bool | None  # None: the firm declared no size.


def size_compare(*, minimum: int, maximum: int | None, ceiling: int, declared: int | None) -> SizeComparison:
    """The register's employee range against the SME ceiling and the size the firm declared."""
    within = maximum is not None and maximum <= ceiling
    if declared is None:
        return SizeComparison(within_sme_ceiling=within, declared_in_range=None)
    in_range = declared >= minimum and (maximum is None or declared <= maximum)
    return SizeComparison(within_sme_ceiling=within, declared_in_range=in_range)
