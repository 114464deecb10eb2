"""Registering a firm from its NEQ, asking to join a firm already on Maillage, answering on the members page,
and the guided profile's sections."""

import html

import pytest
from django.urls import reverse

from hub.models import Notification, User
from marketplace.models import Vendor, VendorJoinRequest
from tests import factories

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs) -> str:
    return reverse(f"frontend:{name}", kwargs=kwargs or None)


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def newcomer(client, taxonomy) -> User:
    """A vendor member with no firm yet, signed in."""
    user = factories.UserFactory(role=User.Role.VENDOR_MEMBER, first_name="Léa", last_name="Tremblay")
    client.force_login(user)
    return user


@pytest.fixture
def taken(register_extract) -> Vendor:
    """A firm on Maillage whose NEQ is in the sample extract."""
    member = factories.UserFactory(role=User.Role.VENDOR_MEMBER)
    return factories.VendorFactory(neq="1199000029", name="Atelier Mésange Design", members=[member])


# The NEQ first


def test_vendor_register_starts_with_the_neq_alone(client, newcomer):
    response = client.get(url("vendor_register"))

    page = text(response)
    assert "Étape 1\u00a0: le numéro d'entreprise de votre entreprise" in page
    assert 'name="description"' not in page


def test_vendor_register_shows_the_profile_once_the_register_allows_the_neq(
    client, newcomer, register_extract
):
    response = client.get(url("vendor_register"), {"neq": "1199000011"})

    page = text(response)
    assert "Solutions Boréales Numériques inc." in page and "Immatriculée" in page
    assert response.context["forms"].profile["name"].value() == "Solutions Boréales Numériques inc."
    assert response.context["forms"].profile["neq"].value() == "1199000011"
    assert 'name="description"' in page


@pytest.mark.parametrize(
    ("neq", "reason"),
    [
        ("12345", "Un numéro d'entreprise du Québec (NEQ) compte exactement 10 chiffres."),
        ("1234567890", "ne figure pas dans l'extrait du registre des entreprises du Québec"),
        ("1199000052", "une entreprise radiée du registre ne peut pas s'inscrire sur Maillage"),
        ("1199000078", "plus que les 499 que peut compter une PME"),
    ],
)
def test_vendor_register_refuses_a_neq_with_the_reason_and_shows_no_profile(
    client, newcomer, register_extract, neq, reason
):
    response = client.get(url("vendor_register"), {"neq": neq})

    assert any(reason in error for error in response.context["lookup"].errors["neq"])
    assert 'name="description"' not in text(response)


def test_vendor_register_offers_to_join_a_firm_already_on_maillage(client, newcomer, taken):
    response = client.get(url("vendor_register"), {"neq": taken.neq})

    page = text(response)
    assert "Atelier Mésange Design est déjà sur Maillage" in page
    assert "Demander à joindre cette entreprise" in page
    assert 'name="description"' not in page


def test_vendor_register_check_says_the_neq_is_already_on_maillage(client, newcomer, taken):
    response = client.get(url("vendor_register_check"), {"neq": taken.neq})

    assert "Atelier Mésange Design est déjà sur Maillage avec ce numéro" in text(response)


def test_vendor_register_posted_with_a_taken_neq_creates_no_second_firm_and_offers_to_join(
    client, newcomer, taken
):
    response = client.post(url("vendor_register"), {"neq": taken.neq, "name": "Copie"})

    assert Vendor.objects.filter(neq=taken.neq).count() == 1
    assert "Demander à joindre cette entreprise" in text(response)


def test_vendor_register_join_sends_the_request_and_says_so(client, newcomer, taken):
    response = client.post(
        url("vendor_register"), {"action": "join", "neq": taken.neq, "message": "Nouvelle designer."}
    )

    join_request = VendorJoinRequest.objects.get()
    assert (join_request.requester, join_request.vendor, join_request.message) == (
        newcomer,
        taken,
        "Nouvelle designer.",
    )
    assert response.status_code == 302 and response["Location"] == url("vendor_dashboard")
    dashboard = text(client.get(url("vendor_dashboard")))
    assert "Votre demande pour joindre Atelier Mésange Design est envoyée à ses membres" in dashboard
    assert "Atelier Mésange Design\u00a0: demande faite le" in dashboard


def test_vendor_register_join_twice_says_a_request_is_pending(client, newcomer, taken):
    factories.VendorJoinRequestFactory(requester=newcomer, vendor=taken)

    response = client.post(url("vendor_register"), {"action": "join", "neq": taken.neq})

    assert response.status_code == 200
    assert "Vous avez déjà demandé à joindre Atelier Mésange Design" in text(response)
    assert VendorJoinRequest.objects.count() == 1


def test_vendor_register_join_with_a_neq_no_firm_has_says_so_on_the_neq(client, newcomer, register_extract):
    response = client.post(url("vendor_register"), {"action": "join", "neq": "1199000011"})

    assert "Aucune entreprise sur Maillage ne porte le numéro d'entreprise 1199000011" in text(response)
    assert not VendorJoinRequest.objects.exists()


def test_vendor_register_offers_a_coordinator_the_firm_s_page_rather_than_joining(coordinator_client, taken):
    response = coordinator_client.get(url("vendor_register"), {"neq": taken.neq})

    assert url("vendor_detail", vendor_id=taken.pk) in text(response)
    assert "Demander à joindre cette entreprise" not in text(response)


def test_vendor_register_tells_a_member_they_already_belong(client, newcomer, taken):
    taken.members.add(newcomer)

    response = client.get(url("vendor_register"), {"neq": taken.neq})

    assert "Vous êtes déjà membre de Atelier Mésange Design." in text(response)
    assert "Demander à joindre cette entreprise" not in text(response)


