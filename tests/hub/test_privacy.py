"""Quebec's Law 25: private vendor contacts, access to and deletion of one's data, consents, incidents."""

import datetime
import re

import pytest
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone, translation

from hub import services
from hub.models import ApiToken, AuditEntry, ConfidentialityIncident, Consent, Notification, User
from marketplace.models import ProfileSection, Vendor
from marketplace.visibility import vendor_profile_sections
from matching.models import SavedSearch
from tests import factories

pytestmark = pytest.mark.django_db

PASSWORD = "Un-mot-de-passe-solide-42"  # The factories' password.
CONTACT = {
    "contact_name": "Julie Tremblay",
    "contact_email": "julie@firme.qc.ca",
    "contact_phone": "418 555-0101",
}
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="The trigger exists on PostgreSQL only."
)


def vendor_with_contact(**kwargs) -> Vendor:
    vendor = factories.VendorFactory(**CONTACT, **kwargs)
    factories.VendorReferenceFactory(
        vendor=vendor, client="Ville de Québec", title="Portail citoyen", year=2024
    )
    return vendor


# Vendors' public profiles


def test_vendor_public_profile_hides_the_contact_person_by_default(api_client):
    vendor = vendor_with_contact()

    response = api_client.get(reverse("vendor-detail", args=[vendor.id]))

    assert response.status_code == 200
    body = response.json()
    assert (body["contact_name"], body["contact_email"], body["contact_phone"]) == (None, None, None)
    assert body["description"] == vendor.description
    assert body["references"][0]["title"] == "Portail citoyen"
    assert body["certifications"] == ["ISO 27001"]
    assert body["regions"] == ["03"]
    assert body["employees"] == 25
    assert sorted(body["public_profile"]) == sorted(set(ProfileSection.values) - {"contact"})


def test_vendor_public_profile_hides_every_section_the_vendor_left_out(api_client, ministry_member):
    vendor = vendor_with_contact(public_profile=["regions"])
    api_client.force_authenticate(ministry_member)

    body = api_client.get(reverse("vendor-detail", args=[vendor.id])).json()

    hidden = [
        "description",
        "references",
        "certifications",
        "employees",
        "contact_name",
        "contact_email",
        "contact_phone",
    ]
    assert {field: body[field] for field in hidden} == dict.fromkeys(hidden)
    assert body["regions"] == ["03"]
    assert body["name"] == vendor.name


def test_vendor_public_profile_shows_the_contact_person_when_the_vendor_chose_to(api_client):
    vendor = vendor_with_contact(public_profile=["contact"])

    body = api_client.get(reverse("vendor-detail", args=[vendor.id])).json()

    assert body["contact_email"] == "julie@firme.qc.ca"
    assert body["description"] is None


@pytest.mark.parametrize("reader", ["member", "coordinator"])
def test_vendor_profile_shows_everything_to_its_members_and_coordinators(api_client, reader, coordinator):
    member = factories.UserFactory()
    vendor = vendor_with_contact(public_profile=[], members=[member])
    api_client.force_authenticate(member if reader == "member" else coordinator)

    body = api_client.get(reverse("vendor-detail", args=[vendor.id])).json()

    assert body["contact_phone"] == "418 555-0101"
    assert body["description"] == vendor.description
    assert body["public_profile"] == []


def test_vendor_page_shows_only_the_sections_the_vendor_made_public(client, ministry_member):
    vendor = vendor_with_contact(public_profile=["regions"], description="Notre savoir-faire confidentiel.")
    client.force_login(ministry_member)

    html = client.get(reverse("frontend:vendor_detail", args=[vendor.id])).content.decode()

    assert vendor.name in html
    assert "Capitale-Nationale" in html or "03" in html
    for private in (
        "Notre savoir-faire confidentiel",
        "Portail citoyen",
        "ISO 27001",
        "Julie Tremblay",
        "julie@firme.qc.ca",
        "418 555-0101",
    ):
        assert private not in html


def test_vendor_page_hides_the_contact_person_by_default_and_shows_it_when_chosen(client):
    hidden = vendor_with_contact()
    shown = vendor_with_contact(public_profile=["contact"])

    hidden_html = client.get(reverse("frontend:vendor_detail", args=[hidden.id])).content.decode()
    shown_html = client.get(reverse("frontend:vendor_detail", args=[shown.id])).content.decode()

    assert "Portail citoyen" in hidden_html and "julie@firme.qc.ca" not in hidden_html
    assert "julie@firme.qc.ca" in shown_html and "418 555-0101" in shown_html


