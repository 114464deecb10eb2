"""Email addresses: one per account, case-insensitive, changed only once the new address confirms (issue 13)."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.urls import reverse

from hub import services
from hub.models import User
from tests import factories

pytestmark = pytest.mark.django_db


def test_user_email_is_unique_in_the_database_whatever_its_case():
    factories.UserFactory(email="julie@firme.qc.ca")

    with pytest.raises(IntegrityError), transaction.atomic():
        factories.UserFactory(email="Julie@Firme.QC.ca")


def test_user_email_may_stay_empty_on_several_accounts():
    factories.UserFactory(email="")
    factories.UserFactory(email="")

    assert User.objects.filter(email="").count() == 2


def test_user_email_change_request_refuses_the_address_of_another_account():
    factories.UserFactory(email="julie@firme.qc.ca")
    user = factories.UserFactory()
    request = RequestFactory().post("/fr/account/")

    with pytest.raises(ValidationError) as error:
        services.user_email_change_request(request=request, user=user, email=" JULIE@firme.qc.ca ")

    assert error.value.error_dict["email"][0].code == "email_taken"


def test_me_data_lists_the_address_waiting_for_confirmation(api_client):
    user = factories.UserFactory(email="julie@firme.qc.ca")
    services.user_email_change_request(
        request=RequestFactory().post("/"), user=user, email="julie@ailleurs.qc.ca"
    )
    api_client.force_authenticate(user)

    data = api_client.get(reverse("me-data")).json()

    assert data["account"]["email"] == "julie@firme.qc.ca"
    assert data["email_addresses"] == [
        {"email": "julie@firme.qc.ca", "verified": True},
        {"email": "julie@ailleurs.qc.ca", "verified": False},
    ]


def test_me_delete_erases_every_email_address_of_the_account_pending_ones_included(api_client):
    user = factories.UserFactory(email="julie@firme.qc.ca")
    services.user_email_change_request(
        request=RequestFactory().post("/"), user=user, email="julie@ailleurs.qc.ca"
    )
    api_client.force_authenticate(user)

    response = api_client.post(reverse("me-delete"), {"password": "Un-mot-de-passe-solide-42"}, format="json")

    assert response.status_code == 204
    assert not EmailAddress.objects.filter(user=user).exists()


def test_user_email_change_request_for_the_pending_address_sends_the_same_link_again(settings):
    settings.ACCOUNT_RATE_LIMITS = {"confirm_email": None}
    user = factories.UserFactory()
    request = RequestFactory().post("/")
    first = services.user_email_change_request(request=request, user=user, email="neuf@firme.qc.ca")

    again = services.user_email_change_request(request=request, user=user, email="NEUF@firme.qc.ca")

    assert again.pk == first.pk
    assert len(mail.outbox) == 2
    assert mail.outbox[0].body == mail.outbox[1].body


def test_user_email_change_request_for_the_accounts_own_address_sends_nothing():
    user = factories.UserFactory(email="julie@firme.qc.ca")

    address = services.user_email_change_request(
        request=RequestFactory().post("/"), user=user, email="Julie@Firme.qc.ca"
    )

    assert (address.email, address.verified) == ("julie@firme.qc.ca", True)
    assert mail.outbox == []
    assert EmailAddress.objects.get_new(user) is None


def test_user_validation_refuses_a_taken_email_with_a_clear_message_as_the_admins_forms_do():
    factories.UserFactory(email="julie@firme.qc.ca")
    user = User(username="autre", email="JULIE@firme.qc.ca", password="x")

    with pytest.raises(ValidationError) as error:
        user.full_clean()

    assert error.value.error_dict["__all__"][0].code == "email_taken"
    # The site's default language.
    assert "Un autre compte utilise déjà cette adresse courriel." in str(error.value)
