"""The challenge's moves table: what `allowed_moves` offers each user in each state."""

import pytest

from hub.models import User
from marketplace.models import Challenge
from marketplace.moves import allowed_moves
from tests.factories import ChallengeFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = Challenge.Status


def challenge_of_member(status: str) -> tuple[Challenge, User]:
    member = UserFactory(role=User.Role.MINISTRY_MEMBER)
    challenge = ChallengeFactory(status=status)
    challenge.organization.members.add(member)
    return challenge, member


def test_allowed_moves_offers_a_member_submission_edit_cancel_and_delete_of_a_draft():
    challenge, member = challenge_of_member(Status.DRAFT)

    moves = allowed_moves(challenge, member)

    assert moves == {Status.SUBMITTED, Status.CANCELLED, "edit", "delete"}


def test_allowed_moves_keeps_publication_from_a_member():
    challenge, member = challenge_of_member(Status.SUBMITTED)

    moves = allowed_moves(challenge, member)

    assert moves == {Status.DRAFT, Status.CANCELLED, "edit"}


def test_allowed_moves_offers_a_coordinator_publication_of_a_submitted_challenge():
    challenge = ChallengeFactory(status=Status.SUBMITTED)
    coordinator = UserFactory(role=User.Role.COORDINATOR)

    moves = allowed_moves(challenge, coordinator)

    assert moves == {Status.PUBLISHED, Status.DRAFT, Status.CANCELLED, "edit"}


def test_allowed_moves_offers_a_member_closing_awarding_and_cancelling_a_published_challenge():
    challenge, member = challenge_of_member(Status.PUBLISHED)

    moves = allowed_moves(challenge, member)

    assert moves == {Status.CLOSED, Status.AWARDED, Status.CANCELLED}


def test_allowed_moves_offers_only_the_award_of_a_closed_challenge():
    challenge, member = challenge_of_member(Status.CLOSED)

    moves = allowed_moves(challenge, member)

    assert moves == {Status.AWARDED}


@pytest.mark.parametrize("status", [Status.AWARDED, Status.CANCELLED])
def test_allowed_moves_offers_a_member_nothing_once_the_challenge_is_over(status):
    challenge, member = challenge_of_member(status)

    moves = allowed_moves(challenge, member)

    assert moves == set()


def test_allowed_moves_lets_a_coordinator_edit_a_challenge_in_any_state():
    challenge = ChallengeFactory(status=Status.AWARDED)
    coordinator = UserFactory(role=User.Role.COORDINATOR)

    moves = allowed_moves(challenge, coordinator)

    assert moves == {"edit"}


def test_allowed_moves_offers_nothing_to_a_member_of_another_organization():
    challenge = ChallengeFactory(status=Status.DRAFT)
    stranger = UserFactory(role=User.Role.MINISTRY_MEMBER)

    moves = allowed_moves(challenge, stranger)

    assert moves == set()
