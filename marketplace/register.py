"""Import of the Quebec enterprise register's extract (the CSV described in docs/enterprise-register.md)."""

import csv
import datetime
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.models import EmployeeRange, EnterpriseRegisterEntry

COLUMNS = (
    "neq",
    "legal_name",
    "other_names",
    "status",
    "status_date",
    "postal_code",
    "employees",
    "activity_code",
)
OTHER_NAMES_SEPARATOR = "|"
# The register writes the status in French; each maps to one of ours.
STATUSES = {
    "Immatriculée": EnterpriseRegisterEntry.Status.REGISTERED,
    "Radiée d'office": EnterpriseRegisterEntry.Status.STRUCK_OFF_EX_OFFICIO,
    "Radiée sur demande": EnterpriseRegisterEntry.Status.STRUCK_OFF_ON_REQUEST,
}
NEQ_PATTERN = re.compile(r"\d{10}")
# Canada Post's form: a letter, a digit, a letter, a space, a digit, a letter, a digit (D, F, I, O, Q, U never
# appear; W and Z never first). The space may be missing in the extract; we store it.
POSTAL_CODE_PATTERN = re.compile(r"([ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z]) ?(\d[ABCEGHJ-NPRSTV-Z]\d)")
BATCH_SIZE = 5000


class RegisterLineError(ValidationError):
    """A line of the extract that cannot be imported; the message names the line."""


def _line_error(number: int, problem: str) -> RegisterLineError:
    return RegisterLineError(
        _("Line %(number)s of the extract: %(problem)s Nothing was imported; correct the line and try again.")
        % {"number": number, "problem": problem},
        code="register_line_invalid",
    )


def register_entry_parse(row: dict[str, str | None], *, number: int) -> dict:
    """One CSV line as the model's fields; raises RegisterLineError naming the line and the problem."""
    if None in row.values() or None in row:
        raise _line_error(
            number, _("it has %(count)s columns instead of %(expected)s.") % _column_counts(row)
        )
    values = {name: (row.get(name) or "").strip() for name in COLUMNS}
    if not NEQ_PATTERN.fullmatch(values["neq"]):
        raise _line_error(number, _("the NEQ “%(value)s” is not 10 digits.") % {"value": values["neq"]})
    if not values["legal_name"]:
        raise _line_error(number, _("the legal name is empty."))
    status = STATUSES.get(values["status"])
    if status is None:
        raise _line_error(
            number,
            _("the status “%(value)s” is not one of: %(known)s.")
            % {"value": values["status"], "known": ", ".join(STATUSES)},
        )
    try:
        status_date = datetime.date.fromisoformat(values["status_date"])
    except ValueError:
        raise _line_error(
            number,
            _("the status date “%(value)s” is not a date of the form YYYY-MM-DD.")
            % {"value": values["status_date"]},
        ) from None
    postal_code = POSTAL_CODE_PATTERN.fullmatch(values["postal_code"].upper())
    if postal_code is None:
        raise _line_error(
            number,
            _("the postal code “%(value)s” is not of the form A1A 1A1.") % {"value": values["postal_code"]},
        )
    bounds = EmployeeRange.bounds(values["employees"])
    if bounds is None:
        raise _line_error(
            number,
            _("the employee range “%(value)s” is not one the register uses.")
            % {"value": values["employees"]},
        )
    return {
        "neq": values["neq"],
        "legal_name": values["legal_name"],
        "other_names": [
            name.strip() for name in values["other_names"].split(OTHER_NAMES_SEPARATOR) if name.strip()
        ],
        "status": status,
        "status_date": status_date,
        "postal_code": " ".join(postal_code.groups()),
        "employees_range": " ".join(values["employees"].split()),
        "employees_min": bounds[0],
        "employees_max": bounds[1],
        "activity_code": values["activity_code"],
    }


def _column_counts(row: dict) -> dict[str, int]:
    extra = len(row.get(None) or [])
    missing = sum(1 for value in row.values() if value is None)
    return {"count": len(COLUMNS) + extra - missing, "expected": len(COLUMNS)}


def _entries(lines: Iterable[str]) -> Iterator[dict]:
    reader = csv.DictReader(lines)
    missing = [name for name in COLUMNS if name not in (reader.fieldnames or [])]
    if missing:
        raise _line_error(1, _("the header lacks the columns %(columns)s.") % {"columns": ", ".join(missing)})
    seen: set[str] = set()
    for row in reader:
        number = reader.line_num
        entry = register_entry_parse(row, number=number)
        if entry["neq"] in seen:
            raise _line_error(number, _("the NEQ %(neq)s appears twice.") % {"neq": entry["neq"]})
        seen.add(entry["neq"])
        yield entry


@transaction.atomic
def register_import(*, lines: Iterable[str], extract_date: datetime.date) -> int:
    """Replace the stored extract with these CSV lines (header first), all or nothing: a malformed line
    raises RegisterLineError and leaves the stored extract as it was. Returns the number of entries."""
    EnterpriseRegisterEntry.objects.all().delete()
    imported_at = timezone.now()
    batch: list[EnterpriseRegisterEntry] = []
    count = 0
    for entry in _entries(lines):
        batch.append(EnterpriseRegisterEntry(**entry, extract_date=extract_date, imported_at=imported_at))
        if len(batch) >= BATCH_SIZE:
            EnterpriseRegisterEntry.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    EnterpriseRegisterEntry.objects.bulk_create(batch)
    return count + len(batch)


def register_import_file(*, path: Path, extract_date: datetime.date) -> int:
    with path.open("rb") as lines:
        return register_import(lines=_decoded(lines), extract_date=extract_date)


def _decoded(lines: Iterable[bytes]) -> Iterator[str]:
    """Each line as text, so that a line that is not UTF-8 is named (a spreadsheet's export often starts with a
    byte-order mark: utf-8-sig drops it)."""
    for number, line in enumerate(lines, start=1):
        try:
            yield line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            raise _line_error(number, _("it is not UTF-8 text.")) from None


# The registered office's region from its postal code's first characters. Canada Post's forward sortation areas
# do not follow the administrative regions' borders, so only prefixes that lie wholly inside one region are
# listed (docs/enterprise-register.md says why each holds); any other postal code gives no region rather
# than a guess. Longest prefix first.
REGION_BY_POSTAL_PREFIX = (
    ("H0", None),  # Scattered rural and special codes (Akwesasne, Canada Post's own): no one region.
    ("H7", "13"),  # Laval: the H7 areas are exactly the island of Laval.
    ("H", "06"),  # The other H areas are the island of Montréal.
    ("G1", "03"),  # The city of Québec.
    ("G2", "03"),  # The city of Québec.
)


def register_region_code(postal_code: str) -> str | None:
    """The administrative region's code of a postal code, when its prefix lies wholly in one region."""
    return next((code for prefix, code in REGION_BY_POSTAL_PREFIX if postal_code.startswith(prefix)), None)
