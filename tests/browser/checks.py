"""What every page the browser tests show must pass, whatever the test is about: axe-core finds no serious or
critical violation on a desktop screen nor on a 390 px phone, and the phone never scrolls sideways."""

from pathlib import Path

from playwright.sync_api import Page

AXE = Path(__file__).resolve().parents[2] / ".var" / "node" / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def accessibility_violations(page: Page) -> list[dict]:
    """axe-core's serious and critical violations on the current page."""
    # Evaluated by the browser's debugging protocol, which the site's Content-Security-Policy does not
    # apply to; a <script> tag added to the page would be refused as inline code.
    page.evaluate(AXE.read_text())
    results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def layout_problems(page: Page) -> list[str]:
    """The page's accessibility violations at each size, and sideways scrolling on the phone."""
    problems = []
    original = page.viewport_size
    try:
        for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            problems += [f"axe ({label}): {violation}" for violation in accessibility_violations(page)]
        width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width > viewport:
            problems.append(f"scrolls sideways on a phone: {width} px for {viewport} px")
    finally:
        page.set_viewport_size(original)
    return problems
