"""Why a result ranks where it does: the engine's signals → a typed explanation → sentences.

The one implementation the API (matching.serializers) and the pages (frontend.views) share. An
explanation is read off the named-clause scores and highlights the engine returned for a hit; a
proposal keeps it frozen as a dict (`explanation_data`), which `explanation_from_data` reads back."""

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.models import Language, ProfileSection, Requirement
from matching.search.queries import (
    CERTIFICATION_WEIGHT,
    EXPERTISE_WEIGHT,
    LANGUAGE_WEIGHT,
    REGION_WEIGHT,
    SME_WEIGHT,
    TEXT_WEIGHT,
    ChallengeProfile,
    VendorProfile,
)


@dataclass
class Explanation:
    """Why a result was ranked where it is; every element comes from the engine's signals."""

    score: float
    text_score: float = 0.0
    expertise_matched: list[str] = field(default_factory=list)
    expertise_missing: list[str] = field(default_factory=list)
    highlights: dict[str, list[str]] = field(default_factory=dict)
    region_fit: bool | None = None  # None: the challenge can be delivered anywhere.
    languages_matched: list[str] = field(default_factory=list)
    languages_missing: list[str] = field(default_factory=list)
    certifications_present: list[str] = field(default_factory=list)
    certifications_missing: list[str] = field(default_factory=list)
    sme_eligible: bool | None = True  # None: not told (the firm hides its size).
    clause_scores: dict[str, float] = field(default_factory=dict)
    # The mandatory requirements (marketplace.models.Requirement) the firm fails: it may not answer.
    # Always empty for a vendor ranked for a challenge, since the engine filtered those out.
    requirements_missing: list[str] = field(default_factory=list)
    # For a firm that asked to be introduced: why the matcher would not have proposed it (NotProposed), or
    # empty when it would have.
    not_proposed: str = ""


class NotProposed:
    """Why the matcher would not propose a firm that asked to be introduced."""

    BELOW_TOP = "below_top"  # Ranked, but below the proposals the matcher makes per challenge.
    UNRELATED = "unrelated"  # Shares neither words of its texts nor an area of expertise with the challenge.


# The vendor's profile section each highlighted field of an explanation quotes.
HIGHLIGHT_SECTIONS = {"description": ProfileSection.DESCRIPTION, "references": ProfileSection.REFERENCES}


def explanation_within(explanation: Explanation, *, sections: Iterable[str]) -> Explanation:
    """The explanation of a vendor's rank without what it says of the profile sections outside
    `sections` (marketplace.visibility): their passages, and the region fit, certifications and SME
    eligibility read from them. The rank itself may still come from hidden text (docs/privacy.md)."""
    visible = set(sections)
    hidden_clauses = set()
    highlights = explanation.highlights.items()
    changes: dict = {
        "highlights": {
            name: fragments for name, fragments in highlights if HIGHLIGHT_SECTIONS.get(name) in visible
        }
    }
    if ProfileSection.REGIONS not in visible:
        changes["region_fit"] = None
        hidden_clauses.add("region")
    if ProfileSection.CERTIFICATIONS not in visible:
        changes |= {"certifications_present": [], "certifications_missing": []}
        hidden_clauses |= {name for name in explanation.clause_scores if name.startswith("certification")}
    if ProfileSection.EMPLOYEES not in visible:
        changes["sme_eligible"] = None
        hidden_clauses.add("sme")
    changes["clause_scores"] = {
        name: score for name, score in explanation.clause_scores.items() if name not in hidden_clauses
    }
    return dataclasses.replace(explanation, **changes)


