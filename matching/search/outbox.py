"""The outbox: a write that changes what is searchable records a row in its own transaction, and a task
drains the rows into the index after commit and on a schedule, so nothing committed can miss the index."""

from django.db import transaction

from matching.models import OutboxEntry
from matching.search import indexing
from matching.search.kinds import INDEXED_KINDS


def _drain_after_commit() -> None:
    from matching.tasks import outbox_drain_task

    # Robust: a broker or engine outage must not fail the write that was just committed;
    # the entries stay in the outbox and the periodic drain picks them up. Every robust callback in
    # this module is a bound method, never a partial: Django 5.2 logs a failing one by its
    # __qualname__, which a partial lacks, so the error would escape after all (Django ticket #36487).
    transaction.on_commit(outbox_drain_task.delay, robust=True)


def outbox_record(*, kind: str, ids: list[int], **signal_kwargs) -> None:
    """Record changed rows in the writer's transaction; they reach the index after commit."""
    OutboxEntry.objects.bulk_create(OutboxEntry(kind=kind, object_id=pk) for pk in ids)
    _drain_after_commit()


def outbox_record_rebuild(**signal_kwargs) -> None:
    OutboxEntry.objects.create(kind=OutboxEntry.Kind.REBUILD)
    _drain_after_commit()


def outbox_drain(*, batch_size: int = 1000) -> int:
    """Copy every recorded change into the index, oldest first; return how many entries were applied.

    An entry is deleted only after the index holds the state read after it was committed, so an
    engine outage or a killed worker leaves it in place for the next drain."""
    applied = 0
    while entries := list(OutboxEntry.objects.order_by("id")[:batch_size]):
        if any(entry.kind == OutboxEntry.Kind.REBUILD for entry in entries):
            applied += index_rebuild_all()
            continue
        for kind in INDEXED_KINDS:
            indexing.index_sync(kind, {entry.object_id for entry in entries if entry.kind == kind})
        applied += OutboxEntry.objects.filter(id__in=[entry.id for entry in entries]).delete()[0]
    return applied


def index_rebuild_all() -> int:
    """Rebuild every index from the database and clear the outbox entries this covers.

    Only entries recorded before the rebuild started are cleared: later ones are drained as usual."""
    last_id = OutboxEntry.objects.order_by("-id").values_list("id", flat=True).first()
    for kind in INDEXED_KINDS:
        indexing.index_rebuild(kind)
    indexing.saved_search_index_rebuild()  # Its mapping follows the challenges' and the taxonomy.
    return OutboxEntry.objects.filter(id__lte=last_id).delete()[0] if last_id is not None else 0
