import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from hub import services
from hub.models import AuditEntry, User
from tests import factories

pytestmark = pytest.mark.django_db


def record(*, actor: User | None = None, obj=None, action: str = "publish", reason: str = "") -> AuditEntry:
    return services.audit_record(
        actor=actor,
        obj=obj if obj is not None else factories.OrganizationFactory(),
        action=action,
        from_state="submitted",
        to_state="published",
        reason=reason,
    )


@pytest.mark.parametrize("role", [User.Role.VENDOR_MEMBER, User.Role.MINISTRY_MEMBER])
@pytest.mark.parametrize("url_name", ["audit-list", "audit-export"])
def test_audit_refuses_vendor_and_ministry_members(api_client, role, url_name):
    api_client.force_authenticate(factories.UserFactory(role=role))

    response = api_client.get(reverse(url_name))

    assert response.status_code == 403


@pytest.mark.parametrize("url_name", ["audit-list", "audit-export"])
def test_audit_refuses_anonymous_users(api_client, url_name):
    response = api_client.get(reverse(url_name))

    assert response.status_code in (401, 403)


@pytest.mark.parametrize("role", [User.Role.COORDINATOR, User.Role.ADMINISTRATOR])
def test_audit_list_shows_entries_to_coordinators_and_administrators(api_client, role):
    entry = record(reason="Complet.")
    api_client.force_authenticate(factories.UserFactory(role=role))

    response = api_client.get(reverse("audit-list"))

    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert response.json()["results"][0] == {
        "id": entry.id,
        "created_at": response.json()["results"][0]["created_at"],
        "actor": None,
        "actor_label": "system",
        "object_type": "organization",
        "object_id": entry.object_id,
        "action": "publish",
        "from_state": "submitted",
        "to_state": "published",
        "reason": "Complet.",
        "on_behalf_of": "",
    }


def test_audit_list_filters_by_object_and_actor(api_client, coordinator):
    organization = factories.OrganizationFactory()
    wanted = record(actor=coordinator, obj=organization)
    record(actor=coordinator)  # Another organization.
    record(obj=organization)  # Another actor.
    api_client.force_authenticate(coordinator)

    response = api_client.get(
        reverse("audit-list"),
        {"object_type": "organization", "object_id": organization.id, "actor": coordinator.id},
    )

    assert [item["id"] for item in response.json()["results"]] == [wanted.id]


def test_audit_list_filters_by_days_in_the_site_time_zone(api_client, coordinator):
    entry = record()
    today = timezone.localdate()
    api_client.force_authenticate(coordinator)

    today_only = api_client.get(reverse("audit-list"), {"date_from": today, "date_to": today})
    from_tomorrow = api_client.get(reverse("audit-list"), {"date_from": today + datetime.timedelta(days=1)})
    until_yesterday = api_client.get(reverse("audit-list"), {"date_to": today - datetime.timedelta(days=1)})

    assert [item["id"] for item in today_only.json()["results"]] == [entry.id]
    assert from_tomorrow.json()["count"] == 0
    assert until_yesterday.json()["count"] == 0


