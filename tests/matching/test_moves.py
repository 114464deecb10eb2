"""The matching workflow's moves tables: what `allowed_moves` offers each user in each state."""

import pytest
from django.contrib.auth.models import AnonymousUser

from hub.models import User
from marketplace.models import Challenge
from matching.models import Clarification, Engagement, Introduction, MatchProposal, Milestone
from matching.moves import allowed_moves
from tests.factories import (
    ChallengeFactory,
    ClarificationFactory,
    EngagementFactory,
    IntroductionFactory,
    MatchProposalFactory,
    MilestoneFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

Intro = Introduction.Status


def coordinator() -> User:
    return UserFactory(role=User.Role.COORDINATOR)


def introduction_in(status: str, *, challenge_status: str = Challenge.Status.PUBLISHED) -> Introduction:
    challenge = ChallengeFactory(status=challenge_status)
    proposal = MatchProposalFactory(challenge=challenge, status=MatchProposal.Status.APPROVED)
    return IntroductionFactory(proposal=proposal, status=status)


def vendor_member_of(introduction: Introduction) -> User:
    member = UserFactory(role=User.Role.VENDOR_MEMBER)
    introduction.vendor.members.add(member)
    return member


def organization_member_of(challenge: Challenge) -> User:
    member = UserFactory(role=User.Role.MINISTRY_MEMBER)
    challenge.organization.members.add(member)
    return member


# Proposals


def test_allowed_moves_offers_a_coordinator_every_decision_on_a_pending_proposal():
    proposal = MatchProposalFactory(status=MatchProposal.Status.PENDING)

    moves = allowed_moves(proposal, coordinator())

    assert moves == {
        MatchProposal.Status.APPROVED,
        MatchProposal.Status.REJECTED,
        MatchProposal.Status.ON_HOLD,
    }


def test_allowed_moves_does_not_hold_a_proposal_already_on_hold():
    proposal = MatchProposalFactory(status=MatchProposal.Status.ON_HOLD)

    moves = allowed_moves(proposal, coordinator())

    assert moves == {MatchProposal.Status.APPROVED, MatchProposal.Status.REJECTED}


@pytest.mark.parametrize("status", [MatchProposal.Status.APPROVED, MatchProposal.Status.REJECTED])
def test_allowed_moves_offers_nothing_on_a_decided_proposal(status):
    proposal = MatchProposalFactory(status=status)

    moves = allowed_moves(proposal, coordinator())

    assert moves == set()


def test_allowed_moves_offers_no_proposal_decision_to_a_vendor_member():
    proposal = MatchProposalFactory(status=MatchProposal.Status.PENDING)
    member = UserFactory(role=User.Role.VENDOR_MEMBER)
    proposal.vendor.members.add(member)

    moves = allowed_moves(proposal, member)

    assert moves == set()


def test_allowed_moves_offers_nothing_to_an_anonymous_visitor():
    proposal = MatchProposalFactory(status=MatchProposal.Status.PENDING)

    moves = allowed_moves(proposal, AnonymousUser())

    assert moves == set()


# Introductions


def test_allowed_moves_offers_the_firm_interest_decline_and_questions_on_a_new_introduction():
    introduction = introduction_in(Intro.INTRODUCED)

    moves = allowed_moves(introduction, vendor_member_of(introduction))

    assert moves == {Intro.INTERESTED, Intro.DECLINED, "ask"}


def test_allowed_moves_offers_the_organization_nothing_before_the_firm_is_interested():
    introduction = introduction_in(Intro.INTRODUCED)

    moves = allowed_moves(introduction, organization_member_of(introduction.challenge))

    assert moves == set()


def test_allowed_moves_offers_the_organization_shortlist_and_award_of_an_interested_firm():
    introduction = introduction_in(Intro.INTERESTED)

    moves = allowed_moves(introduction, organization_member_of(introduction.challenge))

    assert moves == {Intro.SHORTLISTED, Intro.AWARDED}


def test_allowed_moves_offers_the_organization_only_the_award_of_a_shortlisted_firm():
    introduction = introduction_in(Intro.SHORTLISTED)

    moves = allowed_moves(introduction, organization_member_of(introduction.challenge))

    assert moves == {Intro.AWARDED}


def test_allowed_moves_offers_no_award_once_the_challenge_is_awarded():
    introduction = introduction_in(Intro.SHORTLISTED, challenge_status=Challenge.Status.AWARDED)

    moves = allowed_moves(introduction, organization_member_of(introduction.challenge))

    assert moves == set()


def test_allowed_moves_offers_the_firm_no_question_once_the_challenge_is_closed():
    introduction = introduction_in(Intro.INTERESTED, challenge_status=Challenge.Status.CLOSED)

    moves = allowed_moves(introduction, vendor_member_of(introduction))

    assert moves == {Intro.DECLINED}


def test_allowed_moves_offers_a_firm_that_declined_nothing_more():
    introduction = introduction_in(Intro.DECLINED)

    moves = allowed_moves(introduction, vendor_member_of(introduction))

    assert moves == set()


def test_allowed_moves_offers_a_coordinator_both_parties_moves():
    introduction = introduction_in(Intro.INTERESTED)

    moves = allowed_moves(introduction, coordinator())

    assert moves == {Intro.DECLINED, Intro.SHORTLISTED, Intro.AWARDED, "ask"}


# Engagements and milestones


def test_allowed_moves_lets_the_organization_add_milestones_to_an_active_engagement():
    engagement = EngagementFactory(status=Engagement.Status.ACTIVE)

    moves = allowed_moves(engagement, organization_member_of(engagement.challenge))

    assert moves == {"add_milestone"}


def test_allowed_moves_adds_no_milestone_to_a_completed_engagement():
    engagement = EngagementFactory(status=Engagement.Status.COMPLETED)

    moves = allowed_moves(engagement, organization_member_of(engagement.challenge))

    assert moves == set()


def test_allowed_moves_offers_the_firm_the_delivery_of_a_planned_milestone():
    milestone = MilestoneFactory(status=Milestone.Status.PLANNED)
    member = UserFactory(role=User.Role.VENDOR_MEMBER)
    milestone.engagement.vendor.members.add(member)

    moves = allowed_moves(milestone, member)

    assert moves == {Milestone.Status.DELIVERED}


def test_allowed_moves_offers_the_organization_the_acceptance_of_a_delivered_milestone():
    milestone = MilestoneFactory(status=Milestone.Status.DELIVERED)

    moves = allowed_moves(milestone, organization_member_of(milestone.engagement.challenge))

    assert moves == {Milestone.Status.ACCEPTED}


def test_allowed_moves_never_offers_to_mark_a_milestone_paid():
    milestone = MilestoneFactory(status=Milestone.Status.ACCEPTED)

    moves = allowed_moves(milestone, coordinator())

    assert moves == set()


# Clarifications


def test_allowed_moves_offers_the_organization_the_answer_to_a_question_on_an_open_challenge():
    clarification = ClarificationFactory()

    moves = allowed_moves(clarification, organization_member_of(clarification.challenge))

    assert moves == {Clarification.PUBLISHED}


def test_allowed_moves_offers_no_answer_once_the_challenge_is_closed():
    clarification = ClarificationFactory(challenge=ChallengeFactory(status=Challenge.Status.CLOSED))

    assert allowed_moves(clarification, organization_member_of(clarification.challenge)) == set()


def test_allowed_moves_offers_no_second_answer():
    clarification = ClarificationFactory(answered=True)

    assert allowed_moves(clarification, organization_member_of(clarification.challenge)) == set()


def test_allowed_moves_offers_a_firm_no_answer():
    introduction = introduction_in(Intro.INTERESTED)
    clarification = ClarificationFactory(challenge=introduction.challenge)

    assert allowed_moves(clarification, vendor_member_of(introduction)) == set()
