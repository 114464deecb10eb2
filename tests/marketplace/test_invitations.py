import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from hub.models import AuditEntry, Organization, OrganizationInvitation, User
from hub.services import invitation_accept, invitation_send, party_member_remove
from marketplace.models import VendorInvitation
from marketplace.selectors import invitation_find_any
from marketplace.services import organization_register
from tests import factories

pytestmark = pytest.mark.django_db


def test_vendor_invitation_joins_a_vendor_member_to_the_firm(vendor_member):
    vendor = vendor_member.vendors.get()
    colleague = factories.UserFactory(role=User.Role.VENDOR_MEMBER)
    invitation, key = invitation_send(
        invitation_model=VendorInvitation, party=vendor, email=colleague.email, invited_by=vendor_member
    )

    invitation_accept(invitation=invitation_find_any(key=key), user=colleague)

    assert set(vendor.members.all()) == {vendor_member, colleague}


def test_vendor_invitation_refuses_a_ministry_member(vendor_member):
    vendor = vendor_member.vendors.get()
    civil_servant = factories.UserFactory(role=User.Role.MINISTRY_MEMBER)
    invitation = factories.VendorInvitationFactory(vendor=vendor, email=civil_servant.email)

    with pytest.raises(ValidationError) as error:
        invitation_accept(invitation=invitation, user=civil_servant)

    assert error.value.code == "invitation_wrong_role"


def test_vendor_invitation_send_refuses_a_member_of_another_firm(vendor_member):
    other_vendor = factories.VendorFactory()

    with pytest.raises(PermissionDenied):
        invitation_send(
            invitation_model=VendorInvitation,
            party=other_vendor,
            email="x@example.qc.ca",
            invited_by=vendor_member,
        )


def test_vendor_member_remove_refuses_the_last_member(vendor_member):
    vendor = vendor_member.vendors.get()

    with pytest.raises(ValidationError) as error:
        party_member_remove(
            invitation_model=VendorInvitation, party=vendor, member=vendor_member, user=vendor_member
        )

    assert error.value.code == "last_member"


def test_invitation_find_any_finds_both_kinds():
    organization_invitation = factories.OrganizationInvitationFactory(key="cle-organisation")
    vendor_invitation = factories.VendorInvitationFactory(key="cle-firme")

    assert invitation_find_any(key="cle-organisation") == organization_invitation
    assert invitation_find_any(key="cle-firme") == vendor_invitation
    assert invitation_find_any(key="nope") is None


def test_organization_register_creates_it_and_invites_its_first_member(coordinator):
    organization = organization_register(
        user=coordinator,
        data={"name": "Ministère des Essais", "kind": Organization.Kind.MINISTRY},
        first_member_email="premiere@example.qc.ca",
    )

    assert OrganizationInvitation.objects.get(organization=organization).email == "premiere@example.qc.ca"
    assert mail.outbox[0].to == ["premiere@example.qc.ca"]
    assert AuditEntry.objects.filter(object_type="organization", action="create").exists()


def test_organization_register_creates_nothing_when_the_address_is_wrong(coordinator):
    with pytest.raises(ValidationError):
        organization_register(
            user=coordinator,
            data={"name": "Ministère des Essais", "kind": Organization.Kind.MINISTRY},
            first_member_email="pas-une-adresse",
        )


def test_organization_register_refuses_a_ministry_member(ministry_member):
    with pytest.raises(PermissionDenied):
        organization_register(
            user=ministry_member,
            data={"name": "Ministère des Essais", "kind": Organization.Kind.MINISTRY},
            first_member_email="premiere@example.qc.ca",
        )
