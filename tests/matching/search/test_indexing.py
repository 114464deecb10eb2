import pytest
from django.core.management import CommandError, call_command
from elasticsearch_dsl import Search, connections

from hub.models import User
from marketplace import services as marketplace_services
from marketplace.models import Challenge, Vendor
from matching.models import OutboxEntry
from matching.search import indexing
from matching.search.documents import VendorDocument, index_alias
from matching.search.kinds import SearchKind
from tests import factories
from tests.marketplace.test_catalog import DEV_CATALOG

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.search]


def indexed_ids(kind: str) -> set[int]:
    alias = index_alias(kind)
    connections.get_connection().indices.refresh(index=alias)
    return {int(hit.meta.id) for hit in Search(index=alias).extra(size=1000).execute()}


def test_vendor_update_reaches_the_index_after_commit(coordinator):
    vendor = factories.VendorFactory()

    marketplace_services.vendor_update(
        vendor=vendor, user=coordinator, data={"description": "Géomatique et drones."}
    )

    assert indexed_ids("vendor") == {vendor.id}
    assert not OutboxEntry.objects.exists()
    document = VendorDocument.get(id=vendor.id, index=index_alias(SearchKind.VENDOR))
    assert document.description == "Géomatique et drones."


def test_indexed_vendor_is_found_by_a_french_query_through_elasticsearch_dsl(coordinator, indexed):
    vendor = factories.VendorFactory(description="Nous migrons les applications vers l'infonuagique.")
    indexed(vendor)

    response = (
        Search(index=index_alias(SearchKind.VENDOR))
        .query("match", description="applications infonuagiques")
        .execute()
    )

    assert [int(hit.meta.id) for hit in response] == [vendor.id]


def test_deactivated_vendor_leaves_the_index(coordinator):
    vendor = factories.VendorFactory()
    indexing.index_sync("vendor", [vendor.id])

    marketplace_services.vendor_update(vendor=vendor, user=coordinator, data={"is_active": False})

    assert indexed_ids("vendor") == set()


def test_challenge_enters_the_index_when_published_only(coordinator):
    member = factories.UserFactory(role=User.Role.MINISTRY_MEMBER)
    challenge = factories.ChallengeFactory(
        status=Challenge.Status.SUBMITTED,
        published_at=None,
        organization=factories.OrganizationFactory(members=[member]),
    )
    factories.grid_create(challenge)
    indexing.index_sync("challenge", [challenge.id])
    assert indexed_ids("challenge") == set()

    marketplace_services.challenge_transition(challenge=challenge, user=coordinator, to_status="published")

    assert indexed_ids("challenge") == {challenge.id}


def test_index_sync_never_overwrites_a_newer_state_with_an_older_one():
    vendor = factories.VendorFactory(description="Ancienne description.")
    stale_copy = list(indexing.document_sources("vendor", Vendor.objects.filter(pk=vendor.pk)))
    vendor.description = "Nouvelle description."
    vendor.save()
    indexing.index_sync("vendor", [vendor.id])

    # A slow writer that read the older row arrives last.
    indexing._bulk(indexing._index_actions(stale_copy, index_alias(SearchKind.VENDOR)))

    assert (
        VendorDocument.get(id=vendor.id, index=index_alias(SearchKind.VENDOR)).description
        == "Nouvelle description."
    )


def test_reindex_swaps_the_alias_to_a_new_complete_index():
    vendors = factories.VendorFactory.create_batch(3)
    client = connections.get_connection()
    before = set(client.indices.get_alias(name=index_alias(SearchKind.VENDOR)))

    call_command("reindex")

    after = set(client.indices.get_alias(name=index_alias(SearchKind.VENDOR)))
    assert after and after.isdisjoint(before)
    assert not client.indices.exists(index=list(before))
    assert indexed_ids("vendor") == {vendor.id for vendor in vendors}


def test_vendor_index_searches_its_segments_in_two_slices():
    call_command("reindex")
    settings = connections.get_connection().indices.get_settings(
        index=index_alias(SearchKind.VENDOR), flat_settings=True
    )

    (index_settings,) = [entry["settings"] for entry in settings.values()]
    assert index_settings["index.search.concurrent_segment_search.mode"] == "all"
    assert index_settings["index.search.concurrent.max_slice_count"] == "2"


def test_check_index_reports_and_fixes_differences(capsys):
    vendor = factories.VendorFactory()  # Written without a service: the index never heard of it.

    with pytest.raises(CommandError, match="1 difference"):
        call_command("check_index")
    call_command("check_index", "--fix")
    call_command("check_index")

    assert indexed_ids("vendor") == {vendor.id}
    assert "vendor: 0 missing, 0 stale, 0 extra" in capsys.readouterr().out


def test_catalog_import_rebuilds_the_index_once():
    call_command("import_catalog", str(DEV_CATALOG))

    assert len(indexed_ids("vendor")) == 240
    assert len(indexed_ids("challenge")) == 30
    assert not OutboxEntry.objects.exists()


def test_rebuild_reads_rows_by_chunks_and_keeps_each_vendors_own_relations(monkeypatch):
    monkeypatch.setattr(indexing, "BULK_CHUNK", 2)  # Five vendors: chunks of 2, 2 and 1.
    cloud, data = (
        factories.ExpertiseFactory(),
        factories.ExpertiseFactory(code="data", label_fr="Données", label_en="Data"),
    )
    montreal = factories.RegionFactory(code="06", label_fr="Montréal", label_en="Montréal")
    vendors = factories.VendorFactory.create_batch(5)
    for number, vendor in enumerate(vendors):
        vendor.expertise.set([cloud, data][: 1 + number % 2])
        vendor.regions.add(montreal)
        vendor.references.create(
            client=f"Client {number}", title=f"Projet {number}", summary="Résumé.", year=2024
        )
    factories.VendorFactory(is_active=False)  # Not searchable: left out.

    indexing.index_rebuild("vendor")

    assert indexed_ids("vendor") == {vendor.id for vendor in vendors}
    for number, vendor in enumerate(vendors):
        document = VendorDocument.get(id=vendor.id, index=index_alias(SearchKind.VENDOR)).to_dict()
        assert document["expertise"] == ["cloud", "data"][: 1 + number % 2]
        assert document["expertise_labels"][:2] == ["Infonuagique", "Cloud computing"]
        assert document["regions"] == ["03", "06"]
        assert document["references"] == [f"Projet {number}. Résumé. (Client {number})"]
        assert (
            document["key"] == vendor.key and document["employees"] == 25 and document["is_verified"] is True
        )


def test_challenge_document_carries_its_organization_budget_and_requirement_counts():
    challenge = factories.ChallengeFactory(
        published=True, required_languages=["fr", "en"], required_certifications=[], max_employees=None
    )

    document = indexing.document_source("challenge", challenge.pk)

    assert document["organization_name"] == challenge.organization.name
    assert document["organization_kind"] == challenge.organization.kind
    assert (document["budget_min"], document["budget_max"]) == (50000.0, 150000.0)
    assert (document["required_languages_count"], document["required_certifications_count"]) == (2, 0)
    assert "max_employees" not in document and "required_certifications" not in document  # Empty: left out.
    assert document["deadline"] == challenge.deadline
