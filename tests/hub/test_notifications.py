import datetime
import importlib

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from hub import services
from hub.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db


def notify(user, *, dedupe_key: str = "challenge-match:1", title: str = "Nouveau défi") -> Notification:
    notification, _created = services.notification_create(
        user=user,
        kind=Notification.Kind.CHALLENGE_MATCH,
        title=title,
        body="",
        url="/fr/",
        dedupe_key=dedupe_key,
    )
    return notification


def test_notification_create_records_the_language_its_texts_are_in():
    user = factories.UserFactory(preferred_language="en")

    notification, _created = services.notification_create(
        user=user,
        kind=Notification.Kind.CHALLENGE_MATCH,
        title="New challenge",
        dedupe_key="challenge-match:8",
    )

    assert notification.language == "en"


def test_notification_create_is_idempotent_on_the_dedupe_key():
    user = factories.UserFactory()

    first, first_created = services.notification_create(
        user=user, kind=Notification.Kind.CHALLENGE_MATCH, title="Un", dedupe_key="challenge-match:7"
    )
    second, second_created = services.notification_create(
        user=user, kind=Notification.Kind.CHALLENGE_MATCH, title="Deux", dedupe_key="challenge-match:7"
    )

    assert (first_created, second_created) == (True, False)
    assert second.pk == first.pk
    assert Notification.objects.filter(user=user).count() == 1


def test_notification_create_shortens_a_title_too_long_to_store():
    user = factories.UserFactory()

    notification = notify(user, title="é" * 400)

    notification.refresh_from_db()
    assert len(notification.title) == 255


def test_notification_list_shows_only_the_users_own_notifications(api_client):
    user, other = factories.UserFactory(), factories.UserFactory()
    own = notify(user)
    notify(other)
    api_client.force_authenticate(user)

    response = api_client.get(reverse("notification-list"))

    assert response.status_code == 200
    assert response.data["count"] == 1
    assert [item["id"] for item in response.data["results"]] == [own.id]


def test_notification_list_puts_unread_first_then_newest(api_client):
    user = factories.UserFactory()
    old_unread = notify(user, dedupe_key="a")
    read = notify(user, dedupe_key="b")
    new_unread = notify(user, dedupe_key="c")
    Notification.objects.filter(pk=old_unread.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=2)
    )
    services.notification_mark_read(notification=read, user=user)
    api_client.force_authenticate(user)

    response = api_client.get(reverse("notification-list"))

    assert [item["id"] for item in response.data["results"]] == [new_unread.id, old_unread.id, read.id]


def test_notification_list_refuses_anonymous_users(api_client):
    response = api_client.get(reverse("notification-list"))

    assert response.status_code in (401, 403)


def test_notification_read_marks_the_notification_read(api_client):
    user = factories.UserFactory()
    notification = notify(user)
    api_client.force_authenticate(user)

    response = api_client.post(reverse("notification-read", args=[notification.id]))

    assert response.status_code == 200
    assert response.data["is_read"] is True
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_notification_read_keeps_the_first_reading_time():
    user = factories.UserFactory()
    notification = services.notification_mark_read(notification=notify(user), user=user)
    first_read_at = notification.read_at

    services.notification_mark_read(notification=notification, user=user)

    notification.refresh_from_db()
    assert notification.read_at == first_read_at


def test_notification_read_answers_404_for_another_users_notification(api_client):
    notification = notify(factories.UserFactory())
    api_client.force_authenticate(factories.UserFactory())

    response = api_client.post(reverse("notification-read", args=[notification.id]))

    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_notification_migration_files_questions_sent_before_their_kind_existed_as_questions_received():
    migration = importlib.import_module("hub.migrations.0013_notification_kind_question_asked")
    question = factories.NotificationFactory(kind="clarification", dedupe_key="clarification-asked:4")
    published = factories.NotificationFactory(kind="clarification", dedupe_key="clarification:4")

    migration.file_waiting_questions_apart(apps, None)

    question.refresh_from_db()
    published.refresh_from_db()
    assert (question.kind, published.kind) == (
        Notification.Kind.QUESTION_ASKED,
        Notification.Kind.CLARIFICATION,
    )


def test_notification_migration_reads_the_language_of_earlier_notifications_from_their_links():
    migration = importlib.import_module("hub.migrations.0014_notification_language")
    english = factories.NotificationFactory(url="/en/challenges/3/")
    french = factories.NotificationFactory(url="/fr/challenges/3/")
    without_link = factories.NotificationFactory(url="")

    migration.language_from_links(apps, None)

    assert [
        n.language
        for n in Notification.objects.filter(pk__in=[english.pk, french.pk, without_link.pk]).order_by("pk")
    ] == ["en", "fr", "fr"]
