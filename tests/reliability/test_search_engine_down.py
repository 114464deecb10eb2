"""The search node killed during 200 writes through the API, then started again: no write fails, search
answers 503 meanwhile, and the index catches up with the database."""

import collections
import datetime
import io
import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from elasticsearch_dsl import connections
from rest_framework.test import APIClient

from hub.models import User
from marketplace.models import Challenge, Vendor
from matching.models import OutboxEntry
from matching.search import indexing
from matching.search.client import search_connect
from matching.search.kinds import INDEXED_KINDS, SearchKind
from matching.tasks import outbox_drain_task
from tests import factories
from tests.reliability.conftest import SearchNode, wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.reliability]

# 200 writes in all.
VENDOR_CREATES, VENDOR_EDITS = 50, 50
CHALLENGE_CREATES, CHALLENGE_EDITS, CHALLENGE_SUBMITS, CHALLENGE_PUBLISHES = 30, 30, 20, 20


@pytest.fixture
def search_node(settings, tmp_path):
    """The app on a private node; the shared node stays untouched."""
    node = SearchNode(tmp_path)
    shared_url = settings.SEARCH_URL
    node.start()
    settings.SEARCH_URL, settings.SEARCH_TIMEOUT = (
        node.url,
        30,
    )  # A busy machine: the first index takes a while.
    search_connect()
    for kind in INDEXED_KINDS:
        indexing.index_ensure(kind)
    yield node
    node.kill()
    settings.SEARCH_URL = shared_url
    search_connect()


@pytest.fixture
def clients(coordinator, ministry_member, vendor_member) -> dict[str, APIClient]:
    def client_for(user: User) -> APIClient:
        client = APIClient()
        client.force_authenticate(user)
        return client

    return {
        "coordinator": client_for(coordinator),
        "ministry": client_for(ministry_member),
        "vendor": client_for(vendor_member),
    }


def vendor_data(number: int) -> dict:
    return {
        "name": f"Firme en panne {number}",
        "neq": f"33{number:08d}",
        "description": "Géomatique et télédétection.",
        "languages": ["fr"],
        "regions": ["03"],
        "employees": 10 + number,
        "founded": 2010,
        "expertise": ["cloud"],
    }


def challenge_data(number: int) -> dict:
    return {
        "title": f"Défi {number}",
        "description": "Numériser les archives.",
        "language": "fr",
        "expertise": ["cloud"],
        "regions": ["03"],
        "budget_min": "10000",
        "budget_max": "90000",
        "deadline": (timezone.localdate() + datetime.timedelta(days=90)).isoformat(),
        "award_mode": "price",  # A grid lets the challenge be submitted; the lowest price needs no criteria.
    }


def test_engine_down_during_200_writes_no_write_fails_and_the_index_catches_up(
    search_node, clients, coordinator, ministry_member, vendor_member, capsys
):
    factories.RegionFactory()
    factories.ExpertiseFactory()
    existing = factories.VendorFactory.create_batch(VENDOR_EDITS)
    challenge_id = factories.ChallengeFactory(
        published=True, organization=ministry_member.organizations.get()
    ).id
    own_vendor_id = vendor_member.vendors.get().id
    # Made by factories, not services.
    indexing.index_sync("vendor", Vendor.objects.values_list("pk", flat=True))
    indexing.index_sync("challenge", [challenge_id])
    searches = [
        ("ministry", reverse("challenge-search") + "?q=archives"),
        ("ministry", reverse("vendor-search") + "?q=géomatique"),
        ("coordinator", reverse("challenge-matches", args=[challenge_id])),
        ("vendor", reverse("vendor-opportunities", args=[own_vendor_id])),
    ]
    reads = [
        ("ministry", reverse("vendor-list")),
        ("ministry", reverse("challenge-detail", args=[challenge_id])),
    ]

    search_node.kill()
    down_at = time.monotonic()
    write_statuses, other_statuses = collections.Counter(), collections.Counter()
    search_answers = []

    def write(role: str, method: str, url: str, data: dict | None = None) -> dict:
        response = getattr(clients[role], method)(url, data or {}, format="json")
        write_statuses[response.status_code] += 1
        if sum(write_statuses.values()) % 20 == 0:  # Every 20 writes, search and read too.
            for reader, search_url in searches:
                answer = clients[reader].get(search_url, HTTP_ACCEPT_LANGUAGE="en")
                search_answers.append(
                    (answer.status_code, answer.get("Retry-After"), answer.json().get("detail", ""))
                )
            for reader, read_url in reads:
                other_statuses[clients[reader].get(read_url).status_code] += 1
        return response.json() if response.content else {}

    for number in range(VENDOR_CREATES):
        write("coordinator", "post", reverse("vendor-list"), vendor_data(number))
    for number, vendor in enumerate(existing):
        write(
            "coordinator",
            "patch",
            reverse("vendor-detail", args=[vendor.id]),
            {"description": f"Révision {number}."},
        )
    drafts = [
        write("ministry", "post", reverse("challenge-list"), challenge_data(number))["id"]
        for number in range(CHALLENGE_CREATES)
    ]
    for number, draft in enumerate(drafts[:CHALLENGE_EDITS]):
        write(
            "ministry", "patch", reverse("challenge-detail", args=[draft]), {"title": f"Défi révisé {number}"}
        )
    for draft in drafts[:CHALLENGE_SUBMITS]:
        write("ministry", "post", reverse("challenge-submit", args=[draft]))
    for draft in drafts[:CHALLENGE_PUBLISHES]:
        write("coordinator", "post", reverse("challenge-publish", args=[draft]))
    writes_took = time.monotonic() - down_at
    waiting = OutboxEntry.objects.count()

    restart_took = search_node.start()
    healthy_at = time.monotonic()
    down_for = healthy_at - down_at

    def index_consistent() -> bool:
        outbox_drain_task.delay()  # What Celery beat sends every 30 s (tasks run eagerly in tests).
        return all(indexing.index_diff(kind).total == 0 for kind in INDEXED_KINDS)

    assert wait_until(index_consistent, timeout=60, interval=1)
    consistent_after = time.monotonic() - healthy_at
    report = io.StringIO()
    call_command("check_index", stdout=report)

    assert sum(write_statuses.values()) == 200
    assert set(write_statuses) <= {200, 201}, write_statuses
    assert set(other_statuses) == {200}
    assert len(search_answers) == 40
    assert {(status, retry) for status, retry, _detail in search_answers} == {(503, "30")}
    assert all("try again" in detail for _status, _retry, detail in search_answers)
    assert waiting >= VENDOR_CREATES + VENDOR_EDITS + CHALLENGE_PUBLISHES
    assert not OutboxEntry.objects.exists()
    assert report.getvalue().splitlines() == [
        "vendor: 0 missing, 0 stale, 0 extra",
        "challenge: 0 missing, 0 stale, 0 extra",
    ]
    assert (
        Vendor.objects.filter(is_active=True).count()
        == connections.get_connection().count(index=indexing.index_alias(SearchKind.VENDOR))["count"]
    )
    assert Challenge.objects.filter(status=Challenge.Status.PUBLISHED).count() == CHALLENGE_PUBLISHES + 1
    with capsys.disabled():
        print(
            f"\n[reliability] search node killed: 200 writes in {writes_took:.1f} s (all 2xx), "
            f"{len(search_answers)} searches all 503 + Retry-After; {waiting} outbox entries waiting; "
            f"node down {down_for:.1f} s (restart {restart_took:.1f} s); index consistent {consistent_after:.1f} s "
            f"after the node was healthy, 0 lost."
        )
