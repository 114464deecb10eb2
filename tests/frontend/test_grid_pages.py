"""The evaluation grid on the pages: the challenge form's grid step, the preview, the public page and the addendum."""

import datetime

import pytest
from django.utils import timezone

from hub.models import Notification, User
from marketplace.models import AwardMode, Challenge, ChallengeAddendum
from tests import factories
from tests.frontend.test_ministry import form_data

# The challenge form and the preview show the reach, which asks the search engine.
pytestmark = [pytest.mark.django_db, pytest.mark.search]


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


def criteria_rows(*rows: tuple[str, str, bool], removed: tuple[int, ...] = ()) -> dict:
    """The formset's fields as the page posts them: the rows typed, then one blank row (left out)."""
    data = {"criteria-TOTAL_FORMS": str(len(rows) + 1), "criteria-INITIAL_FORMS": "0"}
    for index, (title, weight, has_minimum) in enumerate(rows):
        data[f"criteria-{index}-title"] = title
        data[f"criteria-{index}-weight"] = weight
        data[f"criteria-{index}-description"] = ""
        if has_minimum:
            data[f"criteria-{index}-has_minimum"] = "on"
        if index in removed:
            data[f"criteria-{index}-DELETE"] = "on"
    return data


GRID_ROWS = (("Démarche", "40", True), ("Équipe", "30", False), ("Échéancier", "30", False))


def test_challenge_create_form_shows_the_grid_step_with_a_row_and_the_weights_total(member_client):
    content = member_client.get("/en/organization/challenges/new/").content.decode()

    assert 'href="#step-grid"' in content
    assert 'name="criteria-TOTAL_FORMS"' in content
    assert 'name="criteria-0-title"' in content
    assert "No quality evaluation: the lowest price wins." in content
    assert "data-weights-total" in content


def test_challenge_create_saves_the_mode_k_and_the_criteria_typed(member_client):
    data = form_data(award_mode="adjusted_price", k_factor="20", **criteria_rows(*GRID_ROWS))

    response = member_client.post("/fr/organization/challenges/new/", data)

    assert response.status_code == 302
    challenge = Challenge.objects.get()
    assert (challenge.award_mode, challenge.k_factor) == (AwardMode.ADJUSTED_PRICE, 20)
    assert list(challenge.criteria.values_list("title", "weight", "has_minimum")) == [
        ("Démarche", 40, True),
        ("Équipe", 30, False),
        ("Échéancier", 30, False),
    ]


def test_challenge_create_leaves_out_a_removed_criterion_without_javascript(member_client):
    rows = (*GRID_ROWS, ("Prix", "10", False))
    data = form_data(award_mode="quality", **criteria_rows(*rows, removed=(3,)))

    member_client.post("/fr/organization/challenges/new/", data)

    assert list(Challenge.objects.get().criteria.values_list("title", flat=True)) == [
        "Démarche",
        "Équipe",
        "Échéancier",
    ]


def test_challenge_create_drops_a_k_factor_typed_under_another_mode(member_client):
    data = form_data(award_mode="quality", k_factor="20", **criteria_rows(*GRID_ROWS))

    member_client.post("/fr/organization/challenges/new/", data)

    assert Challenge.objects.get().k_factor is None


def test_challenge_create_keeps_the_rows_and_shows_the_total_when_a_row_is_wrong(member_client):
    data = form_data(award_mode="quality", **criteria_rows(("Démarche", "40", False), ("", "50", False)))

    response = member_client.post("/en/organization/challenges/new/", data)

    content = response.content.decode()
    assert response.status_code == 200
    assert not Challenge.objects.exists()
    assert 'value="Démarche"' in content
    assert "<strong data-weights-total-value>90</strong>%" in content


def test_challenge_edit_shows_the_criteria_saved(member_client, organization):
    challenge = factories.ChallengeFactory(organization=organization)
    factories.grid_create(challenge)

    content = member_client.get(f"/en/organization/challenges/{challenge.pk}/edit/").content.decode()

    assert 'value="Critère' in content
    assert "<strong data-weights-total-value>100</strong>%" in content


