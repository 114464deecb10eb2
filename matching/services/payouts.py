import logging
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hub.exceptions import Conflict
from hub.models import Notification, User
from hub.selectors import coordinator_list
from hub.services import audit_record, notification_create
from marketplace.services import (
    challenge_url,
)
from matching import notifications, payments
from matching.models import (
    Milestone,
    Payout,
)
from matching.moves import MILESTONE_MOVES, PAYOUT_MOVES
from matching.services.common import move_locked, organization_members, vendor_members

# Paying accepted milestones through the payment provider (matching/payments.py).

PAYOUT_RECONCILE_AFTER = timedelta(minutes=15)

# How far along each status is. A payout only moves forward, so a late, replayed or duplicated
# event announcing the status it has, or an earlier one, changes nothing. Paid and failed are final for the
# provider's news; only a coordinator takes a failed payout further (PAYOUT_MOVES: retried, or cancelled,
# after which the provider's news changes nothing).
_PAYOUT_PROGRESS = {
    Payout.Status.PENDING: 0,
    Payout.Status.SUBMITTED: 1,
    Payout.Status.PAID: 2,
    Payout.Status.FAILED: 2,
    Payout.Status.CANCELLED: 3,
}
# The provider's "pending" means it holds the payout: for us, submitted.
_PAYOUT_STATUS_FROM_PROVIDER = {
    payments.ProviderStatus.PENDING: Payout.Status.SUBMITTED,
    payments.ProviderStatus.PAID: Payout.Status.PAID,
    payments.ProviderStatus.FAILED: Payout.Status.FAILED,
}

payout_logger = logging.getLogger(__name__)


@transaction.atomic
def payout_request(*, milestone: Milestone) -> Payout:
    """Create the accepted milestone's payout, once, and send it to the provider after commit.

    Called again for the same milestone, it returns the existing payout: a milestone has at most one
    (a unique constraint), so it is never paid twice. A send lost after commit (broker down, retries
    exhausted) is made by payouts_reconcile."""
    from matching.tasks import payout_submit_task

    if milestone.status != Milestone.Status.ACCEPTED:
        raise ValidationError(
            _("Only an accepted milestone can be paid. This one is %(status)s.")
            % {"status": milestone.get_status_display().lower()},
            code="milestone_not_accepted",
        )
    payout, created = Payout.objects.get_or_create(
        milestone=milestone, defaults={"amount": milestone.amount, "currency": payments.CURRENCY}
    )
    if created:
        audit_record(actor=milestone.accepted_by, obj=payout, action="request", to_state=payout.status)
        transaction.on_commit(payout_submit_task.si(payout.pk).delay, robust=True)
    return payout


def payout_submit(*, payout: Payout) -> Payout:
    """Send a pending payout to the provider under its stored idempotency key and record the answer.

    Safe to repeat, even concurrently: the provider answers a key it has seen with the payout it
    already created, so a retry after a timeout (whose request may have reached it) cannot pay twice.
    A refusal by the provider marks the payout failed. PaymentProviderUnavailable is raised for the
    task to retry; any other PaymentProviderError (our configuration) leaves the payout pending, with
    the error, for payouts_reconcile."""
    payout = Payout.objects.select_related("milestone__engagement__vendor").get(pk=payout.pk)
    if payout.status != Payout.Status.PENDING:
        return payout
    Payout.objects.filter(pk=payout.pk).update(attempts=F("attempts") + 1, updated_at=timezone.now())
    milestone = payout.milestone
    try:
        answer = payments.payment_provider().create_payout(
            idempotency_key=str(payout.idempotency_key),
            amount=payout.amount,
            currency=payout.currency,
            # The provider holds each vendor's bank details under the vendor's key.
            destination=milestone.engagement.vendor.key,
            reference=f"milestone-{milestone.pk}",
            metadata={"payout": str(payout.pk), "milestone": str(milestone.pk)},
        )
    except payments.PaymentProviderRejected as error:
        return _payout_move(
            payout_id=payout.pk, to_status=Payout.Status.FAILED, occurred_at=None, error=str(error)
        )
    except payments.PaymentProviderError as error:
        Payout.objects.filter(pk=payout.pk).update(last_error=str(error), updated_at=timezone.now())
        raise
    return _payout_move(
        payout_id=payout.pk,
        to_status=_PAYOUT_STATUS_FROM_PROVIDER[answer.status],
        occurred_at=answer.updated_at,
        provider_id=answer.id,
        error=answer.failure_message,
    )


def _payout_refused(payout: Payout, to_status: str) -> Conflict:
    return Conflict(
        _(
            "This payout is %(status)s; only a failed payout can be sent again or cancelled. Follow it on the "
            "engagement's page."
        )
        % {"status": payout.get_status_display().lower()},
        code="payout_not_failed",
    )