def explain_vendor_hit(hit: dict, challenge: ChallengeProfile) -> Explanation:
    """Read why a vendor matched a challenge off the engine's named-clause scores and highlights."""
    clauses = hit.get("matched_queries") or {}
    source = hit.get("_source", {})
    matched_certifications = [c for c in challenge.required_certifications if f"certification:{c}" in clauses]
    matched_languages = [code for code in challenge.required_languages if f"language:{code}" in clauses]
    matched_expertise = [code for code in challenge.expertise if f"expertise:{code}" in clauses]
    max_employees = challenge.max_employees
    return Explanation(
        score=hit["_score"],
        text_score=clauses.get("text", 0.0),
        expertise_matched=matched_expertise,
        expertise_missing=[code for code in challenge.expertise if code not in matched_expertise],
        highlights=_merge_highlights(hit.get("highlight", {})),
        region_fit=("region" in clauses) if challenge.regions else None,
        languages_matched=matched_languages,
        languages_missing=[code for code in challenge.required_languages if code not in matched_languages],
        certifications_present=matched_certifications,
        certifications_missing=[
            c for c in challenge.required_certifications if c not in matched_certifications
        ],
        # Over a mandatory ceiling, the filter already removed the vendor; over a preferred one, it is a gap.
        sme_eligible=max_employees is None or source.get("employees", 0) <= max_employees,
        clause_scores=clauses,
    )


def explain_challenge_hit(hit: dict, vendor: VendorProfile) -> Explanation:
    """Read why a challenge suits a vendor off the engine's named-clause scores and highlights."""
    clauses = hit.get("matched_queries") or {}
    source = hit.get("_source", {})
    expertise = source.get("expertise", [])
    required_languages = source.get("required_languages", [])
    required_certifications = source.get("required_certifications", [])
    max_employees = source.get("max_employees")
    sme_eligible = max_employees is None or vendor.employees <= max_employees
    region_fit = ("region" in clauses) if source.get("regions") else None
    return Explanation(
        score=hit["_score"],
        text_score=clauses.get("text", 0.0),
        expertise_matched=[code for code in expertise if f"expertise:{code}" in clauses],
        expertise_missing=[code for code in expertise if f"expertise:{code}" not in clauses],
        highlights=_merge_highlights(hit.get("highlight", {})),
        region_fit=region_fit,
        languages_matched=[code for code in required_languages if code in vendor.languages],
        languages_missing=[code for code in required_languages if code not in vendor.languages],
        certifications_present=[c for c in required_certifications if c in vendor.certifications],
        certifications_missing=[c for c in required_certifications if c not in vendor.certifications],
        sme_eligible=sme_eligible,  # Over a mandatory ceiling, the challenge was filtered out.
        clause_scores=clauses,
        requirements_missing=_requirements_missing(
            mandatory=source.get("mandatory_requirements", []),
            languages_missing=[code for code in required_languages if code not in vendor.languages],
            certifications_missing=[c for c in required_certifications if c not in vendor.certifications],
            region_fit=region_fit,
            sme_eligible=sme_eligible,
        ),
    )


def _requirements_missing(
    *,
    mandatory: list[str],
    languages_missing: list[str],
    certifications_missing: list[str],
    region_fit: bool | None,
    sme_eligible: bool | None,
) -> list[str]:
    """The mandatory requirements a gap falls on, as marketplace.eligibility decides them."""
    failed = {
        Requirement.LANGUAGES: bool(languages_missing),
        Requirement.CERTIFICATIONS: bool(certifications_missing),
        Requirement.REGIONS: region_fit is False,
        Requirement.MAX_EMPLOYEES: sme_eligible is False,
    }
    return [str(code) for code, fails in failed.items() if fails and code in mandatory]


def _merge_highlights(highlight: dict[str, list[str]]) -> dict[str, list[str]]:
    """One list per field: the French and English analyses of a text highlight the same passages."""
    merged: dict[str, list[str]] = {}
    for name, fragments in highlight.items():
        target = merged.setdefault(name.removesuffix(".en"), [])
        target.extend(fragment for fragment in fragments if fragment not in target)
    return merged


def explanation_data(explanation: Explanation) -> dict:
    """The explanation as plain data, as a proposal keeps it."""
    return dataclasses.asdict(explanation)


def explanation_from_data(data: Mapping | None, *, score: float | None = None) -> Explanation | None:
    """A kept explanation read back; None when there is none (a coordinator's own proposal keeps `{}`).

    Keys this version does not know are ignored. A kept explanation always has its score; without one,
    the proposal's `score` stands in, and 0.0 when that is unknown too."""
    if not data:
        return None
    known = {item.name for item in dataclasses.fields(Explanation)}
    values = {name: value for name, value in data.items() if name in known}
    values.setdefault("score", score or 0.0)
    return Explanation(**values)


