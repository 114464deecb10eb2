"""The public-organization (ministry) pages, through the Django test client on the real services and engine."""

import dataclasses
import datetime
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from hub.models import AuditEntry, User
from marketplace.models import MAX_REQUIRED_CERTIFICATIONS, Challenge
from matching.models import Clarification, Engagement, Introduction, Milestone, Payout
from matching.search.explain import Explanation
from tests import factories

# The challenge form and the preview show the reach, which asks the search engine.
pytestmark = [pytest.mark.django_db, pytest.mark.search]

DEADLINE = timezone.localdate() + datetime.timedelta(days=60)


@pytest.fixture
def member(ministry_member) -> User:
    return ministry_member


@pytest.fixture
def organization(member):
    return member.organizations.get()


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


def challenge_for(organization, **fields) -> Challenge:
    return factories.ChallengeFactory(organization=organization, published=True, **fields)


def draft_for(organization, **fields) -> Challenge:
    """A draft with a valid evaluation grid, ready to be submitted."""
    challenge = factories.ChallengeFactory(organization=organization, **fields)
    factories.grid_create(challenge)
    return challenge


def introduce(
    challenge: Challenge,
    *,
    status: str = Introduction.Status.INTERESTED,
    pitch: str = "",
    gaps: dict | None = None,
    **vendor_fields,
):
    explanation = Explanation(
        score=4.2,
        expertise_matched=["cloud"],
        region_fit=True,
        certifications_present=["ISO 27001"],
        **(gaps or {}),
    )
    proposal = factories.MatchProposalFactory(
        approved=True,
        challenge=challenge,
        vendor=factories.VendorFactory(**vendor_fields),
        explanation=dataclasses.asdict(explanation),
    )
    return factories.IntroductionFactory(proposal=proposal, status=status, pitch=pitch)


