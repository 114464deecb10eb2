import pytest
from django.core.management import CommandError, call_command
from elasticsearch_dsl import Search, connections

from hub.models import User
from marketplace import services as marketplace_services
from marketplace.models import Challenge
from matching import indexing
from matching.documents import VendorDocument, index_alias
from matching.models import OutboxEntry
from tests import factories
from tests.marketplace.test_catalog import DEV_CATALOG

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.search]


def indexed_ids(kind: str) -> set[int]:
    alias = index_alias(kind)
    connections.get_connection().indices.refresh(index=alias)
    return {int(hit.meta.id) for hit in Search(index=alias).extra(size=1000).execute()}


def test_vendor_update_reaches_the_index_after_commit(coordinator):
    vendor = factories.VendorFactory()

    marketplace_services.vendor_update(vendor=vendor, user=coordinator, data={"description": "Géomatique et drones."})

    assert indexed_ids("vendors") == {vendor.id}
    assert not OutboxEntry.objects.exists()
    document = VendorDocument.get(id=vendor.id, index=index_alias("vendors"))
    assert document.description == "Géomatique et drones."


def test_indexed_vendor_is_found_by_a_french_query_through_elasticsearch_dsl(coordinator):
    vendor = factories.VendorFactory(description="Nous migrons les applications vers l'infonuagique.")
    indexing.index_sync("vendor", [vendor.id])
    connections.get_connection().indices.refresh(index=index_alias("vendors"))

    response = Search(index=index_alias("vendors")).query("match", description="applications infonuagiques").execute()

    assert [int(hit.meta.id) for hit in response] == [vendor.id]


def test_deactivated_vendor_leaves_the_index(coordinator):
    vendor = factories.VendorFactory()
    indexing.index_sync("vendor", [vendor.id])

    marketplace_services.vendor_update(vendor=vendor, user=coordinator, data={"is_active": False})

    assert indexed_ids("vendors") == set()


def test_challenge_enters_the_index_when_published_only(coordinator):
    member = factories.UserFactory(role=User.Role.MINISTRY_MEMBER)
    challenge = factories.ChallengeFactory(
        status=Challenge.Status.SUBMITTED, published_at=None, organization=factories.OrganizationFactory(members=[member])
    )
    indexing.index_sync("challenge", [challenge.id])
    assert indexed_ids("challenges") == set()

    marketplace_services.challenge_transition(challenge=challenge, user=coordinator, to_status="published")

    assert indexed_ids("challenges") == {challenge.id}


def test_index_sync_never_overwrites_a_newer_state_with_an_older_one():
    vendor = factories.VendorFactory(description="Ancienne description.")
    stale_copy = type(vendor).objects.get(pk=vendor.pk)
    vendor.description = "Nouvelle description."
    vendor.save()
    indexing.index_sync("vendor", [vendor.id])

    # A slow writer still holding the older row arrives last.
    indexing._bulk(indexing._index_actions("vendor", [stale_copy], index_alias("vendors")))

    assert VendorDocument.get(id=vendor.id, index=index_alias("vendors")).description == "Nouvelle description."


def test_reindex_swaps_the_alias_to_a_new_complete_index():
    vendors = factories.VendorFactory.create_batch(3)
    client = connections.get_connection()
    before = set(client.indices.get_alias(name=index_alias("vendors")))

    call_command("reindex")

    after = set(client.indices.get_alias(name=index_alias("vendors")))
    assert after and after.isdisjoint(before)
    assert not client.indices.exists(index=list(before))
    assert indexed_ids("vendors") == {vendor.id for vendor in vendors}


def test_check_index_reports_and_fixes_differences(capsys):
    vendor = factories.VendorFactory()  # Written without a service: the index never heard of it.

    with pytest.raises(CommandError, match="1 difference"):
        call_command("check_index")
    call_command("check_index", "--fix")
    call_command("check_index")

    assert indexed_ids("vendors") == {vendor.id}
    assert "vendor: 0 missing, 0 stale, 0 extra" in capsys.readouterr().out


def test_catalog_import_rebuilds_the_index_once():
    call_command("import_catalog", str(DEV_CATALOG))

    assert len(indexed_ids("vendors")) == 240
    assert len(indexed_ids("challenges")) == 30
    assert not OutboxEntry.objects.exists()
