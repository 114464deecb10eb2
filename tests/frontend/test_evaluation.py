"""The evaluation's pages (frontend/views/evaluation.py): the committee, scoring, consensus, ranking, debrief."""

from decimal import Decimal

import pytest
from django.urls import reverse

from hub.formats import money
from hub.models import User
from marketplace.models import Challenge
from matching.models import AwardDecision, CommitteeMember, ConsensusScore, Engagement, ScoreSheet
from matching.services import challenge_award_submission
from tests import factories

pytestmark = pytest.mark.django_db


def _client(client, user):
    client.force_login(user)
    return client


def _score_form(evaluation, *values: int, action: str = "save") -> dict:
    data = {"action": action}
    for criterion, value in zip(evaluation.criteria, values, strict=True):
        data[f"score-{criterion.pk}"] = str(value)
        data[f"comment-{criterion.pk}"] = "Solide."
    return data


def test_committee_page_names_the_committee(client):
    owner = factories.UserFactory(role=User.Role.MINISTRY_MEMBER)
    challenge = factories.ChallengeFactory(published=True, organization__members=[owner])
    *members, secretary = factories.UserFactory.create_batch(4, role=User.Role.MINISTRY_MEMBER)
    challenge.organization.members.add(*members, secretary)

    response = _client(client, owner).post(
        reverse("frontend:committee", kwargs={"challenge_id": challenge.pk}),
        {"members": [m.pk for m in members], "secretary": secretary.pk},
    )

    assert response.status_code == 302
    assert challenge.committee.filter(role=CommitteeMember.Role.MEMBER).count() == 3


def test_committee_page_says_why_a_small_committee_is_refused(client):
    owner = factories.UserFactory(role=User.Role.MINISTRY_MEMBER)
    challenge = factories.ChallengeFactory(published=True, organization__members=[owner])
    member, secretary = factories.UserFactory.create_batch(2, role=User.Role.MINISTRY_MEMBER)
    challenge.organization.members.add(member, secretary)

    response = _client(client, owner).post(
        reverse("frontend:committee", kwargs={"challenge_id": challenge.pk}),
        {"members": [member.pk], "secretary": secretary.pk},
    )

    assert response.status_code == 200
    assert "au moins 3" in response.content.decode()
    assert not challenge.committee.exists()


def test_score_sheet_page_shows_the_answer_beside_the_score_input(client, evaluation):
    factories.SubmissionAnswerFactory(
        submission=evaluation.a, criterion=evaluation.criteria[0], text="Notre démarche éprouvée."
    )

    response = _client(client, evaluation.members[0]).get(
        reverse("frontend:score_sheet", kwargs={"submission_id": evaluation.a.pk})
    )

    page = response.content.decode()
    assert "Notre démarche éprouvée." in page
    assert f'id="score-{evaluation.criteria[0].pk}"' in page
    assert 'rel="next"' in page


def test_score_sheet_page_lists_the_proposals_documents(client, evaluation):
    factories.SubmissionAttachmentFactory(submission=evaluation.a, name="offre-technique.pdf")

    response = _client(client, evaluation.members[0]).get(
        reverse("frontend:score_sheet", kwargs={"submission_id": evaluation.a.pk})
    )

    assert "offre-technique.pdf" in response.content.decode()


def test_score_sheet_page_submits_the_sheet(client, evaluation):
    response = _client(client, evaluation.members[0]).post(
        reverse("frontend:score_sheet", kwargs={"submission_id": evaluation.a.pk}),
        _score_form(evaluation, 80, 75, 70, action="submit"),
    )

    assert response.status_code == 302
    assert ScoreSheet.objects.get(member__user=evaluation.members[0]).submitted_at is not None


def test_score_sheet_page_refuses_a_score_over_100_and_saves_nothing(client, evaluation):
    response = _client(client, evaluation.members[0]).post(
        reverse("frontend:score_sheet", kwargs={"submission_id": evaluation.a.pk}),
        _score_form(evaluation, 80, 175, 70),
    )

    assert response.status_code == 200
    assert "de 0 à 100" in response.content.decode()
    assert not ScoreSheet.objects.exists()


def test_score_sheet_page_refuses_the_secretary(client, evaluation):
    response = _client(client, evaluation.secretary).get(
        reverse("frontend:score_sheet", kwargs={"submission_id": evaluation.a.pk})
    )

    assert response.status_code == 403


def test_consensus_page_shows_the_members_scores_side_by_side(client, evaluation):
    evaluation.score_all(evaluation.a, 80, 75, 70)

    response = _client(client, evaluation.secretary).get(
        reverse("frontend:consensus", kwargs={"submission_id": evaluation.a.pk})
    )

    page = response.content.decode()
    for member in evaluation.members:
        assert member.username in page


