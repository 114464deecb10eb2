"""Requests to join a firm already on Maillage: the services, then the API."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from hub.models import AuditEntry, Notification, User
from hub.services import user_delete
from marketplace.models import VendorJoinRequest
from marketplace.services import join_request_create, join_request_decide, join_request_withdraw
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "Un-mot-de-passe-solide-42"


@pytest.fixture
def firm(vendor_member):
    return vendor_member.vendors.get()


@pytest.fixture
def newcomer(db) -> User:
    return factories.UserFactory(role=User.Role.VENDOR_MEMBER, first_name="Léa", last_name="Tremblay")


def pending(firm, newcomer, **fields) -> VendorJoinRequest:
    return factories.VendorJoinRequestFactory(vendor=firm, requester=newcomer, **fields)


# Asking


def test_join_request_create_asks_the_firm_of_the_neq(firm, newcomer):
    join_request = join_request_create(user=newcomer, neq=firm.neq, message="  Nouvelle analyste.  ")

    assert join_request.vendor == firm
    assert join_request.status == VendorJoinRequest.Status.PENDING
    assert join_request.message == "Nouvelle analyste."
    assert not firm.members.filter(pk=newcomer.pk).exists()


def test_join_request_create_tells_the_firm_s_members_in_their_language_and_by_email(
    firm, vendor_member, newcomer, django_capture_on_commit_callbacks
):
    vendor_member.preferred_language = "en"
    vendor_member.save()

    with django_capture_on_commit_callbacks(execute=True):
        join_request_create(user=newcomer, neq=firm.neq, message="Bonjour")

    notification = Notification.objects.get(user=vendor_member, kind=Notification.Kind.JOIN_REQUEST)
    assert notification.title == f"Léa Tremblay asks to join {firm.name}"
    assert "Their message: Bonjour" in notification.body
    assert notification.url == f"/en/sme/{firm.pk}/members/"
    assert [message.to for message in mail.outbox] == [[vendor_member.email]]
    assert f"Léa Tremblay asks to join {firm.name}" in mail.outbox[0].subject


def test_join_request_create_refuses_a_malformed_neq(newcomer):
    with pytest.raises(ValidationError) as error:
        join_request_create(user=newcomer, neq="12345")

    assert "10 chiffres" in error.value.message_dict["neq"][0]
    assert not VendorJoinRequest.objects.exists()


def test_join_request_create_refuses_a_neq_no_firm_has(newcomer):
    with pytest.raises(ValidationError) as error:
        join_request_create(user=newcomer, neq="1199000011")

    assert error.value.error_dict["neq"][0].code == "no_such_vendor"
    assert not VendorJoinRequest.objects.exists()


def test_join_request_create_refuses_a_member_of_the_firm(firm, vendor_member):
    with pytest.raises(ValidationError) as error:
        join_request_create(user=vendor_member, neq=firm.neq)

    assert error.value.code == "already_member"
    assert not VendorJoinRequest.objects.exists()


def test_join_request_create_refuses_a_second_pending_request(firm, newcomer):
    pending(firm, newcomer)

    with pytest.raises(ValidationError) as error:
        join_request_create(user=newcomer, neq=firm.neq)

    assert error.value.code == "join_request_pending"
    assert VendorJoinRequest.objects.count() == 1


def test_join_request_create_accepts_a_new_request_after_a_refusal(firm, newcomer):
    pending(firm, newcomer, status=VendorJoinRequest.Status.REFUSED)

    join_request_create(user=newcomer, neq=firm.neq)

    assert VendorJoinRequest.objects.filter(status=VendorJoinRequest.Status.PENDING).count() == 1


@pytest.mark.parametrize("role", [User.Role.MINISTRY_MEMBER, User.Role.COORDINATOR])
def test_join_request_create_refuses_other_roles(firm, role):
    with pytest.raises(PermissionDenied):
        join_request_create(user=factories.UserFactory(role=role), neq=firm.neq)


# Answering


def test_join_request_decide_accept_adds_the_member_and_tells_them(
    firm, vendor_member, newcomer, django_capture_on_commit_callbacks
):
    join_request = pending(firm, newcomer)

    with django_capture_on_commit_callbacks(execute=True):
        join_request_decide(join_request=join_request, user=vendor_member, accept=True)

    join_request.refresh_from_db()
    assert join_request.status == VendorJoinRequest.Status.ACCEPTED
    assert join_request.decided_by == vendor_member and join_request.decided_at is not None
    assert firm.members.filter(pk=newcomer.pk).exists()
    notification = Notification.objects.get(user=newcomer, kind=Notification.Kind.JOIN_REQUEST_DECIDED)
    assert notification.title == f"Vous êtes maintenant membre de {firm.name}"
    assert [message.to for message in mail.outbox] == [[newcomer.email]]


def test_join_request_decide_refuse_keeps_the_firm_and_tells_the_reason_in_the_requester_s_language(
    firm, vendor_member, newcomer
):
    newcomer.preferred_language = "en"
    newcomer.save()
    join_request = pending(firm, newcomer)

    join_request_decide(
        join_request=join_request, user=vendor_member, accept=False, reason="Nous ne vous connaissons pas."
    )

    assert not firm.members.filter(pk=newcomer.pk).exists()
    notification = Notification.objects.get(user=newcomer, kind=Notification.Kind.JOIN_REQUEST_DECIDED)
    assert notification.title == f"Your request to join {firm.name} was refused"
    assert notification.body.endswith("Reason given: Nous ne vous connaissons pas.")


def test_join_request_decide_records_the_decision_in_the_audit_log(firm, vendor_member, newcomer):
    join_request = pending(firm, newcomer)

    join_request_decide(join_request=join_request, user=vendor_member, accept=False, reason="Inconnue.")

    entry = AuditEntry.objects.get(
        object_type="vendorjoinrequest", object_id=join_request.pk, action="refuse"
    )
    assert (entry.actor, entry.from_state, entry.to_state, entry.reason) == (
        vendor_member,
        "pending",
        "refused",
        "Inconnue.",
    )


def test_join_request_decide_by_a_coordinator_says_for_whom(firm, coordinator, newcomer):
    join_request = pending(firm, newcomer)

    join_request_decide(join_request=join_request, user=coordinator, accept=True)

    entry = AuditEntry.objects.get(object_type="vendorjoinrequest", action="accept")
    assert entry.on_behalf_of == firm.name


def test_join_request_decide_refuses_deciding_twice_and_changes_nothing(firm, vendor_member, newcomer):
    join_request = pending(firm, newcomer)
    join_request_decide(join_request=join_request, user=vendor_member, accept=False)

    with pytest.raises(ValidationError) as error:
        join_request_decide(join_request=join_request, user=vendor_member, accept=True)

    assert error.value.code == "join_request_decided"
    assert "refusée" in error.value.messages[0]
    assert not firm.members.filter(pk=newcomer.pk).exists()
    assert AuditEntry.objects.filter(object_type="vendorjoinrequest").count() == 1


def test_join_request_decide_refuses_a_member_of_another_firm(firm, newcomer):
    outsider = factories.UserFactory(role=User.Role.VENDOR_MEMBER)
    factories.VendorFactory(members=[outsider])
    join_request = pending(firm, newcomer)

    with pytest.raises(PermissionDenied):
        join_request_decide(join_request=join_request, user=outsider, accept=True)

    join_request.refresh_from_db()
    assert join_request.status == VendorJoinRequest.Status.PENDING


def test_join_request_withdraw_by_the_requester(firm, newcomer):
    join_request = pending(firm, newcomer)

    join_request_withdraw(join_request=join_request, user=newcomer)

    join_request.refresh_from_db()
    assert join_request.status == VendorJoinRequest.Status.WITHDRAWN


def test_join_request_withdraw_refuses_someone_else(firm, vendor_member, newcomer):
    join_request = pending(firm, newcomer)

    with pytest.raises(PermissionDenied):
        join_request_withdraw(join_request=join_request, user=vendor_member)


def test_join_request_withdraw_refuses_a_decided_request(firm, vendor_member, newcomer):
    join_request = pending(firm, newcomer)
    join_request_decide(join_request=join_request, user=vendor_member, accept=True)

    with pytest.raises(ValidationError) as error:
        join_request_withdraw(join_request=join_request, user=newcomer)

    assert error.value.code == "join_request_decided"


# Personal information


def test_user_delete_deletes_the_user_s_join_requests(firm, newcomer):
    pending(firm, newcomer)
    pending(factories.VendorFactory(), newcomer, status=VendorJoinRequest.Status.REFUSED)
    other = pending(firm, factories.UserFactory(role=User.Role.VENDOR_MEMBER))

    user_delete(user=newcomer, password=PASSWORD)

    assert list(VendorJoinRequest.objects.all()) == [other]


def test_me_data_lists_the_user_s_join_requests(api_client, firm, newcomer):
    pending(firm, newcomer, message="Nouvelle analyste.")
    api_client.force_authenticate(newcomer)

    data = api_client.get(reverse("me-data")).json()

    assert [(item["vendor__name"], item["message"]) for item in data["vendor_join_requests"]] == [
        (firm.name, "Nouvelle analyste.")
    ]


# The API


def test_api_join_request_create_and_list_it_for_the_requester(api_client, firm, newcomer):
    api_client.force_authenticate(newcomer)

    created = api_client.post(
        reverse("join-request-list"), {"neq": firm.neq, "message": "Bonjour"}, format="json"
    )
    listed = api_client.get(reverse("join-request-list"))

    assert created.status_code == 201
    assert created.data["vendor"] == firm.pk and created.data["status"] == "pending"
    assert [item["id"] for item in listed.data["results"]] == [created.data["id"]]


def test_api_join_request_create_refuses_a_pending_request_with_its_reason(api_client, firm, newcomer):
    pending(firm, newcomer)
    api_client.force_authenticate(newcomer)

    response = api_client.post(
        reverse("join-request-list"), {"neq": firm.neq}, format="json", headers={"Accept-Language": "en"}
    )

    assert response.status_code == 400
    assert "You already asked to join" in str(response.data)


def test_api_vendor_join_request_list_shows_the_firm_s_pending_requests(
    api_client, firm, vendor_member, newcomer
):
    waiting = pending(firm, newcomer)
    pending(firm, factories.UserFactory(), status=VendorJoinRequest.Status.WITHDRAWN)
    api_client.force_authenticate(vendor_member)

    response = api_client.get(reverse("vendor-join-request-list", kwargs={"vendor_id": firm.pk}))

    assert response.status_code == 200
    assert [item["id"] for item in response.data["results"]] == [waiting.pk]
    assert response.data["results"][0]["requester_name"] == "Léa Tremblay"


def test_api_vendor_join_request_list_hides_another_firm_s_requests(api_client, firm, newcomer):
    pending(firm, newcomer)
    outsider = factories.UserFactory(role=User.Role.VENDOR_MEMBER)
    factories.VendorFactory(members=[outsider])
    api_client.force_authenticate(outsider)

    response = api_client.get(reverse("vendor-join-request-list", kwargs={"vendor_id": firm.pk}))

    assert response.status_code == 404


def test_api_join_request_decide_accepts(api_client, firm, vendor_member, newcomer):
    join_request = pending(firm, newcomer)
    api_client.force_authenticate(vendor_member)

    response = api_client.post(
        reverse("join-request-decide", kwargs={"join_request_id": join_request.pk}),
        {"decision": "accept"},
        format="json",
    )

    assert response.status_code == 200 and response.data["status"] == "accepted"
    assert firm.members.filter(pk=newcomer.pk).exists()


def test_api_join_request_decide_twice_answers_400(api_client, firm, vendor_member, newcomer):
    join_request = pending(firm, newcomer, status=VendorJoinRequest.Status.ACCEPTED)
    api_client.force_authenticate(vendor_member)

    response = api_client.post(
        reverse("join-request-decide", kwargs={"join_request_id": join_request.pk}),
        {"decision": "refuse", "reason": "Trop tard."},
        format="json",
    )

    assert response.status_code == 400
    join_request.refresh_from_db()
    assert join_request.status == VendorJoinRequest.Status.ACCEPTED


def test_api_join_request_decide_refuses_an_unknown_decision(api_client, firm, vendor_member, newcomer):
    join_request = pending(firm, newcomer)
    api_client.force_authenticate(vendor_member)

    response = api_client.post(
        reverse("join-request-decide", kwargs={"join_request_id": join_request.pk}),
        {"decision": "maybe"},
        format="json",
    )

    assert response.status_code == 400 and "decision" in response.data
    join_request.refresh_from_db()
    assert join_request.status == VendorJoinRequest.Status.PENDING


def test_api_join_request_withdraw(api_client, firm, newcomer):
    join_request = pending(firm, newcomer)
    api_client.force_authenticate(newcomer)

    response = api_client.post(reverse("join-request-withdraw", kwargs={"join_request_id": join_request.pk}))

    assert response.status_code == 200 and response.data["status"] == "withdrawn"
