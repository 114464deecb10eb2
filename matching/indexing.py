"""Copies database rows into the search index.

Each document carries the row's `updated_at` as an external version, so a slow writer can never
overwrite a newer state with an older one, and syncing the same row twice is harmless.
"""
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from elasticsearch.helpers import bulk, scan
from elasticsearch_dsl import connections

from marketplace.models import Challenge, Expertise, Vendor
from matching.documents import (
    DOCUMENTS,
    ChallengeDocument,
    VendorDocument,
    index_alias,
    index_body,
    stable_tiebreak,
)
from matching.models import SavedSearch
from matching.search import SAVED_SEARCHES, challenge_query

BULK_CHUNK = 1000


def _version(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def _labels(items: Iterable) -> list[str]:
    return [label for item in items for label in (item.label_fr, item.label_en)]


def searchable_rows(kind: str) -> QuerySet:
    """The rows that belong in the index: active vendors, published (open) challenges."""
    if kind == "vendor":
        return Vendor.objects.filter(is_active=True).prefetch_related("expertise", "regions", "references")
    return (
        Challenge.objects.filter(status=Challenge.Status.PUBLISHED)
        .select_related("organization")
        .prefetch_related("expertise", "regions")
    )


def vendor_document(vendor: Vendor) -> VendorDocument:
    expertise = list(vendor.expertise.all())
    return VendorDocument(
        meta={"id": vendor.pk},
        key=vendor.key,
        name=vendor.name,
        description=vendor.description,
        references=[f"{r.title}. {r.summary} ({r.client})" for r in vendor.references.all()],
        expertise=[item.code for item in expertise],
        expertise_labels=_labels(expertise),
        regions=[region.code for region in vendor.regions.all()],
        languages=vendor.languages,
        certifications=vendor.certifications,
        employees=vendor.employees,
        founded=vendor.founded,
        is_active=vendor.is_active,
        is_verified=vendor.is_verified,
        tiebreak=stable_tiebreak(vendor.key),
    )


def challenge_document(challenge: Challenge) -> ChallengeDocument:
    expertise = list(challenge.expertise.all())
    return ChallengeDocument(
        meta={"id": challenge.pk},
        key=challenge.key,
        title=challenge.title,
        description=challenge.description,
        language=challenge.language,
        organization_id=challenge.organization_id,
        organization_name=challenge.organization.name,
        organization_kind=challenge.organization.kind,
        expertise=[item.code for item in expertise],
        expertise_labels=_labels(expertise),
        regions=[region.code for region in challenge.regions.all()],
        budget_min=float(challenge.budget_min),
        budget_max=float(challenge.budget_max),
        deadline=challenge.deadline,
        published_at=challenge.published_at,
        required_languages=challenge.required_languages,
        required_certifications=challenge.required_certifications,
        required_languages_count=len(challenge.required_languages),
        required_certifications_count=len(challenge.required_certifications),
        max_employees=challenge.max_employees,
        on_site=challenge.on_site,
        status=challenge.status,
        tiebreak=stable_tiebreak(challenge.key),
    )


BUILDERS = {"vendor": vendor_document, "challenge": challenge_document}


def _index_actions(kind: str, rows: Iterable, index: str) -> Iterator[dict]:
    for row in rows:
        yield {
            "_index": index,
            "_id": row.pk,
            "_source": BUILDERS[kind](row).to_dict(),
            "_version": _version(row.updated_at),
            "_version_type": "external_gte",
        }


def taxonomy_synonyms() -> list[str]:
    """One synonym group per expertise: its French and English labels."""
    return [f"{label_fr}, {label_en}" for label_fr, label_en in Expertise.objects.values_list("label_fr", "label_en")]


def _versioned_name(alias: str) -> str:
    return f"{alias}-{timezone.now():%Y%m%d%H%M%S%f}"


def index_create(kind: str) -> str:
    """Create a new, empty, versioned index for `kind` and return its name."""
    name = _versioned_name(index_alias(DOCUMENTS[kind].kind()))
    connections.get_connection().indices.create(
        index=name, body=index_body(DOCUMENTS[kind], extra_synonyms=taxonomy_synonyms())
    )
    return name


def index_ensure(kind: str) -> None:
    """Create the index behind the alias if there is none yet."""
    client = connections.get_connection()
    alias = index_alias(DOCUMENTS[kind].kind())
    if not client.indices.exists_alias(name=alias):
        client.indices.put_alias(index=index_create(kind), name=alias)


def index_sync(kind: str, ids: Iterable[int]) -> None:
    """Upsert the searchable rows among `ids`; delete the others from the index."""
    ids = set(ids)
    if not ids:
        return
    index_ensure(kind)
    alias = index_alias(DOCUMENTS[kind].kind())
    rows = list(searchable_rows(kind).filter(pk__in=ids))
    actions = list(_index_actions(kind, rows, alias))
    gone = ids - {row.pk for row in rows}
    # A row that left the index is versioned "now": any slower writer holding its older state loses.
    now = _version(timezone.now())
    actions += [
        {"_op_type": "delete", "_index": alias, "_id": pk, "_version": now, "_version_type": "external_gte"}
        for pk in gone
    ]
    _bulk(actions)


def _bulk(actions: Iterable[dict]) -> None:
    _ok, errors = bulk(
        connections.get_connection(), actions, chunk_size=BULK_CHUNK, raise_on_error=False, refresh=False
    )
    # 409: the index already holds a newer state. 404: deleting what is already gone. Both are fine.
    real = [error for error in errors if next(iter(error.values())).get("status") not in (404, 409)]
    if real:
        raise RuntimeError(f"Search index rejected {len(real)} document(s), first: {real[0]}")


def index_rebuild(kind: str) -> str:
    """Build a new index from the database, then swap the alias to it in one atomic step."""
    client = connections.get_connection()
    alias = index_alias(DOCUMENTS[kind].kind())
    name = index_create(kind)
    try:
        client.indices.put_settings(index=name, body={"index": {"refresh_interval": "-1"}})
        _bulk(_index_actions(kind, searchable_rows(kind).order_by("pk").iterator(chunk_size=BULK_CHUNK), name))
        client.indices.put_settings(index=name, body={"index": {"refresh_interval": "1s"}})
        client.indices.refresh(index=name)
    except BaseException:
        client.indices.delete(index=name, ignore_unavailable=True)  # Never leave a half-built index behind.
        raise
    old = list(client.indices.get_alias(name=alias).keys()) if client.indices.exists_alias(name=alias) else []
    client.indices.update_aliases(
        body={"actions": [{"remove": {"index": i, "alias": alias}} for i in old] + [{"add": {"index": name, "alias": alias}}]}
    )
    for index in old:
        client.indices.delete(index=index, ignore_unavailable=True)
    # Writes that landed in the old index while this one was being built are replayed now.
    index_repair(kind, index_diff(kind))
    return name


@dataclass
class IndexDiff:
    missing: set[int] = field(default_factory=set)  # In the database, not in the index.
    stale: set[int] = field(default_factory=set)  # Indexed with an older version.
    extra: set[int] = field(default_factory=set)  # In the index, not searchable in the database.

    @property
    def total(self) -> int:
        return len(self.missing) + len(self.stale) + len(self.extra)


def index_diff(kind: str) -> IndexDiff:
    index_ensure(kind)
    expected = {pk: _version(updated_at) for pk, updated_at in searchable_rows(kind).values_list("pk", "updated_at")}
    client = connections.get_connection()
    client.indices.refresh(index=index_alias(DOCUMENTS[kind].kind()))
    indexed = {
        int(hit["_id"]): hit["_version"]
        for hit in scan(
            client,
            index=index_alias(DOCUMENTS[kind].kind()),
            query={"query": {"match_all": {}}, "_source": False, "version": True},
            size=2000,
        )
    }
    return IndexDiff(
        missing=expected.keys() - indexed.keys(),
        stale={pk for pk, version in indexed.items() if pk in expected and version < expected[pk]},
        extra=indexed.keys() - expected.keys(),
    )


def index_repair(kind: str, diff: IndexDiff) -> None:
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
    name = _versioned_name(index_alias(SAVED_SEARCHES))
    connections.get_connection().indices.create(index=name, body=saved_search_index_body())
    return name


def saved_search_index_ensure() -> None:
    client = connections.get_connection()
    alias = index_alias(SAVED_SEARCHES)
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
    alias = index_alias(SAVED_SEARCHES)
    rows = list(SavedSearch.objects.filter(pk__in=ids))
    now = _version(timezone.now())
    deletes = [
        {"_op_type": "delete", "_index": alias, "_id": pk, "_version": now, "_version_type": "external_gte"}
        for pk in ids - {row.pk for row in rows}
    ]
    _bulk([*_saved_search_actions(rows, alias), *deletes])
    connections.get_connection().indices.refresh(index=alias)


def saved_search_index_rebuild() -> str:
    """Build a new saved-search index from the SavedSearch table, then swap the alias to it atomically.

    Needed when the challenge mapping or the taxonomy synonyms change, like the other indexes."""
    client = connections.get_connection()
    alias = index_alias(SAVED_SEARCHES)
    started = timezone.now()
    name = saved_search_index_create()
    try:
        _bulk(_saved_search_actions(SavedSearch.objects.order_by("pk").iterator(chunk_size=BULK_CHUNK), name))
        client.indices.refresh(index=name)
    except BaseException:
        client.indices.delete(index=name, ignore_unavailable=True)  # Never leave a half-built index behind.
        raise
    old = list(client.indices.get_alias(name=alias).keys()) if client.indices.exists_alias(name=alias) else []
    swap = [{"remove": {"index": index, "alias": alias}} for index in old] + [{"add": {"index": name, "alias": alias}}]
    client.indices.update_aliases(body={"actions": swap})
    for index in old:
        client.indices.delete(index=index, ignore_unavailable=True)
    # Searches saved or deleted while the new index was being built went to the old one: replay them.
    indexed = {int(hit["_id"]) for hit in scan(client, index=alias, query={"_source": False}, size=2000)}
    changed = set(SavedSearch.objects.filter(updated_at__gte=started).values_list("pk", flat=True))
    saved_search_index_sync(changed | (indexed - set(SavedSearch.objects.values_list("pk", flat=True))))
    return name