def test_consensus_page_records_the_consensus(client, evaluation):
    evaluation.score_all(evaluation.a, 80, 75, 70)

    response = _client(client, evaluation.secretary).post(
        reverse("frontend:consensus", kwargs={"submission_id": evaluation.a.pk}),
        _score_form(evaluation, 80, 75, 70),
    )

    assert response.status_code == 302
    assert ConsensusScore.objects.filter(submission=evaluation.a).count() == 3


def test_ranking_page_shows_the_computation_step_by_step(client, evaluation):
    evaluation.agree(evaluation.a, 90, 90, 90)
    evaluation.agree(evaluation.b, 70, 70, 70)

    response = _client(client, evaluation.owner).get(
        reverse("frontend:ranking", kwargs={"challenge_id": evaluation.challenge.pk})
    )

    page = response.content.decode()
    assert "Prix ajusté" in page
    assert money(Decimal("83333.33")) in page
    assert 'name="rationale"' in page


def test_ranking_page_awards_and_leads_to_the_engagement(client, evaluation):
    evaluation.agree(evaluation.a, 90, 90, 90)
    evaluation.agree(evaluation.b, 70, 70, 70)

    response = _client(client, evaluation.owner).post(
        reverse("frontend:ranking", kwargs={"challenge_id": evaluation.challenge.pk}),
        {"submission": evaluation.a.pk, "rationale": "Le prix ajusté le plus bas."},
    )

    engagement = Engagement.objects.get()
    assert response.url == reverse("frontend:engagement_manage", kwargs={"engagement_id": engagement.pk})
    assert AwardDecision.objects.get().submission == evaluation.a


def test_ranking_page_says_why_an_award_before_the_consensus_is_refused(client, evaluation):
    evaluation.agree(evaluation.a, 90, 90, 90)

    response = _client(client, evaluation.owner).post(
        reverse("frontend:ranking", kwargs={"challenge_id": evaluation.challenge.pk}),
        {"submission": evaluation.a.pk, "rationale": "Pressés."},
    )

    assert response.status_code == 200
    assert "consensus" in response.content.decode()
    evaluation.challenge.refresh_from_db()
    assert evaluation.challenge.status == Challenge.Status.EVALUATION


def _award(evaluation) -> None:
    evaluation.agree(evaluation.a, 90, 90, 90)
    evaluation.agree(evaluation.b, 70, 70, 70)
    challenge_award_submission(
        challenge=evaluation.challenge,
        user=evaluation.owner,
        submission=evaluation.a,
        rationale="Le meilleur.",
    )


def test_debrief_page_reads_in_english_for_an_english_firm(client, evaluation):
    _award(evaluation)
    reader = evaluation.b.vendor.members.get()

    response = _client(client, reader).get(
        reverse("frontend:submission_debrief", kwargs={"submission_id": evaluation.b.pk}).replace(
            "/fr/", "/en/"
        )
    )

    page = response.content.decode()
    assert "Debrief of the award" in page
    assert "Your scores per criterion" in page
    assert evaluation.a.vendor.name in page


def test_introduction_page_of_a_losing_firm_links_to_its_debrief(client, evaluation):
    _award(evaluation)
    reader = evaluation.b.vendor.members.get()

    response = _client(client, reader).get(
        reverse(
            "frontend:vendor_introduction_detail", kwargs={"introduction_id": evaluation.b.introduction_id}
        )
    )

    assert reverse("frontend:submission_debrief", kwargs={"submission_id": evaluation.b.pk}) in (
        response.content.decode()
    )


def test_debrief_page_is_hidden_from_another_firm(client, evaluation):
    _award(evaluation)
    other = factories.UserFactory(role=User.Role.VENDOR_MEMBER)
    factories.VendorFactory(members=[other])

    response = _client(client, other).get(
        reverse("frontend:submission_debrief", kwargs={"submission_id": evaluation.b.pk})
    )

    assert response.status_code == 404


def test_engagement_page_shows_the_price_dates_and_prefilled_milestones(client, evaluation):
    _award(evaluation)
    engagement = Engagement.objects.get()

    response = _client(client, evaluation.owner).get(
        reverse("frontend:engagement_manage", kwargs={"engagement_id": engagement.pk})
    )

    page = response.content.decode()
    assert money(Decimal("100000.00")) in page
    assert "Mise en service" in page
    assert engagement.price == Decimal("100000.00")