def test_challenge_preview_lists_what_keeps_the_grid_from_being_submitted(member_client, organization):
    challenge = factories.ChallengeFactory(organization=organization)
    factories.grid_create(challenge, weights=(40, 30, 20))

    content = member_client.get(f"/en/organization/challenges/{challenge.pk}/preview/").content.decode()

    assert "The evaluation grid must follow the rules before the challenge is submitted:" in content
    assert "The weights add up to 90%" in content


def test_challenge_preview_refuses_to_submit_without_a_grid_and_says_why(member_client, organization):
    challenge = factories.ChallengeFactory(organization=organization)

    response = member_client.post(f"/en/organization/challenges/{challenge.pk}/preview/", follow=True)

    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.DRAFT
    assert "The evaluation grid is not complete: Choose an award mode" in response.content.decode()


def test_challenge_detail_shows_the_public_grid_and_its_addenda(client, organization):
    challenge = factories.ChallengeFactory(organization=organization, published=True)
    factories.grid_create(challenge)
    factories.ChallengeAddendumFactory(challenge=challenge, number=1, summary="Le critère 2 est précisé.")

    content = client.get(f"/en/challenges/{challenge.pk}/").content.decode()

    assert "Lowest adjusted price (quality–price ratio)" in content
    assert "30%: a proposal scoring 100 may cost up to 30% more" in content
    assert "Critère" in content and "40&nbsp;%" in content
    assert "Addendum 1" in content and "Le critère 2 est précisé." in content


def test_challenge_detail_marks_the_criteria_with_the_challenge_language_on_an_english_page(
    client, organization
):
    """A French challenge's criteria on the English page are French text: marked so, a screen reader says them
    in French."""
    challenge = factories.ChallengeFactory(organization=organization, published=True, language="fr")
    [criterion, *_] = factories.grid_create(challenge)

    content = client.get(f"/en/challenges/{challenge.pk}/").content.decode()

    assert f'<span lang="fr">{criterion.title}</span>' in content
    assert f'<td lang="fr">{criterion.description}</td>' in content


def test_challenge_grid_amend_page_publishes_an_addendum_and_tells_introduced_firms(
    member_client, organization
):
    challenge = factories.ChallengeFactory(organization=organization, published=True)
    factories.grid_create(challenge)
    firm_member = factories.UserFactory(role=User.Role.VENDOR_MEMBER)
    proposal = factories.MatchProposalFactory(
        approved=True, challenge=challenge, vendor=factories.VendorFactory(members=[firm_member])
    )
    factories.IntroductionFactory(proposal=proposal)
    data = {
        "award_mode": "quality",
        "k_factor": "",
        "summary": "La qualité seule départage les soumissions.",
        **criteria_rows(*GRID_ROWS),
    }

    response = member_client.post(f"/en/organization/challenges/{challenge.pk}/grid/", data, follow=True)

    addendum = ChallengeAddendum.objects.get(challenge=challenge)
    assert addendum.number == 1
    assert "Addendum 1 is published" in response.content.decode()
    assert Notification.objects.filter(user=firm_member, kind=Notification.Kind.GRID_AMENDED).exists()


def test_challenge_grid_amend_page_sends_a_draft_back_to_its_page(member_client, organization):
    challenge = factories.ChallengeFactory(organization=organization)

    response = member_client.get(f"/en/organization/challenges/{challenge.pk}/grid/", follow=True)

    assert response.redirect_chain[-1][0] == f"/en/organization/challenges/{challenge.pk}/"
    assert "edit the challenge instead" in response.content.decode()


def test_challenge_grid_amend_page_refuses_after_the_deadline(member_client, organization):
    challenge = factories.ChallengeFactory(
        organization=organization,
        published=True,
        deadline=timezone.localdate() - datetime.timedelta(days=1),
    )

    response = member_client.get(f"/en/organization/challenges/{challenge.pk}/grid/")

    assert response.status_code == 302


def test_challenge_manage_offers_the_addendum_while_published(member_client, organization):
    challenge = factories.ChallengeFactory(organization=organization, published=True)

    content = member_client.get(f"/en/organization/challenges/{challenge.pk}/").content.decode()

    assert f"/en/organization/challenges/{challenge.pk}/grid/" in content
