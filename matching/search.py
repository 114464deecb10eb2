"""Queries against the search index: the selectors of the search engine."""
from collections.abc import Iterator
from contextlib import contextmanager

from elasticsearch import ConnectionError as SearchConnectionError
from elasticsearch import TransportError

from hub.api_errors import ServiceUnavailable


class SearchUnavailable(ServiceUnavailable):
    """The search node cannot answer now; callers answer 503 with a retry hint."""


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
