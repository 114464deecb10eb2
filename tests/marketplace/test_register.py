import datetime
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from marketplace.models import EmployeeRange, EnterpriseRegisterEntry
from marketplace.register import COLUMNS
from tests.conftest import SAMPLE_REGISTER

pytestmark = pytest.mark.django_db

HEADER = ",".join(COLUMNS)
GOOD_LINE = "1199999993,Nouvelle Firme inc.,,Immatriculée,2020-01-31,G1R 4P5,11 à 25,541510"


def write_extract(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "extract.csv"
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def test_import_enterprise_register_loads_the_sample_extract():
    call_command("import_enterprise_register", SAMPLE_REGISTER, "--extract-date", "2026-12-01")

    entry = EnterpriseRegisterEntry.objects.get(neq="1199000045")
    assert EnterpriseRegisterEntry.objects.count() == 31
    assert entry.legal_name == "Logiciels Estuaire ltée"
    assert entry.other_names == ["Estuaire Logiciels", "Estuary Software"]
    assert entry.status == EnterpriseRegisterEntry.Status.REGISTERED
    assert entry.postal_code == "G5L 2Z8"
    assert (entry.employees_range, entry.employees_min, entry.employees_max) == ("50 à 99", 50, 99)
    assert entry.extract_date == datetime.date(2026, 12, 1)


def test_import_enterprise_register_normalizes_the_postal_code_and_reads_a_struck_off_status(tmp_path):
    path = write_extract(tmp_path, "1199999993,Firme radiée,,Radiée d'office,2024-05-31,h2x1y4,1 à 5,")

    call_command("import_enterprise_register", path)

    entry = EnterpriseRegisterEntry.objects.get()
    assert entry.postal_code == "H2X 1Y4"
    assert entry.is_struck_off


@pytest.mark.parametrize(
    ("label", "bounds"),
    [
        ("100 à 249", (100, 249)),
        ("1 000 à 2 499", (1000, 2499)),
        ("5 000 et plus", (5000, None)),
        ("Aucun", (0, 0)),
    ],
)
def test_employee_range_bounds_reads_the_register_s_labels(label, bounds):
    assert EmployeeRange.bounds(label) == bounds


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("119999999,Firme,,Immatriculée,2020-01-31,G1R 4P5,11 à 25,", "NEQ “119999999” is not 10 digits"),
        ("11999999A3,Firme,,Immatriculée,2020-01-31,G1R 4P5,11 à 25,", "is not 10 digits"),
        ("1199999993,,,Immatriculée,2020-01-31,G1R 4P5,11 à 25,", "the legal name is empty"),
        ("1199999993,Firme,,Fermée,2020-01-31,G1R 4P5,11 à 25,", "the status “Fermée” is not one of"),
        ("1199999993,Firme,,Immatriculée,31/01/2020,G1R 4P5,11 à 25,", "status date “31/01/2020”"),
        ("1199999993,Firme,,Immatriculée,2020-02-30,G1R 4P5,11 à 25,", "status date “2020-02-30”"),
        ("1199999993,Firme,,Immatriculée,2020-01-31,G1R 4P,11 à 25,", "postal code “G1R 4P”"),
        ("1199999993,Firme,,Immatriculée,2020-01-31,12345,11 à 25,", "postal code “12345”"),
        ("1199999993,Firme,,Immatriculée,2020-01-31,G1R 4P5,10 à 20,", "employee range “10 à 20”"),
        ("1199999993,Firme,,Immatriculée,2020-01-31,G1R 4P5,11 à 25", "has 7 columns instead of 8"),
        ("1199999993,Firme,,Immatriculée,2020-01-31,G1R 4P5,11 à 25,541510,extra", "has 9 columns"),
        (GOOD_LINE, "the NEQ 1199999993 appears twice"),
    ],
)
def test_import_enterprise_register_refuses_a_malformed_line_naming_it(tmp_path, line, problem):
    path = write_extract(tmp_path, GOOD_LINE, line)

    with pytest.raises(CommandError) as error, translation.override("en"):
        call_command("import_enterprise_register", path)

    assert str(error.value).startswith("Line 3 of the extract:")
    assert problem in str(error.value)
    assert not EnterpriseRegisterEntry.objects.exists()


