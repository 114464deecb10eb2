"""System checks: the site refuses to start without what its pages need."""

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register


@register(Tags.staticfiles)
def design_system_installed_check(app_configs, **kwargs) -> list[CheckMessage]:
    """Every page loads the design system's stylesheet and web components (hub/settings.py
    DESIGN_SYSTEM_DIR): without them the header, footer and forms are unstyled and unusable."""
    if (settings.DESIGN_SYSTEM_DIR / "css" / "qc-sdg.min.css").is_file():
        return []
    return [
        Error(
            f"The Québec government design system (qc-trousse-sdg) is missing from {settings.DESIGN_SYSTEM_DIR}.",
            hint="Run make frontend-deps, which installs it from npm.",
            id="hub.E001",
        )
    ]
