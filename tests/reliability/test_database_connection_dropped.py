"""The PostgreSQL connection dropped in the middle of a request (pg_terminate_backend of the request's own
backend, on the shared server): a clean 503, and the next request works."""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests import factories
from tests.reliability.conftest import direct_connection, locked_table, wait_until

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.reliability,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="Terminates a PostgreSQL backend."),
]


def served(client: Client, method: str, url: str, **kwargs):
    """A request handled like a WSGI server does: Django's test client skips close_old_connections at
    request start and end, which is what replaces a broken or dead connection in production."""
    close_old_connections()
    try:
        return getattr(client, method)(url, **kwargs)
    finally:
        close_old_connections()


@contextmanager
def terminated_while_waiting_on(table: str) -> Iterator[list[int]]:
    """Lock `table`; terminate the one backend of this test database that then waits for it (the request's)."""
    terminated: list[int] = []
    with locked_table(table) as waiting, direct_connection() as killer:

        def terminate() -> None:
            if wait_until(waiting, timeout=20, interval=0.05):
                for pid in waiting():
                    killer.execute("SELECT pg_terminate_backend(%s)", [pid])
                    terminated.append(pid)

        thread = threading.Thread(target=terminate)
        thread.start()
        try:
            yield terminated
        finally:
            thread.join()


def test_read_whose_connection_is_dropped_answers_503_then_the_next_request_works(api_client):
    vendor = factories.VendorFactory()

    with terminated_while_waiting_on("marketplace_vendor") as terminated:
        dropped = served(api_client, "get", reverse("vendor-list"), HTTP_ACCEPT_LANGUAGE="en")
    started = time.monotonic()
    after = served(api_client, "get", reverse("vendor-list"))
    recovered_in = time.monotonic() - started

    assert len(terminated) == 1
    assert dropped.status_code == 503
    assert dropped["Retry-After"] == "5"
    assert dropped.json() == {
        "detail": "The service is temporarily unavailable. Please try again in a few seconds."
    }
    assert after.status_code == 200
    assert [item["id"] for item in after.json()["results"]] == [vendor.id]
    assert recovered_in < 5


def test_write_whose_connection_is_dropped_answers_503_commits_nothing_and_can_be_retried(
    api_client, coordinator
):
    vendor = factories.VendorFactory(description="Avant.")
    api_client.force_authenticate(coordinator)
    url = reverse("vendor-detail", args=[vendor.id])

    with terminated_while_waiting_on("marketplace_vendor"):
        dropped = served(api_client, "patch", url, data={"description": "Pendant."}, format="json")
    vendor.refresh_from_db()
    description_after_drop = vendor.description
    retried = served(api_client, "patch", url, data={"description": "Après."}, format="json")

    assert dropped.status_code == 503
    assert description_after_drop == "Avant."
    assert retried.status_code == 200
    assert retried.json()["description"] == "Après."


def test_page_whose_connection_is_dropped_shows_a_plain_503_page_without_a_trace(client):
    vendor = factories.VendorFactory()

    with translation.override("en"):
        url = reverse("frontend:vendor_detail", kwargs={"vendor_id": vendor.id})

    with terminated_while_waiting_on("marketplace_vendor"):
        dropped = served(client, "get", url)

    assert dropped.status_code == 503
    assert dropped["Retry-After"] == "5"
    page = dropped.content.decode()
    assert "Temporarily unavailable" in page
    assert "Traceback" not in page and "OperationalError" not in page


def test_persistent_connection_dropped_between_requests_is_replaced_before_the_next_one(api_client):
    factories.VendorFactory()
    connection.close()
    persistent = connection.settings_dict["CONN_MAX_AGE"]
    connection.settings_dict["CONN_MAX_AGE"] = (
        60  # As in production (tests close connections after each request).
    )
    try:
        first = served(api_client, "get", reverse("vendor-list"))
        backend_pid = connection.connection.info.backend_pid
        with direct_connection() as killer:
            killer.execute("SELECT pg_terminate_backend(%s)", [backend_pid])

        second = served(api_client, "get", reverse("vendor-list"))
    finally:
        connection.settings_dict["CONN_MAX_AGE"] = persistent
        connection.close()

    assert first.status_code == 200
    assert second.status_code == 200  # CONN_HEALTH_CHECKS noticed the dead connection and opened a new one.
