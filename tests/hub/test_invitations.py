import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from hub.models import AuditEntry, Notification, OrganizationInvitation, User
from hub.selectors import invitation_find
from hub.services import (
    invitation_accept,
    invitation_accept_new_account,
    invitation_revoke,
    invitation_send,
    party_member_remove,
    user_delete,
)
from marketplace.models import VendorInvitation
from tests import factories

pytestmark = pytest.mark.django_db
PASSWORD = "Un-mot-de-passe-solide-42"


def _send(*, organization, email="nouvelle@example.qc.ca", invited_by=None):
    invited_by = invited_by or factories.UserFactory(role=User.Role.COORDINATOR)
    return invitation_send(
        invitation_model=OrganizationInvitation, party=organization, email=email, invited_by=invited_by
    )


def test_invitation_send_stores_only_a_digest_and_emails_the_link():
    organization = factories.OrganizationFactory()

    invitation, key = _send(organization=organization, email="Nouvelle@Example.qc.ca")

    assert invitation.email == "nouvelle@example.qc.ca"
    assert key not in invitation.digest
    assert invitation_find(invitation_model=OrganizationInvitation, key=key) == invitation
    assert invitation.expires_at - invitation.created_at == datetime.timedelta(days=7)
    assert mail.outbox[0].to == ["nouvelle@example.qc.ca"]
    assert f"/fr/invitations/{key}/" in mail.outbox[0].body
    assert AuditEntry.objects.filter(object_type="organizationinvitation", action="invite").exists()


def test_invitation_send_lifetime_follows_the_setting(settings):
    settings.INVITATION_LIFETIME_DAYS = 2

    invitation, _key = _send(organization=factories.OrganizationFactory())

    assert invitation.expires_at - invitation.created_at == datetime.timedelta(days=2)


def test_invitation_send_writes_in_the_inviters_language_to_a_newcomer():
    with translation.override("en"):
        _send(organization=factories.OrganizationFactory(name="Ministry of Tests"))

    assert mail.outbox[0].subject == "[Maillage] Invitation to join Ministry of Tests"
    assert mail.outbox[0].extra_headers["Content-Language"] == "en"


def test_invitation_send_writes_in_the_accounts_language_to_an_existing_person():
    factories.UserFactory(email="ex@example.qc.ca", role=User.Role.MINISTRY_MEMBER, preferred_language="en")

    with translation.override("fr"):
        invitation, _key = _send(organization=factories.OrganizationFactory(), email="ex@example.qc.ca")

    assert invitation.language == "en"
    assert mail.outbox[0].extra_headers["Content-Language"] == "en"


def test_invitation_send_refuses_someone_outside_the_organization():
    outsider = factories.UserFactory(role=User.Role.MINISTRY_MEMBER)

    with pytest.raises(PermissionDenied):
        _send(organization=factories.OrganizationFactory(), invited_by=outsider)

    assert not OrganizationInvitation.objects.exists()


def test_invitation_send_refuses_an_account_of_another_role():
    factories.UserFactory(email="pme@example.qc.ca", role=User.Role.VENDOR_MEMBER)

    with pytest.raises(ValidationError) as error:
        _send(organization=factories.OrganizationFactory(), email="pme@example.qc.ca")

    assert error.value.error_dict["email"][0].code == "invitation_wrong_role"
    assert mail.outbox == []


def test_invitation_send_refuses_a_member():
    member = factories.UserFactory(role=User.Role.MINISTRY_MEMBER)
    organization = factories.OrganizationFactory(members=[member])

    with pytest.raises(ValidationError):
        _send(organization=organization, email=member.email, invited_by=member)


def test_invitation_send_replaces_the_pending_invitation_to_the_same_address():
    organization = factories.OrganizationFactory()
    first, _key = _send(organization=organization)

    _send(organization=organization)

    first.refresh_from_db()
    assert first.revoked_at is not None


def test_invitation_accept_new_account_creates_a_verified_member():
    invitation = factories.OrganizationInvitationFactory(email="nouvelle@example.qc.ca", language="en")
    member = factories.UserFactory(role=User.Role.MINISTRY_MEMBER)
    invitation.organization.members.add(member)

    user = invitation_accept_new_account(
        invitation=invitation, first_name="Léa", last_name="Roy", password=PASSWORD
    )

    assert user.role == User.Role.MINISTRY_MEMBER
    assert user.preferred_language == "en"
    assert user.check_password(PASSWORD)
    assert list(invitation.organization.members.order_by("pk")) == [member, user]
    assert EmailAddress.objects.get(user=user).verified
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert Notification.objects.filter(user=member, kind=Notification.Kind.MEMBER_JOINED).exists()


def test_invitation_accept_new_account_applies_the_password_validators():
    invitation = factories.OrganizationInvitationFactory()

    with pytest.raises(ValidationError) as error:
        invitation_accept_new_account(
            invitation=invitation, first_name="Léa", last_name="Roy", password="123"
        )

    assert "password" in error.value.error_dict
    assert not User.objects.filter(email=invitation.email).exists()


