"""Import and export of the `hub-catalog/1` interchange format (see docs/catalog-format.md)."""

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hub.models import Organization
from marketplace.models import (
    Challenge,
    Expertise,
    Region,
    RelevanceJudgment,
    Vendor,
    VendorReference,
)
from marketplace.signals import catalog_imported

FORMAT = "hub-catalog/1"


def _requirements(challenge: Challenge) -> dict:
    """A challenge's requirements as the format writes them. `mandatory` only when some requirement is: a file
    without it means every one is preferred, as files written before the flag existed do."""
    requirements = {
        "languages": challenge.required_languages,
        "certifications": challenge.required_certifications,
        "max_employees": challenge.max_employees,
        "on_site": challenge.on_site,
    }
    if challenge.mandatory_requirements:
        requirements["mandatory"] = challenge.mandatory_requirements
    return requirements


SECTIONS = ("taxonomy", "regions", "organizations", "vendors", "challenges", "judgments")


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, section: str, created: bool) -> None:
        target = self.created if created else self.updated
        target[section] = target.get(section, 0) + 1


class CatalogError(ValidationError):
    """A catalogue that cannot be imported; the message names the record."""


def _fail(where: str, message: str) -> CatalogError:
    return CatalogError(
        _("%(where)s: %(message)s") % {"where": where, "message": message}, code="invalid_catalog"
    )


def catalog_load(path: Path) -> dict:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise CatalogError(
            _("Cannot read the catalogue %(path)s: %(error)s") % {"path": path, "error": error.strerror},
            code="unreadable",
        ) from error
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise CatalogError(
            _("The catalogue is not valid JSON (line %(line)s, column %(column)s): %(error)s")
            % {"line": error.lineno, "column": error.colno, "error": error.msg},
            code="invalid_json",
        ) from error
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CatalogError(
            _('The catalogue\'s "format" must be "%(format)s".') % {"format": FORMAT}, code="invalid_format"
        )
    return data


