"""Copies database rows into the search index.

Each document carries the row's `updated_at` as an external version, so a slow writer can never
overwrite a newer state with an older one, and syncing the same row twice is harmless.
"""

from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice

from django.db.models import QuerySet
from django.utils import timezone

from marketplace.models import Challenge, Expertise, ProfileSection, Region, Vendor, VendorReference
from matching.models import SavedSearch
from matching.search.client import engine, engine_bulk, engine_scan
from matching.search.documents import (
    DOCUMENTS,
    ChallengeDocument,
    index_alias,
    index_body,
    stable_tiebreak,
)
from matching.search.kinds import SearchKind
from matching.search.people import opportunity_cache_advance
from matching.search.queries import challenge_query

BULK_CHUNK = 1000
# Bulk requests in flight during a rebuild, while this process builds the next: two keep both of the
# engine's cores busy on a small node.
REBUILD_THREADS = 2


def _version(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def searchable_rows(kind: SearchKind) -> QuerySet:
    """The rows that belong in the index: active vendors, published (open) challenges."""
    if kind == SearchKind.VENDOR:
        return Vendor.objects.filter(is_active=True)
    return Challenge.objects.filter(status=Challenge.Status.PUBLISHED)


@dataclass(frozen=True)
class Source:
    """A row's index document, with what versions it."""

    id: int
    updated_at: datetime
    body: dict


COLUMNS = {
    SearchKind.VENDOR: (
        "id",
        "updated_at",
        "key",
        "name",
        "description",
        "languages",
        "certifications",
        "employees",
        "founded",
        "is_active",
        "is_verified",
        "public_profile",
    ),
    SearchKind.CHALLENGE: (
        "id",
        "updated_at",
        "key",
        "title",
        "description",
        "language",
        "organization_id",
        "organization__name",
        "organization__kind",
        "budget_min",
        "budget_max",
        "deadline",
        "published_at",
        "required_languages",
        "required_certifications",
        "max_employees",
        "mandatory_requirements",
        "on_site",
        "status",
    ),
}


def document_sources(kind: SearchKind, rows: QuerySet) -> Iterator[Source]:
    """The index document of each row, by chunks of BULK_CHUNK rows and four queries per chunk.

    Plain values, not model instances with prefetches: a rebuild reads every row, and building
    documents was most of its time (docs/benchmarks.md)."""
    expertise = {item.pk: item for item in Expertise.objects.all()}
    region_codes = dict(Region.objects.values_list("pk", "code"))
    model = rows.model
    last = 0
    while chunk := list(rows.filter(pk__gt=last).order_by("pk").values(*COLUMNS[kind])[:BULK_CHUNK]):
        last = chunk[-1]["id"]
        ids = [row["id"] for row in chunk]
        owner = f"{kind}_id"
        expertise_ids = _grouped(
            model.expertise.through.objects.filter(**{f"{owner}__in": ids}).values_list(owner, "expertise_id")
        )
        region_ids = _grouped(
            model.regions.through.objects.filter(**{f"{owner}__in": ids}).values_list(owner, "region_id")
        )
        references = (
            _grouped(
                VendorReference.objects.filter(vendor_id__in=ids)
                .order_by("id")
                .values_list("vendor_id", "title", "summary", "client"),
                value=lambda title, summary, client: f"{title}. {summary} ({client})",
            )
            if kind == SearchKind.VENDOR
            else {}
        )
        for row in chunk:
            items = sorted(
                (expertise[pk] for pk in expertise_ids.get(row["id"], [])), key=lambda item: item.code
            )
            body = {
                **_row_fields(kind, row),
                "expertise": [item.code for item in items],
                "expertise_labels": [label for item in items for label in (item.label_fr, item.label_en)],
                "regions": sorted(region_codes[pk] for pk in region_ids.get(row["id"], [])),
                "tiebreak": stable_tiebreak(row["key"]),
            }
            if kind == SearchKind.VENDOR:
                body["references"] = references.get(row["id"], [])
                body |= _public_copies(body)
            # As elasticsearch-dsl writes documents: no empty values (an empty list and a missing field
            # are the same to the engine's `exists`).
            yield Source(
                row["id"], row["updated_at"], {k: v for k, v in body.items() if v is not None and v != []}
            )


def _row_fields(kind: SearchKind, row: dict) -> dict:
    fields = {
        name: row[name] for name in COLUMNS[kind] if name not in ("id", "updated_at") and "__" not in name
    }
    if kind == SearchKind.CHALLENGE:
        fields |= {
            "organization_name": row["organization__name"],
            "organization_kind": row["organization__kind"],
            "budget_min": float(row["budget_min"]),
            "budget_max": float(row["budget_max"]),
            "required_languages_count": len(row["required_languages"]),
            "required_certifications_count": len(row["required_certifications"]),
        }
    return fields


# The text each hideable section is searched by, and its copy in the index while the section is public.
PUBLIC_COPIES = {
    ProfileSection.DESCRIPTION: ("description", "public_description"),
    ProfileSection.REFERENCES: ("references", "public_references"),
    ProfileSection.CERTIFICATIONS: ("certifications", "public_certifications"),
}


def _public_copies(body: dict) -> dict:
    """The vendor's hideable texts that anyone may search (matching.search.queries.PUBLIC_VENDOR_TEXT_FIELDS)."""
    public = set(body.get("public_profile") or [])
    return {copy: body[name] for section, (name, copy) in PUBLIC_COPIES.items() if section in public}


def _grouped(pairs: Iterable[tuple], value: Callable = lambda item: item) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for owner, *rest in pairs:
        grouped[owner].append(value(*rest))
    return grouped


def document_source(kind: SearchKind, pk: int) -> dict:
    """The index document of one row, searchable or not (e.g. to percolate a challenge)."""
    model = Vendor if kind == SearchKind.VENDOR else Challenge
    return next(document_sources(kind, model.objects.filter(pk=pk))).body


def _index_actions(sources: Iterable[Source], index: str) -> Iterator[dict]:
    for source in sources:
        yield {
            "_index": index,
            "_id": source.id,
            "_source": source.body,
            "_version": _version(source.updated_at),
            "_version_type": "external_gte",
        }


def taxonomy_synonyms() -> list[str]:
    """One synonym group per expertise: its French and English labels."""
    return [
        f"{label_fr}, {label_en}"
        for label_fr, label_en in Expertise.objects.values_list("label_fr", "label_en")
    ]


def _versioned_name(alias: str) -> str:
    return f"{alias}-{timezone.now():%Y%m%d%H%M%S%f}"


def index_create(kind: SearchKind) -> str:
    """Create a new, empty, versioned index for `kind` and return its name."""
    name = _versioned_name(index_alias(kind))
    engine().indices.create(index=name, body=index_body(DOCUMENTS[kind], extra_synonyms=taxonomy_synonyms()))
    return name


def index_ensure(kind: SearchKind) -> None:
    """Create the index behind the alias if there is none yet."""
    client = engine()
    alias = index_alias(kind)
    if not client.indices.exists_alias(name=alias):
        client.indices.put_alias(index=index_create(kind), name=alias)


def index_sync(kind: SearchKind, ids: Iterable[int]) -> None:
    """Upsert the searchable rows among `ids`; delete the others from the index."""
    ids = set(ids)
    if not ids:
        return
    index_ensure(kind)
    alias = index_alias(kind)
    sources = list(document_sources(kind, searchable_rows(kind).filter(pk__in=ids)))
    actions = list(_index_actions(sources, alias))
    gone = ids - {source.id for source in sources}
    # A row that left the index is versioned "now": any slower writer holding its older state loses.
    now = _version(timezone.now())
    actions += [
        {"_op_type": "delete", "_index": alias, "_id": pk, "_version": now, "_version_type": "external_gte"}
        for pk in gone
    ]
    if kind == SearchKind.CHALLENGE:
        # Searchable before the kept opportunity search answers are retired, or one could be kept stale.
        _bulk(actions, refresh="wait_for")
        opportunity_cache_advance()
    else:
        _bulk(actions)


def _bulk(actions: Iterable[dict], *, threads: int = 1, refresh: bool | str = False) -> None:
    """Send the actions by chunks of BULK_CHUNK, `threads` chunks in flight while this thread builds the next.

    Actions are built here only: they may read the database, and other threads have other connections
    (outside this one's transaction)."""

    def send(chunk: list[dict]) -> list[dict]:
        return engine_bulk(chunk, chunk_size=BULK_CHUNK, refresh=refresh)

    errors: list[dict] = []
    actions = iter(actions)
    with ThreadPoolExecutor(max_workers=threads) as pool:
        in_flight: deque[Future] = deque()
        while chunk := list(islice(actions, BULK_CHUNK)):
            if len(in_flight) == threads:
                errors += in_flight.popleft().result()
            in_flight.append(pool.submit(send, chunk))
        for future in in_flight:
            errors += future.result()
    # 409: the index already holds a newer state. 404: deleting what is already gone. Both are fine.
    real = [error for error in errors if next(iter(error.values())).get("status") not in (404, 409)]
    if real:
        raise RuntimeError(f"Search index rejected {len(real)} document(s), first: {real[0]}")


def index_rebuild(kind: SearchKind) -> str:
    """Build a new index from the database, then swap the alias to it in one atomic step."""
    client = engine()
    alias = index_alias(kind)
    name = index_create(kind)
    try:
        client.indices.put_settings(index=name, body={"index": {"refresh_interval": "-1"}})
        _bulk(_index_actions(document_sources(kind, searchable_rows(kind)), name), threads=REBUILD_THREADS)
        client.indices.put_settings(index=name, body={"index": {"refresh_interval": "1s"}})
        client.indices.refresh(index=name)
    except BaseException:
        client.indices.delete(index=name, ignore_unavailable=True)  # Never leave a half-built index behind.
        raise
    old = list(client.indices.get_alias(name=alias).keys()) if client.indices.exists_alias(name=alias) else []
    client.indices.update_aliases(
        body={
            "actions": [{"remove": {"index": i, "alias": alias}} for i in old]
            + [{"add": {"index": name, "alias": alias}}]
        }
    )
    for index in old:
        client.indices.delete(index=index, ignore_unavailable=True)
    # Writes that landed in the old index while this one was being built are replayed now.
    index_repair(kind, index_diff(kind))
    if kind == SearchKind.CHALLENGE:
        opportunity_cache_advance()
    return name


@dataclass
class IndexDiff:
    missing: set[int] = field(default_factory=set)  # In the database, not in the index.
    stale: set[int] = field(default_factory=set)  # Indexed with an older version.
    extra: set[int] = field(default_factory=set)  # In the index, not searchable in the database.

    @property
    def total(self) -> int:
        return len(self.missing) + len(self.stale) + len(self.extra)


def index_diff(kind: SearchKind) -> IndexDiff:
    index_ensure(kind)
    expected = {
        pk: _version(updated_at) for pk, updated_at in searchable_rows(kind).values_list("pk", "updated_at")
    }
    alias = index_alias(kind)
    engine().indices.refresh(index=alias)
    indexed = {
        int(hit["_id"]): hit["_version"]
        for hit in engine_scan(
            index=alias,
            query={"query": {"match_all": {}}, "_source": False, "version": True},
            size=2000,
        )
    }
    return IndexDiff(
        missing=expected.keys() - indexed.keys(),
        stale={pk for pk, version in indexed.items() if pk in expected and version < expected[pk]},
        extra=indexed.keys() - expected.keys(),
    )


def index_repair(kind: SearchKind, diff: IndexDiff) -> None:
    index_sync(kind, diff.missing | diff.stale | diff.extra)


# Saved searches: a percolator index holding each saved search's query, so that publishing a
# challenge finds every saved search it matches in one request instead of running each of them.


def saved_search_index_body() -> dict:
    """The challenge index's analysis and mappings plus the stored-query field.

    Derived from ChallengeDocument, so a stored query is parsed and run against a challenge with the
    very fields and analyzers a search on the challenge index uses; the two cannot drift apart."""
    body = index_body(ChallengeDocument, extra_synonyms=taxonomy_synonyms())
    body["mappings"]["properties"]["query"] = {"type": "percolator"}
    return body


def saved_search_index_create() -> str:
    name = _versioned_name(index_alias(SearchKind.SAVED_SEARCH))
    engine().indices.create(index=name, body=saved_search_index_body())
    return name


def saved_search_index_ensure() -> None:
    client = engine()
    alias = index_alias(SearchKind.SAVED_SEARCH)
    if not client.indices.exists_alias(name=alias):
        client.indices.put_alias(index=saved_search_index_create(), name=alias)


def saved_search_stored_query(saved_search: SavedSearch) -> dict:
    """Exactly what the challenge search runs for the same words and filters, sorting and paging aside."""
    return challenge_query(q=saved_search.query, filters=saved_search.filters).combined().to_dict()


def _saved_search_actions(rows: Iterable[SavedSearch], index: str) -> Iterator[dict]:
    for row in rows:
        yield {
            "_index": index,
            "_id": row.pk,
            "_source": {"query": saved_search_stored_query(row)},
            "_version": _version(row.updated_at),
            "_version_type": "external_gte",
        }


def saved_search_index_sync(ids: Iterable[int]) -> None:
    """Upsert the stored query of each saved search among `ids`; delete those that no longer exist.

    The index is refreshed at once: the next challenge published must already find a new search."""
    ids = set(ids)
    if not ids:
        return
    saved_search_index_ensure()
    alias = index_alias(SearchKind.SAVED_SEARCH)
    rows = list(SavedSearch.objects.filter(pk__in=ids))
    now = _version(timezone.now())
    deletes = [
        {"_op_type": "delete", "_index": alias, "_id": pk, "_version": now, "_version_type": "external_gte"}
        for pk in ids - {row.pk for row in rows}
    ]
    _bulk([*_saved_search_actions(rows, alias), *deletes])
    engine().indices.refresh(index=alias)


def saved_search_index_rebuild() -> str:
    """Build a new saved-search index from the SavedSearch table, then swap the alias to it atomically.

    Needed when the challenge mapping or the taxonomy synonyms change, like the other indexes."""
    client = engine()
    alias = index_alias(SearchKind.SAVED_SEARCH)
    started = timezone.now()
    name = saved_search_index_create()
    try:
        _bulk(_saved_search_actions(SavedSearch.objects.order_by("pk").iterator(chunk_size=BULK_CHUNK), name))
        client.indices.refresh(index=name)
    except BaseException:
        client.indices.delete(index=name, ignore_unavailable=True)  # Never leave a half-built index behind.
        raise
    old = list(client.indices.get_alias(name=alias).keys()) if client.indices.exists_alias(name=alias) else []
    swap = [{"remove": {"index": index, "alias": alias}} for index in old] + [
        {"add": {"index": name, "alias": alias}}
    ]
    client.indices.update_aliases(body={"actions": swap})
    for index in old:
        client.indices.delete(index=index, ignore_unavailable=True)
    # Searches saved or deleted while the new index was being built went to the old one: replay them.
    indexed = {int(hit["_id"]) for hit in engine_scan(index=alias, query={"_source": False}, size=2000)}
    changed = set(SavedSearch.objects.filter(updated_at__gte=started).values_list("pk", flat=True))
    saved_search_index_sync(changed | (indexed - set(SavedSearch.objects.values_list("pk", flat=True))))
    return name


def saved_search_ids_matching(*, document: dict) -> list[int]:
    """Ids of the saved searches whose stored query matches this challenge document (percolation)."""
    alias = index_alias(SearchKind.SAVED_SEARCH)
    if not engine().indices.exists_alias(name=alias):
        return []  # No search was ever saved.
    hits = engine_scan(
        index=alias,
        query={"query": {"percolate": {"field": "query", "document": document}}, "_source": False},
        size=500,
    )
    return [int(hit["_id"]) for hit in hits]
