"""Invitations to organizations and firms through the API: list the pending ones, send, revoke; and the link the
« member joined » notification carries."""

import pytest
from django.core import mail
from django.urls import reverse

from hub.models import AuditEntry, Notification, OrganizationInvitation, User
from hub.services import invitation_accept
from marketplace.models import VendorInvitation
from tests import factories

pytestmark = pytest.mark.django_db

EMAIL = "collegue@example.qc.ca"


def organization_url(organization, invitation=None) -> str:
    if invitation is None:
        return reverse("organization-invitation-list", kwargs={"party_id": organization.pk})
    return reverse(
        "organization-invitation-detail", kwargs={"party_id": organization.pk, "invitation_id": invitation.pk}
    )


def vendor_url(vendor, invitation=None) -> str:
    if invitation is None:
        return reverse("vendor-invitation-list", kwargs={"party_id": vendor.pk})
    return reverse("vendor-invitation-detail", kwargs={"party_id": vendor.pk, "invitation_id": invitation.pk})


def test_a_member_lists_the_organizations_pending_invitations_only(api_client, ministry_member):
    organization = ministry_member.organizations.get()
    pending = factories.OrganizationInvitationFactory(organization=organization, invited_by=ministry_member)
    revoked = factories.OrganizationInvitationFactory(organization=organization)
    OrganizationInvitation.objects.filter(pk=revoked.pk).update(revoked_at=revoked.created_at)
    factories.OrganizationInvitationFactory()  # Another organization's.
    api_client.force_authenticate(ministry_member)

    response = api_client.get(organization_url(organization))

    assert response.status_code == 200
    assert [item["email"] for item in response.data] == [pending.email]
    assert response.data[0]["invited_by"] == (ministry_member.get_full_name() or ministry_member.username)
    assert "digest" not in response.data[0] and "key" not in response.data[0]


def test_a_member_invites_a_colleague_to_the_firm_by_email(api_client, vendor_member):
    vendor = vendor_member.vendors.get()
    api_client.force_authenticate(vendor_member)

    response = api_client.post(vendor_url(vendor), {"email": EMAIL}, format="json")

    assert response.status_code == 201, response.data
    invitation = VendorInvitation.objects.get(vendor=vendor)
    assert (response.data["id"], response.data["email"], invitation.invited_by) == (
        invitation.pk,
        EMAIL,
        vendor_member,
    )
    assert [message.to for message in mail.outbox] == [[EMAIL]]
    assert AuditEntry.objects.filter(object_type="vendorinvitation", action="invite").exists()


def test_inviting_a_malformed_address_is_a_400_and_sends_nothing(api_client, vendor_member):
    vendor = vendor_member.vendors.get()
    api_client.force_authenticate(vendor_member)

    response = api_client.post(vendor_url(vendor), {"email": "pas-une-adresse"}, format="json")

    assert response.status_code == 400
    assert "email" in response.data
    assert not VendorInvitation.objects.exists()
    assert mail.outbox == []


def test_inviting_a_member_already_there_is_a_400_naming_the_problem(api_client, vendor_member):
    vendor = vendor_member.vendors.get()
    api_client.force_authenticate(vendor_member)

    response = api_client.post(vendor_url(vendor), {"email": vendor_member.email}, format="json")

    assert response.status_code == 400
    assert vendor_member.email in str(response.data["email"])
    assert not VendorInvitation.objects.exists()


def test_a_member_revokes_a_pending_invitation(api_client, ministry_member):
    organization = ministry_member.organizations.get()
    invitation = factories.OrganizationInvitationFactory(organization=organization)
    api_client.force_authenticate(ministry_member)

    response = api_client.delete(organization_url(organization, invitation))

    assert response.status_code == 204
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_revoking_an_accepted_invitation_is_a_400(api_client, ministry_member):
    organization = ministry_member.organizations.get()
    joining = factories.UserFactory(role=User.Role.MINISTRY_MEMBER)
    invitation = factories.OrganizationInvitationFactory(organization=organization, email=joining.email)
    invitation_accept(invitation=invitation, user=joining)
    api_client.force_authenticate(ministry_member)

    response = api_client.delete(organization_url(organization, invitation))

    assert response.status_code == 400
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_another_organizations_invitations_are_hidden(api_client, ministry_member):
    other = factories.OrganizationFactory()
    invitation = factories.OrganizationInvitationFactory(organization=other)
    api_client.force_authenticate(ministry_member)

    listed = api_client.get(organization_url(other))
    revoked = api_client.delete(organization_url(other, invitation))

    assert (listed.status_code, revoked.status_code) == (404, 404)
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_an_invitation_of_another_party_is_not_found_under_this_one(api_client, vendor_member):
    vendor = vendor_member.vendors.get()
    elsewhere = factories.VendorInvitationFactory()
    api_client.force_authenticate(vendor_member)

    response = api_client.delete(vendor_url(vendor, elsewhere))

    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.revoked_at is None


def test_a_firms_member_cannot_manage_an_organizations_invitations(api_client, vendor_member):
    organization = factories.OrganizationFactory()
    api_client.force_authenticate(vendor_member)

    response = api_client.post(organization_url(organization), {"email": EMAIL}, format="json")

    assert response.status_code == 403
    assert not OrganizationInvitation.objects.exists()


def test_a_coordinator_invites_for_an_organization(api_client, coordinator):
    organization = factories.OrganizationFactory()
    api_client.force_authenticate(coordinator)

    response = api_client.post(organization_url(organization), {"email": EMAIL}, format="json")

    assert response.status_code == 201, response.data
    assert OrganizationInvitation.objects.get(organization=organization).invited_by == coordinator


def test_anonymous_callers_are_refused(api_client):
    organization = factories.OrganizationFactory()

    response = api_client.get(organization_url(organization))

    assert response.status_code == 403


def test_the_invitations_api_is_in_the_openapi_schema(api_client):
    schema = api_client.get(reverse("schema"), {"format": "json"}).json()

    assert {"get", "post"} <= schema["paths"]["/api/v1/vendors/{party_id}/invitations/"].keys()
    assert "delete" in schema["paths"]["/api/v1/organizations/{party_id}/invitations/{invitation_id}/"]


# The « member joined » notification


@pytest.mark.parametrize("party_kind", ["organization", "vendor"])
def test_the_member_joined_notification_links_to_the_members_page(party_kind):
    member_role = User.Role.MINISTRY_MEMBER if party_kind == "organization" else User.Role.VENDOR_MEMBER
    member = factories.UserFactory(role=member_role)
    joining = factories.UserFactory(role=member_role)
    if party_kind == "organization":
        party = factories.OrganizationFactory(members=[member])
        invitation = factories.OrganizationInvitationFactory(organization=party, email=joining.email)
        expected = f"/fr/organization/{party.pk}/members/"
    else:
        party = factories.VendorFactory(members=[member])
        invitation = factories.VendorInvitationFactory(vendor=party, email=joining.email)
        expected = f"/fr/sme/{party.pk}/members/"

    invitation_accept(invitation=invitation, user=joining)

    notification = Notification.objects.get(user=member, kind=Notification.Kind.MEMBER_JOINED)
    assert notification.url == expected
