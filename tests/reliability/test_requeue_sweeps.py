"""The periodic sweeps that redo work whose task was never queued (broker down at commit) or gave up."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from hub.models import Notification, User
from hub.tasks import notifications_email_requeue_task
from matching.models import MatchProposal
from matching.search import indexing
from matching.search.documents import index_alias
from matching.search.kinds import SearchKind
from matching.tasks import publication_followups_requeue_task
from tests import factories

pytestmark = pytest.mark.django_db


def notification(*, minutes_ago: float, user: User | None = None, **fields) -> Notification:
    created = factories.NotificationFactory(
        user=user or factories.UserFactory(),
        kind="introduction",
        title=f"Il y a {minutes_ago} min",
        dedupe_key=f"test:{minutes_ago}:{Notification.objects.count()}",
        **fields,
    )
    Notification.objects.filter(pk=created.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago)
    )
    return created


def test_notifications_email_requeue_sends_the_overdue_emails_only():
    overdue = notification(minutes_ago=15)
    notification(minutes_ago=2)  # Its own task may still be on its way.
    notification(minutes_ago=60 * 30)  # Stale news by now.
    notification(minutes_ago=15, emailed_at=timezone.now())
    notification(minutes_ago=15, user=factories.UserFactory(email_frequency=User.EmailFrequency.DAILY_DIGEST))
    notification(minutes_ago=15, user=factories.UserFactory(is_active=False))

    queued = notifications_email_requeue_task.delay().get()

    assert queued == 1
    assert [message.subject for message in mail.outbox] == [f"[Maillage] {overdue.title}"]


def test_notifications_email_requeue_never_sends_an_email_twice():
    notification(minutes_ago=15)

    notifications_email_requeue_task.delay()
    second = notifications_email_requeue_task.delay().get()

    assert second == 0
    assert len(mail.outbox) == 1


@pytest.mark.search
def test_publication_followups_requeue_proposes_vendors_for_a_challenge_that_has_none(
    coordinator, search_index
):
    vendors = factories.VendorFactory.create_batch(3)
    indexing.index_sync("vendor", [vendor.id for vendor in vendors])
    search_index.indices.refresh(index=index_alias(SearchKind.VENDOR))
    quarter_hour_ago = timezone.now() - datetime.timedelta(minutes=15)
    forgotten = factories.ChallengeFactory(published=True, published_at=quarter_hour_ago)
    proposed = factories.ChallengeFactory(published=True, published_at=quarter_hour_ago)
    factories.MatchProposalFactory(challenge=proposed, vendor=vendors[0], status=MatchProposal.Status.PENDING)
    factories.ChallengeFactory(
        published=True, published_at=timezone.now()
    )  # Its own tasks may still be on their way.
    factories.ChallengeFactory(published=True, published_at=timezone.now() - datetime.timedelta(days=8))
    for challenge in (forgotten, proposed):
        indexing.index_sync("challenge", [challenge.id])

    requeued = publication_followups_requeue_task.delay().get()

    assert requeued == 1
    assert set(forgotten.proposals.values_list("vendor_id", flat=True)) == {vendor.id for vendor in vendors}
    assert proposed.proposals.count() == 1
    assert Notification.objects.filter(kind=Notification.Kind.PROPOSALS_READY, user=coordinator).count() == 1
