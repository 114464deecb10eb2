"""The public-organization pages in a real browser: a project lead writes a challenge with the live count,
submits it, and later shortlists a vendor and, once the challenge has no grid (as a catalogue's), awards it,
the keyboard doing part of the work."""

import re

import pytest
from playwright.sync_api import expect

from hub.models import User
from marketplace.models import Challenge
from marketplace.services import challenge_transition
from matching.models import Introduction, MatchProposal
from matching.services import introduction_express_interest, proposal_approve
from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.search, pytest.mark.browser]

TEXT = "Migration des applications vers l'infonuagique gouvernementale, hébergement sécurisé et sauvegardes."


@pytest.fixture
def lead(db) -> User:
    user = factories.UserFactory(
        username="cheffe", first_name="Louise", last_name="Gagnon", role=User.Role.MINISTRY_MEMBER
    )
    factories.OrganizationFactory(name="Ministère de la Cybersécurité et du Numérique", members=[user])
    return user


@pytest.fixture
def catalogue(db, indexed) -> list:
    """Three verified SMEs: two in cloud computing, one in data whose backups make it a weaker match; each
    with a member."""
    cloud = factories.ExpertiseFactory()
    data = factories.ExpertiseFactory(code="data", label_fr="Données", label_en="Data and analytics")
    factories.RegionFactory(code="06", label_fr="Montréal", label_en="Montréal")
    vendors = [
        factories.VendorFactory(
            name="Nuage Boréal inc.",
            description=TEXT,
            expertise=[cloud],
            members=[factories.UserFactory(role=User.Role.VENDOR_MEMBER)],
        ),
        factories.VendorFactory(
            name="Infonuagique Laurentides",
            description=TEXT,
            expertise=[cloud],
            members=[factories.UserFactory(role=User.Role.VENDOR_MEMBER)],
        ),
        factories.VendorFactory(
            name="Données Fleuve",
            description="Entrepôts de données, tableaux de bord et sauvegardes.",
            expertise=[data],
            members=[factories.UserFactory(role=User.Role.VENDOR_MEMBER)],
        ),
    ]
    indexed(*vendors)
    return vendors


def publish_and_introduce(challenge: Challenge, coordinator: User) -> list[Introduction]:
    """What the hub does between submission and the lead's next visit: publish, approve, vendors answer."""
    challenge_transition(challenge=challenge, user=coordinator, to_status=Challenge.Status.PUBLISHED)
    # Publication queued the matcher (eager Celery): its proposals are there now.
    for proposal in MatchProposal.objects.filter(challenge=challenge).select_related("challenge", "vendor"):
        proposal_approve(proposal=proposal, user=coordinator)
    introductions = list(
        Introduction.objects.filter(challenge=challenge).select_related("vendor").order_by("vendor__name")
    )
    for introduction in introductions:
        if not introduction.vendor.expertise.filter(code="cloud").exists():
            continue  # The data firm never answers.
        introduction_express_interest(
            introduction=introduction,
            user=introduction.vendor.members.get(),
            pitch=f"{introduction.vendor.name} a migré trois ministères vers le nuage gouvernemental.",
        )
    return introductions


