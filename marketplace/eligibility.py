"""Whether a firm may answer a challenge: the one place that decides it, for the pages, the API and the
services (the matcher's query builders apply the same rules in the engine: matching.search.queries).

A pure function over the two objects: nothing here writes, and nothing but the objects' own relations
is read."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from marketplace.models import Challenge, Language, Requirement, Vendor


@dataclass(frozen=True)
class MissingRequirement:
    """A mandatory requirement of a challenge that a firm fails, and the sentence that says so."""

    requirement: str  # A Requirement.
    message: str


def _language_names(codes: list[str]) -> str:
    """As written inside a sentence: "French", « français » (the same words as the pages' language_in_sentence)."""
    names = {
        Language.FRENCH: pgettext("language name inside a sentence", "French"),
        Language.ENGLISH: pgettext("language name inside a sentence", "English"),
    }
    return ", ".join(names.get(code, code) for code in codes)


def challenge_requirements_missing(challenge: Challenge, vendor: Vendor) -> list[MissingRequirement]:
    """Each mandatory requirement of `challenge` that `vendor` fails, in the form's order; empty: eligible."""
    missing = []
    mandatory = set(challenge.mandatory_requirements)
    if Requirement.LANGUAGES in mandatory:
        languages = [code for code in challenge.required_languages if code not in vendor.languages]
        if languages:
            missing.append(
                MissingRequirement(
                    Requirement.LANGUAGES,
                    _(
                        "The challenge requires delivery in %(languages)s; the firm's profile does not offer it."
                    )
                    % {"languages": _language_names(languages)},
                )
            )
    if Requirement.CERTIFICATIONS in mandatory:
        certifications = [
            name for name in challenge.required_certifications if name not in vendor.certifications
        ]
        if certifications:
            missing.append(
                MissingRequirement(
                    Requirement.CERTIFICATIONS,
                    _("The challenge requires certifications the firm's profile does not list: %(names)s.")
                    % {"names": ", ".join(certifications)},
                )
            )
    if Requirement.REGIONS in mandatory:
        regions = {region.code: region.label for region in challenge.regions.all()}
        served = {region.code for region in vendor.regions.all()}
        if regions and not served & regions.keys():
            missing.append(
                MissingRequirement(
                    Requirement.REGIONS,
                    _("The work is in %(regions)s, and the firm serves none of these regions.")
                    % {"regions": ", ".join(regions.values())},
                )
            )
    if (
        Requirement.MAX_EMPLOYEES in mandatory
        and challenge.max_employees is not None
        and vendor.employees > challenge.max_employees
    ):
        missing.append(
            MissingRequirement(
                Requirement.MAX_EMPLOYEES,
                ngettext(
                    "The challenge is reserved for firms of at most %(count)d employee.",
                    "The challenge is reserved for firms of at most %(count)d employees.",
                    challenge.max_employees,
                )
                % {"count": challenge.max_employees},
            )
        )
    return missing
