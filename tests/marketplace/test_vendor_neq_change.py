"""A firm's NEQ changed on its profile is checked against the enterprise register like at registration, and a
verified firm whose NEQ changes returns to the coordinators' queue."""

import pytest
from django.core.exceptions import ValidationError

from hub.models import AuditEntry, Notification
from marketplace.models import Vendor
from marketplace.services import vendor_update
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm(vendor_member) -> Vendor:
    return vendor_member.vendors.get()


@pytest.mark.parametrize(
    ("neq", "reason"),
    [
        ("1234567890", "ne figure pas dans l'extrait du registre des entreprises du Québec"),
        ("1199000052", "une entreprise radiée du registre ne peut pas s'inscrire sur Maillage"),
        ("1199000086", "plus que les 499 que peut compter une PME"),
    ],
)
def test_vendor_update_refuses_a_new_neq_the_register_does_not_allow(
    firm, vendor_member, register_extract, neq, reason
):
    before = firm.neq

    with pytest.raises(ValidationError) as error:
        vendor_update(vendor=firm, user=vendor_member, data={"neq": neq})

    assert any(reason in message for message in error.value.message_dict["neq"])
    firm.refresh_from_db()
    assert firm.neq == before and firm.is_verified


def test_vendor_update_refuses_another_firm_s_neq(firm, vendor_member, register_extract):
    factories.VendorFactory(neq="1199000011")

    with pytest.raises(ValidationError) as error:
        vendor_update(vendor=firm, user=vendor_member, data={"neq": "1199000011"})

    assert error.value.error_dict["neq"][0].code == "neq_taken"


def test_vendor_update_keeps_an_unchanged_neq_the_extract_lacks(firm, vendor_member, register_extract):
    vendor_update(vendor=firm, user=vendor_member, data={"neq": firm.neq, "description": "Nouveau texte."})

    firm.refresh_from_db()
    assert firm.description == "Nouveau texte." and firm.is_verified


def test_vendor_update_of_the_neq_returns_a_verified_firm_to_the_coordinators_queue(
    firm, vendor_member, coordinator, register_extract
):
    vendor_update(vendor=firm, user=vendor_member, data={"neq": "1199000011"})

    firm.refresh_from_db()
    assert firm.neq == "1199000011" and not firm.is_verified
    assert AuditEntry.objects.filter(object_type="vendor", object_id=firm.pk, action="unverify").exists()
    assert Notification.objects.filter(user=coordinator, kind=Notification.Kind.VENDOR_TO_VERIFY).exists()