def test_audit_list_lists_newest_first_and_paginates(api_client, coordinator):
    entries = [record() for _ in range(3)]
    api_client.force_authenticate(coordinator)

    response = api_client.get(reverse("audit-list"), {"page_size": 2})

    assert response.json()["count"] == 3
    assert [item["id"] for item in response.json()["results"]] == [entries[2].id, entries[1].id]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"date_from": "2026-13-01"}, "date_from"),
        ({"date_from": "2026-03-02", "date_to": "2026-03-01"}, "date_to"),
        ({"object_id": "abc"}, "object_id"),
        ({"actor": "0"}, "actor"),
    ],
)
def test_audit_list_refuses_invalid_filters(api_client, coordinator, params, field):
    api_client.force_authenticate(coordinator)

    response = api_client.get(reverse("audit-list"), params, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert field in response.json()


def test_audit_offers_no_way_to_write(api_client, coordinator):
    entry = record()
    api_client.force_authenticate(coordinator)

    responses = [
        api_client.post(reverse("audit-list"), {"reason": "x"}, format="json"),
        api_client.patch(reverse("audit-list"), {"reason": "x"}, format="json"),
        api_client.delete(reverse("audit-list")),
        api_client.post(reverse("audit-export"), {}, format="json"),
    ]

    assert [response.status_code for response in responses] == [405, 405, 405, 405]
    assert AuditEntry.objects.get(pk=entry.pk).reason == ""


def test_audit_export_streams_a_csv_for_excel_with_a_header_row(api_client, coordinator, csv_rows):
    entry = record(actor=coordinator, reason="Budget confirmé; échéance réaliste.")
    api_client.force_authenticate(coordinator)

    response = api_client.get(reverse("audit-export"), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-log-')
    header, *rows = csv_rows(response)
    assert header == [
        "When",
        "Actor id",
        "Actor",
        "Object type",
        "Object id",
        "Action",
        "Previous state",
        "New state",
        "Reason",
        "On behalf of",
    ]
    assert rows == [
        [
            timezone.localtime(entry.created_at).isoformat(timespec="seconds"),
            str(coordinator.id),
            coordinator.username,
            "organization",
            str(entry.object_id),
            "publish",
            "submitted",
            "published",
            "Budget confirmé; échéance réaliste.",
            "",
        ]
    ]


def test_audit_export_applies_the_same_filters(api_client, coordinator, csv_rows):
    organization = factories.OrganizationFactory()
    wanted = record(obj=organization)
    record()
    api_client.force_authenticate(coordinator)

    response = api_client.get(
        reverse("audit-export"), {"object_type": "organization", "object_id": organization.id}
    )

    _header, *rows = csv_rows(response)
    assert [row[4] for row in rows] == [str(wanted.object_id)]


def test_audit_export_refuses_invalid_filters_as_json(api_client, coordinator):
    api_client.force_authenticate(coordinator)

    response = api_client.get(reverse("audit-export"), {"date_to": "hier"}, HTTP_ACCEPT="text/csv")

    assert response.status_code == 400
    assert "date_to" in response.json()


def test_audit_export_keeps_a_formula_from_running_in_a_spreadsheet(api_client, coordinator, csv_rows):
    record(reason='=HYPERLINK("http://example.com","clic")')
    api_client.force_authenticate(coordinator)

    response = api_client.get(reverse("audit-export"))

    _header, row = csv_rows(response)
    assert row[8] == '\'=HYPERLINK("http://example.com","clic")'


@pytest.mark.skipif(connection.vendor != "postgresql", reason="The trigger exists on PostgreSQL only.")
def test_audit_entries_cannot_be_updated_even_by_a_queryset():
    entry = record(reason="Complet.")

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(reason="Réécrit.")

    assert AuditEntry.objects.get(pk=entry.pk).reason == "Complet."


@pytest.mark.skipif(connection.vendor != "postgresql", reason="The trigger exists on PostgreSQL only.")
def test_audit_entries_cannot_be_updated_by_raw_sql():
    entry = record(reason="Complet.")

    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE hub_auditentry SET reason = 'Réécrit.' WHERE id = %s", [entry.pk])

    assert AuditEntry.objects.get(pk=entry.pk).reason == "Complet."


@pytest.mark.skipif(connection.vendor != "postgresql", reason="The trigger exists on PostgreSQL only.")
def test_audit_entries_cannot_be_deleted():
    entry = record()

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()

    assert AuditEntry.objects.filter(pk=entry.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="The trigger exists on PostgreSQL only.")
def test_audit_entry_cannot_be_given_to_another_actor(coordinator):
    entry = record(actor=coordinator)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(actor=factories.UserFactory())


def test_audit_export_names_the_party_a_coordinator_acted_for(api_client, coordinator, csv_rows):
    services.audit_record(
        actor=coordinator,
        obj=factories.OrganizationFactory(),
        action="close",
        reason="Absent.",
        on_behalf_of="Ministère de la Cybersécurité",
    )
    api_client.force_authenticate(coordinator)

    listed = api_client.get(reverse("audit-list"))
    _header, row = csv_rows(api_client.get(reverse("audit-export")))

    assert listed.data["results"][0]["on_behalf_of"] == "Ministère de la Cybersécurité"
    assert row[9] == "Ministère de la Cybersécurité"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="The trigger exists on PostgreSQL only.")
def test_audit_entry_cannot_change_whom_it_was_done_for(coordinator):
    entry = services.audit_record(
        actor=coordinator, obj=factories.OrganizationFactory(), action="close", on_behalf_of="Ministère A"
    )

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(on_behalf_of="")

    assert AuditEntry.objects.get(pk=entry.pk).on_behalf_of == "Ministère A"


def test_deleting_a_user_keeps_their_audit_entries_with_their_name(coordinator):
    entry = record(actor=coordinator, reason="Complet.")
    username = coordinator.username

    coordinator.delete()

    entry = AuditEntry.objects.get(pk=entry.pk)
    assert entry.actor is None
    assert (entry.actor_label, entry.reason) == (username, "Complet.")


@pytest.fixture
def admin_client_for_audit(client):
    client.force_login(factories.UserFactory(role=User.Role.ADMINISTRATOR, is_staff=True, is_superuser=True))
    return client


def test_audit_admin_lists_and_shows_entries(admin_client_for_audit):
    entry = record(reason="Complet.")

    changelist = admin_client_for_audit.get(reverse("admin:hub_auditentry_changelist"))
    detail = admin_client_for_audit.get(reverse("admin:hub_auditentry_change", args=[entry.pk]))

    assert changelist.status_code == 200
    assert detail.status_code == 200
    assert b"Complet." in detail.content
    assert b'name="_save"' not in detail.content


def test_audit_admin_refuses_to_add_change_or_delete(admin_client_for_audit):
    entry = record(reason="Complet.")

    add = admin_client_for_audit.get(reverse("admin:hub_auditentry_add"))
    change = admin_client_for_audit.post(
        reverse("admin:hub_auditentry_change", args=[entry.pk]), {"reason": "Réécrit."}
    )
    delete = admin_client_for_audit.post(
        reverse("admin:hub_auditentry_delete", args=[entry.pk]), {"post": "yes"}
    )
    bulk_delete = admin_client_for_audit.post(
        reverse("admin:hub_auditentry_changelist"),
        {"action": "delete_selected", "_selected_action": [entry.pk]},
    )

    assert (add.status_code, change.status_code, delete.status_code) == (403, 403, 403)
    assert bulk_delete.status_code in (200, 302)
    assert AuditEntry.objects.get(pk=entry.pk).reason == "Complet."
