from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hub.exceptions import Conflict
from hub.models import User
from hub.services import Behalf, audit_record
from marketplace.notifications import Event
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
    locked,
    organization_members,
    require_challenge_member,
    require_vendor_member,
    vendor_members,
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
    *,
    milestone: Milestone,
    user: User,
    to_status: str,
    behalf: Behalf | None,
) -> Milestone:
    """Move a milestone, locked, along MILESTONE_MOVES; tell the party a coordinator acted for (if one did)."""
    milestone = locked(milestone)
    from_status = milestone.status
    if from_status not in MILESTONE_MOVES[to_status].sources:
        raise Conflict(
            _("This milestone is %(status)s; it cannot become %(target)s.")
            % {
                "status": milestone.get_status_display().lower(),
                "target": Milestone.Status(to_status).label.lower(),
            },
            code="milestone_invalid_transition",
        )
    milestone.status = to_status
    if to_status == Milestone.Status.DELIVERED:
        milestone.delivered_at = timezone.now()
    if to_status == Milestone.Status.ACCEPTED:
        milestone.accepted_by, milestone.accepted_at = user, timezone.now()
    milestone.save()
    audit_record(
        actor=user,
        obj=milestone,
        action=to_status,
        from_state=from_status,
        to_state=to_status,
        **behalf_audit(behalf),
    )
    tell_behalf(
        notifications.BEHALF_MILESTONE_MOVE,
        behalf=behalf,
        actor=user,
        challenge=milestone.engagement.challenge,
        milestone=milestone,
    )
    return milestone


def _milestone_tell(event: Event, *, milestone: Milestone, users: QuerySet[User]) -> None:
    engagement = milestone.engagement
    tell(event, users=users, challenge=engagement.challenge, milestone=milestone, vendor=engagement.vendor)


@transaction.atomic
def milestone_deliver(*, milestone: Milestone, user: User, reason: str = "") -> Milestone:
    engagement = milestone.engagement
    require_vendor_member(engagement.vendor, user)
    milestone = _milestone_move(
        milestone=milestone,
        user=user,
        to_status=Milestone.Status.DELIVERED,
        behalf=vendor_behalf_check(vendor=engagement.vendor, user=user, reason=reason),
    )
    _milestone_tell(
        notifications.MILESTONE_DELIVERED,
        milestone=milestone,
        users=organization_members(engagement.challenge),
    )
    return milestone


@transaction.atomic
def milestone_accept(*, milestone: Milestone, user: User, reason: str = "") -> Milestone:
    """The organization accepts a delivered milestone, which pays the vendor (once, whatever happens)."""
    engagement = milestone.engagement
    require_challenge_member(engagement.challenge, user)
    milestone = _milestone_move(
        milestone=milestone,
        user=user,
        to_status=Milestone.Status.ACCEPTED,
        behalf=organization_behalf_check(
            organization=engagement.challenge.organization, user=user, reason=reason
        ),
    )
    payout_request(milestone=milestone)
    _milestone_tell(
        notifications.MILESTONE_ACCEPTED, milestone=milestone, users=vendor_members(engagement.vendor)
    )
    return milestone
