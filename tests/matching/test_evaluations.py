"""The selection committee, its score sheets and consensus, the ranking and the award (services/evaluations.py)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from hub.exceptions import Conflict
from hub.models import AuditEntry, Notification, User
from marketplace.models import AwardMode, Challenge
from matching import selectors
from matching.models import (
    AwardDecision,
    CommitteeMember,
    ConsensusScore,
    Engagement,
    Introduction,
    Score,
    ScoreSheet,
)
from matching.services import (
    challenge_award,
    challenge_award_submission,
    committee_set,
    consensus_record,
    score_sheet_save,
    score_sheet_submit,
)
from tests import factories
from tests.conftest import submission_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def ev(evaluation):
    return evaluation


# The committee


def _colleagues(challenge: Challenge, count: int) -> list[User]:
    users = factories.UserFactory.create_batch(count, role=User.Role.MINISTRY_MEMBER)
    challenge.organization.members.add(*users)
    return users


def test_committee_set_names_members_and_secretary_and_tells_them():
    owner = factories.UserFactory(role=User.Role.MINISTRY_MEMBER)
    challenge = factories.ChallengeFactory(published=True, organization__members=[owner])
    *members, secretary = _colleagues(challenge, 4)

    committee_set(challenge=challenge, user=owner, members=members, secretary=secretary)

    assert set(challenge.committee.filter(role="member").values_list("user", flat=True)) == {
        m.pk for m in members
    }
    assert challenge.committee.get(role="secretary").user == secretary
    assert Notification.objects.filter(kind=Notification.Kind.COMMITTEE_NAMED).count() == 4
    assert AuditEntry.objects.filter(action="committee_name").count() == 4


def test_committee_set_leads_each_person_named_to_the_evaluation_page():
    owner = factories.UserFactory(role=User.Role.MINISTRY_MEMBER)
    challenge = factories.ChallengeFactory(published=True, organization__members=[owner])
    *members, secretary = _colleagues(challenge, 4)

    committee_set(challenge=challenge, user=owner, members=members, secretary=secretary)

    notification = Notification.objects.get(user=secretary)
    assert notification.url.endswith(f"/organization/challenges/{challenge.pk}/evaluation/")
    assert "vous n'évaluez pas" in notification.body


def test_committee_set_refuses_fewer_than_three_scoring_members():
    owner = factories.UserFactory(role=User.Role.MINISTRY_MEMBER)
    challenge = factories.ChallengeFactory(published=True, organization__members=[owner])
    *members, secretary = _colleagues(challenge, 3)

    with pytest.raises(ValidationError) as error:
        committee_set(challenge=challenge, user=owner, members=members, secretary=secretary)

    assert "au moins 3" in str(error.value)
    assert not challenge.committee.exists()


def test_committee_set_refuses_a_secretary_who_scores():
    owner = factories.UserFactory(role=User.Role.MINISTRY_MEMBER)
    challenge = factories.ChallengeFactory(published=True, organization__members=[owner])
    members = _colleagues(challenge, 3)

    with pytest.raises(ValidationError) as error:
        committee_set(challenge=challenge, user=owner, members=members, secretary=members[0])

    assert error.value.message_dict["members"][0].startswith(members[0].get_username())
    assert not challenge.committee.exists()


def test_committee_set_refuses_someone_outside_the_organization():
    owner = factories.UserFactory(role=User.Role.MINISTRY_MEMBER)
    challenge = factories.ChallengeFactory(published=True, organization__members=[owner])
    *members, secretary = _colleagues(challenge, 4)
    outsider = factories.UserFactory(role=User.Role.MINISTRY_MEMBER)

    with pytest.raises(ValidationError):
        committee_set(challenge=challenge, user=owner, members=[*members[:2], outsider], secretary=secretary)

    assert not challenge.committee.exists()


def test_committee_set_refuses_a_member_of_another_organization():
    owner = factories.UserFactory(role=User.Role.MINISTRY_MEMBER)
    challenge = factories.ChallengeFactory(published=True, organization__members=[owner])
    *members, secretary = _colleagues(challenge, 4)
    stranger = factories.UserFactory(role=User.Role.MINISTRY_MEMBER)

    with pytest.raises(PermissionDenied):
        committee_set(challenge=challenge, user=stranger, members=members, secretary=secretary)


def test_committee_set_replaces_the_committee_before_scoring(ev):
    newcomer = _colleagues(ev.challenge, 1)[0]
    score_sheet_save(submission=ev.a, user=ev.members[0], scores=ev.scores(80, 80, 80))

    committee_set(
        challenge=ev.challenge, user=ev.owner, members=[newcomer, *ev.members[1:]], secretary=ev.members[0]
    )

    assert ev.challenge.committee.get(role="secretary").user == ev.members[0]
    assert not ScoreSheet.objects.filter(member__user=ev.members[0]).exists()
    assert AuditEntry.objects.filter(action="committee_remove").count() == 2


def test_committee_set_refuses_once_a_sheet_is_submitted(ev):
    score_sheet_submit(submission=ev.a, user=ev.members[0], scores=ev.scores(80, 80, 80))
    newcomer = _colleagues(ev.challenge, 1)[0]

    with pytest.raises(Conflict) as error:
        committee_set(
            challenge=ev.challenge, user=ev.owner, members=[newcomer, *ev.members[1:]], secretary=ev.secretary
        )

    assert error.value.code == "committee_scoring_started"
    assert ev.challenge.committee.filter(user=ev.members[0]).exists()


# Score sheets


def test_score_sheet_save_keeps_scores_without_submitting(ev):
    sheet = score_sheet_save(submission=ev.a, user=ev.members[0], scores=ev.scores(80, 75, 70))

    assert sheet.submitted_at is None
    assert sorted(sheet.scores.values_list("score", flat=True)) == [70, 75, 80]


def test_score_sheet_submit_records_and_audits_every_score(ev):
    sheet = score_sheet_submit(submission=ev.a, user=ev.members[0], scores=ev.scores(80, 75, 70))

    assert sheet.submitted_at is not None
    entry = AuditEntry.objects.get(object_type="scoresheet", object_id=sheet.pk, action="submit")
    assert entry.actor == ev.members[0]
    assert f"{ev.criteria[0].title}: 80" in entry.reason


def test_score_sheet_save_refuses_a_score_outside_0_to_100(ev):
    with pytest.raises(ValidationError) as error:
        score_sheet_save(submission=ev.a, user=ev.members[0], scores=ev.scores(80, 101, 70))

    assert "de 0 à 100" in str(error.value)
    assert not Score.objects.exists()


def test_score_sheet_save_refuses_a_negative_score(ev):
    with pytest.raises(ValidationError):
        score_sheet_save(submission=ev.a, user=ev.members[0], scores=ev.scores(-1, 80, 70))

    assert not Score.objects.exists()


def test_score_sheet_submit_refuses_a_missing_criterion(ev):
    scores = ev.scores(80, 80, 80)
    scores.pop(ev.criteria[2].pk)

    with pytest.raises(ValidationError) as error:
        score_sheet_submit(submission=ev.a, user=ev.members[0], scores=scores)

    assert ev.criteria[2].title in str(error.value)
    assert not ScoreSheet.objects.filter(submitted_at__isnull=False).exists()


def test_score_sheet_submit_refuses_a_second_submission(ev):
    score_sheet_submit(submission=ev.a, user=ev.members[0], scores=ev.scores(80, 80, 80))

    with pytest.raises(Conflict) as error:
        score_sheet_submit(submission=ev.a, user=ev.members[0], scores=ev.scores(90, 90, 90))

    assert error.value.code == "score_sheet_submitted"
    assert set(Score.objects.values_list("score", flat=True)) == {80}


def test_score_sheet_save_refuses_the_secretary(ev):
    with pytest.raises(PermissionDenied) as error:
        score_sheet_save(submission=ev.a, user=ev.secretary, scores=ev.scores(80, 80, 80))

    assert "ne note pas" in str(error.value)
    assert not ScoreSheet.objects.exists()


def test_score_sheet_save_refuses_someone_off_the_committee(ev):
    with pytest.raises(PermissionDenied):
        score_sheet_save(submission=ev.a, user=ev.owner, scores=ev.scores(80, 80, 80))


def test_score_sheet_save_refuses_before_the_proposals_are_opened(ev):
    Challenge.objects.filter(pk=ev.challenge.pk).update(status=Challenge.Status.PUBLISHED)
    ev.a.refresh_from_db()

    with pytest.raises(Conflict) as error:
        score_sheet_save(submission=ev.a, user=ev.members[0], scores=ev.scores(80, 80, 80))

    assert error.value.code == "challenge_not_under_evaluation"


def test_score_sheet_list_hides_the_others_until_the_member_submits(ev):
    score_sheet_submit(submission=ev.a, user=ev.members[1], scores=ev.scores(60, 60, 60))
    score_sheet_save(submission=ev.a, user=ev.members[0], scores=ev.scores(80, 80, 80))

    before = list(selectors.score_sheet_list(submission=ev.a, user=ev.members[0]))
    score_sheet_submit(submission=ev.a, user=ev.members[0])
    after = list(selectors.score_sheet_list(submission=ev.a, user=ev.members[0]))

    assert [sheet.member.user for sheet in before] == [ev.members[0]]
    assert {sheet.member.user for sheet in after} == {ev.members[0], ev.members[1]}


def test_score_sheet_list_shows_the_secretary_only_submitted_sheets(ev):
    score_sheet_submit(submission=ev.a, user=ev.members[1], scores=ev.scores(60, 60, 60))
    score_sheet_save(submission=ev.a, user=ev.members[0], scores=ev.scores(80, 80, 80))

    sheets = list(selectors.score_sheet_list(submission=ev.a, user=ev.secretary))

    assert [sheet.member.user for sheet in sheets] == [ev.members[1]]


# The consensus


def test_consensus_record_refuses_before_every_member_submitted(ev):
    score_sheet_submit(submission=ev.a, user=ev.members[0], scores=ev.scores(80, 80, 80))

    with pytest.raises(Conflict) as error:
        consensus_record(submission=ev.a, user=ev.secretary, scores=ev.scores(80, 80, 80))

    assert error.value.code == "consensus_sheets_missing"
    assert not ConsensusScore.objects.exists()


def test_consensus_record_refuses_a_scoring_member(ev):
    ev.score_all(ev.a, 80, 80, 80)

    with pytest.raises(PermissionDenied):
        consensus_record(submission=ev.a, user=ev.members[0], scores=ev.scores(80, 80, 80))


def test_consensus_record_records_each_criterion_and_may_be_corrected(ev):
    ev.agree(ev.a, 80, 80, 80)

    consensus_record(submission=ev.a, user=ev.secretary, scores=ev.scores(85, 80, 80))

    assert ConsensusScore.objects.get(submission=ev.a, criterion=ev.criteria[0]).score == 85
    assert ConsensusScore.objects.filter(submission=ev.a).count() == 3
    assert (
        AuditEntry.objects.filter(object_type="submission", object_id=ev.a.pk, action="consensus").count()
        == 2
    )


def test_consensus_record_refuses_a_score_outside_0_to_100(ev):
    ev.score_all(ev.a, 80, 80, 80)

    with pytest.raises(ValidationError):
        consensus_record(submission=ev.a, user=ev.secretary, scores=ev.scores(80, 80, 150))

    assert not ConsensusScore.objects.exists()


# The ranking and the award


def test_challenge_ranking_ranks_by_the_award_mode(ev):
    ev.agree(ev.a, 90, 90, 90)
    ev.agree(ev.b, 70, 70, 70)

    ranking = selectors.challenge_ranking(challenge=ev.challenge, user=ev.owner)

    # A: 100 000 $ ÷ (1 + 0.30 × 20 ÷ 30) = 83 333,33 $, lower than B's 90 000 $.
    assert [row.submission for row in ranking] == [ev.a, ev.b]
    assert ranking[0].result.adjusted_price == Decimal("83333.33")
    assert ranking[0].result.steps


def test_challenge_ranking_refuses_while_a_consensus_is_missing(ev):
    ev.agree(ev.a, 90, 90, 90)

    with pytest.raises(Conflict):
        selectors.challenge_ranking(challenge=ev.challenge, user=ev.owner)


def test_challenge_ranking_is_hidden_from_another_organization(ev):
    stranger = factories.UserFactory(role=User.Role.MINISTRY_MEMBER)

    with pytest.raises(Http404):
        selectors.challenge_ranking(challenge=ev.challenge, user=stranger)


def test_challenge_award_submission_refuses_before_the_consensus_is_complete(ev):
    ev.agree(ev.a, 90, 90, 90)

    with pytest.raises(ValidationError) as error:
        challenge_award_submission(
            challenge=ev.challenge, user=ev.owner, submission=ev.a, rationale="Le meilleur."
        )

    assert error.value.code == "consensus_incomplete"
    ev.challenge.refresh_from_db()
    assert ev.challenge.status == Challenge.Status.EVALUATION
    assert not AwardDecision.objects.exists()
    assert not Engagement.objects.exists()


def test_challenge_award_submission_refuses_a_proposal_that_is_not_first(ev):
    ev.agree(ev.a, 90, 90, 90)
    ev.agree(ev.b, 70, 70, 70)

    with pytest.raises(ValidationError) as error:
        challenge_award_submission(
            challenge=ev.challenge, user=ev.owner, submission=ev.b, rationale="Moins cher."
        )

    assert ev.a.vendor.name in str(error.value)
    assert not AwardDecision.objects.exists()


def test_challenge_award_submission_refuses_without_a_rationale(ev):
    ev.agree(ev.a, 90, 90, 90)
    ev.agree(ev.b, 70, 70, 70)

    with pytest.raises(ValidationError):
        challenge_award_submission(challenge=ev.challenge, user=ev.owner, submission=ev.a, rationale="  ")

    assert not AwardDecision.objects.exists()


def test_challenge_award_submission_awards_and_opens_the_engagement(ev):
    ev.agree(ev.a, 90, 90, 90)
    ev.agree(ev.b, 70, 70, 70)

    decision = challenge_award_submission(
        challenge=ev.challenge, user=ev.owner, submission=ev.a, rationale="Le prix ajusté le plus bas."
    )

    ev.challenge.refresh_from_db()
    assert ev.challenge.status == Challenge.Status.AWARDED
    assert ev.challenge.awarded_vendor == ev.a.vendor
    assert decision.price == Decimal("100000.00")
    assert [row["submission"] for row in decision.ranking] == [ev.a.pk, ev.b.pk]
    engagement = Engagement.objects.get(challenge=ev.challenge)
    today = timezone.localdate()
    assert (engagement.submission, engagement.price) == (ev.a, Decimal("100000.00"))
    assert (engagement.starts_on, engagement.ends_on) == (today, today + timedelta(weeks=10))
    assert [(m.title, m.amount, m.due_date) for m in engagement.milestones.order_by("due_date")] == [
        ("Prototype", Decimal("40000.00"), today + timedelta(weeks=4)),
        ("Mise en service", Decimal("60000.00"), today + timedelta(weeks=10)),
    ]
    assert Introduction.objects.get(pk=ev.a.introduction_id).status == Introduction.Status.AWARDED
    assert Introduction.objects.get(pk=ev.b.introduction_id).status == Introduction.Status.NOT_SELECTED
    assert AuditEntry.objects.filter(object_type="awarddecision", action="award").exists()


def test_challenge_award_submission_sends_the_debrief_in_each_firms_language(ev):
    ev.agree(ev.a, 90, 90, 90)
    ev.agree(ev.b, 70, 70, 70)

    challenge_award_submission(
        challenge=ev.challenge, user=ev.owner, submission=ev.a, rationale="Le meilleur."
    )

    debrief = Notification.objects.get(kind=Notification.Kind.DEBRIEF)
    assert debrief.user in ev.b.vendor.members.all()
    assert debrief.language == "en"
    assert "your debrief" in debrief.title
    assert debrief.url.endswith(f"/submissions/{ev.b.pk}/debrief/")


def test_challenge_award_submission_accepts_either_of_tied_proposals(ev):
    ev.agree(ev.a, 80, 80, 80)
    ev.agree(ev.b, 80, 80, 80)
    ev.b.price = ev.a.price
    ev.b.save(update_fields=["price"])

    challenge_award_submission(
        challenge=ev.challenge,
        user=ev.owner,
        submission=ev.b,
        rationale="Égalité départagée par tirage au sort.",
    )

    assert AwardDecision.objects.get().submission == ev.b


def test_challenge_award_keeps_its_legacy_path_for_a_challenge_without_award_mode():
    owner = factories.UserFactory(role=User.Role.MINISTRY_MEMBER)
    introduction = factories.IntroductionFactory(
        interested=True,
        proposal__challenge__status=Challenge.Status.PUBLISHED,
        proposal__challenge__organization__members=[owner],
    )

    engagement = challenge_award(challenge=introduction.challenge, introduction=introduction, user=owner)

    assert engagement.price is None
    assert engagement.submission is None


def test_challenge_award_refuses_a_challenge_awarded_on_its_grid(ev):
    Introduction.objects.filter(pk=ev.a.introduction_id).update(status=Introduction.Status.INTERESTED)

    with pytest.raises(Conflict) as error:
        challenge_award(challenge=ev.challenge, introduction=ev.a.introduction, user=ev.owner)

    assert error.value.code == "challenge_awarded_on_evaluation"


# The debrief


def _awarded(ev) -> None:
    ev.agree(ev.a, 90, 90, 90)
    ev.agree(ev.b, 70, 70, 70)
    challenge_award_submission(
        challenge=ev.challenge, user=ev.owner, submission=ev.a, rationale="Le meilleur."
    )


def test_submission_debrief_shows_the_firm_its_scores_rank_and_the_winner(ev):
    _awarded(ev)
    reader = ev.b.vendor.members.get()

    debrief = selectors.submission_debrief(user=reader, submission_id=ev.b.pk)

    assert (debrief.is_winner, debrief.rank) == (False, 2)
    assert [c.score for c in debrief.criteria] == [70, 70, 70]
    assert debrief.criteria[0].comment == "Commentaire."
    assert (debrief.winner_price, debrief.winner_quality) == (Decimal("100000.00"), "90")


def test_submission_debrief_is_hidden_from_another_firm(ev):
    _awarded(ev)
    other = ev.a.vendor.members.get()

    with pytest.raises(Http404):
        selectors.submission_debrief(user=other, submission_id=ev.b.pk)


def test_submission_debrief_is_hidden_before_the_award(ev):
    reader = ev.b.vendor.members.get()

    with pytest.raises(Http404):
        selectors.submission_debrief(user=reader, submission_id=ev.b.pk)


def test_award_in_price_mode_needs_no_committee():
    owner = factories.UserFactory(role=User.Role.MINISTRY_MEMBER)
    challenge = factories.ChallengeFactory(evaluation=True, organization__members=[owner])
    challenge.award_mode = AwardMode.PRICE
    challenge.save(update_fields=["award_mode"])
    cheap = submission_for(challenge, price="50000.00")
    submission_for(challenge, price="60000.00")

    challenge_award_submission(
        challenge=challenge, user=owner, submission=cheap, rationale="Le plus bas prix."
    )

    assert Engagement.objects.get(challenge=challenge).price == Decimal("50000.00")
    assert not CommitteeMember.objects.filter(challenge=challenge).exists()
