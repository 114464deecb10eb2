"""The layout's rules (STYLE.md), checked on the source: a change that breaks one fails here, not in review."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Dependencies point one way: an app imports only the apps to its left.
CHAIN = ["hub", "marketplace", "matching", "frontend"]


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module)
    return modules


def _sources(app: str) -> list[Path]:
    return sorted(path for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts)


@pytest.mark.parametrize("app", CHAIN)
def test_app_imports_only_apps_to_its_left(app):
    forbidden = CHAIN[CHAIN.index(app) + 1 :]

    offenders = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in _sources(app)
        for module in _imported_modules(path)
        if module.split(".")[0] in forbidden
    ]

    assert offenders == []


@pytest.mark.parametrize("app", CHAIN[:-1])
def test_services_and_selectors_know_nothing_of_http(app):
    domain = [
        path
        for path in _sources(app)
        if any(part.startswith(("services", "selectors")) for part in path.relative_to(ROOT / app).parts)
    ]

    offenders = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path in domain
        for module in _imported_modules(path)
        if module.split(".")[0] == "rest_framework"
    ]

    assert domain
    assert offenders == []


@pytest.mark.parametrize("app", CHAIN)
def test_app_says_what_lives_in_it(app):
    module = ast.parse((ROOT / app / "__init__.py").read_text())

    assert ast.get_docstring(module)
