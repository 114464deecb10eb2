"""The coordinators' verification queue through the Django test client, and the refusal on the firm's dashboard."""

import pytest
from django.urls import reverse
from django.utils.translation import override

from hub.models import AuditEntry
from marketplace.models import Vendor, VendorVerification
from marketplace.services import vendor_update, vendor_verification_decide
from tests import factories

pytestmark = pytest.mark.django_db

REASON = "Le nom au registre est tout autre."


def url(name: str, language: str = "fr", **kwargs) -> str:
    with override(language):
        return reverse(f"frontend:{name}", kwargs=kwargs)


def to_verify(**kwargs) -> Vendor:
    return factories.VendorFactory(is_verified=False, **kwargs)


def decide(client, vendor: Vendor, **data):
    data.setdefault("seen_at", vendor.updated_at.isoformat())
    return client.post(url("coordinator_vendor_verification_decide", vendor_id=vendor.pk), data)


def test_the_queue_shows_the_registers_evidence_beside_the_declared_profile(coordinator_client, taxonomy):
    entry = factories.EnterpriseRegisterEntryFactory(
        legal_name="NUAGE BORÉAL LTÉE",
        other_names=["Boréal Numérique"],
        postal_code="H2X 1Y4",
        employees_range="11 à 25",
        employees_min=11,
        employees_max=25,
    )
    vendor = to_verify(name="Nuage Boréal inc.", neq=entry.neq, regions=[factories.RegionFactory(code="03")])

    content = coordinator_client.get(url("coordinator_verifications")).content.decode()

    assert f'id="vendor-{vendor.pk}"' in content
    assert "NUAGE BORÉAL LTÉE" in content and "Boréal Numérique" in content
    assert "Nom proche" in content
    assert "Immatriculée" in content
    assert "Montréal" in content and "Pas parmi ses régions" in content
    assert "11 à 25" in content
    assert "Extrait du 1 décembre 2026" in content


def test_the_queue_says_plainly_a_neq_is_not_in_the_register(coordinator_client):
    factories.EnterpriseRegisterEntryFactory()
    vendor = to_verify()

    content = coordinator_client.get(url("coordinator_verifications")).content.decode()

    assert f"Absente du registre\u00a0: le numéro d'entreprise {vendor.neq}" in content


def test_the_queue_says_plainly_no_extract_is_loaded(coordinator_client):
    to_verify()

    content = coordinator_client.get(url("coordinator_verifications")).content.decode()

    assert "Aucun extrait du registre des entreprises n'est chargé" in content


def test_the_queue_shows_what_changed_since_the_firm_was_verified(
    coordinator, coordinator_client, vendor_member
):
    vendor = vendor_member.vendors.get()
    Vendor.objects.filter(pk=vendor.pk).update(is_verified=False)
    vendor.refresh_from_db()
    vendor_verification_decide(vendor=vendor, user=coordinator, decision="verified")
    old_name = vendor.name
    vendor.refresh_from_db()

    vendor_update(vendor=vendor, user=vendor_member, data={"name": "Nouveau Nom inc."})
    content = coordinator_client.get(url("coordinator_verifications")).content.decode()

    assert f'id="vendor-{vendor.pk}"' in content
    assert f"{old_name} → Nouveau Nom inc." in content


def test_verifying_from_the_page_verifies_the_firm(coordinator_client):
    vendor = to_verify()

    response = decide(coordinator_client, vendor, decision="verified")

    assert response.status_code == 302
    vendor.refresh_from_db()
    assert vendor.is_verified
    assert AuditEntry.objects.filter(object_type="vendor", object_id=vendor.pk, action="verify").exists()


def test_refusing_from_the_page_keeps_the_reason(coordinator_client):
    vendor = to_verify()

    decide(coordinator_client, vendor, decision="refused", reason=REASON)

    assert VendorVerification.objects.get(vendor=vendor).reason == REASON
    content = coordinator_client.get(url("coordinator_verifications")).content.decode()
    assert f'id="vendor-{vendor.pk}"' not in content


def test_refusing_without_a_reason_shows_the_error_beside_the_field(coordinator_client):
    vendor = to_verify()

    response = decide(coordinator_client, vendor, decision="refused", reason="")

    content = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_verify_{vendor.pk}_reason_error"' in content
    assert "Dites pourquoi" in content and "est refusée" in content
    assert not VendorVerification.objects.exists()


def test_deciding_a_firm_someone_else_decided_says_so_and_changes_nothing(coordinator_client, coordinator):
    vendor = to_verify()
    seen_at = vendor.updated_at.isoformat()
    other = factories.UserFactory(role=coordinator.role, first_name="Camille", last_name="Tremblay")
    vendor_verification_decide(vendor=vendor, user=other, decision="refused", reason=REASON)

    response = decide(coordinator_client, vendor, decision="verified", seen_at=seen_at)

    content = coordinator_client.get(response.url).content.decode()
    assert "Camille Tremblay" in content and "été changé" in content
    vendor.refresh_from_db()
    assert not vendor.is_verified
    assert VendorVerification.objects.count() == 1


@pytest.mark.parametrize("name", ["coordinator_verifications"])
def test_the_queue_is_refused_to_a_firms_member(client, vendor_member, name):
    client.force_login(vendor_member)

    assert client.get(url(name)).status_code == 403


def test_deciding_is_refused_to_a_firms_member(client, vendor_member):
    client.force_login(vendor_member)
    vendor = vendor_member.vendors.get()
    Vendor.objects.filter(pk=vendor.pk).update(is_verified=False)

    response = client.post(
        url("coordinator_vendor_verification_decide", vendor_id=vendor.pk), {"decision": "verified"}
    )

    assert response.status_code == 403
    vendor.refresh_from_db()
    assert not vendor.is_verified


def test_the_coordinators_menu_links_to_the_queue(coordinator_client):
    content = coordinator_client.get(url("coordinator_queue")).content.decode()

    assert f'href="{url("coordinator_verifications")}"' in content


@pytest.mark.search  # The dashboard also shows the firm's recommended opportunities.
def test_a_refused_firms_member_reads_the_reason_on_the_dashboard(client, coordinator, vendor_member):
    vendor = vendor_member.vendors.get()
    Vendor.objects.filter(pk=vendor.pk).update(is_verified=False)
    vendor.refresh_from_db()
    vendor_verification_decide(vendor=vendor, user=coordinator, decision="refused", reason=REASON)
    client.force_login(vendor_member)

    content = client.get(url("vendor_dashboard")).content.decode()

    assert REASON in content
    assert "Vérification refusée" in content


def test_the_proposals_queue_links_to_the_firms_to_verify_with_their_count(coordinator_client):
    to_verify()

    content = coordinator_client.get(url("coordinator_queue")).content.decode()

    assert "1 entreprise à vérifier" in content
