"""Clarifications: who hears a published answer (every firm introduced to the challenge that has not declined
it), and when the organization may still answer."""

import pytest

from hub.exceptions import Conflict
from hub.models import Notification, User
from marketplace.models import Challenge
from matching.models import Introduction, MatchProposal
from matching.services import clarification_answer, clarification_ask
from tests.factories import (
    ChallengeFactory,
    ClarificationFactory,
    IntroductionFactory,
    MatchProposalFactory,
    UserFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db


def introduce(challenge, vendor, status: str) -> Introduction:
    proposal = MatchProposalFactory(challenge=challenge, vendor=vendor, status=MatchProposal.Status.APPROVED)
    return IntroductionFactory(proposal=proposal, status=status)


def publish_an_answer(challenge) -> None:
    member = UserFactory(role=User.Role.MINISTRY_MEMBER)
    challenge.organization.members.add(member)
    clarification_ask(challenge=challenge, user=member, question="Le code sera-t-il libre?", answer="Oui.")


def test_clarification_answer_reaches_a_firm_that_declined_another_challenge():
    firm_member = UserFactory(role=User.Role.VENDOR_MEMBER)
    vendor = VendorFactory(members=[firm_member])
    challenge = ChallengeFactory(status=Challenge.Status.PUBLISHED)
    introduce(challenge, vendor, Introduction.Status.INTERESTED)
    introduce(ChallengeFactory(), vendor, Introduction.Status.DECLINED)

    publish_an_answer(challenge)

    assert Notification.objects.filter(user=firm_member, kind=Notification.Kind.CLARIFICATION).count() == 1


def test_clarification_answer_does_not_reach_a_firm_that_declined_this_challenge():
    firm_member = UserFactory(role=User.Role.VENDOR_MEMBER)
    vendor = VendorFactory(members=[firm_member])
    challenge = ChallengeFactory(status=Challenge.Status.PUBLISHED)
    introduce(challenge, vendor, Introduction.Status.DECLINED)

    publish_an_answer(challenge)

    assert not Notification.objects.filter(user=firm_member, kind=Notification.Kind.CLARIFICATION).exists()


def test_clarification_answer_refuses_a_question_once_the_challenge_is_closed():
    challenge = ChallengeFactory(status=Challenge.Status.CLOSED)
    member = UserFactory(role=User.Role.MINISTRY_MEMBER)
    challenge.organization.members.add(member)
    clarification = ClarificationFactory(challenge=challenge)

    with pytest.raises(Conflict) as refused:
        clarification_answer(clarification=clarification, user=member, answer="Trop tard.")

    assert refused.value.code == "challenge_not_open"
    clarification.refresh_from_db()
    assert clarification.answered_at is None and clarification.answer == ""