def test_vendor_register_withdraw_withdraws_one_s_own_request(client, newcomer, taken):
    join_request = factories.VendorJoinRequestFactory(requester=newcomer, vendor=taken)

    response = client.post(url("vendor_register"), {"action": "withdraw", "join_request": join_request.pk})

    join_request.refresh_from_db()
    assert response.status_code == 302
    assert join_request.status == VendorJoinRequest.Status.WITHDRAWN


def test_vendor_register_withdraw_of_someone_else_s_request_is_404(client, newcomer, taken):
    join_request = factories.VendorJoinRequestFactory(vendor=taken)

    response = client.post(url("vendor_register"), {"action": "withdraw", "join_request": join_request.pk})

    assert response.status_code == 404
    join_request.refresh_from_db()
    assert join_request.status == VendorJoinRequest.Status.PENDING


# The members page answers


@pytest.fixture
def member_client(client, taken):
    member = taken.members.get()
    client.force_login(member)
    return client


def test_vendor_members_lists_pending_requests_with_their_message(member_client, taken):
    factories.VendorJoinRequestFactory(
        vendor=taken,
        requester__first_name="Léa",
        requester__last_name="Tremblay",
        message="Nouvelle designer.",
    )

    page = text(member_client.get(url("vendor_members", vendor_id=taken.pk)))

    assert "Demandes pour joindre" in page
    assert "Léa Tremblay" in page and "Nouvelle designer." in page


def test_vendor_members_accept_adds_the_member_and_tells_them(member_client, taken):
    join_request = factories.VendorJoinRequestFactory(vendor=taken)

    response = member_client.post(
        url("vendor_members", vendor_id=taken.pk),
        {"action": "accept_request", "join_request": join_request.pk},
    )

    assert response.status_code == 302
    assert taken.members.filter(pk=join_request.requester.pk).exists()
    assert Notification.objects.filter(
        user=join_request.requester, kind=Notification.Kind.JOIN_REQUEST_DECIDED
    ).exists()


def test_vendor_members_refuse_with_a_reason(member_client, taken):
    join_request = factories.VendorJoinRequestFactory(vendor=taken)

    member_client.post(
        url("vendor_members", vendor_id=taken.pk),
        {"action": "refuse_request", "join_request": join_request.pk, "reason": "Inconnue chez nous."},
    )

    join_request.refresh_from_db()
    assert join_request.status == VendorJoinRequest.Status.REFUSED
    assert join_request.refusal_reason == "Inconnue chez nous."
    assert not taken.members.filter(pk=join_request.requester.pk).exists()


def test_vendor_members_accept_twice_says_it_is_decided(member_client, taken):
    join_request = factories.VendorJoinRequestFactory(vendor=taken, status=VendorJoinRequest.Status.REFUSED)

    response = member_client.post(
        url("vendor_members", vendor_id=taken.pk),
        {"action": "accept_request", "join_request": join_request.pk},
        follow=True,
    )

    assert "n'attend plus de réponse\u00a0: elle est refusée" in text(response)
    assert not taken.members.filter(pk=join_request.requester.pk).exists()


def test_vendor_members_cannot_answer_another_firm_s_request(member_client, taken):
    join_request = factories.VendorJoinRequestFactory()

    response = member_client.post(
        url("vendor_members", vendor_id=taken.pk),
        {"action": "accept_request", "join_request": join_request.pk},
    )

    assert response.status_code == 404
    join_request.refresh_from_db()
    assert join_request.status == VendorJoinRequest.Status.PENDING


# The guided profile


def test_vendor_profile_sections_say_what_each_is_for_and_who_sees_it(client, newcomer, register_extract):
    page = text(client.get(url("vendor_register"), {"neq": "1199000011"}))

    for section in (
        "Expertise",
        "Régions",
        "Langues de prestation",
        "Certifications",
        "Une première référence",
    ):
        assert section in page
    assert page.count("Sert à\u00a0:") == 6
    assert "Public\u00a0: toujours." in page


@pytest.mark.search
def test_vendor_dashboard_shows_a_new_firm_to_verify(client, newcomer, register_extract, search_index):
    data = {
        "name": "Solutions Boréales Numériques inc.",
        "neq": "1199000011",
        "description": "Migration des applications vers l'infonuagique gouvernementale.",
        "languages": ["fr"],
        "regions": ["03"],
        "employees": "20",
        "founded": "2019",
        "expertise": ["cloud"],
        "references-TOTAL_FORMS": "0",
        "references-INITIAL_FORMS": "0",
    }

    response = client.post(url("vendor_register"), data, follow=True)

    page = text(response)
    assert "À vérifier" in page
    assert "Votre entreprise est à vérifier." in page


# The profile's NEQ


def test_vendor_profile_edit_refuses_a_struck_off_neq_with_the_reason(client, taken):
    member = taken.members.get()
    client.force_login(member)
    data = {
        "name": taken.name,
        "neq": "1199000052",
        "description": taken.description,
        "languages": ["fr"],
        "regions": list(taken.regions.values_list("code", flat=True)),
        "employees": "5",
        "founded": "2021",
        "expertise": list(taken.expertise.values_list("code", flat=True)),
        "references-TOTAL_FORMS": "0",
        "references-INITIAL_FORMS": "0",
    }

    response = client.post(url("vendor_profile_edit"), data)

    assert response.status_code == 200
    assert any("radiée" in error for error in response.context["forms"].profile.errors["neq"])
    taken.refresh_from_db()
    assert taken.neq == "1199000029"
