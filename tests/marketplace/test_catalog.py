import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from hub.models import Organization
from marketplace.models import Challenge, Expertise, Region, RelevanceJudgment, Vendor

DEV_CATALOG = Path(__file__).resolve().parents[2] / "marketplace" / "fixtures" / "catalog-dev.json"
MODELS = [Region, Expertise, Organization, Vendor, Challenge, RelevanceJudgment]

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def write_catalog(tmp_path: Path, mutate) -> Path:
    data = json.loads(DEV_CATALOG.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def normalized(data: dict) -> dict:
    """Catalogue content with list order removed where the format gives it no meaning."""

    def sort_codes(record: dict) -> dict:
        return {k: sorted(v) if k in {"regions", "expertise"} else v for k, v in record.items()}

    return {
        section: sorted(json.dumps(sort_codes(r), sort_keys=True) for r in data.get(section, []))
        for section in ("taxonomy", "regions", "organizations", "vendors", "challenges", "judgments")
    }


def test_import_catalog_loads_every_section():
    call_command("import_catalog", str(DEV_CATALOG))

    assert counts() == {
        "Region": 17,
        "Expertise": 22,
        "Organization": 16,
        "Vendor": 240,
        "Challenge": 30,
        "RelevanceJudgment": 399,
    }
    assert Challenge.objects.filter(status=Challenge.Status.PUBLISHED).count() == 30


def test_import_catalog_twice_creates_nothing_new():
    call_command("import_catalog", str(DEV_CATALOG))
    before = counts()

    call_command("import_catalog", str(DEV_CATALOG))

    assert counts() == before


def test_export_then_import_round_trips(tmp_path):
    call_command("import_catalog", str(DEV_CATALOG))
    exported = tmp_path / "exported.json"

    call_command("export_catalog", str(exported))

    assert normalized(json.loads(exported.read_text(encoding="utf-8"))) == normalized(
        json.loads(DEV_CATALOG.read_text(encoding="utf-8"))
    )


def test_import_catalog_updates_a_changed_record_by_key(tmp_path):
    call_command("import_catalog", str(DEV_CATALOG))
    path = write_catalog(tmp_path, lambda data: data["vendors"][0].update(employees=77))

    call_command("import_catalog", str(path))

    assert Vendor.objects.get(key="v-0001").employees == 77
    assert Vendor.objects.count() == 240


def test_import_catalog_reports_bad_json_with_its_line(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{\n  "format": "hub-catalog/1",\n  "vendors": [\n    {"key": "v-1",}\n  ]\n}\n')

    with pytest.raises(CommandError, match="(line|ligne) 4"):
        call_command("import_catalog", str(path))


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["vendors"][5]["expertise"].append("quantum"), r'vendors\[5\] \(key "v-0006"\).*quantum'),
        (lambda d: d["vendors"][7].update(neq="12345"), r'vendors\[7\] \(key "v-0008"\).*NEQ'),
        (
            lambda d: d["vendors"].append(dict(d["vendors"][0])),
            r'vendors\[240\] \(key "v-0001"\).*(duplicate|double)',
        ),
        (lambda d: d["challenges"][2].update(organization="org-nowhere"), r"challenges\[2\].*org-nowhere"),
        (lambda d: d["challenges"][0].update(budget_min=900, budget_max=100), r"challenges\[0\].*budget"),
        (lambda d: d["judgments"].append({"challenge": "c-001", "vendor": "v-9999", "grade": 2}), r"v-9999"),
        (lambda d: d.update(format="other/2"), "hub-catalog/1"),
        (
            lambda d: d["challenges"][1]["requirements"].update(mandatory=["budget"]),
            r"challenges\[1\].*mandatory_requirements",
        ),
    ],
    ids=[
        "unknown-taxonomy-code",
        "invalid-neq",
        "duplicate-key",
        "dangling-organization",
        "budget-range",
        "dangling-judgment",
        "wrong-format",
        "unknown-mandatory-requirement",
    ],
)
def test_import_catalog_refuses_inconsistent_file_and_writes_nothing(tmp_path, mutate, expected):
    path = write_catalog(tmp_path, mutate)

    with pytest.raises(CommandError, match=expected):
        call_command("import_catalog", str(path))

    assert set(counts().values()) == {0}


def test_import_catalog_failure_leaves_earlier_data_unchanged(tmp_path):
    call_command("import_catalog", str(DEV_CATALOG))
    before = counts()

    def mutate(data):
        data["vendors"][0]["employees"] = 999
        data["vendors"][100]["regions"] = ["99"]

    with pytest.raises(CommandError, match="99"):
        call_command("import_catalog", str(write_catalog(tmp_path, mutate)))

    assert counts() == before
    assert Vendor.objects.get(key="v-0001").employees != 999


def test_import_catalog_makes_every_requirement_preferred_without_the_mandatory_flag():
    call_command("import_catalog", str(DEV_CATALOG))

    assert not Challenge.objects.exclude(mandatory_requirements=[]).exists()


def test_import_catalog_reads_the_mandatory_requirements(tmp_path):
    path = write_catalog(
        tmp_path, lambda d: d["challenges"][0]["requirements"].update(mandatory=["languages", "regions"])
    )

    call_command("import_catalog", str(path))

    assert Challenge.objects.get(key="c-001").mandatory_requirements == ["languages", "regions"]


def test_export_catalog_writes_the_mandatory_requirements(tmp_path):
    call_command("import_catalog", str(DEV_CATALOG))
    Challenge.objects.filter(key="c-001").update(mandatory_requirements=["max_employees"])
    exported = tmp_path / "exported.json"

    call_command("export_catalog", str(exported))

    challenges = {c["key"]: c for c in json.loads(exported.read_text(encoding="utf-8"))["challenges"]}
    assert challenges["c-001"]["requirements"]["mandatory"] == ["max_employees"]
    assert "mandatory" not in challenges["c-002"]["requirements"]
