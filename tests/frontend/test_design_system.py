"""The pages use the design system's classes (docs/design-system.md), not the ones our stylesheet dropped."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    path for folder in ("frontend/templates", "hub/templates") for path in (ROOT / folder).rglob("*.html")
)
# Our former classes for what the kit now draws: its buttons (qc-button) and notices ({% notice %}).
DROPPED_CLASSES = re.compile(r'class="(?:[^"]*\s)?(button|button--[a-z]+|notice|notice--[a-z]+|message)[\s"]')


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(ROOT)))
def test_template_uses_no_class_the_design_system_replaced(template):
    text = template.read_text()

    dropped = DROPPED_CLASSES.findall(text)

    assert dropped == [], (
        f"Use the kit's qc-button classes or {{% notice %}} instead of {sorted(set(dropped))}."
    )
