"""The whole journey in a real browser, three people in three browser contexts, on the real services:
a ministry posts and submits a challenge; the coordinator publishes it; proposals appear; the
coordinator approves two; the SME sees the introduction in French, switches to English and says it
is interested; the ministry shortlists it; the coordinator sees it on the dashboard. (The award, on the
proposals' evaluation, is test_answering_a_challenge.py's walk.)"""

import re

import pytest
from playwright.sync_api import expect

from hub.models import User
from marketplace.models import Challenge
from matching.models import Introduction, MatchProposal
from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.search, pytest.mark.browser]

TEXT = "Migration des applications vers l'infonuagique gouvernementale, hébergement sécurisé et sauvegardes."


def signed_in_page(browser, sign_in, user: User):
    page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-CA").new_page()
    sign_in(page, user)
    return page


@pytest.fixture
def world(db, indexed):
    cloud = factories.ExpertiseFactory()
    ministry = factories.UserFactory(
        username="cheffe", role=User.Role.MINISTRY_MEMBER, preferred_language="en"
    )
    factories.OrganizationFactory(name="Ministère de la Cybersécurité et du Numérique", members=[ministry])
    sme = factories.UserFactory(username="pme", role=User.Role.VENDOR_MEMBER, preferred_language="fr")
    vendors = [
        factories.VendorFactory(name="Nuage Boréal inc.", description=TEXT, expertise=[cloud], members=[sme]),
        factories.VendorFactory(
            name="Cumulus Conseil",
            description=TEXT,
            expertise=[cloud],
            members=[factories.UserFactory(role=User.Role.VENDOR_MEMBER)],
        ),
    ]
    indexed(*vendors)
    coordinator = factories.UserFactory(
        username="coordination", role=User.Role.COORDINATOR, preferred_language="en"
    )
    return {"ministry": ministry, "sme": sme, "coordinator": coordinator, "vendors": vendors}


def test_from_a_ministrys_need_to_an_award_through_the_pages(
    live_server, browser, check_page, world, sign_in, fill_grid
):
    url = live_server.url
    ministry = signed_in_page(browser, sign_in, world["ministry"])
    coordinator = signed_in_page(browser, sign_in, world["coordinator"])
    sme = signed_in_page(browser, sign_in, world["sme"])

    # The ministry writes the challenge, previews it and submits it.
    ministry.goto(f"{url}/en/organization/challenges/new/")
    ministry.get_by_label("Title", exact=True).fill("Migration vers le nuage gouvernemental")
    ministry.get_by_label("Description", exact=True).fill(TEXT)
    ministry.get_by_label("Cloud computing").check()
    ministry.get_by_label("Minimum budget (CAD)").fill("100 000")
    ministry.get_by_label("Maximum budget (CAD)").fill("400 000")
    ministry.get_by_label("Deadline", exact=True).fill("2031-03-31")
    fill_grid(ministry)
    expect(ministry.locator("#reach-count strong")).to_have_text("2")
    check_page(ministry, "journey-challenge-form")
    ministry.get_by_role("button", name="Save the draft and preview it").click()
    ministry.get_by_role("button", name="Submit for publication").click()
    expect(ministry.locator(".org-status .badge")).to_have_text("Submitted for publication")
    challenge = Challenge.objects.get(title="Migration vers le nuage gouvernemental")

    # The coordinator publishes it; the matcher's proposals appear in the morning queue; two approved.
    coordinator.goto(f"{url}/en/coordination/publication/")
    check_page(coordinator, "journey-publication")
    coordinator.locator(f"form[action$='/{challenge.pk}/publish/'] button").click()
    expect(coordinator.locator(".message--success")).to_be_visible()
    coordinator.goto(f"{url}/en/coordination/")
    proposals = list(MatchProposal.objects.filter(challenge=challenge).order_by("rank"))
    assert len(proposals) == 2
    for proposal in proposals:
        expect(coordinator.locator(f"#proposal-{proposal.pk}")).to_be_visible()
    check_page(coordinator, "journey-queue")
    for proposal in proposals:
        coordinator.locator(f"#proposal-{proposal.pk}").get_by_role(
            "button", name=re.compile("^Approve")
        ).click()
        expect(coordinator.locator(f"#proposal-{proposal.pk}[data-queue-item-done]")).to_be_visible()
    assert Introduction.objects.filter(challenge=challenge).count() == 2

    # The SME sees the introduction in French, switches to English, says it is interested.
    sme.goto(f"{url}/fr/sme/introductions/")
    check_page(sme, "journey-sme-introductions")
    sme.get_by_role("link", name=challenge.title).click()
    expect(sme.locator("#introduction-workspace .badge")).to_have_text("Présentée")
    sme.get_by_role("button", name="English").click()
    assert sme.locator("html").get_attribute("lang") == "en"
    expect(sme.locator("#introduction-workspace .badge")).to_have_text("Introduced")
    sme.get_by_label("Your pitch").fill("We moved forty applications to the government cloud.")
    sme.get_by_role("button", name="Tell them we are interested").click()
    expect(sme.locator("#introduction-workspace .badge")).to_have_text("Interested")
    check_page(sme, "journey-sme-interested")

    # The ministry shortlists it. A challenge with an evaluation grid is awarded on its proposals, not here.
    shortlisted = Introduction.objects.get(challenge=challenge, vendor__members=world["sme"])
    ministry.goto(f"{url}/en/organization/challenges/{challenge.pk}/")
    card = ministry.locator(f"#introduction-{shortlisted.pk}")
    card.get_by_role("button", name=re.compile("Shortlist")).click()
    expect(card.locator(".badge")).to_have_text("Shortlisted")
    expect(card.get_by_role("link", name=re.compile("Award"))).to_have_count(0)
    check_page(ministry, "journey-challenge-manage")

    # The coordinator sees it on the dashboard.
    coordinator.goto(f"{url}/en/coordination/dashboard/")
    expertise_table = coordinator.locator("table", has=coordinator.locator("#expertise-table-caption"))
    expect(expertise_table.locator("tbody tr").first).to_contain_text("Cloud computing")
    expect(expertise_table.locator("tbody tr").first.locator("td").nth(1)).to_have_text("2")
    delays = coordinator.locator("table", has=coordinator.locator("#delay-table-caption"))
    expect(delays).to_contain_text(challenge.title)
    check_page(coordinator, "journey-dashboard")