def language_name(code: str) -> str:
    """ "French" for "fr", in the reader's language; an unknown code as it is."""
    return str(Language(code).label) if code in Language.values else code


def explanation_reasons(
    explanation: Explanation, *, expertise_labels: Mapping[str, str], passages_shown: bool = True
) -> list[str]:
    """What fits, in short sentences a coordinator can check in ten seconds; what is missing is in
    `explanation_gaps`. `passages_shown`: whether the reader sees the highlighted passages beside them."""
    reasons = []
    if explanation.expertise_matched:
        labels = ", ".join(expertise_labels.get(code, code) for code in explanation.expertise_matched)
        reasons.append(_("Shared expertise: %(labels)s.") % {"labels": labels})
    if explanation.highlights:
        reasons.append(
            _("Their texts describe the same work (see the highlighted passages).")
            if passages_shown
            else _("Their texts describe the same work.")
        )
    if explanation.region_fit is True:
        reasons.append(_("Present in the region of the work."))
    if explanation.certifications_present:
        reasons.append(
            _("Certifications held: %(names)s.") % {"names": ", ".join(explanation.certifications_present)}
        )
    if explanation.sme_eligible is True:
        reasons.append(_("Eligible as an SME."))
    return reasons


def explanation_gaps(explanation: Explanation) -> list[str]:
    """What is missing, in short sentences: each one lowered the rank without excluding the match."""
    gaps = []
    if explanation.region_fit is False:
        gaps.append(_("Not present in the region of the work."))
    if explanation.languages_missing:
        gaps.append(
            _("Cannot deliver in: %(languages)s.")
            % {"languages": ", ".join(language_name(code) for code in explanation.languages_missing)}
        )
    if explanation.certifications_missing:
        gaps.append(
            _("Certifications missing: %(names)s.") % {"names": ", ".join(explanation.certifications_missing)}
        )
    if explanation.sme_eligible is False:
        gaps.append(_("Above the SME ceiling."))
    return gaps


def explanation_not_proposed(explanation: Explanation, *, top: int) -> str:
    """Why the matcher did not propose the firm, in one sentence; empty when it would have."""
    if explanation.not_proposed == NotProposed.BELOW_TOP:
        return _("Not proposed by the matcher: ranked below its top %(top)s for this challenge.") % {
            "top": top
        }
    if explanation.not_proposed == NotProposed.UNRELATED:
        return _(
            "Not proposed by the matcher: the firm's texts and expertise share nothing with the challenge's."
        )
    return ""


def explanation_ineligible(explanation: Explanation) -> bool:
    """Whether a gap falls on a mandatory requirement: the firm may not answer the challenge."""
    return bool(explanation.requirements_missing)


# A vendor's strength for a challenge: its score's share of the best score a vendor could reach for that
# challenge, at least this much for each level (docs/matching.md).
STRENGTH_LEVELS = [
    (0.75, gettext_lazy("Very strong match")),
    (0.5, gettext_lazy("Strong match")),
    (0.25, gettext_lazy("Fair match")),
]


def best_vendor_score(explanation: Explanation) -> float:
    """The most a vendor could score for the challenge this explanation is about: its text matching
    fully, every expertise shared and every requirement met (matching.search.queries' weights)."""
    return (
        TEXT_WEIGHT
        + EXPERTISE_WEIGHT * len(explanation.expertise_matched + explanation.expertise_missing)
        + (REGION_WEIGHT if explanation.region_fit is not None else 0.0)
        + LANGUAGE_WEIGHT * len(explanation.languages_matched + explanation.languages_missing)
        + CERTIFICATION_WEIGHT * len(explanation.certifications_present + explanation.certifications_missing)
        # A challenge with a ceiling scores it for every firm under it (an older explanation has no "sme").
        + (SME_WEIGHT if "sme" in explanation.clause_scores or explanation.sme_eligible is False else 0.0)
    )


def match_strength(explanation: Explanation) -> str:
    """How well a vendor fits a challenge, in words, from its explanation before any section is hidden."""
    share = explanation.score / best_vendor_score(explanation)
    return str(next((label for floor, label in STRENGTH_LEVELS if share >= floor), _("Weak match")))
