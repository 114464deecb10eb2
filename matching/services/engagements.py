from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hub.exceptions import Conflict
from hub.models import User
from hub.services import Behalf, audit_record
from marketplace.services import (
    behalf_audit,
    organization_behalf_check,
    vendor_behalf_check,
)
from matching import notifications
from matching.models import (
    Engagement,
    Milestone,
)
from matching.moves import ENGAGEMENT_MOVES, MILESTONE_MOVES
from matching.notifications import tell, tell_behalf
from matching.services.common import (
    move_locked,
    other_party_members,
    require_challenge_member,
    require_vendor_member,
)
from matching.services.payouts import payout_request


@transaction.atomic
def milestone_create(
    *, engagement: Engagement, user: User, title: str, amount: Decimal, due_date: date, reason: str = ""
) -> Milestone:
    require_challenge_member(engagement.challenge, user)
    if engagement.status not in ENGAGEMENT_MOVES["add_milestone"].sources:
        raise Conflict(
            _("This engagement is completed; it takes no new milestone."), code="engagement_closed"
        )
    behalf = organization_behalf_check(
        organization=engagement.challenge.organization, user=user, reason=reason
    )
    milestone = Milestone(engagement=engagement, title=title, amount=amount, due_date=due_date)
    milestone.full_clean()
    milestone.save()
    audit_record(actor=user, obj=milestone, action="plan", to_state=milestone.status, **behalf_audit(behalf))
    tell_behalf(
        notifications.BEHALF_PLAN,
        behalf=behalf,
        actor=user,
        challenge=engagement.challenge,
        milestone=milestone,
    )
    return milestone


def _milestone_move(
    *, milestone: Milestone, user: User, to_status: str, changes: dict, behalf: Behalf | None
) -> Milestone:
    """Move a milestone along MILESTONE_MOVES; tell the party a coordinator acted for (if one did), then the
    other party."""
    milestone = move_locked(
        milestone,
        table=MILESTONE_MOVES,
        to_status=to_status,
        user=user,
        refused=_milestone_refused,
        changes=changes,
        audit=behalf_audit(behalf),
    )
    engagement = milestone.engagement
    challenge = engagement.challenge
    tell_behalf(
        notifications.BEHALF_MILESTONE_MOVE,
        behalf=behalf,
        actor=user,
        challenge=challenge,
        milestone=milestone,
    )
    tell(
        notifications.MILESTONE_EVENTS[to_status],
        users=other_party_members(
            MILESTONE_MOVES[to_status].by, challenge=challenge, vendor=engagement.vendor
        ),
        challenge=challenge,
        milestone=milestone,
        vendor=engagement.vendor,
    )
    return milestone


def _milestone_refused(milestone: Milestone, to_status: str) -> Conflict:
    return Conflict(
        _("This milestone is %(status)s; it cannot become %(target)s.")
        % {
            "status": milestone.get_status_display().lower(),
            "target": Milestone.Status(to_status).label.lower(),
        },
        code="milestone_invalid_transition",
    )


@transaction.atomic
def milestone_deliver(*, milestone: Milestone, user: User, reason: str = "") -> Milestone:
    engagement = milestone.engagement
    require_vendor_member(engagement.vendor, user)
    return _milestone_move(
        milestone=milestone,
        user=user,
        to_status=Milestone.Status.DELIVERED,
        changes={"delivered_at": timezone.now()},
        behalf=vendor_behalf_check(vendor=engagement.vendor, user=user, reason=reason),
    )


@transaction.atomic
def milestone_accept(*, milestone: Milestone, user: User, reason: str = "") -> Milestone:
    """The organization accepts a delivered milestone, which pays the vendor (once, whatever happens)."""
    engagement = milestone.engagement
    require_challenge_member(engagement.challenge, user)
    milestone = _milestone_move(
        milestone=milestone,
        user=user,
        to_status=Milestone.Status.ACCEPTED,
        changes={"accepted_by": user, "accepted_at": timezone.now()},
        behalf=organization_behalf_check(
            organization=engagement.challenge.organization, user=user, reason=reason
        ),
    )
    payout_request(milestone=milestone)
    return milestone
