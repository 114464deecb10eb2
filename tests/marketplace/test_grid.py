"""The evaluation grid on a challenge: chosen while it is written, checked before submission and publication,
shown once published, and changed afterwards only by an addendum told to every introduced firm."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from hub.models import AuditEntry, Notification, User
from marketplace.models import AwardMode, Challenge, ChallengeAddendum, EvaluationCriterion
from marketplace.services import (
    challenge_create,
    challenge_grid_amend,
    challenge_grid_seed,
    challenge_transition,
    challenge_update,
)
from tests import factories
from tests.marketplace.test_catalog import DEV_CATALOG

pytestmark = pytest.mark.django_db

Status = Challenge.Status

CRITERIA = [
    {"title": "Démarche", "description": "La méthode proposée.", "weight": 40, "has_minimum": True},
    {"title": "Équipe", "description": "", "weight": 30, "has_minimum": False},
    {"title": "Échéancier", "description": "", "weight": 30, "has_minimum": False},
]


@pytest.fixture
def member(db) -> User:
    return factories.UserFactory(role=User.Role.MINISTRY_MEMBER)


def _challenge(member: User, **fields) -> Challenge:
    challenge = factories.ChallengeFactory(**fields)
    challenge.organization.members.add(member)
    return challenge


def _published(member: User) -> Challenge:
    challenge = _challenge(member, published=True)
    factories.grid_create(challenge)
    return challenge


def _introduce(challenge: Challenge, *, language: str = "fr") -> User:
    firm_member = factories.UserFactory(role=User.Role.VENDOR_MEMBER, preferred_language=language)
    vendor = factories.VendorFactory(members=[firm_member])
    proposal = factories.MatchProposalFactory(approved=True, challenge=challenge, vendor=vendor)
    factories.IntroductionFactory(proposal=proposal)
    return firm_member


def _amend(challenge: Challenge, user: User, **overrides):
    arguments = {
        "award_mode": AwardMode.QUALITY,
        "k_factor": None,
        "criteria": CRITERIA,
        "summary": "La qualité seule départage les soumissions.",
        **overrides,
    }
    return challenge_grid_amend(challenge=challenge, user=user, **arguments)


# Writing the grid


def test_challenge_create_saves_the_criteria_in_order(member):
    organization = factories.OrganizationFactory(members=[member])
    data = {
        "title": "Portail",
        "description": "Un portail citoyen.",
        "language": "fr",
        "budget_min": 10000,
        "budget_max": 20000,
        "deadline": timezone.localdate() + datetime.timedelta(days=30),
        "award_mode": AwardMode.ADJUSTED_PRICE,
        "k_factor": 20,
        "criteria": CRITERIA,
    }

    challenge = challenge_create(user=member, organization=organization, data=data)

    assert (challenge.award_mode, challenge.k_factor) == (AwardMode.ADJUSTED_PRICE, 20)
    assert list(challenge.criteria.values_list("position", "title", "weight", "has_minimum")) == [
        (1, "Démarche", 40, True),
        (2, "Équipe", 30, False),
        (3, "Échéancier", 30, False),
    ]


def test_challenge_update_replaces_the_criteria_as_a_whole(member):
    challenge = _challenge(member)
    factories.grid_create(challenge, weights=(25, 25, 25, 25))

    challenge_update(challenge=challenge, user=member, data={"criteria": CRITERIA})

    assert list(challenge.criteria.values_list("title", flat=True)) == ["Démarche", "Équipe", "Échéancier"]


def test_challenge_update_keeps_a_draft_grid_incomplete(member):
    challenge = _challenge(member)

    challenge_update(
        challenge=challenge, user=member, data={"award_mode": AwardMode.QUALITY, "criteria": CRITERIA[:1]}
    )

    assert challenge.criteria.count() == 1


def test_challenge_update_refuses_two_criteria_with_one_title_and_writes_nothing(member):
    challenge = _challenge(member)
    criteria = [*CRITERIA, {"title": " démarche ", "weight": 10}]

    with pytest.raises(ValidationError) as refusal:
        challenge_update(
            challenge=challenge, user=member, data={"title": "Nouveau titre", "criteria": criteria}
        )

    assert "Démarche" in str(refusal.value)
    challenge.refresh_from_db()
    assert challenge.title != "Nouveau titre"
    assert not challenge.criteria.exists()


def test_challenge_update_refuses_a_grid_change_on_a_published_challenge(member):
    challenge = _published(member)
    coordinator = factories.UserFactory(role=User.Role.COORDINATOR)

    with pytest.raises(ValidationError) as refusal:
        challenge_update(
            challenge=challenge, user=coordinator, data={"award_mode": AwardMode.PRICE, "reason": "Demandé."}
        )

    assert refusal.value.code == "grid_needs_addendum"


# Submitting and publishing


def test_challenge_transition_refuses_to_submit_a_draft_without_a_grid(member):
    challenge = _challenge(member)

    with pytest.raises(ValidationError) as refusal:
        challenge_transition(challenge=challenge, user=member, to_status=Status.SUBMITTED)

    assert "award_mode" in refusal.value.message_dict
    challenge.refresh_from_db()
    assert challenge.status == Status.DRAFT


def test_challenge_transition_names_weights_not_summing_to_100(member):
    challenge = _challenge(member)
    factories.grid_create(challenge, weights=(40, 30, 20))

    with pytest.raises(ValidationError) as refusal:
        challenge_transition(challenge=challenge, user=member, to_status=Status.SUBMITTED)

    assert refusal.value.message_dict["criteria"] == [
        "La grille d'évaluation n'est pas complète\u00a0: Les pondérations totalisent 90\u00a0%; elles doivent "
        "totaliser exactement 100\u00a0%. Ajustez-les. Modifiez le défi pour la compléter."
    ]


def test_challenge_transition_submits_a_draft_with_a_valid_grid(member):
    challenge = _challenge(member)
    factories.grid_create(challenge)

    challenge = challenge_transition(challenge=challenge, user=member, to_status=Status.SUBMITTED)

    assert challenge.status == Status.SUBMITTED


def test_challenge_transition_submits_a_price_only_challenge_without_criteria(member):
    challenge = _challenge(member)
    factories.grid_create(challenge, weights=(), mode=AwardMode.PRICE)

    challenge = challenge_transition(challenge=challenge, user=member, to_status=Status.SUBMITTED)

    assert challenge.status == Status.SUBMITTED


def test_challenge_transition_refuses_to_publish_an_invalid_grid(member):
    challenge = _challenge(member, submitted=True)
    factories.grid_create(challenge, weights=(50, 50))
    coordinator = factories.UserFactory(role=User.Role.COORDINATOR)

    with pytest.raises(ValidationError):
        challenge_transition(challenge=challenge, user=coordinator, to_status=Status.PUBLISHED)

    challenge.refresh_from_db()
    assert challenge.status == Status.SUBMITTED


# Addenda


def test_challenge_grid_amend_records_a_numbered_addendum_with_the_grid_before_and_after(member):
    challenge = _published(member)

    first = _amend(challenge, member)
    second = _amend(challenge, member, award_mode=AwardMode.ADJUSTED_PRICE, k_factor=15)

    assert (first.number, second.number) == (1, 2)
    assert first.grid_before["award_mode"] == AwardMode.ADJUSTED_PRICE
    assert first.grid_after["award_mode"] == AwardMode.QUALITY
    assert first.grid_after["criteria"][0] == {
        "title": "Démarche",
        "description": "La méthode proposée.",
        "weight": 40,
        "has_minimum": True,
    }
    challenge.refresh_from_db()
    assert (challenge.award_mode, challenge.k_factor) == (AwardMode.ADJUSTED_PRICE, 15)


def test_challenge_grid_amend_is_audited(member):
    challenge = _published(member)

    _amend(challenge, member)

    entry = AuditEntry.objects.get(object_type="challenge", object_id=challenge.pk, action="grid_amend")
    assert entry.actor == member
    assert "La qualité seule" in entry.reason


def test_challenge_grid_amend_tells_every_introduced_firm_in_its_language(member):
    challenge = _published(member)
    french = _introduce(challenge, language="fr")
    english = _introduce(challenge, language="en")

    _amend(challenge, member)

    notices = {n.user: n for n in Notification.objects.filter(kind=Notification.Kind.GRID_AMENDED)}
    assert set(notices) == {french, english}
    assert notices[french].title.startswith("Addenda 1")
    assert notices[english].title.startswith("Addendum 1")
    assert notices[english].url == f"/en/challenges/{challenge.pk}/"


def test_challenge_grid_amend_keeps_answers_of_a_kept_criterion_and_deletes_those_of_a_removed_one(member):
    challenge = _published(member)
    first, second, _third = challenge.criteria.all()
    kept = factories.SubmissionAnswerFactory(
        criterion=first, submission__introduction__proposal__challenge=challenge
    )
    removed = factories.SubmissionAnswerFactory(criterion=second, submission=kept.submission)
    firm_member = factories.UserFactory(role=User.Role.VENDOR_MEMBER, preferred_language="en")
    kept.submission.vendor.members.add(firm_member)
    criteria = [
        {"title": first.title, "weight": 50},
        {"title": "Nouveau critère", "weight": 25},
        {"title": "Autre critère", "weight": 25},
    ]

    _amend(challenge, member, criteria=criteria)

    kept.refresh_from_db()
    assert kept.criterion.weight == 50
    assert not type(removed).objects.filter(pk=removed.pk).exists()
    notice = Notification.objects.get(user=firm_member, kind=Notification.Kind.GRID_AMENDED)
    assert f"“{second.title}”" in notice.body


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.EVALUATION, Status.CLOSED])
def test_challenge_grid_amend_refuses_a_challenge_that_is_not_published(member, status):
    challenge = _challenge(member, status=status)
    factories.grid_create(challenge)

    with pytest.raises(ValidationError) as refusal:
        _amend(challenge, member)

    assert refusal.value.code == "challenge_not_published"
    assert not ChallengeAddendum.objects.exists()


def test_challenge_grid_amend_refuses_once_the_deadline_passed(member):
    challenge = _published(member)
    Challenge.objects.filter(pk=challenge.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )

    with pytest.raises(ValidationError) as refusal:
        _amend(challenge, member)

    assert refusal.value.code == "deadline_passed"


def test_challenge_grid_amend_refuses_an_invalid_grid_and_changes_nothing(member):
    challenge = _published(member)

    with pytest.raises(ValidationError) as refusal:
        _amend(challenge, member, award_mode=AwardMode.ADJUSTED_PRICE, k_factor=40)

    assert "k_factor" in refusal.value.message_dict
    challenge.refresh_from_db()
    assert challenge.k_factor == 30
    assert not ChallengeAddendum.objects.exists()


def test_challenge_grid_amend_refuses_an_unchanged_grid(member):
    challenge = _published(member)
    criteria = [
        {"title": c.title, "description": c.description, "weight": c.weight, "has_minimum": c.has_minimum}
        for c in challenge.criteria.all()
    ]

    with pytest.raises(ValidationError) as refusal:
        _amend(challenge, member, award_mode=AwardMode.ADJUSTED_PRICE, k_factor=30, criteria=criteria)

    assert refusal.value.code == "grid_unchanged"


def test_challenge_grid_amend_asks_for_a_summary(member):
    challenge = _published(member)

    with pytest.raises(ValidationError) as refusal:
        _amend(challenge, member, summary="  ")

    assert "summary" in refusal.value.message_dict


# The demo's published challenges, imported without a grid


def test_challenge_grid_seed_gives_a_published_challenge_its_first_grid_without_an_addendum(member):
    challenge = _challenge(member, published=True)

    challenge_grid_seed(
        challenge=challenge, award_mode=AwardMode.ADJUSTED_PRICE, k_factor=20, criteria=CRITERIA
    )

    assert challenge.criteria.count() == 3
    assert not ChallengeAddendum.objects.exists()
    assert AuditEntry.objects.filter(object_id=challenge.pk, action="grid_seed", actor=None).exists()


def test_challenge_grid_seed_refuses_a_challenge_that_has_a_mode(member):
    challenge = _published(member)

    with pytest.raises(ValidationError) as refusal:
        challenge_grid_seed(
            challenge=challenge, award_mode=AwardMode.QUALITY, k_factor=None, criteria=CRITERIA
        )

    assert refusal.value.code == "grid_already_set"


# API


def test_api_challenge_detail_shows_the_public_grid_and_addenda(api_client, member):
    challenge = _published(member)
    _amend(challenge, member)

    response = api_client.get(reverse("challenge-detail", kwargs={"challenge_id": challenge.pk}))

    assert response.status_code == 200
    assert response.data["award_mode"] == AwardMode.QUALITY
    assert response.data["k_factor"] is None
    assert [(c["title"], c["weight"], c["has_minimum"]) for c in response.data["criteria"]] == [
        ("Démarche", 40, True),
        ("Équipe", 30, False),
        ("Échéancier", 30, False),
    ]
    assert [a["number"] for a in response.data["addenda"]] == [1]


def test_api_challenge_submit_names_the_missing_grid(api_client, member):
    challenge = _challenge(member)
    api_client.force_authenticate(member)

    response = api_client.post(
        reverse("challenge-submit", kwargs={"challenge_id": challenge.pk}), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert "Choose an award mode" in str(response.data["award_mode"])


def test_api_challenge_update_sets_the_grid(api_client, member):
    challenge = _challenge(member)
    api_client.force_authenticate(member)

    response = api_client.patch(
        reverse("challenge-detail", kwargs={"challenge_id": challenge.pk}),
        {"award_mode": "quality_then_price", "criteria": CRITERIA},
        format="json",
    )

    assert response.status_code == 200, response.data
    assert [c["position"] for c in response.data["criteria"]] == [1, 2, 3]


def test_api_challenge_update_refuses_a_weight_over_100(api_client, member):
    challenge = _challenge(member)
    api_client.force_authenticate(member)

    response = api_client.patch(
        reverse("challenge-detail", kwargs={"challenge_id": challenge.pk}),
        {"criteria": [{"title": "Tout", "weight": 150}]},
        format="json",
    )

    assert response.status_code == 400
    assert "criteria" in response.data


def test_api_challenge_grid_amend_creates_an_addendum(api_client, member):
    challenge = _published(member)
    api_client.force_authenticate(member)

    response = api_client.post(
        reverse("challenge-grid-amend", kwargs={"challenge_id": challenge.pk}),
        {"award_mode": "quality", "criteria": CRITERIA, "summary": "La qualité seule."},
        format="json",
    )

    assert response.status_code == 201, response.data
    assert response.data["number"] == 1


# The catalogue


def test_import_catalog_leaves_the_award_mode_to_the_organization():
    call_command("import_catalog", str(DEV_CATALOG))

    assert set(Challenge.objects.values_list("award_mode", flat=True)) == {""}
    assert not EvaluationCriterion.objects.exists()