def _require_coordinator(user: User) -> None:
    if not user.is_coordinator:
        raise PermissionDenied(_("Only a hub coordinator can send a failed payout again or cancel it."))


@transaction.atomic
def payout_retry(*, payout: Payout, user: User) -> Payout:
    """Send a failed payout again, under the same idempotency key (so the provider can never pay it twice),
    once the cause is fixed (the firm's bank details, our account). Audited; the provider's answer moves it on
    as for the first send, after commit."""
    from matching.tasks import payout_submit_task

    _require_coordinator(user)
    payout = move_locked(
        payout,
        table=PAYOUT_MOVES,
        to_status=Payout.Status.PENDING,
        user=user,
        refused=_payout_refused,
        changes={"last_error": ""},
    )
    transaction.on_commit(payout_submit_task.si(payout.pk).delay, robust=True)
    return payout


@transaction.atomic
def payout_cancel(*, payout: Payout, user: User, reason: str) -> Payout:
    """Give up on a failed payout, with the reason; the milestone stays accepted and unpaid. Audited; the firm
    and the organization are told."""
    _require_coordinator(user)
    reason = reason.strip()
    if not reason:
        raise ValidationError(
            {
                "reason": ValidationError(
                    _("Say why the payment is cancelled: the firm and the organization are told."),
                    code="payout_cancel_reason_required",
                )
            }
        )
    payout = move_locked(
        payout,
        table=PAYOUT_MOVES,
        to_status=Payout.Status.CANCELLED,
        user=user,
        refused=_payout_refused,
        changes={"cancel_reason": reason},
        audit={"reason": reason},
    )
    payout = Payout.objects.select_related(
        "milestone__engagement__vendor", "milestone__engagement__challenge__organization"
    ).get(pk=payout.pk)
    engagement = payout.milestone.engagement
    notifications.tell(
        notifications.PAYOUT_CANCELLED,
        users=[*vendor_members(engagement.vendor), *organization_members(engagement.challenge)],
        challenge=engagement.challenge,
        payout=payout,
    )
    return payout


def payout_apply_event(
    *, provider_id: str, status: str, occurred_at: datetime, failure_message: str = ""
) -> Payout:
    """Apply the provider's news about a payout (a webhook, or its answer when reconciling); `status` is in the
    provider's words (payments.ProviderStatus).

    Safe to repeat and in any order: an event older than the last one applied, or announcing the
    payout's status or an earlier one, changes nothing. Becoming paid marks the milestone paid; every
    change is audited, and paid or failed is notified once."""
    payout_id = Payout.objects.filter(provider_id=provider_id).values_list("pk", flat=True).first()
    if payout_id is None:
        raise ValidationError(
            _(
                "No payout has the provider id %(provider_id)s. Check that the event comes from this hub's account."
            )
            % {"provider_id": provider_id},
            code="payout_unknown",
        )
    if status not in _PAYOUT_STATUS_FROM_PROVIDER:
        raise ValidationError(
            _("“%(status)s” is not a payout status. Send pending, paid or failed.") % {"status": status},
            code="payout_status_unknown",
        )
    return _payout_move(
        payout_id=payout_id,
        to_status=_PAYOUT_STATUS_FROM_PROVIDER[status],
        occurred_at=occurred_at,
        error=failure_message,
    )


def payouts_reconcile(*, older_than: timedelta = PAYOUT_RECONCILE_AFTER) -> int:
    """Settle the payouts still open after `older_than`, whatever webhooks were lost; return how many changed.

    A pending one is sent again under its key; a submitted one is fetched from the provider and the
    answer applied like a webhook. Stops at the first sign that the provider is away: the next
    periodic run tries again."""
    provider = payments.payment_provider()
    open_payouts = Payout.objects.filter(
        status__in=[Payout.Status.PENDING, Payout.Status.SUBMITTED],
        created_at__lt=timezone.now() - older_than,
    ).order_by("id")
    changed = 0
    for payout in open_payouts:
        status_before = payout.status
        try:
            if payout.status == Payout.Status.PENDING:
                payout = payout_submit(payout=payout)
            else:
                answer = provider.fetch_payout(payout.provider_id)
                payout = payout_apply_event(
                    provider_id=payout.provider_id,
                    status=answer.status,
                    occurred_at=answer.updated_at,
                    failure_message=answer.failure_message,
                )
        except payments.PaymentProviderUnavailable as error:
            payout_logger.warning("Payout reconciliation stopped at payout %s: %s", payout.pk, error)
            Payout.objects.filter(pk=payout.pk).update(last_error=str(error), updated_at=timezone.now())
            break
        except payments.PaymentProviderError as error:
            payout_logger.error("Payout %s could not be reconciled: %s", payout.pk, error)
            Payout.objects.filter(pk=payout.pk).update(last_error=str(error), updated_at=timezone.now())
            continue
        changed += payout.status != status_before
    return changed