def test_import_enterprise_register_refuses_a_header_without_the_columns(tmp_path):
    path = tmp_path / "extract.csv"
    path.write_text("neq,name\n1199999993,Firme\n", encoding="utf-8")

    with (
        pytest.raises(CommandError, match="lacks the columns legal_name, other_names"),
        translation.override("en"),
    ):
        call_command("import_enterprise_register", path)


def test_import_enterprise_register_refuses_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "extract.csv"
    path.write_bytes(f"{HEADER}\n{GOOD_LINE}\n".encode("cp1252"))

    with pytest.raises(CommandError, match="Line 2 .* is not UTF-8 text"), translation.override("en"):
        call_command("import_enterprise_register", path)


def test_import_enterprise_register_says_the_problem_in_french(tmp_path):
    path = write_extract(tmp_path, "1199999993,Firme,,Immatriculée,2020-01-31,G1R 4P5,10 à 20,")

    with pytest.raises(CommandError) as error, translation.override("fr"):
        call_command("import_enterprise_register", path)

    assert str(error.value).startswith("Ligne 2 de l’extrait\u00a0:")
    assert "«\u00a010 à 20\u00a0»" in str(error.value)


def test_import_enterprise_register_changes_nothing_when_a_later_line_is_malformed(
    tmp_path, register_extract
):
    before = set(EnterpriseRegisterEntry.objects.values_list("neq", "legal_name", "imported_at"))
    path = write_extract(tmp_path, GOOD_LINE, "1199999985,Autre,,Immatriculée,2020-01-31,G1R 4P5,beaucoup,")

    with pytest.raises(CommandError, match="Line 3"), translation.override("en"):
        call_command("import_enterprise_register", path)

    assert set(EnterpriseRegisterEntry.objects.values_list("neq", "legal_name", "imported_at")) == before
    assert not EnterpriseRegisterEntry.objects.filter(neq="1199999993").exists()


def test_import_enterprise_register_replaces_the_previous_extract(tmp_path, register_extract):
    path = write_extract(tmp_path, GOOD_LINE)

    call_command("import_enterprise_register", path)

    assert list(EnterpriseRegisterEntry.objects.values_list("neq", flat=True)) == ["1199999993"]


# Several batches, streamed; docs/enterprise-register.md reports the rate measured on 100,000 lines.
GENERATED_LINES = 20_000


def test_import_enterprise_register_streams_a_large_extract_in_batches(tmp_path, capsys):
    path = tmp_path / "extract.csv"
    with path.open("w", encoding="utf-8") as extract:
        extract.write(HEADER + "\n")
        for number in range(GENERATED_LINES):
            extract.write(
                f"{1100000000 + number},Firme {number} inc.,,Immatriculée,2020-01-31,H2X 1Y4,11 à 25,\n"
            )

    started = time.perf_counter()
    call_command("import_enterprise_register", path)
    elapsed = time.perf_counter() - started

    assert EnterpriseRegisterEntry.objects.count() == GENERATED_LINES
    with capsys.disabled():
        print(f"\nimport_enterprise_register: {GENERATED_LINES / elapsed:,.0f} lines/s")
    assert elapsed < 60


def test_enterprise_register_admin_finds_a_firm_by_neq_and_changes_nothing(admin_client, register_extract):
    changelist = reverse("admin:marketplace_enterpriseregisterentry_changelist")

    response = admin_client.get(changelist, {"q": "1199000045"})
    refused = admin_client.post(
        reverse(
            "admin:marketplace_enterpriseregisterentry_delete",
            args=[EnterpriseRegisterEntry.objects.first().pk],
        ),
        {"post": "yes"},
    )

    assert response.status_code == 200 and "Logiciels Estuaire ltée" in response.content.decode()
    assert refused.status_code == 403
    assert EnterpriseRegisterEntry.objects.count() == register_extract