class _Importer:
    def __init__(self, data: dict) -> None:
        self.data = data
        self.report = ImportReport()
        self.regions: dict[str, Region] = {}
        self.expertise: dict[str, Expertise] = {}
        self.organizations: dict[str, Organization] = {}
        self.vendors: dict[str, Vendor] = {}
        self.challenges: dict[str, Challenge] = {}

    def records(self, section: str, *, required: tuple[str, ...], key: str = "key"):
        items = self.data.get(section, [])
        if not isinstance(items, list):
            raise _fail(section, _("this section must be a list."))
        seen: set = set()
        for index, item in enumerate(items):
            where = f"{section}[{index}]"
            if not isinstance(item, dict):
                raise _fail(where, _("each record must be an object."))
            missing = [name for name in required if name not in item]
            if missing:
                raise _fail(where, _("missing field(s): %(fields)s.") % {"fields": ", ".join(missing)})
            record_key = item[key] if key else (item["challenge"], item["vendor"])
            if key:
                where = f'{section}[{index}] ({key} "{record_key}")'
            if record_key in seen:
                raise _fail(where, _("duplicate key; keys must be unique within a section."))
            seen.add(record_key)
            yield where, item

    def codes(self, where: str, values, table: dict, label: str) -> list:
        if not isinstance(values, list):
            raise _fail(where, _("%(label)s must be a list of codes.") % {"label": label})
        unknown = [value for value in values if value not in table]
        if unknown:
            raise _fail(
                where,
                _("unknown %(label)s code(s): %(codes)s.")
                % {"label": label, "codes": ", ".join(map(str, unknown))},
            )
        return [table[value] for value in values]

    def save(self, where: str, instance, *, exclude: list[str] | None = None) -> None:
        try:
            instance.full_clean(exclude=exclude, validate_unique=False)
        except ValidationError as error:
            details = (
                "; ".join(f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items())
                if hasattr(error, "error_dict")
                else " ".join(error.messages)
            )
            raise _fail(where, details) from error
        instance.save()

    def labels(self, section: str, model, table: dict) -> None:
        existing = {item.code: item for item in model.objects.all()}
        for where, item in self.records(section, required=("code", "fr", "en"), key="code"):
            instance = existing.get(item["code"]) or model(code=item["code"])
            created = instance.pk is None
            instance.label_fr, instance.label_en = item["fr"], item["en"]
            self.save(where, instance)
            table[item["code"]] = instance
            self.report.count(section, created)
        for code, instance in existing.items():
            table.setdefault(code, instance)

    def run(self) -> ImportReport:
        self.labels("regions", Region, self.regions)
        self.labels("taxonomy", Expertise, self.expertise)
        self.import_organizations()
        self.import_vendors()
        self.import_challenges()
        self.import_judgments()
        return self.report

    def import_organizations(self) -> None:
        existing = {item.key: item for item in Organization.objects.all()}
        for where, item in self.records("organizations", required=("key", "name", "kind")):
            organization = existing.get(item["key"]) or Organization(key=item["key"])
            created = organization.pk is None
            organization.name, organization.kind = item["name"], item["kind"]
            region = item.get("region")
            organization.region = (
                self.codes(where, [region], self.regions, _("region"))[0] if region else None
            )
            self.save(where, organization)
            self.organizations[item["key"]] = organization
            self.report.count("organizations", created)
        for key, organization in existing.items():
            self.organizations.setdefault(key, organization)

    def import_vendors(self) -> None:
        existing = {item.key: item for item in Vendor.objects.all()}
        neq_owner = {vendor.neq: vendor.key for vendor in existing.values()}
        for where, item in self.records("vendors", required=("key", *Vendor.REQUIRED_PROFILE_FIELDS)):
            neq = str(item["neq"])
            if neq_owner.get(neq, item["key"]) != item["key"]:
                raise _fail(where, _("NEQ %(neq)s already belongs to another vendor.") % {"neq": neq})
            neq_owner[neq] = item["key"]
            vendor = existing.get(item["key"]) or Vendor(key=item["key"], is_verified=True)
            created = vendor.pk is None
            vendor.name, vendor.neq, vendor.description = item["name"], neq, item["description"]
            vendor.languages, vendor.employees, vendor.founded = (
                item["languages"],
                item["employees"],
                item["founded"],
            )
            vendor.certifications = item.get("certifications", [])
            regions = self.codes(where, item["regions"], self.regions, _("region"))
            expertise = self.codes(where, item["expertise"], self.expertise, _("expertise"))
            self.save(where, vendor)
            if created:
                # Nothing to replace yet: adding without reading the current rows first saves three
                # queries per new vendor, most of a large import's time.
                vendor.regions.add(*regions)
                vendor.expertise.add(*expertise)
            else:
                vendor.regions.set(regions)
                vendor.expertise.set(expertise)
                vendor.references.all().delete()
            references = item.get("references", [])
            if not isinstance(references, list):
                raise _fail(where, _("references must be a list."))
            for number, reference in enumerate(references):
                if not isinstance(reference, dict):
                    raise _fail(f"{where} references[{number}]", _("each record must be an object."))
                fields = {name: reference.get(name) for name in ("client", "title", "year")}
                self.save(
                    f"{where} references[{number}]",
                    VendorReference(vendor=vendor, summary=reference.get("summary", ""), **fields),
                    # Saved just above: checking that it exists costs a query per reference.
                    exclude=["vendor"],
                )
            self.vendors[item["key"]] = vendor
            self.report.count("vendors", created)
        for key, vendor in existing.items():
            self.vendors.setdefault(key, vendor)

    def import_challenges(self) -> None:
        existing = {item.key: item for item in Challenge.objects.all()}
        for where, item in self.records(
            "challenges", required=("key", "organization", *Challenge.REQUIRED_FIELDS)
        ):
            organization = self.organizations.get(item["organization"])
            if organization is None:
                raise _fail(where, _('unknown organization "%(key)s".') % {"key": item["organization"]})
            if item.get("currency", "CAD") != "CAD":
                raise _fail(where, _("only amounts in CAD are supported."))
            requirements = item.get("requirements") or {}
            if not isinstance(requirements, dict):
                raise _fail(where, _("requirements must be an object."))
            challenge = existing.get(item["key"]) or Challenge(
                key=item["key"], status=Challenge.Status.PUBLISHED, published_at=timezone.now()
            )
            created = challenge.pk is None
            challenge.organization, challenge.title = organization, item["title"]
            challenge.description, challenge.language = item["description"], item["language"]
            try:
                challenge.budget_min = Decimal(str(item["budget_min"]))
                challenge.budget_max = Decimal(str(item["budget_max"]))
                challenge.deadline = date.fromisoformat(str(item["deadline"]))
            except (InvalidOperation, ValueError) as error:
                raise _fail(where, _("invalid budget or deadline (use numbers and YYYY-MM-DD).")) from error
            challenge.required_languages = requirements.get("languages", [])
            challenge.required_certifications = requirements.get("certifications", [])
            challenge.max_employees = requirements.get("max_employees")
            challenge.on_site = bool(requirements.get("on_site", False))
            # Optional: a file written before the flag existed makes every requirement a preference.
            challenge.mandatory_requirements = requirements.get("mandatory", [])
            regions = self.codes(where, item.get("regions", []), self.regions, _("region"))
            expertise = self.codes(where, item["expertise"], self.expertise, _("expertise"))
            self.save(where, challenge)
            challenge.regions.set(regions)
            challenge.expertise.set(expertise)
            self.challenges[item["key"]] = challenge
            self.report.count("challenges", created)
        for key, challenge in existing.items():
            self.challenges.setdefault(key, challenge)

    def import_judgments(self) -> None:
        existing = {(j.challenge_id, j.vendor_id): j for j in RelevanceJudgment.objects.all()}
        for where, item in self.records("judgments", required=("challenge", "vendor", "grade"), key=""):
            challenge = self.challenges.get(item["challenge"])
            vendor = self.vendors.get(item["vendor"])
            if challenge is None or vendor is None:
                raise _fail(
                    where,
                    _('unknown challenge "%(challenge)s" or vendor "%(vendor)s".')
                    % {"challenge": item["challenge"], "vendor": item["vendor"]},
                )
            if item["grade"] not in (0, 1, 2, 3):
                raise _fail(where, _("grade must be 0, 1, 2 or 3."))
            judgment = existing.get((challenge.pk, vendor.pk)) or RelevanceJudgment(
                challenge=challenge, vendor=vendor
            )
            created = judgment.pk is None
            judgment.grade = item["grade"]
            judgment.save()
            self.report.count("judgments", created)


