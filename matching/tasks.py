from celery import shared_task
from elasticsearch import ConnectionError as SearchConnectionError


@shared_task(
    name="matching.outbox_drain",
    autoretry_for=(SearchConnectionError,),  # Timeouts included.
    retry_backoff=2,
    retry_backoff_max=60,
    max_retries=8,
)
def outbox_drain_task() -> int:
    from matching.services import outbox_drain

    return outbox_drain()  # Syncs current database state: safe to run twice or concurrently.
