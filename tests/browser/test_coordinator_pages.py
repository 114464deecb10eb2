"""The coordinators' pages in a real browser: the queue with the keyboard only, publication, the dashboard."""

import dataclasses

import pytest
from playwright.sync_api import expect

from hub.models import User
from marketplace.models import Challenge
from matching.models import MatchProposal
from matching.search.explain import Explanation
from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.search, pytest.mark.browser]


def proposal(challenge: Challenge, rank: int, name: str) -> MatchProposal:
    explanation = Explanation(
        score=9.0 - rank,
        expertise_matched=["cloud"],
        highlights={"description": [f"{name} héberge des applications dans l'<mark>infonuagique</mark>."]},
        region_fit=True,
    )
    return factories.MatchProposalFactory(
        challenge=challenge,
        vendor=factories.VendorFactory(name=name),
        status=MatchProposal.Status.PENDING,
        rank=rank,
        score=explanation.score,
        explanation=dataclasses.asdict(explanation),
    )


@pytest.fixture
def coordinator_user(db) -> User:
    return factories.UserFactory(role=User.Role.COORDINATOR, first_name="Camille", last_name="Tremblay")


def test_a_coordinator_decides_the_queue_with_the_keyboard(
    live_server, page, check_page, coordinator_user, sign_in
):
    challenge = factories.ChallengeFactory(published=True, title="Migration vers le nuage gouvernemental")
    names = ["Nuage Boréal inc.", "Cumulus Conseil", "Stratus Numérique"]
    first, second, third = (proposal(challenge, rank, name) for rank, name in enumerate(names, start=1))
    sign_in(page, coordinator_user)

    page.goto(f"{live_server.url}/fr/coordination/")
    check_page(page, "coordinator-queue")

    expect(page.locator("[data-queue-shortcuts-help]")).to_be_visible()
    page.locator(f"#proposal-{first.pk}").focus()
    page.keyboard.press("a")

    expect(page.locator(f"#proposal-{first.pk}[data-queue-item-done]")).to_be_visible()
    expect(page.locator(f"#proposal-{second.pk}")).to_be_focused()
    page.keyboard.press("r")
    expect(page.locator(f"#id_reject_{second.pk}_reason")).to_be_focused()
    page.keyboard.type("Aucune référence dans le secteur public.")
    page.keyboard.press("Enter")

    expect(page.locator(f"#proposal-{second.pk}[data-queue-item-done]")).to_be_visible()
    expect(page.locator(f"#proposal-{third.pk}")).to_be_focused()
    expect(page.locator("#queue-results-title")).to_contain_text("1")
    first.refresh_from_db()
    second.refresh_from_db()
    third.refresh_from_db()
    assert first.status == MatchProposal.Status.APPROVED
    assert second.status == MatchProposal.Status.REJECTED
    assert second.reason == "Aucune référence dans le secteur public."
    assert third.status == MatchProposal.Status.PENDING
    assert page.locator("#queue-announcer").inner_text() != ""


def test_a_reject_without_reason_keeps_the_field_open_with_the_error(
    live_server, page, coordinator_user, sign_in
):
    challenge = factories.ChallengeFactory(published=True)
    only = proposal(challenge, 1, "Nuage Boréal inc.")
    sign_in(page, coordinator_user)
    page.goto(f"{live_server.url}/fr/coordination/")

    page.locator(f"#proposal-{only.pk}").focus()
    page.keyboard.press("r")
    page.keyboard.press("Enter")

    field = page.locator(f"#id_reject_{only.pk}_reason")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_be_focused()
    only.refresh_from_db()
    assert only.status == MatchProposal.Status.PENDING


def test_the_publication_requests_page_publishes_a_challenge(
    live_server, page, check_page, coordinator_user, sign_in
):
    challenge = factories.ChallengeFactory(title="Portail de rendez-vous en ligne", submitted=True)
    factories.grid_create(challenge)
    sign_in(page, coordinator_user)

    page.goto(f"{live_server.url}/fr/coordination/publication/")
    check_page(page, "coordinator-publication")
    page.locator(f"form[action$='/{challenge.pk}/publish/'] button").click()

    expect(page.locator(".message--success")).to_be_visible()
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.PUBLISHED


def test_the_dashboard_shows_its_charts_and_numbers(live_server, page, check_page, coordinator_user, sign_in):
    challenge = factories.ChallengeFactory(published=True, title="Migration vers le nuage gouvernemental")
    for rank, name in enumerate(["Nuage Boréal inc.", "Cumulus Conseil"], start=1):
        proposal(challenge, rank, name)
    vendor = factories.VendorFactory(name="Firme très vue")
    factories.VendorExposureFactory(
        vendor=vendor, day=challenge.published_at.date(), channel="search", count=4
    )
    sign_in(page, coordinator_user)

    page.goto(f"{live_server.url}/fr/coordination/dashboard/")
    check_page(page, "coordinator-dashboard")

    # 4 weekly, regions, expertise, exposure.
    expect(page.locator("svg[role='img']")).to_have_count(4 + 1 + 1 + 1)
    expertise_table = page.locator("table", has=page.locator("#expertise-table-caption"))
    expect(expertise_table.locator("tbody tr")).to_have_count(1)
    expect(expertise_table.locator("tbody td").first).to_have_text("2")
