"""The moves of a challenge's lifecycle (docs/workflow.md): which state each move starts from and who makes it.

The services enforce these tables and the pages ask `allowed_moves` which buttons to show, so a page never
offers what the service would refuse. `Move` and `Party` also serve the matching app's tables."""

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

from django.utils import timezone

from hub import roles
from hub.models import User
from marketplace.models import Challenge


class Party(enum.Enum):
    """Who makes a move. Coordinators belong to every party: they may act on a party's behalf."""

    ORGANIZATION = "organization"  # Members of the organization that posted the challenge.
    VENDOR = "vendor"  # Members of the firm.
    COORDINATORS = "coordinators"  # Hub coordinators only.
    SYSTEM = "system"  # Only a service, as a consequence of another move: never offered to anyone.


@dataclass(frozen=True)
class Move:
    """One move: the states it may start from, who makes it, and the action the audit log records."""

    sources: frozenset[str]
    by: Party
    action: str = ""


def moves_from(table: Mapping[str, Move], *, state: str, is_party: Callable[[Party], bool]) -> set[str]:
    """The names of the table's moves that start from `state` and whose party `is_party` admits.

    `is_party` is asked at most once per party, and only for the moves the state allows."""
    is_party = cache(is_party)
    return {
        name
        for name, move in table.items()
        if state in move.sources and move.by is not Party.SYSTEM and is_party(move.by)
    }


Status = Challenge.Status

# Keyed by the state the move leads to. Publishing is the coordinators' own move; every other move is the
# organization's (a coordinator acting for it gives a reason).
CHALLENGE_MOVES: dict[str, Move] = {
    Status.SUBMITTED: Move(frozenset({Status.DRAFT}), Party.ORGANIZATION),
    Status.PUBLISHED: Move(frozenset({Status.SUBMITTED}), Party.COORDINATORS),
    Status.DRAFT: Move(frozenset({Status.SUBMITTED}), Party.ORGANIZATION),
    # The deadline's closing: to evaluation when proposals were received (closed otherwise).
    Status.EVALUATION: Move(frozenset({Status.PUBLISHED}), Party.SYSTEM),
    Status.CLOSED: Move(frozenset({Status.PUBLISHED}), Party.ORGANIZATION),
    Status.AWARDED: Move(frozenset({Status.PUBLISHED, Status.CLOSED, Status.EVALUATION}), Party.ORGANIZATION),
    Status.CANCELLED: Move(
        frozenset({Status.DRAFT, Status.SUBMITTED, Status.PUBLISHED, Status.EVALUATION}), Party.ORGANIZATION
    ),
}
# The organization changes its challenge until it is published; coordinators change it in any state.
EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.SUBMITTED})
# Only a draft is deleted; anything vendors may have seen is cancelled instead.
DELETABLE_STATUSES = frozenset({Status.DRAFT})
# Submitting a challenge for publication, and publishing it, need a deadline firms can still meet.
DEADLINE_CHECKED_STATUSES = frozenset({Status.SUBMITTED, Status.PUBLISHED})


def deadline_passed(challenge: Challenge) -> bool:
    """Whether the challenge's deadline day is over in the site's time zone (it closes at 23:59, Quebec time)."""
    return timezone.localdate() > challenge.deadline


def challenge_is_party(*, challenge: Challenge, user: User, party: Party) -> bool:
    if party is Party.COORDINATORS:
        return user.is_coordinator
    return party is Party.ORGANIZATION and roles.is_organization_member(user, challenge.organization)


def challenge_editable(*, challenge: Challenge, user: User) -> bool:
    """Whether the challenge's state lets this user change it (whether they may at all is asked apart)."""
    return challenge.status in EDITABLE_STATUSES or user.is_coordinator


def allowed_moves(challenge: Challenge, user: User) -> set[str]:
    """The states this user may move the challenge to now, plus "edit" and "delete" when they may do those."""
    if not user.is_authenticated or not roles.is_organization_member(user, challenge.organization):
        return set()
    moves = moves_from(
        CHALLENGE_MOVES,
        state=challenge.status,
        is_party=lambda party: challenge_is_party(challenge=challenge, user=user, party=party),
    )
    if deadline_passed(challenge):
        moves -= DEADLINE_CHECKED_STATUSES
    if challenge_editable(challenge=challenge, user=user):
        moves.add("edit")
    if challenge.status in DELETABLE_STATUSES:
        moves.add("delete")
    return moves