@transaction.atomic
def catalog_import(*, data: dict) -> ImportReport:
    """Upsert a whole catalogue by key, in one transaction: on any error nothing is written.

    The search index is rebuilt once after commit rather than record by record."""
    report = _Importer(data).run()
    catalog_imported.send(sender=Vendor)
    return report


def catalog_export() -> dict:
    def labels(queryset) -> list[dict]:
        return [
            {"code": item.code, "fr": item.label_fr, "en": item.label_en}
            for item in queryset.order_by("code")
        ]

    def codes(related) -> list[str]:
        return sorted(item.code for item in related.all())

    vendors = Vendor.objects.prefetch_related("regions", "expertise", "references").order_by("key")
    challenges = Challenge.objects.select_related("organization").prefetch_related("regions", "expertise")
    return {
        "format": FORMAT,
        "taxonomy": labels(Expertise.objects),
        "regions": labels(Region.objects),
        "organizations": [
            {"key": o.key, "name": o.name, "kind": o.kind, "region": o.region.code if o.region else None}
            for o in Organization.objects.select_related("region").order_by("key")
        ],
        "vendors": [
            {
                "key": v.key,
                "name": v.name,
                "neq": v.neq,
                "description": v.description,
                "languages": v.languages,
                "regions": codes(v.regions),
                "employees": v.employees,
                "founded": v.founded,
                "expertise": codes(v.expertise),
                "certifications": v.certifications,
                "references": [
                    {"client": r.client, "title": r.title, "summary": r.summary, "year": r.year}
                    for r in v.references.all()
                ],
            }
            for v in vendors
        ],
        "challenges": [
            {
                "key": c.key,
                "organization": c.organization.key,
                "title": c.title,
                "description": c.description,
                "language": c.language,
                "expertise": codes(c.expertise),
                "regions": codes(c.regions),
                "budget_min": _number(c.budget_min),
                "budget_max": _number(c.budget_max),
                "currency": c.currency,
                "deadline": c.deadline.isoformat(),
                "requirements": _requirements(c),
            }
            for c in challenges.order_by("key")
        ],
        "judgments": [
            {"challenge": j.challenge.key, "vendor": j.vendor.key, "grade": j.grade}
            for j in RelevanceJudgment.objects.select_related("challenge", "vendor").order_by(
                "challenge__key", "vendor__key"
            )
        ],
    }


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)
