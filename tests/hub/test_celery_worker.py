"""The broker path, for real: a Celery worker consuming from Redis runs the indexing task."""

import pytest
from celery.contrib.testing.worker import start_worker
from elasticsearch_dsl import connections

from hub.celery import app
from matching.models import OutboxEntry
from matching.search.documents import index_alias
from matching.search.kinds import SearchKind
from matching.tasks import outbox_drain_task
from tests import factories
from tests.reliability.conftest import wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.search, pytest.mark.worker]


@pytest.fixture
def real_worker(settings):
    app.conf.task_always_eager = False
    app.conf.broker_url = settings.CELERY_BROKER_URL
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        app.conf.task_always_eager = True


def test_outbox_drain_task_runs_on_a_real_worker_through_redis(real_worker):
    vendor = factories.VendorFactory()
    factories.OutboxEntryFactory(kind=OutboxEntry.Kind.VENDOR, object_id=vendor.id)
    client = connections.get_connection()

    outbox_drain_task.delay()

    assert wait_until(lambda: not OutboxEntry.objects.exists(), timeout=30)
    client.indices.refresh(index=index_alias(SearchKind.VENDOR))
    assert client.exists(index=index_alias(SearchKind.VENDOR), id=vendor.id)
