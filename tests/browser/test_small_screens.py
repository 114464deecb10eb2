"""The pages on a 390 px phone (issue 15): what a first-time user hit there. Tables stack instead of
scrolling sideways, every action stays in view, and the header with its menu leaves the screen to the page."""

import pytest
from playwright.sync_api import expect

from hub.models import User
from matching.models import Milestone
from tests import factories
from tests.browser.checks import PHONE, accessibility_violations

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.search, pytest.mark.browser]


def scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def in_view(locator) -> bool:
    """Whether the element lies inside the phone's width (without scrolling sideways)."""
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]


@pytest.fixture
def phone(page):
    page.set_viewport_size(PHONE)
    return page


@pytest.fixture
def lead(db) -> User:
    user = factories.UserFactory(first_name="Louise", last_name="Gagnon", role=User.Role.MINISTRY_MEMBER)
    organization = factories.OrganizationFactory(
        name="Ministère de la Cybersécurité et du Numérique", members=[user]
    )
    factories.ChallengeFactory(
        organization=organization, published=True, title="Migration vers le nuage gouvernemental"
    )
    return user


@pytest.fixture
def engagement(db):
    member = factories.UserFactory(role=User.Role.VENDOR_MEMBER)
    firm = factories.VendorFactory(name="Nuage Boréal inc.", members=[member])
    engagement = factories.EngagementFactory(
        introduction=factories.IntroductionFactory(proposal__vendor=firm, awarded=True)
    )
    factories.MilestoneFactory(
        engagement=engagement, title="Plan de migration", status=Milestone.Status.PLANNED
    )
    return engagement


def test_organization_dashboard_shows_the_next_step_without_scrolling_sideways(
    live_server, phone, lead, sign_in
):
    sign_in(phone, lead)

    phone.goto(f"{live_server.url}/fr/organization/")

    next_step = phone.locator("table tbody tr").first.locator("td").last  # The « Prochaine étape » column.
    expect(next_step).to_be_visible()
    assert in_view(next_step)
    assert not scrolls_sideways(phone)


def test_milestones_keep_mark_as_delivered_in_view(live_server, phone, engagement, sign_in):
    sign_in(phone, engagement.introduction.vendor.members.get())

    phone.goto(f"{live_server.url}/fr/sme/engagements/{engagement.pk}/")

    button = phone.get_by_role("button", name="Marquer comme livré")
    expect(button).to_be_visible()
    assert in_view(button)
    assert not scrolls_sideways(phone)
    assert "scrollable-region-focusable" not in {v["id"] for v in accessibility_violations(phone)}


def test_header_and_menu_take_at_most_a_fifth_of_the_screen(live_server, phone, lead, sign_in):
    sign_in(phone, lead)

    phone.goto(f"{live_server.url}/fr/organization/")

    menu = phone.get_by_role("navigation", name="Menu principal")
    expect(menu).to_be_visible()
    box = menu.bounding_box()
    assert box["y"] + box["height"] <= PHONE["height"] / 5 + 4  # Up to a few pixels of rounding.


def test_menu_folds_behind_its_button_on_a_phone(live_server, phone, lead, sign_in):
    sign_in(phone, lead)
    phone.goto(f"{live_server.url}/fr/organization/")
    toggle = phone.get_by_role("button", name="Menu")
    link = phone.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Nouveau défi")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(link).to_be_hidden()

    toggle.click()

    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(link).to_be_visible()


def test_menu_stays_open_without_javascript(live_server, browser, lead, sign_in):
    context = browser.new_context(viewport=PHONE, java_script_enabled=False, locale="fr-CA")
    page = context.new_page()
    sign_in(page, lead)

    page.goto(f"{live_server.url}/fr/organization/")

    expect(
        page.get_by_role("navigation", name="Menu principal").get_by_role("link", name="Nouveau défi")
    ).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_have_count(0)
    context.close()