def form_data(**overrides) -> dict:
    factories.ExpertiseFactory()
    factories.RegionFactory()
    data = {
        "title": "Portail de prise de rendez-vous",
        "description": "Offrir aux citoyens la prise de rendez-vous en ligne dans nos 40 points de service.",
        "language": "fr",
        "expertise": ["cloud"],
        "regions": ["03"],
        "budget_min": "150 000",
        "budget_max": "400 000",
        "deadline": DEADLINE.isoformat(),
        "required_languages": ["fr"],
        "required_certifications": "ISO 27001\n",
        "max_employees": "499",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# Who may open the pages


def test_ministry_dashboard_sends_anonymous_visitors_to_sign_in(client):
    response = client.get("/fr/organization/")

    assert response.status_code == 302
    assert response["Location"].startswith("/fr/login/")


def test_ministry_dashboard_is_refused_to_vendor_members(client, vendor_member):
    client.force_login(vendor_member)

    response = client.get("/fr/organization/")

    assert response.status_code == 403


def test_ministry_dashboard_lists_own_challenges_by_status_with_next_step(member_client, organization):
    draft_for(organization, title="Brouillon du ministère")
    challenge_for(organization, title="Défi publié du ministère")
    factories.ChallengeFactory(published=True, title="Défi d'un autre organisme")

    content = member_client.get("/en/organization/").content.decode()

    assert "Brouillon du ministère" in content
    assert "Défi publié du ministère" in content
    assert "Défi d'un autre organisme" not in content
    assert 'id="status-draft"' in content and 'id="status-published"' in content
    assert "Finish it, preview it, then submit it for publication." in content


def test_ministry_dashboard_next_step_says_no_vendor_is_introduced_when_the_challenge_lists_none(
    member_client, organization
):
    challenge = challenge_for(organization, title="Défi sans entreprise présentée")

    dashboard = member_client.get("/en/organization/").content.decode()
    manage = member_client.get(f"/en/organization/challenges/{challenge.pk}/").content.decode()

    assert "No vendor has been introduced yet." in manage
    assert "No vendor has been introduced yet." in dashboard
    assert "Vendors are being introduced" not in dashboard


def test_ministry_dashboard_next_step_asks_to_review_the_vendors_the_challenge_page_lets_shortlist(
    member_client, organization
):
    challenge = challenge_for(organization, title="Défi avec une entreprise intéressée")
    introduce(challenge, name="Nuage Boréal inc.", pitch="Nous sommes prêts.")

    dashboard = member_client.get("/en/organization/").content.decode()
    manage = member_client.get(f"/en/organization/challenges/{challenge.pk}/").content.decode()

    assert "Shortlist" in manage
    assert "1 interested vendor to review: shortlist the ones you want to meet." in dashboard


def test_ministry_dashboard_next_step_waits_for_introduced_vendors_that_have_not_answered(
    member_client, organization
):
    challenge = challenge_for(organization, title="Défi en attente des entreprises")
    introduce(challenge, status=Introduction.Status.INTRODUCED)

    dashboard = member_client.get("/en/organization/").content.decode()

    assert "1 vendor introduced: you will be notified when one says it is interested." in dashboard


def test_ministry_dashboard_next_step_asks_to_answer_waiting_questions(member_client, organization):
    challenge = challenge_for(organization, title="Défi avec une question")
    introduce(challenge, status=Introduction.Status.INTRODUCED)
    factories.ClarificationFactory(challenge=challenge)

    dashboard = member_client.get("/en/organization/").content.decode()

    assert "1 question awaits your answer." in dashboard


def test_ministry_dashboard_next_step_of_a_closed_challenge_without_interested_vendor_offers_no_award(
    member_client, organization
):
    challenge = challenge_for(organization, title="Défi fermé sans intérêt")
    introduce(challenge, status=Introduction.Status.DECLINED)
    challenge.status = Challenge.Status.CLOSED
    challenge.save(update_fields=["status"])

    dashboard = member_client.get("/en/organization/").content.decode()

    assert "Award it to an interested vendor." not in dashboard
    assert "No vendor is interested: there is nobody to award it to." in dashboard


def test_challenge_manage_answers_404_for_another_organizations_published_challenge(member_client):
    other = factories.ChallengeFactory(published=True, title="Défi d'un autre organisme")

    response = member_client.get(f"/fr/organization/challenges/{other.pk}/")

    assert response.status_code == 404


def test_challenge_edit_answers_404_for_another_organizations_draft(member_client):
    other = factories.ChallengeFactory()

    response = member_client.get(f"/fr/organization/challenges/{other.pk}/edit/")

    assert response.status_code == 404


def test_challenge_manage_opens_for_a_coordinator(client, coordinator, organization):
    challenge = challenge_for(organization, title="Défi suivi par le hub")
    client.force_login(coordinator)

    response = client.get(f"/fr/organization/challenges/{challenge.pk}/")

    assert response.status_code == 200
    assert "Défi suivi par le hub" in response.content.decode()


def test_navigation_shows_the_ministry_links_to_members_only(member_client, client, vendor_member):
    ministry_page = member_client.get("/en/").content.decode()
    client.force_login(vendor_member)
    vendor_page = client.get("/en/").content.decode()

    assert "/en/organization/challenges/new/" in ministry_page
    assert "/en/organization/challenges/new/" not in vendor_page


# Writing a challenge


def test_challenge_create_form_shows_the_four_steps_and_a_live_region(member_client):
    content = member_client.get("/en/organization/challenges/new/").content.decode()

    for step in ("step-need", "step-scope", "step-budget", "step-requirements"):
        assert f'href="#{step}"' in content
    assert 'id="reach-count"' in content and 'aria-live="polite"' in content
    assert 'hx-get="/en/organization/challenges/reach/"' in content


def test_challenge_create_form_labels_the_sme_ceiling_in_sentence_case(member_client):
    content = member_client.get("/fr/organization/challenges/new/").content.decode()

    assert "Plafond d’employés (PME)" in content
    assert "plafond d'employés (PME)" not in content


def test_challenge_create_saves_a_draft_and_shows_the_preview(member_client, member, organization):
    response = member_client.post("/fr/organization/challenges/new/", form_data())

    challenge = Challenge.objects.get(title="Portail de prise de rendez-vous")
    assert response.status_code == 302
    assert response["Location"] == f"/fr/organization/challenges/{challenge.pk}/preview/"
    assert challenge.status == Challenge.Status.DRAFT
    assert challenge.organization == organization
    assert challenge.created_by == member
    assert challenge.budget_min == Decimal("150000")
    assert challenge.required_certifications == ["ISO 27001"]
    assert list(challenge.expertise.values_list("code", flat=True)) == ["cloud"]


def test_challenge_create_reads_amounts_typed_the_english_way(member_client):
    member_client.post(
        "/en/organization/challenges/new/", form_data(budget_min="$150,000", budget_max="1,250,000.50")
    )

    challenge = Challenge.objects.get()
    assert challenge.budget_min == Decimal("150000")
    assert challenge.budget_max == Decimal("1250000.50")


def test_challenge_create_refuses_a_maximum_below_the_minimum_and_keeps_what_was_typed(member_client):
    response = member_client.post(
        "/en/organization/challenges/new/", form_data(budget_min="400 000", budget_max="150 000")
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert not Challenge.objects.exists()
    assert 'class="error-summary"' in content
    assert 'href="#id_budget_max"' in content
    assert "greater than or equal to the minimum budget" in content
    assert 'value="400 000"' in content
    assert 'value="Portail de prise de rendez-vous"' in content
    assert "ISO 27001" in content
    assert "<title>Error:" in content


def test_challenge_create_links_a_missing_expertise_to_its_first_checkbox(member_client):
    response = member_client.post("/en/organization/challenges/new/", form_data(expertise=None))

    content = response.content.decode()
    assert 'href="#id_expertise_0"' in content
    assert "(to correct)" in content


def test_challenge_create_applies_the_api_limits(member_client):
    response = member_client.post("/en/organization/challenges/new/", form_data(title="x" * 300))

    assert not Challenge.objects.exists()
    assert "no more than 255 characters" in response.content.decode()


def test_challenge_create_explains_when_the_member_has_no_organization(client):
    client.force_login(factories.UserFactory(role=User.Role.MINISTRY_MEMBER))

    response = client.get("/en/organization/challenges/new/")

    assert response.status_code == 403
    assert "not linked to a public organization" in response.content.decode()


def test_challenge_create_asks_members_of_several_organizations_to_choose(member_client, member):
    other = factories.OrganizationFactory(members=[member], name="Société des traversiers")

    response = member_client.post("/en/organization/challenges/new/", form_data(organization=str(other.pk)))

    assert response.status_code == 302
    assert Challenge.objects.get().organization == other


def test_challenge_edit_updates_the_draft(member_client, organization):
    challenge = draft_for(organization)

    response = member_client.post(
        f"/fr/organization/challenges/{challenge.pk}/edit/",
        form_data(title="Nouveau titre", max_employees=""),
    )

    challenge.refresh_from_db()
    assert response.status_code == 302
    assert challenge.title == "Nouveau titre"
    assert challenge.max_employees is None


def test_challenge_edit_of_a_published_challenge_says_it_can_no_longer_change(member_client, organization):
    challenge = challenge_for(organization)

    response = member_client.get(f"/en/organization/challenges/{challenge.pk}/edit/", follow=True)

    assert response.redirect_chain[-1][0] == f"/en/organization/challenges/{challenge.pk}/"
    assert "can no longer be changed" in response.content.decode()


def test_challenge_preview_shows_the_challenge_as_vendors_will(member_client, organization):
    challenge = draft_for(
        organization, title="Aperçu du défi", budget_min=Decimal("750000"), budget_max=Decimal("900000")
    )

    content = member_client.get(f"/fr/organization/challenges/{challenge.pk}/preview/").content.decode()

    assert "Aperçu du défi" in content
    assert "750\u00a0000\u00a0$" in content
    assert 'id="reach-count"' in content


def test_challenge_preview_submits_for_publication(member_client, member, organization):
    challenge = draft_for(organization)

    response = member_client.post(f"/en/organization/challenges/{challenge.pk}/preview/", follow=True)

    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.SUBMITTED
    assert response.redirect_chain[-1][0] == f"/en/organization/challenges/{challenge.pk}/"
    assert "Your challenge is submitted." in response.content.decode()
    assert AuditEntry.objects.filter(
        object_type="challenge", object_id=challenge.pk, to_state="submitted"
    ).exists()


def test_challenge_preview_submitted_twice_shows_why_as_a_message(member_client, organization):
    challenge = draft_for(organization)
    member_client.post(f"/en/organization/challenges/{challenge.pk}/preview/")

    response = member_client.post(f"/en/organization/challenges/{challenge.pk}/preview/", follow=True)

    assert "cannot become submitted for publication" in response.content.decode()


# The live reach


@pytest.fixture
def catalogue(indexed):
    cloud = factories.ExpertiseFactory()
    data = factories.ExpertiseFactory(code="data", label_fr="Données", label_en="Data")
    quebec = factories.RegionFactory()
    montreal = factories.RegionFactory(code="06", label_fr="Montréal", label_en="Montréal")
    iso = ["ISO 27001"]
    vendors = [
        # Meets everything.
        factories.VendorFactory(
            expertise=[cloud], regions=[quebec], languages=["fr", "en"], certifications=iso
        ),
        # French only.
        factories.VendorFactory(
            expertise=[cloud], regions=[quebec], languages=["fr"], certifications=["ISO 27001"]
        ),
        # No certification, another region.
        factories.VendorFactory(
            expertise=[cloud], regions=[montreal], languages=["fr", "en"], certifications=[]
        ),
        # Another expertise only.
        factories.VendorFactory(
            expertise=[data], regions=[quebec], languages=["fr", "en"], certifications=iso
        ),
        # Too large for the ceiling.
        factories.VendorFactory(
            expertise=[cloud], regions=[quebec], employees=800, certifications=["ISO 27001"]
        ),
        # Never counted: inactive, or not verified.
        factories.VendorFactory(is_active=False),
        factories.VendorFactory(is_verified=False),
    ]
    indexed(*vendors)
    return vendors


def reach_params(**overrides) -> dict:
    params = {
        "expertise": ["cloud"],
        "regions": ["03"],
        "required_languages": ["fr", "en"],
        "required_certifications": "ISO 27001",
        "max_employees": "499",
    }
    params.update(overrides)
    return params


def test_challenge_reach_counts_the_smes_meeting_every_requirement(member_client, catalogue):
    response = member_client.get(
        "/en/organization/challenges/reach/", reach_params(), headers={"HX-Request": "true"}
    )

    reach = response.context["reach"]
    assert response.status_code == 200
    assert (reach.directory, reach.eligible, reach.matching) == (5, 4, 1)
    assert "SME meets every requirement, out of 4 eligible SMEs." in response.content.decode()
    assert 'hx-swap-oob="true"' in response.content.decode()


def test_challenge_reach_says_how_many_each_requirement_alone_rules_out(member_client, catalogue):
    response = member_client.get("/en/organization/challenges/reach/", reach_params())

    requirements = [(r.kind, r.value, r.meeting, r.removes) for r in response.context["reach"].requirements]
    # Most limiting first: the ceiling alone keeps out the large firm that fits everything else, English
    # the French-only firm, the expertise the data firm.
    assert requirements == [
        ("ceiling", "", 4, 1),
        ("language", "en", 3, 1),
        ("expertise", "", 3, 1),
        ("region", "", 3, 0),
        ("language", "fr", 4, 0),
        ("certification", "ISO 27001", 3, 0),
    ]


def test_challenge_reach_names_the_delivery_language_in_lowercase_french(member_client, catalogue):
    response = member_client.get(
        "/fr/organization/challenges/reach/", reach_params(required_languages=["fr"])
    )

    content = response.content.decode()
    assert "Assure la prestation en français" in content
    assert "Livre en" not in content


def test_challenge_reach_without_requirements_counts_every_eligible_sme(member_client, catalogue):
    response = member_client.get("/en/organization/challenges/reach/", {"max_employees": ""})

    reach = response.context["reach"]
    assert (reach.directory, reach.eligible, reach.matching, reach.requirements) == (5, 5, 5, [])


def test_challenge_reach_ignores_what_cannot_be_read_yet(member_client, catalogue):
    response = member_client.get(
        "/en/organization/challenges/reach/", reach_params(max_employees="many", budget_min="x")
    )

    reach = response.context["reach"]
    assert reach.eligible == 5  # No readable ceiling: none applies.


def test_challenge_reach_refuses_too_many_certification_lines_and_leaves_them_out(member_client, catalogue):
    lines = "\n".join(f"Norme {n}" for n in range(500))

    response = member_client.get(
        "/en/organization/challenges/reach/", reach_params(required_certifications=lines)
    )

    assert response.status_code == 200
    assert response.context["profile"].required_certifications == []
    assert f"at most {MAX_REQUIRED_CERTIFICATIONS}" in response.content.decode()


def test_challenge_reach_is_refused_to_vendor_members(client, vendor_member):
    client.force_login(vendor_member)

    response = client.get("/en/organization/challenges/reach/")

    assert response.status_code == 403


def test_challenge_reach_says_when_the_engine_is_away(member_client, engine_down):
    response = member_client.get("/en/organization/challenges/reach/", reach_params())

    assert response.status_code == 200
    assert "cannot be counted right now" in response.content.decode()


def test_challenge_form_shows_the_reach_of_the_values_typed_after_an_error(member_client, catalogue):
    response = member_client.post(
        "/en/organization/challenges/new/",
        form_data(budget_min="400 000", budget_max="1", required_languages=["fr", "en"]),
    )

    assert response.context["reach"].matching == 1


def test_challenge_preview_shows_the_same_numbers_as_the_live_count(member_client, organization, catalogue):
    challenge = draft_for(
        organization, required_languages=["fr", "en"], required_certifications=["ISO 27001"]
    )
    live = member_client.get("/en/organization/challenges/reach/", reach_params())

    preview = member_client.get(f"/en/organization/challenges/{challenge.pk}/preview/")

    assert preview.context["reach"] == live.context["reach"]


# Following a challenge


def test_challenge_manage_shows_each_introduction_with_its_pitch_and_explanation(member_client, organization):
    challenge = challenge_for(organization)
    introduce(challenge, pitch="Nous avons migré trois ministères.", name="Nuage Boréal inc.")

    content = member_client.get(f"/en/organization/challenges/{challenge.pk}/").content.decode()

    assert "Nuage Boréal inc." in content
    assert "Nous avons migré trois ministères." in content
    assert "Shared expertise: Cloud computing." in content
    assert "Present in the region of the work." in content


def test_challenge_manage_lists_gaps_apart_from_the_reasons(member_client, organization):
    challenge = challenge_for(organization)
    introduce(challenge, gaps={"languages_missing": ["fr"]})

    content = member_client.get(f"/en/organization/challenges/{challenge.pk}/").content.decode()

    reasons, gaps = content.split("What is missing")
    assert "Shared expertise: Cloud computing." in reasons
    assert "Cannot deliver in: French." in gaps and "Cannot deliver in" not in reasons


def test_challenge_manage_shows_the_history_from_the_audit_log(member_client, member, organization):
    challenge = draft_for(organization)
    member_client.post(f"/en/organization/challenges/{challenge.pk}/preview/")

    content = member_client.get(f"/en/organization/challenges/{challenge.pk}/").content.decode()

    assert f"Submitted for publication, by {member.username}" in content


def test_challenge_manage_history_puts_a_space_before_the_colon_in_french(member_client, organization):
    challenge = draft_for(organization)
    member_client.post(f"/fr/organization/challenges/{challenge.pk}/preview/")

    content = member_client.get(f"/fr/organization/challenges/{challenge.pk}/").content.decode()

    assert content.count("</time>\u00a0:") == 2  # Draft created, then submitted.


def test_challenge_pages_titles_put_a_space_before_the_colon_in_french(member_client, organization):
    draft = draft_for(organization, title="Portail")
    challenge = challenge_for(organization, title="Portail")
    winner = introduce(challenge)
    engagement = factories.EngagementFactory(introduction__proposal__challenge=challenge_for(organization))
    pages = [
        f"/fr/organization/challenges/{draft.pk}/preview/",
        f"/fr/organization/challenges/{challenge.pk}/award/{winner.pk}/",
        f"/fr/organization/engagements/{engagement.pk}/",
    ]

    titles = [
        member_client.get(page).content.decode().split("<title>")[1].split("</title>")[0] for page in pages
    ]

    assert [title.split("\u00a0: ")[0] for title in titles] == [
        "Aperçu",
        "Attribuer le défi",
        "Jalons du projet pilote",
    ]


def test_challenge_manage_never_shows_who_asked_a_question(member_client, organization):
    challenge = challenge_for(organization)
    introduction = introduce(challenge)
    asker = factories.UserFactory(username="curieux", first_name="Camille", last_name="Curieux")
    introduction.vendor.members.add(asker)
    factories.ClarificationFactory(
        challenge=challenge, asked_by=asker, question="Le code source sera-t-il libre?"
    )

    content = member_client.get(f"/en/organization/challenges/{challenge.pk}/").content.decode()

    assert "Le code source sera-t-il libre?" in content
    assert "curieux" not in content and "Camille" not in content


def test_shortlist_moves_an_interested_vendor_to_the_shortlist(member_client, organization):
    challenge = challenge_for(organization)
    introduction = introduce(challenge)

    response = member_client.post(
        f"/en/organization/challenges/{challenge.pk}/",
        {"action": "shortlist", "introduction": introduction.pk},
        follow=True,
    )

    introduction.refresh_from_db()
    assert introduction.status == Introduction.Status.SHORTLISTED
    assert "is on your shortlist." in response.content.decode()


def test_shortlist_through_htmx_answers_with_the_vendors_card_only(member_client, organization):
    challenge = challenge_for(organization)
    introduction = introduce(challenge)

    response = member_client.post(
        f"/en/organization/challenges/{challenge.pk}/",
        {"action": "shortlist", "introduction": introduction.pk},
        headers={"HX-Request": "true"},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert f'id="introduction-{introduction.pk}"' in content
    assert "is on your shortlist." in content
    # The focus moves to the next action: award.
    assert f'id="introduction-{introduction.pk}-next"' in content and "/award/" in content


def test_shortlist_of_a_vendor_not_interested_yet_is_refused_with_a_message(member_client, organization):
    challenge = challenge_for(organization)
    introduction = introduce(challenge, status=Introduction.Status.INTRODUCED)

    response = member_client.post(
        f"/en/organization/challenges/{challenge.pk}/",
        {"action": "shortlist", "introduction": introduction.pk},
        follow=True,
    )

    introduction.refresh_from_db()
    assert introduction.status == Introduction.Status.INTRODUCED
    assert "This introduction is introduced; that is no longer possible." in response.content.decode()


def test_shortlist_of_another_challenges_introduction_answers_404(member_client, organization):
    challenge = challenge_for(organization)
    elsewhere = introduce(challenge_for(organization))

    response = member_client.post(
        f"/en/organization/challenges/{challenge.pk}/", {"action": "shortlist", "introduction": elsewhere.pk}
    )

    assert response.status_code == 404


def test_award_asks_for_confirmation_and_names_the_vendors_not_selected(member_client, organization):
    challenge = challenge_for(organization)
    winner = introduce(challenge, name="Gagnante inc.")
    introduce(challenge, name="Autre firme inc.")

    response = member_client.get(f"/en/organization/challenges/{challenge.pk}/award/{winner.pk}/")

    content = response.content.decode()
    assert "Award the challenge to Gagnante inc.?" in content
    assert "Autre firme inc." in content
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.PUBLISHED


def test_award_opens_the_engagement(member_client, organization):
    challenge = challenge_for(organization)
    winner = introduce(challenge, status=Introduction.Status.SHORTLISTED)
    other = introduce(challenge)

    response = member_client.post(f"/en/organization/challenges/{challenge.pk}/award/{winner.pk}/")

    engagement = Engagement.objects.get(challenge=challenge)
    assert response["Location"] == f"/en/organization/engagements/{engagement.pk}/"
    assert Challenge.objects.get(pk=challenge.pk).status == Challenge.Status.AWARDED
    assert Introduction.objects.get(pk=other.pk).status == Introduction.Status.NOT_SELECTED


def test_challenge_manage_of_an_awarded_challenge_does_not_double_the_final_period(
    member_client, organization
):
    introduction = factories.IntroductionFactory(
        awarded=True,
        proposal__challenge__organization=organization,
        proposal__vendor__name="Lumio Numérique inc.",
    )

    response = member_client.get(f"/fr/organization/challenges/{introduction.proposal.challenge.pk}/")

    content = response.content.decode()
    assert "Attribué à Lumio Numérique inc." in content
    assert "inc.." not in content


def test_award_message_does_not_double_the_final_period(member_client, organization):
    challenge = challenge_for(organization)
    winner = introduce(challenge, name="Lumio Numérique inc.")

    response = member_client.post(
        f"/fr/organization/challenges/{challenge.pk}/award/{winner.pk}/", follow=True
    )

    content = response.content.decode()
    assert "Attribué à Lumio Numérique inc. Les autres entreprises" in content
    assert "inc.." not in content


def test_award_of_an_awarded_challenge_shows_the_conflict_as_a_message(member_client, organization):
    challenge = challenge_for(organization)
    winner = introduce(challenge)
    member_client.post(f"/en/organization/challenges/{challenge.pk}/award/{winner.pk}/")

    response = member_client.post(
        f"/en/organization/challenges/{challenge.pk}/award/{winner.pk}/", follow=True
    )

    assert response.redirect_chain[-1][0].startswith(f"/en/organization/challenges/{challenge.pk}/")
    assert "A challenge that is awarded cannot be awarded." in response.content.decode()
    assert Engagement.objects.count() == 1


def test_answer_publishes_the_answer(member_client, member, organization):
    challenge = challenge_for(organization)
    clarification = factories.ClarificationFactory(challenge=challenge, question="Quel hébergement?")

    member_client.post(
        f"/en/organization/challenges/{challenge.pk}/",
        {
            "action": "answer",
            "clarification": clarification.pk,
            f"answer-{clarification.pk}-answer": "Le nuage du MCN.",
        },
    )

    clarification.refresh_from_db()
    assert clarification.answer == "Le nuage du MCN."
    assert clarification.answered_by == member


def test_answer_left_blank_shows_the_error_at_its_field(member_client, organization):
    challenge = challenge_for(organization)
    clarification = factories.ClarificationFactory(challenge=challenge, question="Quel hébergement?")

    response = member_client.post(
        f"/en/organization/challenges/{challenge.pk}/",
        {"action": "answer", "clarification": clarification.pk, f"answer-{clarification.pk}-answer": "  "},
    )

    content = response.content.decode()
    assert 'class="error-summary"' in content
    assert f'href="#id_answer-{clarification.pk}-answer"' in content
    assert Clarification.objects.get().answered_at is None


def test_answer_to_a_question_already_answered_shows_the_conflict_as_a_message(member_client, organization):
    challenge = challenge_for(organization)
    clarification = factories.ClarificationFactory(
        challenge=challenge, question="Quel hébergement?", answer="Déjà répondu.", answered_at=timezone.now()
    )

    response = member_client.post(
        f"/en/organization/challenges/{challenge.pk}/",
        {
            "action": "answer",
            "clarification": clarification.pk,
            f"answer-{clarification.pk}-answer": "Encore.",
        },
        follow=True,
    )

    assert "This question has already been answered." in response.content.decode()
    assert Clarification.objects.get().answer == "Déjà répondu."


def test_challenge_manage_offers_no_answer_form_once_the_challenge_is_closed(member_client, organization):
    challenge = challenge_for(organization)
    clarification = factories.ClarificationFactory(challenge=challenge, question="Quel hébergement?")
    Challenge.objects.filter(pk=challenge.pk).update(status=Challenge.Status.CLOSED)

    content = member_client.get(f"/en/organization/challenges/{challenge.pk}/").content.decode()

    assert f'name="answer-{clarification.pk}-answer"' not in content
    assert "Not answered: the challenge is no longer open." in content


def test_clarify_publishes_a_clarification_of_the_organizations_own(member_client, organization):
    challenge = challenge_for(organization)

    member_client.post(
        f"/en/organization/challenges/{challenge.pk}/",
        {"action": "clarify", "clarify-question": "Hébergement", "clarify-answer": "Au Québec seulement."},
    )

    clarification = Clarification.objects.get()
    assert (clarification.question, clarification.answer) == ("Hébergement", "Au Québec seulement.")
    assert clarification.answered_at is not None


def test_clarify_keeps_the_question_typed_when_the_answer_is_missing(member_client, organization):
    challenge = challenge_for(organization)

    response = member_client.post(
        f"/en/organization/challenges/{challenge.pk}/",
        {"action": "clarify", "clarify-question": "Hébergement au Québec?", "clarify-answer": ""},
    )

    assert "Hébergement au Québec?" in response.content.decode()
    assert not Clarification.objects.exists()


def test_withdraw_turns_a_submitted_challenge_back_into_a_draft(member_client, organization):
    challenge = challenge_for(organization, status=Challenge.Status.SUBMITTED)

    member_client.post(f"/en/organization/challenges/{challenge.pk}/", {"action": "withdraw"})

    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.DRAFT


def test_close_asks_for_confirmation_then_closes_with_the_reason(member_client, organization):
    challenge = challenge_for(organization)

    confirmation = member_client.get(f"/en/organization/challenges/{challenge.pk}/close/")
    member_client.post(
        f"/en/organization/challenges/{challenge.pk}/close/", {"note": "Assez de candidatures."}
    )

    challenge.refresh_from_db()
    assert "Close the challenge?" in confirmation.content.decode()
    assert challenge.status == Challenge.Status.CLOSED
    assert (
        AuditEntry.objects.get(object_id=challenge.pk, to_state="closed").reason == "Assez de candidatures."
    )


def test_cancel_of_an_awarded_challenge_is_refused(member_client, organization):
    challenge = challenge_for(organization, status=Challenge.Status.AWARDED)

    response = member_client.post(f"/en/organization/challenges/{challenge.pk}/cancel/", follow=True)

    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.AWARDED
    assert "cannot become cancelled" in response.content.decode()


# The engagement


@pytest.fixture
def engagement(organization):
    return factories.EngagementFactory(introduction__proposal__challenge=challenge_for(organization))


def test_engagement_manage_adds_a_milestone(member_client, engagement):
    response = member_client.post(
        f"/fr/organization/engagements/{engagement.pk}/",
        {
            "action": "add_milestone",
            "milestone-title": "Prototype",
            "milestone-amount": "12 500,50",
            "milestone-due_date": DEADLINE.isoformat(),
        },
    )

    milestone = Milestone.objects.get()
    assert response.status_code == 302
    assert (milestone.title, milestone.amount, milestone.due_date) == (
        "Prototype",
        Decimal("12500.50"),
        DEADLINE,
    )


def test_engagement_manage_lists_every_problem_and_keeps_what_was_typed(member_client, engagement):
    response = member_client.post(
        f"/en/organization/engagements/{engagement.pk}/",
        {
            "action": "add_milestone",
            "milestone-title": "Prototype",
            "milestone-amount": "0",
            "milestone-due_date": "",
        },
    )

    content = response.content.decode()
    assert not Milestone.objects.exists()
    assert 'href="#id_milestone-amount"' in content and 'href="#id_milestone-due_date"' in content
    assert 'value="Prototype"' in content and 'value="0"' in content


def test_engagement_manage_accepts_a_delivered_milestone_and_shows_the_payout(member_client, engagement):
    milestone = factories.MilestoneFactory(
        engagement=engagement, status=Milestone.Status.DELIVERED, title="Rapport"
    )

    response = member_client.post(
        f"/en/organization/engagements/{engagement.pk}/",
        {"action": "accept", "milestone": milestone.pk},
        follow=True,
    )

    milestone.refresh_from_db()
    assert milestone.status == Milestone.Status.ACCEPTED
    assert Payout.objects.get(milestone=milestone).amount == milestone.amount
    assert "“Rapport” is accepted." in response.content.decode()
    assert "Waiting to be sent" in response.content.decode()


def test_engagement_manage_accepting_twice_shows_the_conflict_as_a_message(member_client, engagement):
    milestone = factories.MilestoneFactory(engagement=engagement, status=Milestone.Status.ACCEPTED)

    response = member_client.post(
        f"/en/organization/engagements/{engagement.pk}/",
        {"action": "accept", "milestone": milestone.pk},
        follow=True,
    )

    assert "This milestone is accepted; it cannot become accepted." in response.content.decode()


# A round amount keeps its cents, as the notifications write it; only budgets leave them out.
@pytest.mark.parametrize(
    ("amount", "in_french", "in_english"),
    [("12500.50", "12\u00a0500,50\u00a0$", "$12,500.50"), ("12500", "12\u00a0500,00\u00a0$", "$12,500.00")],
)
def test_engagement_manage_formats_amounts_for_the_language(
    member_client, engagement, amount, in_french, in_english
):
    factories.MilestoneFactory(engagement=engagement, amount=Decimal(amount))

    french = member_client.get(f"/fr/organization/engagements/{engagement.pk}/").content.decode()
    english = member_client.get(f"/en/organization/engagements/{engagement.pk}/").content.decode()

    assert in_french in french
    assert in_english in english


def test_engagement_manage_answers_404_to_another_organization(client, engagement):
    outsider = factories.UserFactory(role=User.Role.MINISTRY_MEMBER)
    factories.OrganizationFactory(members=[outsider])
    client.force_login(outsider)

    response = client.get(f"/en/organization/engagements/{engagement.pk}/")

    assert response.status_code == 404


def test_engagement_manage_answers_404_to_the_vendors_own_member_signed_in_as_ministry(client, engagement):
    member_of_both = factories.UserFactory(role=User.Role.MINISTRY_MEMBER)
    engagement.vendor.members.add(member_of_both)
    client.force_login(member_of_both)

    response = client.get(f"/en/organization/engagements/{engagement.pk}/")

    assert response.status_code == 404


# A coordinator acting on the organization's behalf


def test_challenge_manage_asks_a_coordinator_why_they_act_for_the_organization(
    coordinator_client, organization
):
    challenge = challenge_for(organization)
    introduce(challenge)

    response = coordinator_client.get(f"/en/organization/challenges/{challenge.pk}/")

    assert f"Why you act on behalf of {organization.name}" in response.content.decode()


def test_challenge_manage_asks_members_no_reason(member_client, organization):
    challenge = challenge_for(organization)
    introduce(challenge)

    response = member_client.get(f"/en/organization/challenges/{challenge.pk}/")

    assert "Why you act on behalf of" not in response.content.decode()


def test_shortlist_by_a_coordinator_without_a_reason_is_refused_with_a_message(
    coordinator_client, organization
):
    introduction = introduce(challenge_for(organization))

    response = coordinator_client.post(
        f"/en/organization/challenges/{introduction.challenge_id}/",
        {"action": "shortlist", "introduction": introduction.pk},
        follow=True,
    )

    assert "say why" in response.content.decode()
    introduction.refresh_from_db()
    assert introduction.status == Introduction.Status.INTERESTED


def test_shortlist_by_a_coordinator_with_a_reason_is_audited_on_the_organizations_behalf(
    coordinator_client, coordinator, organization
):
    introduction = introduce(challenge_for(organization))

    coordinator_client.post(
        f"/en/organization/challenges/{introduction.challenge_id}/",
        {"action": "shortlist", "introduction": introduction.pk, "reason": "Demandé par téléphone."},
    )

    introduction.refresh_from_db()
    assert introduction.status == Introduction.Status.SHORTLISTED
    entry = AuditEntry.objects.get(object_type="introduction", action="shortlist")
    assert (entry.actor, entry.on_behalf_of, entry.reason) == (
        coordinator,
        organization.name,
        "Demandé par téléphone.",
    )


def test_challenge_close_by_a_coordinator_without_a_reason_shows_the_form_again(
    coordinator_client, organization
):
    challenge = challenge_for(organization)

    response = coordinator_client.post(f"/en/organization/challenges/{challenge.pk}/close/", {"note": ""})

    assert response.status_code == 200
    assert "say why" in response.content.decode()
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.PUBLISHED


def test_challenge_page_titles_put_a_no_break_space_before_the_colon_in_french(member_client, organization):
    draft = draft_for(organization, title="Portail")
    challenge = challenge_for(organization, title="Portail")
    winner = introduce(challenge)
    engagement = factories.EngagementFactory(
        introduction__proposal__challenge=challenge_for(organization, title="Portail")
    )
    pages = [
        f"/fr/organization/challenges/{draft.pk}/preview/",
        f"/fr/organization/challenges/{challenge.pk}/award/{winner.pk}/",
        f"/fr/organization/engagements/{engagement.pk}/",
    ]

    titles = [
        re.search(r"<title>(.*?)</title>", member_client.get(page).content.decode(), re.S).group(1)
        for page in pages
    ]

    assert titles == [
        "Aperçu\u00a0: Portail – Maillage",
        "Attribuer le défi\u00a0: Portail – Maillage",
        "Jalons du projet pilote\u00a0: Portail – Maillage",
    ]
