import re
from pathlib import Path

from django.test import override_settings

from hub.checks import design_system_installed_check


def test_design_system_installed_check_passes_when_the_kit_is_installed():
    errors = design_system_installed_check(None)

    assert errors == []


def test_design_system_installed_check_says_how_to_install_a_missing_kit(tmp_path):
    with override_settings(DESIGN_SYSTEM_DIR=tmp_path / "missing"):
        errors = design_system_installed_check(None)

    assert [error.id for error in errors] == ["hub.E001"]
    assert "make frontend-deps" in errors[0].hint


def test_design_system_version_is_the_same_in_the_makefile_and_the_dockerfile():
    root = Path(__file__).resolve().parents[2]

    makefile_version = re.search(r"^SDG_VERSION := (\S+)$", (root / "Makefile").read_text(), re.M)
    dockerfile_version = re.search(r"^ARG SDG_VERSION=(\S+)$", (root / "Dockerfile").read_text(), re.M)

    assert makefile_version and dockerfile_version
    assert makefile_version.group(1) == dockerfile_version.group(1)
