"""A Celery worker killed (SIGKILL) in the middle of a batch of indexing, notification and proposal tasks:
after a restart every task has taken effect exactly once."""

import collections
import email
import os
import signal
import time
from email.header import decode_header, make_header

import pytest
from django.conf import settings

from hub.models import AuditEntry, Notification, User
from marketplace import services as marketplace_services
from marketplace.models import Challenge, Vendor
from matching.models import MatchProposal, OutboxEntry
from matching.search import indexing
from tests import factories
from tests.reliability.conftest import celery_broker, locked_table, wait_until

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.search,
    pytest.mark.worker,
    pytest.mark.reliability,
]

VENDORS = 30
VENDOR_EDITS = 100
CHALLENGES = 12


def sent_emails(worker) -> collections.Counter:
    """(recipient, subject) of every email the worker sent, counted."""
    sent = collections.Counter()
    for raw in worker.emails():
        message = email.message_from_string(raw)
        sent[(message["To"], str(make_header(decode_header(message["Subject"]))))] += 1
    return sent


def expected_emails() -> collections.Counter:
    notifications = Notification.objects.filter(
        user__email_frequency=User.EmailFrequency.IMMEDIATE
    ).select_related("user")
    return collections.Counter((n.user.email, "[Maillage] " + n.title) for n in notifications)


@pytest.fixture
def batch_data(coordinator):
    """Indexed vendors, and challenges submitted for publication by an organization with two members."""
    factories.UserFactory(role=User.Role.COORDINATOR)
    members = factories.UserFactory.create_batch(2, role=User.Role.MINISTRY_MEMBER)
    organization = factories.OrganizationFactory(members=members)
    vendors = factories.VendorFactory.create_batch(VENDORS)
    indexing.index_sync("vendor", [vendor.id for vendor in vendors])
    challenges = [
        # Distinct titles, hence distinct email subjects: each email can be counted on its own.
        factories.ChallengeFactory(
            organization=organization,
            status=Challenge.Status.SUBMITTED,
            published_at=None,
            title=f"Migration infonuagique, lot {number}",
        )
        for number in range(CHALLENGES)
    ]
    for challenge in challenges:
        factories.grid_create(challenge)
    return {"coordinator": coordinator, "vendors": vendors, "challenges": challenges}


def queue_batch(*, coordinator: User, vendors: list[Vendor], challenges: list[Challenge]) -> None:
    """Writes through the services, as the API makes them; each queues its tasks on commit."""
    for number in range(VENDOR_EDITS):
        vendor = vendors[number % len(vendors)]
        marketplace_services.vendor_update(
            vendor=vendor, user=coordinator, data={"description": f"{vendor.description} Révision {number}."}
        )
    for challenge in challenges:
        marketplace_services.challenge_transition(
            challenge=challenge, user=coordinator, to_status=Challenge.Status.PUBLISHED
        )


