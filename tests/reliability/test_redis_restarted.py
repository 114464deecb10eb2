"""Redis (the Celery broker) restarted: the web app keeps answering, and queued work resumes."""

import datetime
import socket
import threading
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from hub.models import Notification, User
from hub.tasks import notifications_email_requeue_task
from marketplace.models import Challenge
from matching.models import MatchProposal, OutboxEntry
from matching.search import indexing
from matching.tasks import outbox_drain_task, publication_followups_requeue_task
from tests import factories
from tests.reliability.conftest import celery_broker, wait_until

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.search,
    pytest.mark.worker,
    pytest.mark.reliability,
]

WRITES_WHILE_DOWN = 24


@pytest.fixture
def site(coordinator):
    members = factories.UserFactory.create_batch(2, role=User.Role.MINISTRY_MEMBER)
    organization = factories.OrganizationFactory(members=members)
    vendors = factories.VendorFactory.create_batch(12)
    indexing.index_sync("vendor", [vendor.id for vendor in vendors])
    challenges = factories.ChallengeFactory.create_batch(4, organization=organization, submitted=True)
    for challenge in challenges:
        factories.grid_create(challenge)
    return {"coordinator": coordinator, "vendors": vendors, "challenges": challenges}


def publish(api_client, challenge: Challenge):
    return api_client.post(reverse("challenge-publish", args=[challenge.id]), {}, format="json")


def settled() -> bool:
    return (
        not OutboxEntry.objects.exists()
        and not Notification.objects.filter(emailed_at__isnull=True).exists()
        and MatchProposal.objects.values("challenge").distinct().count()
        == Challenge.objects.filter(status=Challenge.Status.PUBLISHED).count()
    )


def test_tasks_queued_before_a_redis_restart_run_after_it(site, api_client, private_redis, worker_factory):
    api_client.force_authenticate(site["coordinator"])
    with celery_broker(private_redis.url):
        response = publish(api_client, site["challenges"][0])
    queued = private_redis.queued()

    private_redis.stop()
    private_redis.start()
    kept = private_redis.queued()
    worker = worker_factory(broker_url=private_redis.url)
    worker.start()

    assert response.status_code == 200
    assert queued == 5  # Drain, saved-search alerts, proposals, one email per member.
    assert kept == queued  # On disk (append-only file) across the restart.
    assert wait_until(settled, timeout=60, interval=0.5)
    assert len(worker.emails()) == Notification.objects.count() == 3  # Two members told, the coordinator too.


@pytest.fixture
def cache_and_throttles_on(settings, private_redis):
    """As in production: the cache (the API throttles' counters) in the broker's Redis, throttling on."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": private_redis.url,
            "KEY_PREFIX": "maillage",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "300/minute", "user": "1200/minute", "login": "20/minute"},
    }


def test_web_app_keeps_answering_while_redis_is_down_and_work_resumes_after(
    site, api_client, private_redis, worker_factory, cache_and_throttles_on, capsys
):
    worker = worker_factory(broker_url=private_redis.url)
    worker.start()
    coordinator = site["coordinator"]
    api_client.force_authenticate(coordinator)
    vendors, challenges = site["vendors"], site["challenges"]
    assert api_client.get(reverse("vendor-list")).status_code == 200
    assert private_redis.client().keys("maillage:*")  # The throttle's counter: the cache is in this Redis.

    with celery_broker(private_redis.url):
        private_redis.stop()
        down_at = time.monotonic()
        statuses, durations = [], []
        for number in range(WRITES_WHILE_DOWN):
            started = time.monotonic()
            if number < len(challenges):
                response = publish(api_client, challenges[number])
            elif number % 2:
                vendor = vendors[number % len(vendors)]
                response = api_client.patch(
                    reverse("vendor-detail", args=[vendor.id]),
                    {"description": f"Révision {number}."},
                    format="json",
                )
            else:
                response = api_client.get(reverse("vendor-list"))
            durations.append(time.monotonic() - started)
            statuses.append(response.status_code)
        down_for = time.monotonic() - down_at
        private_redis.start()
        resumed_at = time.monotonic()

        # What Celery beat sends: the outbox drain (every 30 s), and (every 10 min) the sweeps for
        # emails and publication follow-ups whose tasks could not be queued, ten minutes later.
        outbox_drain_task.delay()
        ten_minutes_ago = timezone.now() - datetime.timedelta(minutes=10)
        Notification.objects.update(created_at=ten_minutes_ago)
        Challenge.objects.filter(status=Challenge.Status.PUBLISHED).update(published_at=ten_minutes_ago)
        notifications_email_requeue_task.delay()
        publication_followups_requeue_task.delay()
    assert wait_until(settled, timeout=90, interval=0.5), (
        f"outbox={OutboxEntry.objects.count()} "
        f"not emailed={Notification.objects.filter(emailed_at__isnull=True).count()} "
        f"proposals for {MatchProposal.objects.values('challenge').distinct().count()} challenges"
    )
    resumed_after = time.monotonic() - resumed_at

    assert set(statuses) == {200}
    for kind in ("vendor", "challenge"):
        assert indexing.index_diff(kind).total == 0
    assert len(worker.emails()) == Notification.objects.count() == len(challenges) * 3
    with capsys.disabled():
        print(
            f"\n[reliability] Redis down {down_for:.1f} s: {WRITES_WHILE_DOWN} requests all 200, "
            f"slowest {max(durations):.2f} s, median {sorted(durations)[len(durations) // 2]:.2f} s; "
            f"after restart, everything done {resumed_after:.1f} s later "
            f"({Notification.objects.count()} emails, index consistent)."
        )


class SilentServer:
    """Accepts TCP connections and never answers: a Redis cut off by a network partition."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.url = f"redis://127.0.0.1:{self.socket.getsockname()[1]}/0"
        self.held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                self.held.append(self.socket.accept()[0])
            except OSError:
                return

    def close(self) -> None:
        for connection in [*self.held, self.socket]:
            connection.close()


def test_a_write_answers_while_redis_hangs_without_answering_and_its_work_waits_in_the_outbox(
    site, api_client
):
    silent = SilentServer()
    api_client.force_authenticate(site["coordinator"])
    vendor = site["vendors"][0]
    try:
        with celery_broker(silent.url):
            started = time.monotonic()
            response = api_client.patch(
                reverse("vendor-detail", args=[vendor.id]),
                {"description": "Pendant la coupure."},
                format="json",
            )
            took = time.monotonic() - started
    finally:
        silent.close()

    assert response.status_code == 200
    assert took < 30, f"the write took {took:.1f} s"
    # The drain could not be queued; the change waits in the outbox for the next periodic drain.
    assert OutboxEntry.objects.filter(object_id=vendor.id).exists()
    print(
        f"\n[reliability] write while Redis hangs silently: 200 after {took:.1f} s, change kept in the outbox"
    )