def test_invitation_accept_new_account_refuses_an_address_with_an_account():
    invitation = factories.OrganizationInvitationFactory()
    factories.UserFactory(email=invitation.email.upper(), role=User.Role.MINISTRY_MEMBER)

    with pytest.raises(ValidationError) as error:
        invitation_accept_new_account(
            invitation=invitation, first_name="Léa", last_name="Roy", password=PASSWORD
        )

    assert error.value.code == "email_taken"


def test_invitation_accept_joins_the_signed_in_person_whose_address_it_is():
    user = factories.UserFactory(role=User.Role.MINISTRY_MEMBER)
    invitation = factories.OrganizationInvitationFactory(email=user.email)

    invitation_accept(invitation=invitation, user=user)

    assert invitation.organization.members.filter(pk=user.pk).exists()


def test_invitation_accept_refuses_another_address():
    user = factories.UserFactory(role=User.Role.MINISTRY_MEMBER)
    invitation = factories.OrganizationInvitationFactory()

    with pytest.raises(ValidationError) as error:
        invitation_accept(invitation=invitation, user=user)

    assert error.value.code == "invitation_wrong_email"
    assert not invitation.organization.members.exists()


def test_invitation_accept_refuses_a_role_that_does_not_fit():
    user = factories.UserFactory(role=User.Role.VENDOR_MEMBER)
    invitation = factories.OrganizationInvitationFactory(email=user.email)

    with pytest.raises(ValidationError) as error:
        invitation_accept(invitation=invitation, user=user)

    assert error.value.code == "invitation_wrong_role"


def test_invitation_accept_refuses_a_used_invitation():
    invitation = factories.OrganizationInvitationFactory()
    invitation_accept_new_account(invitation=invitation, first_name="Léa", last_name="Roy", password=PASSWORD)
    other = factories.UserFactory(role=User.Role.MINISTRY_MEMBER, email="autre@example.qc.ca")
    invitation.email = other.email  # Even for the right address, the link works once.

    with pytest.raises(ValidationError) as error:
        invitation_accept(invitation=invitation, user=other)

    assert error.value.code == "invitation_used"


def test_invitation_accept_refuses_an_expired_invitation():
    invitation = factories.OrganizationInvitationFactory(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    with pytest.raises(ValidationError) as error:
        invitation_accept_new_account(
            invitation=invitation, first_name="Léa", last_name="Roy", password=PASSWORD
        )

    assert error.value.code == "invitation_expired"
    assert not User.objects.filter(email=invitation.email).exists()


def test_invitation_revoke_stops_the_link():
    coordinator = factories.UserFactory(role=User.Role.COORDINATOR)
    invitation = factories.OrganizationInvitationFactory()

    invitation_revoke(invitation=invitation, user=coordinator)

    with pytest.raises(ValidationError) as error:
        invitation_accept_new_account(
            invitation=invitation, first_name="Léa", last_name="Roy", password=PASSWORD
        )
    assert error.value.code == "invitation_revoked"
    assert AuditEntry.objects.filter(object_id=invitation.pk, action="revoke").exists()


def test_invitation_revoke_refuses_someone_outside_the_organization():
    invitation = factories.OrganizationInvitationFactory()

    with pytest.raises(PermissionDenied):
        invitation_revoke(invitation=invitation, user=factories.UserFactory(role=User.Role.MINISTRY_MEMBER))


def test_party_member_remove_removes_a_colleague():
    first, second = factories.UserFactory.create_batch(2, role=User.Role.MINISTRY_MEMBER)
    organization = factories.OrganizationFactory(members=[first, second])

    party_member_remove(
        invitation_model=OrganizationInvitation, party=organization, member=second, user=first
    )

    assert list(organization.members.all()) == [first]
    assert AuditEntry.objects.filter(object_type="organization", action="member_remove").exists()


def test_party_member_remove_refuses_the_last_member():
    member = factories.UserFactory(role=User.Role.MINISTRY_MEMBER)
    organization = factories.OrganizationFactory(members=[member])

    with pytest.raises(ValidationError) as error:
        party_member_remove(
            invitation_model=OrganizationInvitation, party=organization, member=member, user=member
        )

    assert error.value.code == "last_member"
    assert list(organization.members.all()) == [member]


def test_user_delete_deletes_the_invitations_to_their_address():
    user = factories.UserFactory(role=User.Role.MINISTRY_MEMBER)
    factories.OrganizationInvitationFactory(email=user.email)
    factories.VendorInvitationFactory(email=user.email)
    kept = factories.OrganizationInvitationFactory()

    user_delete(user=user, password=PASSWORD)

    assert list(OrganizationInvitation.objects.all()) == [kept]
    assert not VendorInvitation.objects.exists()
