import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from hub.models import AuditEntry, Notification, User
from marketplace.models import MAX_CERTIFICATIONS, MAX_REQUIRED_CERTIFICATIONS, Challenge, Vendor
from marketplace.serializers import ChallengeInputSerializer, VendorInputSerializer
from tests import factories

pytestmark = pytest.mark.django_db


def challenge_payload(**overrides) -> dict:
    payload = {
        "title": "Plateforme de données ouvertes",
        "description": "Publier les jeux de données du ministère.",
        "language": "fr",
        "expertise": ["cloud"],
        "regions": ["03"],
        "budget_min": "100000.00",
        "budget_max": "250000.00",
        "deadline": "2027-06-30",
        "required_languages": ["fr"],
    }
    payload.update(overrides)
    return payload


def vendor_payload(**overrides) -> dict:
    payload = {
        "name": "Nordik Données inc.",
        "neq": "1171234567",
        "description": "Analytique et infonuagique pour le secteur public.",
        "languages": ["fr", "en"],
        "regions": ["03"],
        "employees": 35,
        "founded": 2012,
        "expertise": ["cloud"],
        "certifications": ["ISO 27001"],
        "references": [{"client": "Ville de Lévis", "title": "Portail", "summary": "Refonte.", "year": 2023}],
    }
    payload.update(overrides)
    return payload


@pytest.fixture(autouse=True)
def _taxonomy(db):
    factories.RegionFactory()
    factories.ExpertiseFactory()


def test_challenge_list_shows_anonymous_users_only_public_challenges(api_client):
    published = factories.ChallengeFactory(published=True)
    factories.ChallengeFactory()

    response = api_client.get(reverse("challenge-list"))

    assert response.status_code == 200
    assert [item["id"] for item in response.data["results"]] == [published.id]


def test_challenge_detail_hides_a_draft_from_another_organization(api_client, ministry_member):
    draft = factories.ChallengeFactory()
    api_client.force_authenticate(ministry_member)

    response = api_client.get(reverse("challenge-detail", args=[draft.id]))

    assert response.status_code == 404


def test_challenge_detail_shows_a_draft_to_its_organization_and_coordinators(
    api_client, ministry_member, coordinator
):
    draft = factories.ChallengeFactory(organization=ministry_member.organizations.get())

    for user in (ministry_member, coordinator):
        api_client.force_authenticate(user)
        assert api_client.get(reverse("challenge-detail", args=[draft.id])).status_code == 200


def test_challenge_create_makes_a_draft_for_the_members_organization(api_client, ministry_member):
    api_client.force_authenticate(ministry_member)

    response = api_client.post(reverse("challenge-list"), challenge_payload(), format="json")

    assert response.status_code == 201, response.data
    challenge = Challenge.objects.get(pk=response.data["id"])
    assert challenge.status == Challenge.Status.DRAFT
    assert challenge.organization == ministry_member.organizations.get()
    assert challenge.created_by == ministry_member


def test_challenge_create_gives_a_key_that_keeps_no_word_of_the_title(api_client, ministry_member):
    api_client.force_authenticate(ministry_member)

    response = api_client.post(
        reverse("challenge-list"), challenge_payload(title="Remplacement secret du registre"), format="json"
    )

    assert response.status_code == 201, response.data
    assert re.fullmatch(r"c-[0-9a-f]{16}", response.data["key"])


def test_vendor_create_gives_a_key_that_keeps_no_word_of_the_name(api_client, vendor_member):
    api_client.force_authenticate(vendor_member)

    response = api_client.post(reverse("vendor-list"), vendor_payload(), format="json")

    assert response.status_code == 201, response.data
    assert re.fullmatch(r"v-[0-9a-f]{16}", response.data["key"])


def test_challenge_update_keeps_an_existing_key(api_client, ministry_member):
    draft = factories.ChallengeFactory(
        key="c-remplacement-secret-a1b2c3",
        status=Challenge.Status.DRAFT,
        published_at=None,
        organization=ministry_member.organizations.get(),
    )
    api_client.force_authenticate(ministry_member)

    response = api_client.patch(
        reverse("challenge-detail", args=[draft.id]), {"title": "Autre titre"}, format="json"
    )

    assert response.status_code == 200, response.data
    assert response.data["key"] == "c-remplacement-secret-a1b2c3"


def test_challenge_create_refuses_another_organization(api_client, ministry_member):
    other = factories.OrganizationFactory()
    api_client.force_authenticate(ministry_member)

    response = api_client.post(
        reverse("challenge-list"), challenge_payload(organization=other.id), format="json"
    )

    assert response.status_code == 403
    assert not Challenge.objects.exists()