def test_a_lead_writes_submits_then_awards_a_challenge(
    live_server, page, check_page, lead, catalogue, coordinator, sign_in, fill_grid
):
    factories.ChallengeFactory(
        organization=lead.organizations.get(),
        title="Tableau de bord des délais",
        status=Challenge.Status.DRAFT,
        published_at=None,
    )
    sign_in(page, lead)

    page.goto(f"{live_server.url}/en/organization/")
    expect(page.get_by_role("heading", name="My challenges", level=1)).to_be_visible()
    check_page(page, "ministry-dashboard")

    # Writing: the count of SMEs follows the choices, announced politely.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="New challenge").click()
    count = page.locator("#reach-count")
    expect(count).to_have_attribute("aria-live", "polite")
    expect(count.locator("strong")).to_have_text("3")
    page.get_by_label("Title", exact=True).fill("Migration vers le nuage gouvernemental")
    page.get_by_label("Description", exact=True).fill(TEXT)
    page.get_by_label("Cloud computing").focus()
    page.keyboard.press("Space")  # Keyboard only.
    expect(count.locator("strong")).to_have_text("2")
    expect(count).to_contain_text("SMEs meet every requirement, out of 3 eligible SMEs.")
    page.get_by_label("Minimum budget (CAD)").fill("150 000")
    page.get_by_label("Maximum budget (CAD)").fill("100 000")
    page.get_by_label("Deadline", exact=True).fill("2031-03-31")
    page.get_by_role("group", name="Required delivery languages").get_by_label("English").check()
    page.get_by_label("Required certifications").fill("ISO 27001")
    fill_grid(page)
    check_page(page, "challenge-form")

    # A maximum below the minimum: the summary takes the focus and links to the field; nothing typed is lost.
    page.get_by_role("button", name="Save the draft and preview it").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    page.get_by_role("link", name=re.compile("greater than or equal to the minimum budget")).click()
    expect(page.get_by_label("Maximum budget (CAD)")).to_be_focused()
    expect(page.get_by_label("Title", exact=True)).to_have_value("Migration vers le nuage gouvernemental")
    page.get_by_label("Maximum budget (CAD)").fill("400 000")
    page.get_by_role("button", name="Save the draft and preview it").click()

    # Preview, as vendors will see it, with the same numbers, then submission.
    expect(
        page.get_by_role("heading", name="Migration vers le nuage gouvernemental", level=1)
    ).to_be_visible()
    expect(page.locator("#reach-count strong")).to_have_text("2")
    expect(page.get_by_role("status").filter(has_text="Draft saved.")).to_be_visible()
    check_page(page, "challenge-preview")  # With its flash message.
    page.get_by_role("button", name="Submit for publication").click()
    expect(page.locator(".org-status .badge")).to_have_text("Submitted for publication")
    challenge = Challenge.objects.get(title="Migration vers le nuage gouvernemental")
    assert challenge.status == Challenge.Status.SUBMITTED

    # Later: the hub published it and introduced the two cloud firms, who are interested.
    introductions = publish_and_introduce(challenge, coordinator)
    names = [introduction.vendor.name for introduction in introductions]
    assert names == ["Données Fleuve", "Infonuagique Laurentides", "Nuage Boréal inc."]
    page.goto(f"{live_server.url}/en/organization/challenges/{challenge.pk}/")
    expect(page.get_by_text("Shared expertise: Cloud computing.").first).to_be_visible()
    check_page(page, "challenge-manage")

    winner = introductions[2]
    card = page.locator(f"#introduction-{winner.pk}")
    card.get_by_role("button", name=re.compile("Shortlist")).click()
    expect(card.locator(".badge")).to_have_text("Shortlisted")
    expect(card.get_by_text("is on your shortlist.")).to_be_visible()
    # Its grid makes it a challenge awarded on the proposals' evaluation (test_answering_a_challenge.py).
    # One without a grid, as a catalogue imports it, is still awarded here to an interested firm.
    expect(card.get_by_role("link", name=re.compile("Award"))).to_have_count(0)
    challenge.criteria.all().delete()
    Challenge.objects.filter(pk=challenge.pk).update(award_mode="", k_factor=None)
    page.reload()
    award = card.get_by_role("link", name=re.compile("Award"))
    award.focus()
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Award the challenge to Nuage Boréal inc.?")).to_be_visible()
    expect(page.get_by_text("Données Fleuve, Infonuagique Laurentides.")).to_be_visible()
    check_page(page, "challenge-award")
    page.get_by_role("button", name="Award to Nuage Boréal inc.").click()

    # The engagement: plan a milestone.
    expect(page.get_by_role("heading", name="Pilot with Nuage Boréal inc.")).to_be_visible()
    page.get_by_label("Title", exact=True).fill("Plan de migration")
    page.get_by_label("Amount (CAD)").fill("12 500")
    page.get_by_label("Due date").fill("2031-06-30")
    page.get_by_role("button", name="Add the milestone").click()
    expect(page.get_by_role("row", name=re.compile("Plan de migration"))).to_contain_text("$12,500")
    check_page(page, "engagement-manage")
    assert Challenge.objects.get(pk=challenge.pk).status == Challenge.Status.AWARDED
    assert {introduction.status for introduction in Introduction.objects.exclude(pk=winner.pk)} == {
        Introduction.Status.NOT_SELECTED
    }
