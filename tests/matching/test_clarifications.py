"""Clarifications: who hears a published answer (every firm introduced to the challenge that has not declined
it), and when the organization may still answer."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from hub.exceptions import Conflict
from hub.models import AuditEntry, Notification, User
from marketplace.models import Challenge
from matching.models import Clarification, Introduction, MatchProposal
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


def asking_firm_member(challenge) -> User:
    firm_member = UserFactory(role=User.Role.VENDOR_MEMBER)
    introduce(challenge, VendorFactory(members=[firm_member]), Introduction.Status.INTERESTED)
    return firm_member


def test_clarification_ask_refuses_a_question_already_asked_about_the_challenge():
    challenge = ChallengeFactory(status=Challenge.Status.PUBLISHED)
    first = clarification_ask(
        challenge=challenge, user=asking_firm_member(challenge), question="Le code sera-t-il libre?"
    )
    audit_entries, notifications = AuditEntry.objects.count(), Notification.objects.count()

    with pytest.raises(ValidationError) as refused:
        clarification_ask(
            challenge=challenge, user=asking_firm_member(challenge), question="  le CODE sera-t-il libre?\n"
        )

    assert refused.value.error_dict["question"][0].code == "clarification_duplicate"
    assert list(Clarification.objects.all()) == [first]
    assert (AuditEntry.objects.count(), Notification.objects.count()) == (audit_entries, notifications)


def test_clarification_ask_accepts_the_same_question_about_another_challenge():
    question = "Le code sera-t-il libre?"
    for challenge in ChallengeFactory.create_batch(2, status=Challenge.Status.PUBLISHED):
        clarification_ask(challenge=challenge, user=asking_firm_member(challenge), question=question)

    assert Clarification.objects.filter(question=question).count() == 2


def test_clarification_question_is_unique_per_challenge_in_the_database():
    # What stops two identical asks that both passed the service's check at the same time.
    first = ClarificationFactory(question="Le code sera-t-il libre?")

    with pytest.raises(IntegrityError):
        ClarificationFactory(challenge=first.challenge, question=" LE CODE SERA-T-IL LIBRE? ")


def test_clarification_ask_files_a_question_awaiting_its_answer_as_a_question_received():
    challenge = ChallengeFactory(status=Challenge.Status.PUBLISHED)
    organization_member = UserFactory(role=User.Role.MINISTRY_MEMBER)
    challenge.organization.members.add(organization_member)

    clarification_ask(challenge=challenge, user=asking_firm_member(challenge), question="Quel budget?")

    notification = Notification.objects.get(user=organization_member)
    assert notification.kind == Notification.Kind.QUESTION_ASKED
    assert notification.get_kind_display() == "Question reçue"
