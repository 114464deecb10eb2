from celery import shared_task
from elasticsearch import ConnectionError as SearchConnectionError

from matching.payments import PaymentProviderUnavailable


@shared_task(
    name="matching.outbox_drain",
    autoretry_for=(SearchConnectionError,),  # Timeouts included.
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=8,
)
def outbox_drain_task() -> int:
    from matching.search.outbox import outbox_drain

    return outbox_drain()  # Syncs current database state: safe to run twice or concurrently.


@shared_task(
    name="matching.saved_search_alerts_send",
    autoretry_for=(SearchConnectionError,),
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=8,
)
def saved_search_alerts_send_task(challenge_id: int) -> int:
    from marketplace.models import Challenge
    from matching.services import saved_search_alerts_send

    challenge = Challenge.objects.select_related("organization").filter(pk=challenge_id).first()
    if challenge is None:
        return 0  # Deleted after it was queued.
    return saved_search_alerts_send(challenge=challenge)  # Notifications are deduplicated: safe to repeat.


@shared_task(
    name="matching.saved_search_index_sync",
    autoretry_for=(SearchConnectionError,),
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=8,
)
def saved_search_index_sync_task(saved_search_id: int) -> None:
    from matching.search.indexing import saved_search_index_sync

    saved_search_index_sync([saved_search_id])  # Upserts or deletes by the row's current state.


@shared_task(
    name="matching.proposals_generate",
    autoretry_for=(SearchConnectionError,),
    retry_backoff=2,
    retry_backoff_max=300,
    max_retries=10,
)
def proposals_generate_task(challenge_id: int) -> int:
    from marketplace.models import Challenge
    from matching.services import proposals_generate

    challenge = Challenge.objects.select_related("organization").filter(pk=challenge_id).first()
    if challenge is None:
        return 0  # Deleted after it was queued.
    return proposals_generate(challenge=challenge)  # Upserts by (challenge, vendor): safe to repeat.


@shared_task(
    name="matching.proposals_refresh",
    autoretry_for=(SearchConnectionError,),
    retry_backoff=60,
    max_retries=5,
)
def proposals_refresh_task() -> int:
    from datetime import timedelta

    from django.utils import timezone

    from matching.services import proposals_refresh

    # A little over a day, so that a late or retried run misses no vendor.
    return proposals_refresh(since=timezone.now() - timedelta(hours=26))


@shared_task(
    name="matching.payout_submit",
    autoretry_for=(PaymentProviderUnavailable,),  # Timeouts, connection errors, 429 and 5xx only.
    retry_backoff=2,
    retry_backoff_max=300,
    max_retries=8,
)
def payout_submit_task(payout_id: int) -> None:
    from matching.models import Payout
    from matching.services import payout_submit

    payout = Payout.objects.filter(pk=payout_id).first()
    if payout is None:
        return  # Rolled back or deleted after it was queued.
    payout_submit(payout=payout)  # Same idempotency key every time, and a no-op once sent: safe to repeat.


@shared_task(name="matching.payouts_reconcile")
def payouts_reconcile_task() -> int:
    from matching.services import payouts_reconcile

    # Not retried: it runs every few minutes anyway, and stops by itself while the provider is away.
    return payouts_reconcile()


@shared_task(name="matching.publication_followups_requeue")
def publication_followups_requeue_task() -> int:
    from django.utils import timezone

    from matching.services import publication_followups_requeue

    # Not retried: it runs every few minutes anyway, and what it queues is safe to repeat.
    return publication_followups_requeue(now=timezone.now())


@shared_task(name="matching.challenges_deadline_close")
def challenges_deadline_close_task() -> int:
    from matching.services import challenges_deadline_close

    return (
        challenges_deadline_close()
    )  # Each closing locks its challenge and checks its state: safe to repeat.
