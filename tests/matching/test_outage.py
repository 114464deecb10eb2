"""The search engine away: writes still succeed, nothing is lost, the index catches up."""

import pytest
from django.urls import reverse

from matching.models import OutboxEntry
from matching.search import indexing
from matching.search.client import search_connect
from matching.tasks import outbox_drain_task
from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.search]


def test_writes_during_an_outage_reach_the_index_when_the_engine_returns(
    engine_down, api_client, coordinator
):
    factories.RegionFactory()
    factories.ExpertiseFactory()
    vendors = factories.VendorFactory.create_batch(3)
    api_client.force_authenticate(coordinator)

    for vendor in vendors:
        response = api_client.patch(
            reverse("vendor-detail", args=[vendor.id]),
            {"description": "Géomatique et télédétection."},
            format="json",
        )
        assert response.status_code == 200
    assert OutboxEntry.objects.count() == 3

    search_connect()  # The engine is back; the periodic drain runs.
    outbox_drain_task.delay()

    assert not OutboxEntry.objects.exists()
    for kind in ("vendor", "challenge"):
        assert indexing.index_diff(kind).total == 0


def test_matching_answers_503_with_a_retry_hint_while_the_engine_is_away(
    engine_down, api_client, coordinator
):
    challenge = factories.ChallengeFactory(published=True)
    api_client.force_authenticate(coordinator)

    response = api_client.get(reverse("challenge-matches", args=[challenge.id]), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 503
    assert response["Retry-After"]
    assert "try again" in response.data["detail"]
