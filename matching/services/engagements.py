from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hub.exceptions import Conflict
from hub.formats import long_date, money
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
    EngagementAmendment,
    Milestone,
)
from matching.moves import ENGAGEMENT_MOVES, MILESTONE_MOVES
from matching.notifications import tell, tell_behalf
from matching.selectors import engagement_terms
from matching.services.common import (
    locked,
    move_locked,
    organization_members,
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
    # Locked, so that two milestones planned at once cannot together exceed the price.
    _milestone_check_terms(engagement=locked(engagement), amount=amount, due_date=due_date)
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


def _milestone_check_terms(*, engagement: Engagement, amount: Decimal, due_date: date) -> None:
    """A milestone fits the engagement's price (with the others) and dates, as the latest amendment left them."""
    terms = engagement_terms(engagement=engagement)
    errors = {}
    if amount is not None and amount > terms.remaining:
        errors["amount"] = ValidationError(
            _(
                "%(remaining)s remains to be planned on this engagement's price of %(price)s; this milestone "
                "asks for %(amount)s. Lower its amount, or ask a hub coordinator to record an amendment "
                "that raises the price."
            )
            % {
                "remaining": money(max(terms.remaining, Decimal("0"))),
                "price": money(terms.price),
                "amount": money(amount),
            },
            code="milestone_over_price",
        )
    if due_date is not None and due_date < terms.starts_on:
        errors["due_date"] = ValidationError(
            _("The engagement starts on %(start)s; a milestone cannot be due before. Choose a later date.")
            % {"start": long_date(terms.starts_on)},
            code="milestone_before_start",
        )
    elif due_date is not None and terms.ends_on is not None and due_date > terms.ends_on:
        errors["due_date"] = ValidationError(
            _(
                "The engagement ends on %(end)s; a milestone cannot be due after. Choose an earlier date, or "
                "ask a hub coordinator to record an amendment that extends the engagement."
            )
            % {"end": long_date(terms.ends_on)},
            code="milestone_after_end",
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def engagement_amend(
    *,
    engagement: Engagement,
    user: User,
    reason: str,
    price: Decimal | None = None,
    ends_on: date | None = None,
) -> EngagementAmendment:
    """Record an amendment (« avenant ») that raises or lowers the price ceiling, moves the end date, or both;
    audited, and both parties are told. Only a hub coordinator records one, with its reason."""
    if not user.is_coordinator:
        raise PermissionDenied(_("Only a hub coordinator can record an amendment to an engagement."))
    reason = reason.strip()
    errors = {}
    if not reason:
        errors["reason"] = ValidationError(
            _("Say why the engagement is amended: the reason is kept with the amendment."),
            code="amendment_reason_required",
        )
    if price is None and ends_on is None:
        errors["price"] = ValidationError(
            _("An amendment changes the price, the end date or both. Enter a new price or a new end date."),
            code="amendment_empty",
        )
    if errors:
        raise ValidationError(errors)
    engagement = locked(engagement)
    if engagement.status != Engagement.Status.ACTIVE:
        raise Conflict(_("This engagement is completed; it cannot be amended."), code="engagement_closed")
    terms = engagement_terms(engagement=engagement)
    if price is not None and price < terms.planned:
        raise ValidationError(
            {
                "price": ValidationError(
                    _(
                        "The milestones already planned add up to %(planned)s. Enter a price of at least that "
                        "amount."
                    )
                    % {"planned": money(terms.planned)},
                    code="amendment_price_below_planned",
                )
            }
        )
    if ends_on is not None and ends_on < terms.starts_on:
        raise ValidationError(
            {
                "ends_on": ValidationError(
                    _("The engagement starts on %(start)s. Enter an end date on or after it.")
                    % {"start": long_date(terms.starts_on)},
                    code="amendment_end_before_start",
                )
            }
        )
    amendment = EngagementAmendment(
        engagement=engagement, reason=reason, price=price, ends_on=ends_on, created_by=user
    )
    amendment.full_clean()
    amendment.save()
    audit_record(actor=user, obj=amendment, action="amend", reason=reason)
    challenge = engagement.challenge
    tell(
        notifications.ENGAGEMENT_AMENDED,
        users=[*organization_members(challenge), *engagement.vendor.members.filter(is_active=True)],
        challenge=challenge,
        amendment=amendment,
    )
    return amendment


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