def test_challenge_create_refuses_vendor_members(api_client, vendor_member):
    api_client.force_authenticate(vendor_member)

    response = api_client.post(reverse("challenge-list"), challenge_payload(), format="json")

    assert response.status_code == 403


def test_challenge_create_names_the_inverted_budget_in_french_and_english(api_client, ministry_member):
    api_client.force_authenticate(ministry_member)
    payload = challenge_payload(budget_min="300000", budget_max="1000")

    french = api_client.post(reverse("challenge-list"), payload, format="json", HTTP_ACCEPT_LANGUAGE="fr")
    english = api_client.post(reverse("challenge-list"), payload, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert french.status_code == english.status_code == 400
    assert "budget maximal" in french.data["budget_max"][0]
    assert "maximum budget" in english.data["budget_max"][0]
    assert not Challenge.objects.exists()


def test_challenge_create_names_an_unknown_expertise_code(api_client, ministry_member):
    api_client.force_authenticate(ministry_member)

    response = api_client.post(
        reverse("challenge-list"), challenge_payload(expertise=["quantum"]), format="json"
    )

    assert response.status_code == 400
    assert "quantum" in str(response.data["expertise"])


def test_challenge_lifecycle_records_who_did_each_transition(api_client, ministry_member, coordinator):
    challenge = factories.ChallengeFactory(organization=ministry_member.organizations.get())
    factories.grid_create(challenge)

    api_client.force_authenticate(ministry_member)
    assert api_client.post(reverse("challenge-submit", args=[challenge.id])).status_code == 200
    api_client.force_authenticate(coordinator)
    response = api_client.post(reverse("challenge-publish", args=[challenge.id]))

    assert response.status_code == 200
    assert response.data["status"] == "published"
    entries = AuditEntry.objects.filter(object_type="challenge", object_id=challenge.id).order_by("id")
    assert list(entries.values_list("from_state", "to_state", "actor")) == [
        ("draft", "submitted", ministry_member.id),
        ("submitted", "published", coordinator.id),
    ]


def test_challenge_publish_is_refused_to_ministry_members(api_client, ministry_member):
    challenge = factories.ChallengeFactory(submitted=True, organization=ministry_member.organizations.get())
    api_client.force_authenticate(ministry_member)

    response = api_client.post(reverse("challenge-publish", args=[challenge.id]))

    assert response.status_code == 403
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.SUBMITTED


def test_challenge_transition_refuses_an_impossible_move(api_client, coordinator):
    challenge = factories.ChallengeFactory()
    api_client.force_authenticate(coordinator)

    response = api_client.post(reverse("challenge-publish", args=[challenge.id]), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "cannot become published" in response.data["non_field_errors"][0]


def test_challenge_submit_refuses_a_past_deadline(api_client, ministry_member):
    challenge = factories.ChallengeFactory(
        organization=ministry_member.organizations.get(),
        deadline=timezone.localdate() - datetime.timedelta(days=1),
    )
    api_client.force_authenticate(ministry_member)

    response = api_client.post(reverse("challenge-submit", args=[challenge.id]), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert "already past" in response.data["deadline"][0]
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.DRAFT


def test_challenge_publish_refuses_a_past_deadline(api_client, coordinator):
    challenge = factories.ChallengeFactory(
        submitted=True, deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    api_client.force_authenticate(coordinator)

    response = api_client.post(reverse("challenge-publish", args=[challenge.id]))

    assert response.status_code == 400
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.SUBMITTED


def test_challenge_publish_accepts_a_deadline_of_today(api_client, coordinator):
    challenge = factories.ChallengeFactory(submitted=True, deadline=timezone.localdate())
    factories.grid_create(challenge)
    api_client.force_authenticate(coordinator)

    response = api_client.post(reverse("challenge-publish", args=[challenge.id]))

    assert response.status_code == 200


def test_challenge_update_refuses_a_published_challenge_for_its_members(api_client, ministry_member):
    challenge = factories.ChallengeFactory(published=True, organization=ministry_member.organizations.get())
    api_client.force_authenticate(ministry_member)

    response = api_client.patch(
        reverse("challenge-detail", args=[challenge.id]), {"title": "Autre"}, format="json"
    )

    assert response.status_code == 400
    challenge.refresh_from_db()
    assert challenge.title != "Autre"


def test_challenge_list_filters_by_expertise_and_refuses_unknown_codes(api_client):
    factories.ChallengeFactory(published=True)

    known = api_client.get(reverse("challenge-list"), {"expertise": "cloud"})
    unknown = api_client.get(reverse("challenge-list"), {"expertise": "quantum"})

    assert known.status_code == 200 and known.data["count"] == 1
    assert unknown.status_code == 400
    assert "expertise" in unknown.data


@pytest.mark.parametrize("list_name", ["challenge-list", "vendor-list"])
def test_lists_filtered_by_several_codes_hold_each_record_once(api_client, list_name):
    codes = [factories.ExpertiseFactory(code=code) for code in ("cloud", "data")]
    factories.RegionFactory(code="06", label_fr="Montréal", label_en="Montréal")
    record = (
        factories.ChallengeFactory(published=True, expertise=codes)
        if list_name == "challenge-list"
        else factories.VendorFactory(expertise=codes)
    )
    record.regions.add(factories.RegionFactory(code="06"))

    response = api_client.get(reverse(list_name), {"expertise": ["cloud", "data"], "region": ["03", "06"]})

    assert response.status_code == 200
    assert [item["id"] for item in response.data["results"]] == [record.id]
    assert response.data["count"] == 1


@pytest.mark.parametrize("params", [{"page": "abc"}, {"page": "0"}, {"page_size": "1000"}])
def test_challenge_list_refuses_malformed_pagination(api_client, params):
    response = api_client.get(reverse("challenge-list"), params)

    assert response.status_code == 400


def test_vendor_create_registers_the_member_firm(api_client):
    user = factories.UserFactory(role=User.Role.VENDOR_MEMBER)
    api_client.force_authenticate(user)

    response = api_client.post(reverse("vendor-list"), vendor_payload(), format="json")

    assert response.status_code == 201, response.data
    vendor = Vendor.objects.get(neq="1171234567")
    assert list(vendor.members.all()) == [user]
    assert vendor.references.count() == 1
    assert not vendor.is_verified


def test_vendor_create_names_an_invalid_neq(api_client, vendor_member):
    api_client.force_authenticate(vendor_member)

    response = api_client.post(reverse("vendor-list"), vendor_payload(neq="12AB"), format="json")

    assert response.status_code == 400
    assert "NEQ" in response.data["neq"][0]
    assert Vendor.objects.count() == 1


def test_vendor_create_refuses_a_duplicate_neq(api_client, vendor_member):
    existing = vendor_member.vendors.get()
    api_client.force_authenticate(vendor_member)

    response = api_client.post(reverse("vendor-list"), vendor_payload(neq=existing.neq), format="json")

    assert response.status_code == 400
    assert "neq" in response.data


def test_vendor_create_refuses_a_neq_struck_off_the_register(api_client, vendor_member, register_extract):
    api_client.force_authenticate(vendor_member)

    response = api_client.post(reverse("vendor-list"), vendor_payload(neq="1199000052"), format="json")

    assert response.status_code == 400
    assert "radiée du registre" in response.data["neq"][0]
    assert Vendor.objects.count() == 1


def test_vendor_create_refuses_too_many_certifications_by_name(api_client, vendor_member):
    api_client.force_authenticate(vendor_member)
    certifications = [f"Certification {n}" for n in range(MAX_CERTIFICATIONS + 1)]

    response = api_client.post(
        reverse("vendor-list"), vendor_payload(certifications=certifications), format="json"
    )

    assert response.status_code == 400
    assert str(MAX_CERTIFICATIONS) in response.data["certifications"][0]
    assert not Vendor.objects.filter(neq="1171234567").exists()


def test_vendor_create_refuses_a_region_list_longer_than_quebecs_regions(api_client, vendor_member):
    api_client.force_authenticate(vendor_member)

    response = api_client.post(reverse("vendor-list"), vendor_payload(regions=["03"] * 1000), format="json")

    assert response.status_code == 400
    assert "regions" in response.data


def test_challenge_create_refuses_too_many_required_certifications(api_client, ministry_member):
    api_client.force_authenticate(ministry_member)
    certifications = [f"Norme {n}" for n in range(MAX_REQUIRED_CERTIFICATIONS + 1)]

    response = api_client.post(
        reverse("challenge-list"), challenge_payload(required_certifications=certifications), format="json"
    )

    assert response.status_code == 400
    assert str(MAX_REQUIRED_CERTIFICATIONS) in response.data["required_certifications"][0]


def test_vendor_update_refuses_another_firm(api_client, vendor_member):
    other = factories.VendorFactory()
    api_client.force_authenticate(vendor_member)

    response = api_client.patch(reverse("vendor-detail", args=[other.id]), {"employees": 3}, format="json")

    assert response.status_code == 403
    other.refresh_from_db()
    assert other.employees != 3


def test_vendor_update_refuses_self_verification(api_client, vendor_member):
    vendor = vendor_member.vendors.get()
    vendor.is_verified = False
    vendor.save()
    api_client.force_authenticate(vendor_member)

    response = api_client.patch(
        reverse("vendor-detail", args=[vendor.id]), {"is_verified": True}, format="json"
    )

    assert response.status_code == 403
    vendor.refresh_from_db()
    assert not vendor.is_verified


@pytest.mark.parametrize("field", ["is_verified", "is_active"])
def test_vendor_create_refuses_a_flag_only_coordinators_set(api_client, field):
    user = factories.UserFactory(role=User.Role.VENDOR_MEMBER)
    api_client.force_authenticate(user)

    response = api_client.post(reverse("vendor-list"), vendor_payload(**{field: True}), format="json")

    assert response.status_code == 403
    assert "équipe de coordination" in response.data["detail"]
    assert not Vendor.objects.filter(neq="1171234567").exists()


def test_vendor_create_lets_a_coordinator_register_a_verified_firm(api_client, coordinator):
    api_client.force_authenticate(coordinator)

    response = api_client.post(reverse("vendor-list"), vendor_payload(is_verified=True), format="json")

    assert response.status_code == 201, response.data
    assert Vendor.objects.get(neq="1171234567").is_verified


@pytest.mark.parametrize(("field", "value"), [("name", "Autre Nom inc."), ("neq", "1179999999")])
def test_vendor_update_of_the_name_or_neq_by_a_member_sends_the_firm_back_to_verification(
    api_client, vendor_member, field, value
):
    vendor = vendor_member.vendors.get()
    old = getattr(vendor, field)
    api_client.force_authenticate(vendor_member)

    response = api_client.patch(reverse("vendor-detail", args=[vendor.id]), {field: value}, format="json")

    assert response.status_code == 200, response.data
    vendor.refresh_from_db()
    assert not vendor.is_verified
    entry = AuditEntry.objects.get(object_type="vendor", object_id=vendor.id, action="unverify")
    assert (entry.actor, entry.from_state, entry.to_state) == (vendor_member, "verified", "to_verify")
    assert old in entry.reason and value in entry.reason


def test_vendor_update_of_a_verified_firms_name_tells_every_coordinator(
    api_client, vendor_member, coordinator
):
    administrator = factories.UserFactory(role=User.Role.VENDOR_MEMBER, is_superuser=True)
    vendor = vendor_member.vendors.get()
    api_client.force_authenticate(vendor_member)

    api_client.patch(reverse("vendor-detail", args=[vendor.id]), {"name": "Autre Nom inc."}, format="json")

    notified = Notification.objects.filter(kind=Notification.Kind.VENDOR_TO_VERIFY)
    assert {n.user for n in notified} == {coordinator, administrator}
    notification = notified.get(user=coordinator)
    assert "Autre Nom inc." in notification.body
    assert notification.url == f"/fr/coordination/verifications/#vendor-{vendor.id}"


def test_vendor_update_of_other_fields_keeps_the_firm_verified(api_client, vendor_member):
    vendor = vendor_member.vendors.get()
    api_client.force_authenticate(vendor_member)

    response = api_client.patch(
        reverse("vendor-detail", args=[vendor.id]), {"name": vendor.name, "employees": 40}, format="json"
    )

    assert response.status_code == 200
    vendor.refresh_from_db()
    assert vendor.is_verified
    assert not AuditEntry.objects.filter(object_type="vendor", action="unverify").exists()


def test_vendor_update_of_the_name_by_a_coordinator_keeps_the_firm_verified(
    api_client, vendor_member, coordinator
):
    vendor = vendor_member.vendors.get()
    api_client.force_authenticate(coordinator)

    response = api_client.patch(
        reverse("vendor-detail", args=[vendor.id]),
        {"name": "Autre Nom inc.", "reason": "La firme a changé de nom au registre."},
        format="json",
    )

    assert response.status_code == 200, response.data
    vendor.refresh_from_db()
    assert vendor.is_verified


def test_vendor_update_replaces_references(api_client, vendor_member):
    vendor = vendor_member.vendors.get()
    api_client.force_authenticate(vendor_member)
    references = [{"client": "Revenu Québec", "title": "Analyse", "summary": "", "year": 2024}]

    response = api_client.patch(
        reverse("vendor-detail", args=[vendor.id]), {"references": references}, format="json"
    )

    assert response.status_code == 200
    assert [r["client"] for r in response.data["references"]] == ["Revenu Québec"]


def test_token_create_authenticates_the_api(api_client, ministry_member):
    ministry_member.set_password("Un-mot-de-passe-solide-42")
    ministry_member.save()

    token = api_client.post(
        reverse("token-create"),
        {"username": ministry_member.username, "password": "Un-mot-de-passe-solide-42"},
    ).data["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert api_client.get(reverse("me")).data["username"] == ministry_member.username


def test_token_create_refuses_a_wrong_password_in_french(api_client, ministry_member):
    response = api_client.post(
        reverse("token-create"), {"username": ministry_member.username, "password": "non"}
    )

    assert response.status_code in (401, 403)
    assert "incorrect" in str(response.data["detail"])


def test_api_docs_and_schema_are_served(api_client):
    assert api_client.get("/api/schema/").status_code == 200
    assert api_client.get("/api/docs/").status_code == 200


def test_vendor_update_by_a_coordinator_needs_no_reason_for_a_firm_without_members(api_client, coordinator):
    vendor = factories.VendorFactory()  # From the catalogue: nobody joined it yet.
    api_client.force_authenticate(coordinator)

    response = api_client.patch(reverse("vendor-detail", args=[vendor.id]), {"employees": 40}, format="json")

    assert response.status_code == 200, response.data
    assert not AuditEntry.objects.filter(object_type="vendor", action="update_profile").exists()


def test_vendor_update_by_a_coordinator_for_its_members_requires_a_reason(
    api_client, vendor_member, coordinator
):
    vendor = vendor_member.vendors.get()
    api_client.force_authenticate(coordinator)

    response = api_client.patch(reverse("vendor-detail", args=[vendor.id]), {"employees": 40}, format="json")

    assert response.status_code == 400
    assert "reason" in response.data
    vendor.refresh_from_db()
    assert vendor.employees != 40


def test_vendor_input_requires_exactly_the_fields_every_profile_has():
    required = {name for name, field in VendorInputSerializer().fields.items() if field.required}

    assert required == set(Vendor.REQUIRED_PROFILE_FIELDS)


def test_challenge_input_requires_exactly_the_fields_every_challenge_states():
    required = {name for name, field in ChallengeInputSerializer().fields.items() if field.required}

    assert required == set(Challenge.REQUIRED_FIELDS)


@pytest.mark.parametrize(
    ("language", "change"),
    [("fr", "nom\u00a0: {old} → Autre Nom inc."), ("en", "name: {old} → Autre Nom inc.")],
)
def test_vendor_update_of_a_verified_firms_name_names_the_change_in_each_coordinators_language(
    api_client, vendor_member, coordinator, language, change
):
    coordinator.preferred_language = language
    coordinator.save(update_fields=["preferred_language"])
    vendor = vendor_member.vendors.get()
    api_client.force_authenticate(vendor_member)

    api_client.patch(reverse("vendor-detail", args=[vendor.id]), {"name": "Autre Nom inc."}, format="json")

    notification = Notification.objects.get(kind=Notification.Kind.VENDOR_TO_VERIFY, user=coordinator)
    assert change.format(old=vendor.name) in notification.body


def test_challenge_create_makes_the_delivery_languages_mandatory_by_default(api_client, ministry_member):
    api_client.force_authenticate(ministry_member)

    response = api_client.post(reverse("challenge-list"), challenge_payload(), format="json")

    assert response.status_code == 201, response.data
    assert response.data["mandatory_requirements"] == ["languages"]


def test_challenge_create_lets_the_ministry_relax_every_requirement(api_client, ministry_member):
    api_client.force_authenticate(ministry_member)

    response = api_client.post(
        reverse("challenge-list"), challenge_payload(mandatory_requirements=[]), format="json"
    )

    assert response.status_code == 201, response.data
    assert Challenge.objects.get(pk=response.data["id"]).mandatory_requirements == []


def test_challenge_create_refuses_an_unknown_requirement_code(api_client, ministry_member):
    api_client.force_authenticate(ministry_member)

    response = api_client.post(
        reverse("challenge-list"), challenge_payload(mandatory_requirements=["budget"]), format="json"
    )

    assert response.status_code == 400
    assert "mandatory_requirements" in response.data


def test_challenge_create_refuses_a_repeated_requirement_code(api_client, ministry_member):
    api_client.force_authenticate(ministry_member)

    response = api_client.post(
        reverse("challenge-list"),
        challenge_payload(mandatory_requirements=["languages", "languages"]),
        format="json",
    )

    assert response.status_code == 400
    assert not Challenge.objects.exists()