@transaction.atomic
def _payout_move(
    *,
    payout_id: int,
    to_status: str,
    occurred_at: datetime | None,
    provider_id: str | None = None,
    error: str = "",
) -> Payout:
    """Move a payout forward under a row lock, or leave it as it is when the news is old (see _PAYOUT_PROGRESS)."""
    payout = (
        Payout.objects.select_for_update(of=("self",))
        .select_related("milestone__engagement__vendor", "milestone__engagement__challenge")
        .get(pk=payout_id)
    )
    update_fields = []
    if provider_id and payout.provider_id != provider_id:
        if payout.provider_id is None:
            payout.provider_id = provider_id
            update_fields.append("provider_id")
        else:
            payout_logger.error(
                "Payout %s is %s at the provider, which now answers %s for the same key.",
                payout.pk,
                payout.provider_id,
                provider_id,
            )
    from_status = payout.status
    if occurred_at is not None and payout.last_event_at is not None and occurred_at < payout.last_event_at:
        is_news = False
    else:
        is_news = _PAYOUT_PROGRESS[to_status] > _PAYOUT_PROGRESS[from_status]
        if occurred_at is not None and occurred_at != payout.last_event_at:
            # Even when the status stays, an earlier event arriving after this one must not apply.
            payout.last_event_at = occurred_at
            update_fields.append("last_event_at")
    if not is_news:
        if from_status == Payout.Status.CANCELLED and to_status != from_status:
            payout_logger.error(
                "Payout %s was cancelled by a coordinator, but the provider now says %s: check it with the provider.",
                payout.pk,
                to_status,
            )
        elif to_status != from_status and _PAYOUT_PROGRESS[from_status] == _PAYOUT_PROGRESS[to_status] == 2:
            payout_logger.error(
                "Payout %s is %s, but the provider now says %s: check it with the provider.",
                payout.pk,
                from_status,
                to_status,
            )
        if update_fields:
            payout.save(update_fields=[*update_fields, "updated_at"])
        return payout
    payout.status = to_status
    update_fields.append("status")
    if to_status == Payout.Status.FAILED:
        payout.last_error = error
        update_fields.append("last_error")
    payout.save(update_fields=[*update_fields, "updated_at"])
    audit_record(
        actor=None,
        obj=payout,
        action=to_status,
        from_state=from_status,
        to_state=to_status,
        reason=error if to_status == Payout.Status.FAILED else "",
    )
    if to_status == Payout.Status.PAID:
        _milestone_mark_paid(payout=payout)
    if to_status in {Payout.Status.PAID, Payout.Status.FAILED}:
        _payout_notify(payout=payout)
    return payout


def _milestone_mark_paid(*, payout: Payout) -> None:
    milestone = Milestone.objects.select_for_update().get(pk=payout.milestone_id)
    if milestone.status not in MILESTONE_MOVES[Milestone.Status.PAID].sources:
        payout_logger.error(
            "Payout %s is paid, but its milestone %s is %s.", payout.pk, milestone.pk, milestone.status
        )
        return
    milestone.status = Milestone.Status.PAID
    milestone.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=None,
        obj=milestone,
        action=Milestone.Status.PAID,
        from_state=Milestone.Status.ACCEPTED,
        to_state=Milestone.Status.PAID,
        reason=f"payout {payout.pk}",
    )


def _payout_notify(*, payout: Payout) -> None:
    """Tell the vendor's members that a payout is paid, or the coordinators that it failed; once each."""
    milestone = payout.milestone
    engagement = milestone.engagement
    if payout.status == Payout.Status.PAID:
        users = engagement.vendor.members.filter(is_active=True)
        kind, dedupe_key = Notification.Kind.PAYOUT_PAID, f"payout-paid:{payout.pk}"
    else:
        users = coordinator_list()
        # Once per attempt: a payout sent again by a coordinator may fail again.
        kind, dedupe_key = Notification.Kind.PAYOUT_FAILED, f"payout-failed:{payout.pk}:{payout.attempts}"
    for user in users:
        with translation.override(user.preferred_language):
            title, body = notifications.payout_texts(payout)
            notification_create(
                user=user,
                kind=kind,
                title=title,
                body=body,
                url=challenge_url(engagement.challenge),
                dedupe_key=dedupe_key,
            )
