"""`manage.py reindex` while writes stream in: afterwards no document is missing or stale."""

import io
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection

from marketplace import services as marketplace_services
from marketplace.models import Challenge
from matching.models import OutboxEntry
from matching.search import indexing
from matching.search.kinds import INDEXED_KINDS
from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.search, pytest.mark.reliability]

WRITERS = 3
REBUILDS = 3


def test_reindex_while_writes_stream_in_leaves_nothing_missing_or_stale(coordinator, capsys):
    vendors = factories.VendorFactory.create_batch(150)
    challenges = factories.ChallengeFactory.create_batch(30, published=True)
    indexing.index_sync("vendor", [vendor.id for vendor in vendors])
    indexing.index_sync("challenge", [challenge.id for challenge in challenges])
    stop = threading.Event()
    writes = [0] * WRITERS
    errors: list[BaseException] = []

    def write(writer: int) -> None:
        """Vendor and challenge edits through the services; each drains the outbox after commit, like a worker."""
        try:
            number = 0
            while not stop.is_set():
                vendor = vendors[(number * WRITERS + writer) % len(vendors)]
                marketplace_services.vendor_update(
                    vendor=vendor, user=coordinator, data={"description": f"Écrit par {writer}, no {number}."}
                )
                if number % 5 == 0:
                    challenge = Challenge.objects.get(pk=challenges[(number + writer) % len(challenges)].pk)
                    marketplace_services.challenge_update(
                        challenge=challenge, user=coordinator, data={"title": f"Défi {writer}-{number}"}
                    )
                if number % 17 == 0:  # Some leave the index, others come back.
                    vendor.refresh_from_db()
                    marketplace_services.vendor_update(
                        vendor=vendor, user=coordinator, data={"is_active": not vendor.is_active}
                    )
                number += 1
                writes[writer] = number
        except BaseException as error:  # Reported by the test below, not swallowed.
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(writer,)) for writer in range(WRITERS)]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    output = io.StringIO()
    for _rebuild in range(REBUILDS):
        call_command("reindex", stdout=output)
    rebuilt_in = time.monotonic() - started
    stop.set()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert sum(writes) > 3 * WRITERS  # Writes did stream in during the rebuilds.
    report = io.StringIO()
    call_command("check_index", stdout=report)
    assert report.getvalue().splitlines() == [
        "vendor: 0 missing, 0 stale, 0 extra",
        "challenge: 0 missing, 0 stale, 0 extra",
    ]
    assert not OutboxEntry.objects.exists()
    assert all(indexing.index_diff(kind).total == 0 for kind in INDEXED_KINDS)
    with capsys.disabled():
        print(
            f"\n[reliability] {REBUILDS} reindexes in {rebuilt_in:.1f} s while {WRITERS} writers made "
            f"{sum(writes)} edits: 0 missing, 0 stale, 0 extra, outbox empty."
        )
