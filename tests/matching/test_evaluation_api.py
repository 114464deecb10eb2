"""The evaluation's API (matching/api.py): each step through the URLs, with its status and body."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from hub.models import User
from matching.models import AwardDecision, CommitteeMember, Score
from tests import factories

pytestmark = pytest.mark.django_db


def _api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _scores(evaluation, *values: int) -> list[dict]:
    return [
        {"criterion": criterion.pk, "score": value, "comment": "Solide."}
        for criterion, value in zip(evaluation.criteria, values, strict=True)
    ]


def test_committee_put_names_the_committee(evaluation):
    members = evaluation.members

    response = _api(evaluation.owner).put(
        reverse("committee-detail", kwargs={"challenge_id": evaluation.challenge.pk}),
        {"members": [m.pk for m in members[:2]] + [evaluation.secretary.pk], "secretary": members[2].pk},
        format="json",
    )

    assert response.status_code == 200
    assert evaluation.challenge.committee.get(role=CommitteeMember.Role.SECRETARY).user == members[2]


def test_committee_put_refuses_someone_outside_the_organization(evaluation):
    outsider = factories.UserFactory(role=User.Role.MINISTRY_MEMBER)

    response = _api(evaluation.owner).put(
        reverse("committee-detail", kwargs={"challenge_id": evaluation.challenge.pk}),
        {
            "members": [m.pk for m in evaluation.members[:2]] + [outsider.pk],
            "secretary": evaluation.secretary.pk,
        },
        format="json",
    )

    assert response.status_code == 400
    assert "members" in response.json()


def test_score_sheet_put_refuses_a_score_over_100(evaluation):
    response = _api(evaluation.members[0]).put(
        reverse("score-sheet-detail", kwargs={"submission_id": evaluation.a.pk}),
        {"scores": _scores(evaluation, 80, 101, 70)},
        format="json",
    )

    assert response.status_code == 400
    assert "0 à 100" in str(response.json())
    assert not Score.objects.exists()


def test_score_sheet_submit_twice_answers_409(evaluation):
    url = reverse("score-sheet-submit", kwargs={"submission_id": evaluation.a.pk})
    client = _api(evaluation.members[0])
    client.post(url, {"scores": _scores(evaluation, 80, 80, 80)}, format="json")

    response = client.post(url, {"scores": _scores(evaluation, 90, 90, 90)}, format="json")

    assert response.status_code == 409


def test_score_sheet_put_refuses_the_secretary(evaluation):
    response = _api(evaluation.secretary).put(
        reverse("score-sheet-detail", kwargs={"submission_id": evaluation.a.pk}),
        {"scores": _scores(evaluation, 80, 80, 80)},
        format="json",
    )

    assert response.status_code == 403


def test_score_sheet_get_hides_the_others_until_submitted(evaluation):
    evaluation.score_all(evaluation.b, 80, 80, 80)  # Members 0-2 submit B; A stays unscored by member 0.
    _api(evaluation.members[1]).post(
        reverse("score-sheet-submit", kwargs={"submission_id": evaluation.a.pk}),
        {"scores": _scores(evaluation, 60, 60, 60)},
        format="json",
    )

    response = _api(evaluation.members[0]).get(
        reverse("score-sheet-detail", kwargs={"submission_id": evaluation.a.pk})
    )

    assert response.status_code == 200
    assert response.json() == []


def test_consensus_put_records_the_consensus(evaluation):
    evaluation.score_all(evaluation.a, 80, 80, 80)

    response = _api(evaluation.secretary).put(
        reverse("consensus-detail", kwargs={"submission_id": evaluation.a.pk}),
        {"scores": _scores(evaluation, 80, 75, 70)},
        format="json",
    )

    assert response.status_code == 200
    assert [row["score"] for row in response.json()] == [80, 75, 70]


def test_ranking_get_returns_the_steps(evaluation):
    evaluation.agree(evaluation.a, 90, 90, 90)
    evaluation.agree(evaluation.b, 70, 70, 70)

    response = _api(evaluation.owner).get(
        reverse("challenge-ranking", kwargs={"challenge_id": evaluation.challenge.pk})
    )

    rows = response.json()
    assert [row["submission"] for row in rows] == [evaluation.a.pk, evaluation.b.pk]
    assert rows[0]["adjusted_price"] == "83333.33"
    assert rows[0]["steps"]


def test_award_submission_before_the_consensus_answers_400_and_writes_nothing(evaluation):
    evaluation.agree(evaluation.a, 90, 90, 90)

    response = _api(evaluation.owner).post(
        reverse("challenge-award-submission", kwargs={"challenge_id": evaluation.challenge.pk}),
        {"submission": evaluation.a.pk, "rationale": "Pressés."},
        format="json",
    )

    assert response.status_code == 400
    assert not AwardDecision.objects.exists()


def test_award_submission_then_debrief(evaluation):
    evaluation.agree(evaluation.a, 90, 90, 90)
    evaluation.agree(evaluation.b, 70, 70, 70)

    award = _api(evaluation.owner).post(
        reverse("challenge-award-submission", kwargs={"challenge_id": evaluation.challenge.pk}),
        {"submission": evaluation.a.pk, "rationale": "Le prix ajusté le plus bas."},
        format="json",
    )
    debrief = _api(evaluation.b.vendor.members.get()).get(
        reverse("submission-debrief", kwargs={"submission_id": evaluation.b.pk})
    )

    assert award.status_code == 201
    assert award.json()["engagement"] is not None
    body = debrief.json()
    assert (body["rank"], body["winner_price"], body["is_winner"]) == (2, "100000.00", False)
    assert [row["score"] for row in body["criteria"]] == [70, 70, 70]
