"""The SME pages in a real browser: a vendor member's morning, in French then in English, keyboard included."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from hub.models import User
from matching.models import Clarification, Introduction, Milestone, Payout
from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.search, pytest.mark.browser]

TEXT = "Migration des applications vers l'infonuagique gouvernementale, sécurité et hébergement."


@pytest.fixture
def firm_member() -> User:
    user = factories.UserFactory(
        username="sme", first_name="Élise", last_name="Tremblay", role=User.Role.VENDOR_MEMBER
    )
    factories.VendorFactory(name="Nuage Boréal inc.", description=TEXT, members=[user])
    return user


@pytest.fixture
def introduction(firm_member, indexed) -> Introduction:
    challenge = factories.ChallengeFactory(
        published=True,
        title="Migration vers le nuage gouvernemental",
        description=TEXT,
        required_certifications=["SOC 2"],
    )
    indexed(challenge)
    factories.ClarificationFactory(
        challenge=challenge,
        question="Quel est l'hébergement actuel ?",
        answer="Un centre de données interne.",
        answered_at=timezone.now(),
    )
    return factories.IntroductionFactory(
        proposal__challenge=challenge,
        proposal__vendor=firm_member.vendors.get(),
        status=Introduction.Status.INTRODUCED,
    )


def test_vendor_member_answers_an_introduction_in_french_then_english(
    live_server, page, check_page, firm_member, introduction, sign_in
):
    sign_in(page, firm_member)
    page.goto(f"{live_server.url}/fr/")

    page.locator("nav.site-nav a[href='/fr/sme/introductions/']").click()
    page.get_by_role("link", name=introduction.challenge.title).click()

    assert page.locator("html").get_attribute("lang") == "fr"
    expect(page.locator("#introduction-workspace .badge")).to_have_text("Présentée")
    expect(page.get_by_text("Un centre de données interne.")).to_be_visible()

    page.get_by_role("button", name="English").click()

    assert page.locator("html").get_attribute("lang") == "en"
    expect(page.locator("#introduction-workspace .badge")).to_have_text("Introduced")

    page.get_by_label("Your pitch").fill("We moved forty applications to the government cloud.")
    page.get_by_role("button", name="Tell them we are interested").click()

    expect(page.get_by_role("status")).to_contain_text("Your interest is sent to the organization.")
    expect(page.locator("#introduction-workspace .badge")).to_have_text("Interested")

    question = page.get_by_label("Your question")
    question.fill("Is the source code open?")
    question.focus()
    page.keyboard.press("Tab")  # Keyboard only: from the question to its button.
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_contain_text("Your question is sent.")
    expect(page.get_by_text("Is the source code open?")).to_be_visible()
    assert Clarification.objects.filter(asked_by=firm_member, question="Is the source code open?").exists()
    assert Introduction.objects.get(pk=introduction.pk).status == Introduction.Status.INTERESTED
    check_page(page, "sme-introduction")


def test_vendor_pages_are_accessible(live_server, page, check_page, firm_member, introduction, sign_in):
    firm = firm_member.vendors.get()
    awarded = factories.IntroductionFactory(proposal__vendor=firm, awarded=True)
    engagement = factories.EngagementFactory(introduction=awarded)
    factories.MilestoneFactory(engagement=engagement, title="Plan de migration")
    accepted = factories.MilestoneFactory(
        engagement=engagement, title="Migration", status=Milestone.Status.ACCEPTED
    )
    factories.PayoutFactory(milestone=accepted, status=Payout.Status.SUBMITTED)
    sign_in(page, firm_member)
    page.goto(f"{live_server.url}/fr/")

    page.locator("nav.site-nav a[href='/fr/sme/']").click()
    check_page(page, "sme-dashboard")

    page.goto(f"{live_server.url}/fr/sme/profile/")
    page.fill("#id_neq", "123")
    page.locator("form.sme-form button[type=submit]").click()
    expect(page.locator("[data-error-summary]")).to_be_focused()
    check_page(page, "sme-profile")

    page.goto(f"{live_server.url}/fr/sme/opportunities/")
    expect(page.get_by_role("link", name=introduction.challenge.title)).to_be_visible()
    check_page(page, "sme-recommendations")

    page.goto(f"{live_server.url}/fr/sme/introductions/")
    check_page(page, "sme-introductions")

    page.goto(f"{live_server.url}/fr/sme/saved-searches/?q=nuage&region=03")
    expect(page.locator("#id_q")).to_have_value("nuage")
    check_page(page, "sme-saved-searches")

    page.goto(f"{live_server.url}/fr/sme/engagements/{engagement.pk}/")
    page.get_by_role("button", name=re.compile("Plan de migration")).click()
    expect(page.get_by_role("status")).to_be_visible()
    check_page(page, "sme-engagement")


def test_coordinator_acts_for_a_firm_from_its_public_page(
    live_server, page, check_page, firm_member, introduction, sign_in
):
    coordinator = factories.UserFactory(username="coordination", role=User.Role.COORDINATOR)
    firm = firm_member.vendors.get()
    sign_in(page, coordinator)

    page.goto(f"{live_server.url}/fr/sme/")
    expect(page.get_by_role("link", name="Trouver l'entreprise dans le répertoire")).to_be_visible()
    check_page(page, "sme-dashboard-coordinator-without-firm")
    page.goto(f"{live_server.url}/fr/vendors/{firm.pk}/")
    page.get_by_role("link", name="Agir au nom de cette entreprise").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nuage Boréal inc.")
    page.locator(f"a[href='/fr/sme/introductions/{introduction.pk}/']").click()
    page.get_by_role("button", name="English").click()
    page.get_by_label("Your pitch").fill("We moved forty applications to the government cloud.")
    page.get_by_label("Why you act on behalf of Nuage Boréal inc.").fill(
        "The firm asked us to answer for it."
    )
    page.get_by_role("button", name="Tell them we are interested").click()

    expect(page.get_by_role("status")).to_contain_text("Your interest is sent to the organization.")
    assert Introduction.objects.get(pk=introduction.pk).status == Introduction.Status.INTERESTED
    check_page(page, "sme-introduction-coordinator")


def test_vendor_adds_and_removes_references_in_place(live_server, page, check_page, firm_member, sign_in):
    firm = firm_member.vendors.get()
    old = factories.VendorReferenceFactory(vendor=firm, title="Ancien mandat")
    sign_in(page, firm_member)
    page.goto(f"{live_server.url}/fr/sme/profile/")

    # Removing asks for no save yet: the reference disappears and the removal is announced.
    page.get_by_role("button", name="Retirer la référence 1").click()
    expect(page.get_by_text("Ancien mandat")).to_be_hidden()
    expect(page.locator("[data-formset-status]")).to_have_text(
        "Référence retirée. Elle sera supprimée à l’enregistrement du profil."
    )
    # The blank reference the page starts with, then two more added in place.
    add = page.get_by_role("button", name="Ajouter une référence")
    for number, (client, title) in enumerate(
        [("Ville de Québec", "Portail citoyen"), ("Ville de Lévis", "Données ouvertes"), ("MCN", "Pilote")],
        start=2,
    ):
        if number > 2:
            add.click()
            expect(page.locator(f"#id_references-{number - 1}-client")).to_be_focused()
        page.fill(f"#id_references-{number - 1}-client", client)
        page.fill(f"#id_references-{number - 1}-title", title)
        page.fill(f"#id_references-{number - 1}-year", "2024")
    expect(page.get_by_role("group", name="Référence 4")).to_be_visible()
    check_page(page, "sme-profile-references")

    page.locator("form.sme-form button[type=submit]").click()

    expect(page.get_by_role("status").first).to_be_visible()
    assert sorted(firm.references.values_list("title", flat=True)) == [
        "Données ouvertes",
        "Pilote",
        "Portail citoyen",
    ]
    assert not firm.references.filter(pk=old.pk).exists()


def test_a_newcomer_sees_what_the_register_holds_as_the_neq_is_typed(
    live_server, page, check_page, sign_in, register_extract, taxonomy
):
    newcomer = factories.UserFactory(username="nouvelle", role=User.Role.VENDOR_MEMBER)
    sign_in(page, newcomer)
    page.goto(f"{live_server.url}/fr/sme/register/")

    page.get_by_label("Numéro d'entreprise du Québec (NEQ)").fill("1199000052")

    evidence = page.locator("#register-evidence")
    expect(evidence).to_contain_text("Ancienne Agence Web du Plateau inc.")
    expect(evidence).to_contain_text("une entreprise radiée du registre ne peut pas s'inscrire sur Maillage")
    check_page(page, "vendor-register-evidence")