def test_worker_killed_mid_batch_every_task_takes_effect_exactly_once(
    batch_data, private_redis, worker_factory, capsys
):
    worker = worker_factory(broker_url=private_redis.url, visibility_timeout=3)
    with celery_broker(private_redis.url):
        queue_batch(**batch_data)
    queued = private_redis.queued()
    # One drain per write, plus per publication: saved-search alerts, proposals, two members' emails.
    assert queued == VENDOR_EDITS + CHALLENGES * 5

    worker.start()
    started = time.monotonic()
    assert wait_until(
        lambda: MatchProposal.objects.values("challenge").distinct().count() >= CHALLENGES // 3, timeout=60
    )
    # Killed in the middle of a proposals_generate: the proposals table is locked, so the task stops at its
    # first read of it, transaction open and message taken but not acknowledged.
    with locked_table("matching_matchproposal") as waiting:
        assert wait_until(
            lambda: waiting() and worker.running_task()[0] == "matching.proposals_generate", timeout=60
        )
        _name, killed_task_id = worker.running_task()
        worker.kill()
    killed_after = time.monotonic() - started
    in_flight = private_redis.unacked()
    left = private_redis.queued()
    challenges_done = MatchProposal.objects.values("challenge").distinct().count()
    emails_before_restart = sum(sent_emails(worker).values())

    worker.start()
    restarted = time.monotonic()

    def settled() -> bool:
        return (
            private_redis.queued() == 0
            and private_redis.unacked() == 0
            and not OutboxEntry.objects.exists()
            and MatchProposal.objects.values("challenge").distinct().count() == CHALLENGES
            and not Notification.objects.filter(emailed_at__isnull=True).exists()
        )

    assert wait_until(settled, timeout=90, interval=0.5), (
        f"queued={private_redis.queued()} unacked={private_redis.unacked()} "
        f"outbox={OutboxEntry.objects.count()} proposals for "
        f"{MatchProposal.objects.values('challenge').distinct().count()} challenges, "
        f"{Notification.objects.filter(emailed_at__isnull=True).count()} notifications not emailed"
    )
    settled_after = time.monotonic() - restarted

    # The kill really happened mid-batch, with a task taken from the queue and not acknowledged; the
    # restarted worker received that very task again (acks late) and completed it.
    assert in_flight == 1
    assert [event for _name, task_id, event in worker.task_events() if task_id == killed_task_id] == [
        "received",
        "received",
        "succeeded",
    ]
    assert 0 < left < queued
    assert challenges_done < CHALLENGES
    # Index: equal to the database.
    for kind in ("vendor", "challenge"):
        assert indexing.index_diff(kind).total == 0
    # Proposals: the top PROPOSALS_PER_CHALLENGE vendors of each challenge, once each, audited once each.
    per_challenge = collections.Counter(MatchProposal.objects.values_list("challenge_id", flat=True))
    assert set(per_challenge.values()) == {settings.PROPOSALS_PER_CHALLENGE}
    assert AuditEntry.objects.filter(object_type="matchproposal", action="propose").count() == sum(
        per_challenge.values()
    )
    # Notifications: one per event and person (publication to each member, proposals to each coordinator).
    kinds = collections.Counter(Notification.objects.values_list("kind", flat=True))
    assert kinds == {
        Notification.Kind.CHALLENGE_PUBLISHED: CHALLENGES * 2,
        Notification.Kind.PROPOSALS_READY: CHALLENGES * 2,
    }
    # Emails: each notification exactly once.
    assert sent_emails(worker) == expected_emails()
    assert set(sent_emails(worker).values()) == {1}
    assert sum(expected_emails().values()) == CHALLENGES * 4
    with capsys.disabled():
        print(
            f"\n[reliability] worker killed {killed_after:.1f} s into a batch of {queued} tasks "
            f"({left} still queued, {in_flight} in flight, {emails_before_restart} emails sent); "
            f"restarted, settled {settled_after:.1f} s later: {CHALLENGES * 4} emails, "
            f"{sum(per_challenge.values())} proposals, 0 duplicates, index consistent."
        )


def test_pool_process_killed_mid_task_its_task_is_requeued_at_once_and_runs_once(
    batch_data, private_redis, worker_factory, capsys
):
    # An hour of visibility timeout, as in production: a redelivery now can only come from
    # task_reject_on_worker_lost, not from Redis giving an unacknowledged message back.
    worker = worker_factory(broker_url=private_redis.url, pool="prefork", visibility_timeout=3600)
    challenges = batch_data["challenges"][:3]
    with celery_broker(private_redis.url):
        for challenge in challenges:
            marketplace_services.challenge_transition(
                challenge=challenge, user=batch_data["coordinator"], to_status=Challenge.Status.PUBLISHED
            )
    with locked_table("matching_matchproposal") as waiting:  # Stops the first proposals_generate mid-way.
        worker.start()
        assert wait_until(
            lambda: waiting() and worker.running_task()[0] == "matching.proposals_generate", timeout=60
        )
        _name, killed_task_id = worker.running_task()
        (pool_process,) = worker.children()

        os.kill(pool_process, signal.SIGKILL)
    killed_at = time.monotonic()

    assert wait_until(
        lambda: (
            private_redis.queued() == 0
            and private_redis.unacked() == 0
            and MatchProposal.objects.values("challenge").distinct().count() == len(challenges)
            and not Notification.objects.filter(emailed_at__isnull=True).exists()
        ),
        timeout=60,
        interval=0.5,
    )
    settled_after = time.monotonic() - killed_at
    events = [event for _name, task_id, event in worker.task_events() if task_id == killed_task_id]
    assert events == ["received", "received", "succeeded"]
    assert "WorkerLostError" in worker.log.read_text()
    per_challenge = collections.Counter(MatchProposal.objects.values_list("challenge_id", flat=True))
    assert set(per_challenge.values()) == {settings.PROPOSALS_PER_CHALLENGE}
    assert sent_emails(worker) == expected_emails()
    assert set(sent_emails(worker).values()) == {1}
    with capsys.disabled():
        print(
            f"\n[reliability] prefork pool process killed during proposals_generate: task requeued at once "
            f"(task_reject_on_worker_lost), settled {settled_after:.1f} s later, proposals and emails once each."
        )
