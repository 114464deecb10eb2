"""The pages every footer links to: the accessibility statement, the privacy policy, the terms of use and how
to reach the Centre's team. Their contact details come from settings (MAILLAGE_CONTACT), never from the
templates."""

import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from hub.formats import clock_time, long_date
from hub.security import KNOWN_ADDRESS_DAYS

# The day the accessibility statement's evaluation was last made (its method is on the page); change it
# with the statement whenever the evaluation is made again.
ACCESSIBILITY_EVALUATED_ON = datetime.date(2026, 12, 7)


def accessibility(request: HttpRequest) -> HttpResponse:
    return _about_page(
        request,
        "frontend/about/accessibility.html",
        title=_("Accessibility statement"),
        evaluated_on=long_date(ACCESSIBILITY_EVALUATED_ON),
        evaluated_on_iso=ACCESSIBILITY_EVALUATED_ON.isoformat(),
    )


def privacy_policy(request: HttpRequest) -> HttpResponse:
    return _about_page(
        request,
        "frontend/about/privacy.html",
        title=_("Privacy policy"),
        hosting=settings.MAILLAGE_HOSTING,
        api_token_days=settings.API_TOKEN_LIFETIME_DAYS,
        lockout_minutes=settings.LOGIN_LOCKOUT_MINUTES,
        known_address_days=KNOWN_ADDRESS_DAYS,
        session_days=settings.SESSION_COOKIE_AGE // (24 * 60 * 60),
        email_confirmation_days=settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS,
    )


def terms_of_use(request: HttpRequest) -> HttpResponse:
    return _about_page(request, "frontend/about/terms.html", title=_("Terms of use"))


def contact(request: HttpRequest) -> HttpResponse:
    return _about_page(request, "frontend/about/contact.html", title=_("Contact us"))


def _about_page(request: HttpRequest, template: str, *, title: str, **context) -> HttpResponse:
    """Every about page knows how to reach the team, and the version of the policy and the terms."""
    contact = settings.MAILLAGE_CONTACT
    version = settings.PRIVACY_POLICY_VERSION
    return render(
        request,
        template,
        {
            "title": title,
            "contact": contact,
            "opens": clock_time(datetime.time.fromisoformat(contact["opens"])),
            "closes": clock_time(datetime.time.fromisoformat(contact["closes"])),
            "policy_version": version,
            "policy_date": long_date(datetime.date.fromisoformat(version)),
            **context,
        },
    )
