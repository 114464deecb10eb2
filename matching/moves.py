"""The moves of the matching workflow (docs/workflow.md), one table per state machine: proposals,
introductions, engagements and milestones. A challenge's own moves are in marketplace/moves.py.

Each table is keyed by the state a move leads to, or by the name of an action that changes no state
("ask", "add_milestone"). The services check a move's starting states against these tables; the pages
call `allowed_moves(obj, user)` to decide which buttons to show, so the two never disagree. Payouts
are moved forward by the payment provider's news (their order is in services/payouts.py); people only
decide what becomes of a failed one (PAYOUT_MOVES)."""

from hub import roles
from hub.models import User
from marketplace import moves as challenge_moves
from marketplace.models import Challenge, Vendor
from marketplace.moves import Move, Party, deadline_passed, moves_from
from matching.models import (
    Clarification,
    Engagement,
    Introduction,
    MatchProposal,
    Milestone,
    Payout,
    Submission,
)

ProposalStatus = MatchProposal.Status
IntroductionStatus = Introduction.Status
MilestoneStatus = Milestone.Status
SubmissionStatus = Submission.Status

PROPOSAL_MOVES: dict[str, Move] = {
    ProposalStatus.APPROVED: Move(
        frozenset({ProposalStatus.PENDING, ProposalStatus.ON_HOLD}), Party.COORDINATORS
    ),
    ProposalStatus.REJECTED: Move(
        frozenset({ProposalStatus.PENDING, ProposalStatus.ON_HOLD}), Party.COORDINATORS
    ),
    ProposalStatus.ON_HOLD: Move(frozenset({ProposalStatus.PENDING}), Party.COORDINATORS),
}

# Still in the running: awarding the challenge to another firm closes these courteously.
INTRODUCTIONS_IN_THE_RUNNING = frozenset(
    {IntroductionStatus.INTRODUCED, IntroductionStatus.INTERESTED, IntroductionStatus.SHORTLISTED}
)
INTRODUCTION_MOVES: dict[str, Move] = {
    IntroductionStatus.INTERESTED: Move(
        frozenset({IntroductionStatus.INTRODUCED}), Party.VENDOR, "express_interest"
    ),
    IntroductionStatus.DECLINED: Move(
        frozenset({IntroductionStatus.INTRODUCED, IntroductionStatus.INTERESTED}), Party.VENDOR, "decline"
    ),
    IntroductionStatus.SHORTLISTED: Move(
        frozenset({IntroductionStatus.INTERESTED}), Party.ORGANIZATION, "shortlist"
    ),
    # Only while the challenge itself may be awarded (CHALLENGE_MOVES).
    IntroductionStatus.AWARDED: Move(
        frozenset({IntroductionStatus.INTERESTED, IntroductionStatus.SHORTLISTED}),
        Party.ORGANIZATION,
        "award",
    ),
    IntroductionStatus.NOT_SELECTED: Move(INTRODUCTIONS_IN_THE_RUNNING, Party.SYSTEM, "close"),
    # A firm that declined asks nothing more; the others ask while the challenge is open.
    "ask": Move(frozenset(IntroductionStatus.values) - {IntroductionStatus.DECLINED}, Party.VENDOR),
}

# Awarding on an evaluation: the firm's submitted proposal said it is interested, whether or not it also
# clicked "interested" (services/evaluations.py).
AWARD_ON_PROPOSAL = Move(INTRODUCTIONS_IN_THE_RUNNING, Party.ORGANIZATION, "award")

# Answering publishes the answer to every introduced firm; only while the challenge is open, as asking.
CLARIFICATION_MOVES: dict[str, Move] = {
    Clarification.PUBLISHED: Move(frozenset({Clarification.ASKED}), Party.ORGANIZATION, "answer"),
}

ENGAGEMENT_MOVES: dict[str, Move] = {
    "add_milestone": Move(frozenset({Engagement.Status.ACTIVE}), Party.ORGANIZATION),
}

MILESTONE_MOVES: dict[str, Move] = {
    MilestoneStatus.DELIVERED: Move(frozenset({MilestoneStatus.PLANNED}), Party.VENDOR),
    MilestoneStatus.ACCEPTED: Move(frozenset({MilestoneStatus.DELIVERED}), Party.ORGANIZATION),
    # The payment provider confirms the payout (services/payouts.py).
    MilestoneStatus.PAID: Move(frozenset({MilestoneStatus.ACCEPTED}), Party.SYSTEM),
}