def test_vendor_page_shows_everything_to_the_firms_members(client):
    member = factories.UserFactory()
    vendor = vendor_with_contact(
        public_profile=[], members=[member], description="Notre savoir-faire complet."
    )
    client.force_login(member)

    html = client.get(reverse("frontend:vendor_detail", args=[vendor.id])).content.decode()

    assert "Notre savoir-faire complet." in html and "418 555-0101" in html and "Portail citoyen" in html


def test_vendor_list_applies_each_vendors_own_public_profile(api_client):
    vendor_with_contact(name="A", public_profile=["contact"])
    vendor_with_contact(name="B")

    results = api_client.get(reverse("vendor-list")).json()["results"]

    assert [(item["name"], item["contact_name"]) for item in results] == [
        ("A", "Julie Tremblay"),
        ("B", None),
    ]


def test_vendor_profile_sections_are_the_public_ones_for_a_vendor_read_without_the_selector():
    vendor = vendor_with_contact()

    assert vendor_profile_sections(vendor=Vendor.objects.get(pk=vendor.pk)) == set(ProfileSection.values) - {
        "contact"
    }


def test_vendor_update_sets_the_contact_person_and_the_public_profile(api_client, vendor_member):
    vendor = vendor_member.vendors.get()
    api_client.force_authenticate(vendor_member)

    response = api_client.patch(
        reverse("vendor-detail", args=[vendor.id]),
        {**CONTACT, "public_profile": ["description"]},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["contact_name"] == "Julie Tremblay"  # The member sees it.
    vendor.refresh_from_db()
    assert (vendor.contact_email, vendor.public_profile) == ("julie@firme.qc.ca", ["description"])


def test_vendor_update_refuses_an_unknown_profile_section(api_client, vendor_member):
    vendor = vendor_member.vendors.get()
    api_client.force_authenticate(vendor_member)

    response = api_client.patch(
        reverse("vendor-detail", args=[vendor.id]), {"public_profile": ["neq"]}, format="json"
    )

    assert response.status_code == 400
    assert "public_profile" in response.json()


def test_vendor_create_answers_the_whole_profile_to_its_creator(api_client):
    factories.RegionFactory()
    factories.ExpertiseFactory()
    user = factories.UserFactory(role=User.Role.VENDOR_MEMBER)
    api_client.force_authenticate(user)
    data = {
        "name": "Géo inc.",
        "neq": "1199999999",
        "description": "Géomatique.",
        "languages": ["fr"],
        "regions": ["03"],
        "employees": 5,
        "founded": 2020,
        "expertise": ["cloud"],
        **CONTACT,
    }

    response = api_client.post(reverse("vendor-list"), data, format="json")

    assert response.status_code == 201
    assert response.json()["contact_email"] == "julie@firme.qc.ca"
    assert "contact" not in response.json()["public_profile"]


# Access: one's personal information as JSON


def test_me_data_refuses_anonymous_users(api_client):
    assert api_client.get(reverse("me-data")).status_code in (401, 403)


def test_me_data_lists_everything_maillage_holds_about_the_user(api_client, coordinator):
    user = factories.UserFactory(email="julie@firme.qc.ca", first_name="Julie")
    organization = factories.OrganizationFactory(members=[user])
    vendor = vendor_with_contact(members=[user])
    factories.NotificationFactory(user=user, kind="introduction", title="Présentée", dedupe_key="x:1")
    factories.SavedSearchFactory(user=user, vendor=vendor, name="Nuage", query="infonuagique")
    services.consent_record(user=user, kind="terms", granted=True)
    entry = services.audit_record(actor=user, obj=organization, action="publish")
    services.audit_record(actor=coordinator, obj=organization, action="close")  # Someone else's.
    factories.ClarificationFactory(
        challenge=factories.ChallengeFactory(published=True), asked_by=user, question="Quel budget?"
    )
    factories.UserFactory()  # Nothing of another user's.
    api_client.force_authenticate(user)

    response = api_client.get(reverse("me-data"))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="maillage-personal-data-')
    data = response.json()
    assert data["account"]["email"] == "julie@firme.qc.ca"
    assert data["account"]["first_name"] == "Julie"
    assert data["organizations"] == [{"id": organization.id, "name": organization.name}]
    assert data["vendor_memberships"] == [{"id": vendor.id, "name": vendor.name}]
    assert data["vendor_contacts"] == [{"id": vendor.id, "name": vendor.name, **CONTACT}]
    assert [n["title"] for n in data["notifications"]] == ["Présentée"]
    assert [s["name"] for s in data["saved_searches"]] == ["Nuage"]
    assert [(c["kind"], c["granted"]) for c in data["consents"]] == [("terms", True)]
    assert [e["id"] for e in data["audit_entries"]] == [entry.id]
    assert [c["question"] for c in data["clarifications_asked"]] == ["Quel budget?"]


def test_me_data_omits_a_firms_contact_person_matched_only_by_the_users_email(api_client):
    vendor_with_contact()  # Names julie@firme.qc.ca as its private contact person.
    stranger = factories.UserFactory(email="Julie@Firme.qc.ca")  # Not a member of that firm.
    api_client.force_authenticate(stranger)

    data = api_client.get(reverse("me-data")).json()

    assert data["vendor_contacts"] == []
    assert data["vendor_memberships"] == []


# Deletion: anonymized, the audit log intact


def test_me_delete_refuses_a_wrong_password_and_changes_nothing(api_client):
    user = factories.UserFactory(username="julie")
    api_client.force_authenticate(user)

    response = api_client.post(
        reverse("me-delete"), {"password": "pas le bon"}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert "password is incorrect" in response.json()["password"][0]
    user.refresh_from_db()
    assert (user.username, user.is_active) == ("julie", True)


def test_me_delete_counts_wrong_passwords_like_failed_sign_ins(api_client, settings):
    settings.LOGIN_FAILURES_PER_USERNAME = 3
    user = factories.UserFactory(username="julie")
    api_client.force_authenticate(user)
    for _attempt in range(3):
        api_client.post(reverse("me-delete"), {"password": "pas le bon"}, format="json")

    response = api_client.post(reverse("me-delete"), {"password": PASSWORD}, format="json")

    assert response.status_code == 429
    assert response["Retry-After"]
    user.refresh_from_db()
    assert (user.username, user.is_active) == ("julie", True)


def test_me_delete_anonymizes_the_account_and_erases_what_it_owns(api_client):
    user = factories.UserFactory(email="julie@firme.qc.ca", first_name="Julie", last_name="Tremblay")
    organization = factories.OrganizationFactory(members=[user])
    vendor = vendor_with_contact(members=[user])
    factories.NotificationFactory(user=user, kind="introduction", title="Présentée", dedupe_key="x:1")
    factories.SavedSearchFactory(user=user, vendor=vendor, name="Nuage")
    services.api_token_create(user=user, label="")
    api_client.force_authenticate(user)

    response = api_client.post(reverse("me-delete"), {"password": PASSWORD}, format="json")

    assert response.status_code == 204
    user.refresh_from_db()
    assert re.fullmatch(r"user-[0-9a-f]{16}", user.username)
    assert (user.first_name, user.last_name, user.email) == ("", "", "")
    assert not user.has_usable_password()
    assert not user.is_active
    assert not ApiToken.objects.filter(user=user).exists()
    assert not organization.members.exists()
    assert not vendor.members.exists()
    assert not Notification.objects.filter(user=user).exists()
    assert not SavedSearch.objects.exists()
    vendor.refresh_from_db()
    assert (vendor.contact_name, vendor.contact_email, vendor.contact_phone) == ("", "", "")


def test_me_delete_leaves_a_firms_contact_person_matched_only_by_the_users_email(api_client):
    vendor = vendor_with_contact()
    stranger = factories.UserFactory(email="julie@firme.qc.ca")  # Not a member of that firm.
    api_client.force_authenticate(stranger)

    response = api_client.post(reverse("me-delete"), {"password": PASSWORD}, format="json")

    assert response.status_code == 204
    vendor.refresh_from_db()
    assert (vendor.contact_name, vendor.contact_email, vendor.contact_phone) == tuple(CONTACT.values())


def test_me_delete_ends_every_session_of_the_user(client):
    user = factories.UserFactory()
    other = factories.UserFactory()
    client.force_login(user)
    second_browser = type(client)()
    second_browser.force_login(user)  # A second browser.
    other_client = type(client)()
    other_client.force_login(other)

    response = client.post(reverse("me-delete"), {"password": PASSWORD}, content_type="application/json")

    assert response.status_code == 204
    user_ids = [session.get_decoded().get("_auth_user_id") for session in Session.objects.all()]
    assert user_ids == [str(other.pk)]
    assert second_browser.get(reverse("me")).status_code in (401, 403)


ERASED = "Text erased at the request of the person concerned (Law 25)."


def test_me_delete_keeps_the_audit_log_with_the_pseudonym_as_actor_and_without_the_users_words(
    api_client, coordinator
):
    user = factories.UserFactory(username="julie")
    organization = factories.OrganizationFactory()
    entry = services.audit_record(
        actor=user, obj=organization, action="decline", reason="Julie est en congé."
    )
    silent = services.audit_record(actor=user, obj=organization, action="publish")
    other = services.audit_record(actor=coordinator, obj=organization, action="close", reason="Terminé.")
    api_client.force_authenticate(user)

    api_client.post(reverse("me-delete"), {"password": PASSWORD}, format="json")

    pseudonym = services.user_pseudonym(user=user)
    entry.refresh_from_db()
    assert (entry.actor_id, entry.actor_label, entry.action, entry.reason) == (
        user.id,
        pseudonym,
        "decline",
        ERASED,
    )
    silent.refresh_from_db()
    assert (silent.actor_label, silent.reason) == (pseudonym, "")
    other.refresh_from_db()
    assert (other.actor_label, other.reason) == (coordinator.username, "Terminé.")
    assert AuditEntry.objects.filter(
        object_type="user", object_id=user.id, action="anonymize", actor_label=pseudonym
    ).exists()
    assert not AuditEntry.objects.filter(actor_label="julie").exists()


def test_audit_export_shows_the_erased_marker_in_the_readers_language(api_client, coordinator, csv_rows):
    user = factories.UserFactory()
    services.audit_record(
        actor=user, obj=factories.OrganizationFactory(), action="decline", reason="Mes raisons."
    )
    services.user_delete(user=user, password=PASSWORD)
    api_client.force_authenticate(coordinator)

    rows = csv_rows(api_client.get(reverse("audit-export"), HTTP_ACCEPT_LANGUAGE="fr"))
    listed = api_client.get(reverse("audit-list"), HTTP_ACCEPT_LANGUAGE="fr").json()

    reason = rows[0].index("Motif")
    assert "Texte effacé à la demande de la personne concernée (Loi\u00a025)." in [
        row[reason] for row in rows
    ]
    assert "Texte effacé à la demande de la personne concernée (Loi\u00a025)." in [
        e["reason"] for e in listed["results"]
    ]


def test_me_delete_keeps_the_questions_the_user_asked_without_saying_who_asked(api_client):
    user = factories.UserFactory()
    clarification = factories.ClarificationFactory(
        challenge=factories.ChallengeFactory(published=True), asked_by=user, question="Quel budget?"
    )
    api_client.force_authenticate(user)

    api_client.post(reverse("me-delete"), {"password": PASSWORD}, format="json")

    clarification.refresh_from_db()
    assert (clarification.asked_by_id, clarification.question) == (None, "Quel budget?")


def test_me_delete_keeps_the_proposals_the_user_decided_without_saying_who_decided(api_client):
    user = factories.UserFactory(role=User.Role.COORDINATOR)
    proposal = factories.MatchProposalFactory(status="rejected", reason="Hors sujet.", decided_by=user)
    api_client.force_authenticate(user)

    api_client.post(reverse("me-delete"), {"password": PASSWORD}, format="json")

    proposal.refresh_from_db()
    assert (proposal.decided_by_id, proposal.status, proposal.reason) == (None, "rejected", "Hors sujet.")


def test_me_delete_keeps_the_requests_the_user_made_for_their_firm_without_saying_who_asked(api_client):
    user = factories.UserFactory()
    proposal = factories.MatchProposalFactory(
        requested_by=user, requested_at=timezone.now(), request_note="Nous sommes prêts."
    )
    api_client.force_authenticate(user)

    api_client.post(reverse("me-delete"), {"password": PASSWORD}, format="json")

    proposal.refresh_from_db()
    assert (proposal.requested_by_id, proposal.request_note) == (None, "Nous sommes prêts.")
    assert proposal.is_requested


def test_me_delete_keeps_the_record_of_consents(api_client):
    user = factories.UserFactory()
    consent = services.consent_record(user=user, kind="terms", granted=True)
    api_client.force_authenticate(user)

    api_client.post(reverse("me-delete"), {"password": PASSWORD}, format="json")

    assert list(Consent.objects.filter(user=user)) == [consent]


def test_user_pseudonym_is_stable_and_distinct_per_account():
    first, second = factories.UserFactory(), factories.UserFactory()

    assert services.user_pseudonym(user=first) == services.user_pseudonym(user=User.objects.get(pk=first.pk))
    assert services.user_pseudonym(user=first) != services.user_pseudonym(user=second)


@postgresql_only
@pytest.mark.parametrize(
    "change",
    [
        {"actor_label": "someone-else"},
        {"actor_label": "user-0123456789abcdef", "reason": "Réécrit."},
        {"actor_label": "user-0123456789abcdef", "reason": ""},
        {"actor_label": "user-0123456789abcdef", "reason": ERASED + " "},
        {"reason": ERASED},  # Only once the actor is a pseudonym.
        {"to_state": "closed"},
    ],
)
def test_audit_log_refuses_any_change_but_the_pseudonym_and_the_erased_marker(change):
    user = factories.UserFactory()
    entry = services.audit_record(
        actor=user, obj=factories.OrganizationFactory(), action="publish", reason="Mot."
    )

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(**change)


@postgresql_only
def test_audit_log_lets_a_pseudonymized_entry_lose_its_reason_to_the_erased_marker_only():
    entry = services.audit_record(
        actor=factories.UserFactory(), obj=factories.OrganizationFactory(), action="x", reason="Mot."
    )

    AuditEntry.objects.filter(pk=entry.pk).update(actor_label="user-0123456789abcdef", reason=ERASED)

    entry.refresh_from_db()
    assert entry.reason == ERASED
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(reason="Mot.")  # No way back.


# Consents


def test_consent_create_records_the_current_version(api_client, settings):
    settings.CONSENT_VERSIONS = {"terms": "2027-01", "notifications": "2026-11"}
    user = factories.UserFactory()
    api_client.force_authenticate(user)

    response = api_client.post(
        reverse("me-consents"), {"kind": "terms", "granted": True, "version": "2027-01"}
    )

    assert response.status_code == 201
    assert (response.json()["kind"], response.json()["version"], response.json()["granted"]) == (
        "terms",
        "2027-01",
        True,
    )
    assert Consent.objects.get().user == user


def test_consent_create_refuses_an_outdated_version(api_client, settings):
    settings.CONSENT_VERSIONS = {"terms": "2027-01", "notifications": "2026-11"}
    api_client.force_authenticate(factories.UserFactory())

    response = api_client.post(
        reverse("me-consents"),
        {"kind": "terms", "granted": True, "version": "2026-11"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert "2027-01" in response.json()["version"][0]
    assert not Consent.objects.exists()


def test_consent_list_shows_the_users_own_history_newest_first_and_the_current_versions(api_client, settings):
    settings.CONSENT_VERSIONS = {"terms": "2027-01", "notifications": "2026-11"}
    user = factories.UserFactory()
    services.consent_record(user=user, kind="terms", granted=True)
    services.consent_record(user=user, kind="notifications", granted=False)
    services.consent_record(user=factories.UserFactory(), kind="terms", granted=True)
    api_client.force_authenticate(user)

    body = api_client.get(reverse("me-consents")).json()

    assert body["current_versions"] == {"terms": "2027-01", "notifications": "2026-11"}
    assert [(c["kind"], c["granted"]) for c in body["consents"]] == [
        ("notifications", False),
        ("terms", True),
    ]


def test_consent_withdrawn_for_notifications_stops_notification_emails():
    user = factories.UserFactory(email_frequency=User.EmailFrequency.IMMEDIATE)

    services.consent_record(user=user, kind="notifications", granted=False)

    user.refresh_from_db()
    assert user.email_frequency == User.EmailFrequency.OFF


@postgresql_only
def test_consents_cannot_be_changed_or_deleted():
    consent = services.consent_record(user=factories.UserFactory(), kind="terms", granted=True)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Consent.objects.filter(pk=consent.pk).update(granted=False)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Consent.objects.filter(pk=consent.pk).delete()


# The register of confidentiality incidents


@pytest.fixture
def administrator(db) -> User:
    return factories.UserFactory(role=User.Role.ADMINISTRATOR, is_staff=True)


def incident(**kwargs) -> ConfidentialityIncident:
    values = {
        "occurred_at": timezone.make_aware(datetime.datetime(2026, 11, 2, 9, 30)),
        "discovered_at": timezone.make_aware(datetime.datetime(2026, 11, 3, 14, 0)),
        "description": "Courriel envoyé au mauvais destinataire.",
        "personal_information": "Nom et courriel d'une personne-ressource.",
        "people_affected": 1,
        "risk_of_serious_injury": False,
        "risk_assessment": "=Faible: information de contact professionnelle.",
        "measures_taken": "Le destinataire a supprimé le courriel.",
        "reported_to_commission_at": None,
        "people_notified_at": datetime.date(2026, 11, 4),
    }
    return factories.ConfidentialityIncidentFactory(**{**values, **kwargs})


@pytest.mark.parametrize("role", [User.Role.COORDINATOR, User.Role.VENDOR_MEMBER])
def test_incident_export_refuses_everyone_but_administrators(api_client, role):
    api_client.force_authenticate(factories.UserFactory(role=role))

    assert api_client.get(reverse("confidentiality-incident-export")).status_code == 403


def test_incident_export_streams_the_register_as_csv_for_administrators(api_client, administrator, csv_rows):
    recorded = incident(recorded_by=administrator)
    api_client.force_authenticate(administrator)

    response = api_client.get(reverse("confidentiality-incident-export"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, row = csv_rows(response)
    assert header[:3] == ["Number", "Occurred at", "Discovered at"]
    assert row[0] == str(recorded.pk)
    assert row[2].startswith("2026-11-03T14:00")
    assert row[5:8] == ["1", "no", "'=Faible: information de contact professionnelle."]
    assert row[9:12] == ["", "2026-11-04", administrator.username]


def test_incident_admin_is_open_to_administrators_only(client, administrator):
    coordinator_staff = factories.UserFactory(role=User.Role.COORDINATOR, is_staff=True, is_superuser=False)
    url = reverse("admin:hub_confidentialityincident_changelist")

    client.force_login(coordinator_staff)
    refused = client.get(url)
    client.force_login(administrator)
    allowed = client.get(url)

    assert refused.status_code == 403
    assert allowed.status_code == 200


def test_incident_admin_records_who_filled_the_entry_in(client, administrator):
    client.force_login(administrator)

    response = client.post(
        reverse("admin:hub_confidentialityincident_add"),
        {
            "discovered_at_0": "2026-11-03",
            "discovered_at_1": "14:00",
            "occurred_at_0": "",
            "occurred_at_1": "",
            "description": "Perte d'un portable.",
            "personal_information": "Courriels de PME.",
            "people_affected": "12",
            "risk_assessment": "",
            "measures_taken": "Effacement à distance.",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert ConfidentialityIncident.objects.get().recorded_by == administrator


def test_incident_admin_exports_the_selected_entries_as_csv(client, administrator, csv_rows):
    first, _second = incident(), incident(description="Autre.")
    client.force_login(administrator)

    response = client.post(
        reverse("admin:hub_confidentialityincident_changelist"),
        {"action": "export_csv", "_selected_action": [first.pk]},
    )

    assert response.status_code == 200
    rows = csv_rows(response)
    assert [row[0] for row in rows[1:]] == [str(first.pk)]


def test_incident_cannot_be_discovered_before_it_occurred():
    entry = ConfidentialityIncident(
        occurred_at=timezone.now(),
        discovered_at=timezone.now() - datetime.timedelta(days=1),
        description="x",
        personal_information="y",
    )

    with translation.override("en"):
        with pytest.raises(ValidationError) as error:
            entry.full_clean()
        message = str(error.value.message_dict["discovered_at"][0])  # Lazy: read while English is active.

    assert "cannot be discovered before" in message
