from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hub.exceptions import Conflict
from hub.models import Notification, User
from hub.services import Behalf, audit_record, behalf_notify, notify
from marketplace.services import (
    behalf_audit,
    challenge_url,
    organization_behalf_check,
    vendor_behalf_check,
)
from matching.models import (
    Engagement,
    Milestone,
)
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
    if engagement.status != Engagement.Status.ACTIVE:
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
    behalf_notify(
        behalf=behalf,
        actor=user,
        dedupe_key=f"on-behalf:plan:{milestone.pk}",
        what=lambda: (
            _("They planned the milestone « %(title)s » (%(amount)s $).")
            % {"title": milestone.title, "amount": milestone.amount}
        ),
        url=challenge_url(engagement.challenge),
    )
    return milestone


def _milestone_move(
    *, milestone: Milestone, user: User, to_status: str, allowed_from: str, behalf: Behalf | None = None
) -> Milestone:
    milestone = locked(milestone)
    if milestone.status != allowed_from:
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
        from_state=allowed_from,
        to_state=to_status,
        **behalf_audit(behalf),
    )
    behalf_notify(
        behalf=behalf,
        actor=user,
        dedupe_key=f"on-behalf:milestone-{to_status}:{milestone.pk}",
        what=lambda: (
            _("The milestone « %(title)s » is now %(status)s.")
            % {"title": milestone.title, "status": milestone.get_status_display().lower()}
        ),
        url=challenge_url(milestone.engagement.challenge),
    )
    return milestone


@transaction.atomic
def milestone_deliver(*, milestone: Milestone, user: User, reason: str = "") -> Milestone:
    engagement = milestone.engagement
    require_vendor_member(engagement.vendor, user)
    milestone = _milestone_move(
        milestone=milestone,
        user=user,
        to_status=Milestone.Status.DELIVERED,
        allowed_from=Milestone.Status.PLANNED,
        behalf=vendor_behalf_check(vendor=engagement.vendor, user=user, reason=reason),
    )
    notify(
        users=organization_members(engagement.challenge),
        kind=Notification.Kind.MILESTONE_DELIVERED,
        dedupe_key=f"milestone-delivered:{milestone.pk}",
        render=lambda: (
            _("Milestone delivered: %(title)s") % {"title": milestone.title},
            _("%(vendor)s delivered « %(title)s ». Review it and accept it to release the payment.")
            % {"vendor": engagement.vendor.name, "title": milestone.title},
        ),
        url=challenge_url(engagement.challenge),
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
        allowed_from=Milestone.Status.DELIVERED,
        behalf=organization_behalf_check(
            organization=engagement.challenge.organization, user=user, reason=reason
        ),
    )
    payout_request(milestone=milestone)
    notify(
        users=vendor_members(engagement.vendor),
        kind=Notification.Kind.MILESTONE_ACCEPTED,
        dedupe_key=f"milestone-accepted:{milestone.pk}",
        render=lambda: (
            _("Milestone accepted: %(title)s") % {"title": milestone.title},
            _("%(organization)s accepted « %(title)s ». The payment of %(amount)s $ is on its way.")
            % {
                "organization": engagement.challenge.organization.name,
                "title": milestone.title,
                "amount": milestone.amount,
            },
        ),
        url=challenge_url(engagement.challenge),
    )
    return milestone