# A firm's proposal, sealed until the deadline: the firm saves (edits) it, submits it, withdraws it and may
# submit it again, all only while the challenge takes proposals (services/submissions.py says when).
SUBMISSION_MOVES: dict[str, Move] = {
    "save": Move(
        frozenset({SubmissionStatus.DRAFT, SubmissionStatus.SUBMITTED, SubmissionStatus.WITHDRAWN}),
        Party.VENDOR,
    ),
    SubmissionStatus.SUBMITTED: Move(
        frozenset({SubmissionStatus.DRAFT, SubmissionStatus.WITHDRAWN}), Party.VENDOR, "submit"
    ),
    SubmissionStatus.WITHDRAWN: Move(frozenset({SubmissionStatus.SUBMITTED}), Party.VENDOR, "withdraw"),
}


def submission_accepting(challenge: Challenge) -> bool:
    """Whether the challenge takes proposals: published, its award mode chosen, its deadline not passed (the
    end of the deadline day, in the site's time zone)."""
    return challenge.is_open and bool(challenge.award_mode) and not deadline_passed(challenge)


# A failed payout waits for a coordinator: sent again under the same key, or given up with a reason.
PAYOUT_MOVES: dict[str, Move] = {
    Payout.Status.PENDING: Move(frozenset({Payout.Status.FAILED}), Party.COORDINATORS, "retry"),
    Payout.Status.CANCELLED: Move(frozenset({Payout.Status.FAILED}), Party.COORDINATORS, "cancel"),
}


def _is_party(*, user: User, party: Party, challenge: Challenge, vendor: Vendor | None) -> bool:
    if party is Party.COORDINATORS:
        return user.is_coordinator
    if party is Party.ORGANIZATION:
        return roles.is_organization_member(user, challenge.organization)
    return party is Party.VENDOR and vendor is not None and roles.is_vendor_member(user, vendor)


def _introduction_conditions(introduction: Introduction, user: User, moves: set[str]) -> set[str]:
    """What the challenge's own state rules out: questions once it is not open, an award once it cannot
    be awarded, or when it is awarded on its evaluation (from its ranking, not an introduction)."""
    challenge = introduction.challenge
    if not challenge.is_open:
        moves.discard("ask")
    if challenge.award_mode:
        moves.discard(IntroductionStatus.AWARDED)
    if IntroductionStatus.AWARDED in moves and Challenge.Status.AWARDED not in challenge_moves.allowed_moves(
        challenge, user
    ):
        moves.discard(IntroductionStatus.AWARDED)
    return moves


# For each model: its table, and the challenge and firm whose members are its parties.
_TABLES = {
    MatchProposal: (PROPOSAL_MOVES, lambda proposal: (proposal.challenge, None)),
    Introduction: (INTRODUCTION_MOVES, lambda introduction: (introduction.challenge, introduction.vendor)),
    Clarification: (CLARIFICATION_MOVES, lambda clarification: (clarification.challenge, None)),
    Engagement: (ENGAGEMENT_MOVES, lambda engagement: (engagement.challenge, engagement.vendor)),
    Submission: (SUBMISSION_MOVES, lambda submission: (submission.challenge, submission.vendor)),
    Milestone: (
        MILESTONE_MOVES,
        lambda milestone: (milestone.engagement.challenge, milestone.engagement.vendor),
    ),
    Payout: (
        PAYOUT_MOVES,
        lambda payout: (payout.milestone.engagement.challenge, payout.milestone.engagement.vendor),
    ),
}


def allowed_moves(
    obj: Challenge
    | MatchProposal
    | Introduction
    | Clarification
    | Engagement
    | Milestone
    | Payout
    | Submission,
    user: User,
) -> set[str]:
    """The states (or named actions) this user may take the object to from its current state; empty for
    anonymous visitors. The services still decide: a page drawn from this can be stale."""
    if not user.is_authenticated:
        return set()
    if isinstance(obj, Challenge):
        return challenge_moves.allowed_moves(obj, user)
    table, parties_of = _TABLES[type(obj)]
    challenge, vendor = parties_of(obj)
    moves = moves_from(
        table,
        state=obj.status,
        is_party=lambda party: _is_party(user=user, party=party, challenge=challenge, vendor=vendor),
    )
    if isinstance(obj, Clarification) and not challenge.is_open:
        moves.discard(Clarification.PUBLISHED)
    if isinstance(obj, Submission) and not (
        submission_accepting(challenge) and obj.introduction.status in INTRODUCTIONS_IN_THE_RUNNING
    ):
        return set()
    return _introduction_conditions(obj, user, moves) if isinstance(obj, Introduction) else moves
