"""The one way to the engine: its connection, the requests that read it, and what its errors mean to us.

A search that answers a person maps the engine being away (down, timing out, overloaded) to
`hub.exceptions.SearchUnavailable`, which the API turns into a 503 and the pages into a message. Work done
for a task (indexing, percolation) lets the engine's own errors through: tasks retry on them."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.conf import settings
from elasticsearch import ConnectionError as SearchConnectionError
from elasticsearch import Elasticsearch, TransportError
from elasticsearch.helpers import bulk, scan
from elasticsearch_dsl import connections

from hub.exceptions import SearchUnavailable

# The engine gives per-clause scores only when asked.
NAMED_SCORES = {"include_named_queries_score": "true"}


def search_connect() -> None:
    connections.create_connection(
        alias="default",
        hosts=[settings.SEARCH_URL],
        timeout=settings.SEARCH_TIMEOUT,
        retry_on_timeout=False,
        max_retries=1,
    )


def engine() -> Elasticsearch:
    """The connection, for index administration (create, alias, refresh, delete)."""
    return connections.get_connection()


@contextmanager
def engine_errors() -> Iterator[None]:
    """Turn the engine being away (down, timing out, or not ready) into SearchUnavailable."""
    try:
        yield
    except SearchConnectionError as error:  # Timeouts included.
        raise SearchUnavailable() from error
    except TransportError as error:
        if error.status_code in (429, 502, 503, 504):
            raise SearchUnavailable() from error
        raise


def engine_search(*, index: str, body: dict, params: dict | None = None) -> dict:
    """One search request, its answer as plain data; SearchUnavailable when the engine is away."""
    with engine_errors():
        return engine().search(index=index, body=body, params=params or {})


def engine_count(*, index: str) -> int:
    with engine_errors():
        return engine().count(index=index)["count"]


def engine_scan(*, index: str, query: dict, size: int) -> Iterator[dict]:
    """Every hit of `query`, fetched `size` at a time (scroll); the engine's errors pass through."""
    return scan(engine(), index=index, query=query, size=size)


def engine_bulk(actions: Iterable[dict], *, chunk_size: int, refresh: bool | str = False) -> list[dict]:
    """Send index, update and delete actions; return the errors of those the engine refused."""
    return bulk(engine(), actions, chunk_size=chunk_size, raise_on_error=False, refresh=refresh)[1]
