"""A firm raises its hand in a real browser (« Manifester notre intérêt »), and the coordinators' queue shows it."""

import pytest
from playwright.sync_api import expect

from hub.models import User
from matching.models import MatchProposal
from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.search, pytest.mark.browser]

TEXT = "Migration des applications vers l'infonuagique gouvernementale, sécurité et hébergement."


@pytest.fixture
def challenge(indexed):
    challenge = factories.ChallengeFactory(
        published=True,
        title="Migration vers le nuage gouvernemental",
        description=TEXT,
        required_languages=["fr"],
        mandatory_requirements=["languages"],
    )
    indexed(challenge)
    return challenge


def test_a_firm_raises_its_hand_and_the_coordinators_see_its_note(
    live_server, page, check_page, challenge, indexed, sign_in
):
    member = factories.UserFactory(username="sme", role=User.Role.VENDOR_MEMBER)
    vendor = factories.VendorFactory(name="Nuage Boréal inc.", description=TEXT, members=[member])
    indexed(vendor)
    sign_in(page, member)

    page.goto(f"{live_server.url}/fr/challenges/{challenge.pk}/")
    expect(page.get_by_text("obligatoire", exact=True)).to_be_visible()
    check_page(page, "challenge-interest")
    page.get_by_label("Un mot pour l'équipe de coordination").fill("Nous avons migré trois ministères.")
    page.get_by_role("button", name="Manifester notre intérêt").click()

    expect(page.get_by_text("Votre demande est envoyée.")).to_be_visible()
    expect(page.get_by_text("Nous avons migré trois ministères.")).to_be_visible()
    proposal = MatchProposal.objects.get(challenge=challenge, vendor=vendor)
    assert proposal.source == MatchProposal.Source.VENDOR

    coordinator = factories.UserFactory(role=User.Role.COORDINATOR)
    page.context.clear_cookies()
    sign_in(page, coordinator)
    page.goto(f"{live_server.url}/fr/coordination/")

    item = page.locator(f"#proposal-{proposal.pk}")
    expect(item.get_by_text("Demandé par l'entreprise")).to_be_visible()
    expect(item.get_by_text("Nous avons migré trois ministères.")).to_be_visible()


def test_a_firm_missing_a_mandatory_requirement_reads_which_one(live_server, page, challenge, sign_in):
    member = factories.UserFactory(role=User.Role.VENDOR_MEMBER)
    factories.VendorFactory(name="Cloud Only Ltd.", languages=["en"], members=[member])
    sign_in(page, member)

    page.goto(f"{live_server.url}/en/challenges/{challenge.pk}/")

    expect(page.get_by_text("requires delivery in French")).to_be_visible()
    expect(page.get_by_role("button", name="Express our interest")).to_have_count(0)
