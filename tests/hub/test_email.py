"""Notification emails: notify(), the immediate email task and the daily digest."""

import datetime
import smtplib
import threading

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hub import services
from hub.models import Notification, User
from hub.tasks import notification_digest_send_task, notification_email_task, notifications_digest_task
from tests import factories

pytestmark = pytest.mark.django_db


def new_challenge_texts() -> tuple[str, str]:
    return _("New challenge: %(title)s") % {"title": "Portail"}, "Date limite : 2027-01-15."


def notify_users(users, *, dedupe_key: str = "challenge-published:1", url: str = "/fr/challenges/1/") -> int:
    return services.notify(
        users=users,
        kind=Notification.Kind.CHALLENGE_PUBLISHED,
        dedupe_key=dedupe_key,
        render=new_challenge_texts,
        url=url,
    )


def in_language(language: str, message: str) -> str:
    with translation.override(language):
        return _(message)


@pytest.fixture
def site_url(settings) -> str:
    settings.SITE_URL = "https://maillage.example.qc.ca"
    return settings.SITE_URL


def test_notify_emails_a_french_user_in_french(site_url, mailoutbox, django_capture_on_commit_callbacks):
    user = factories.UserFactory(preferred_language="fr")

    with django_capture_on_commit_callbacks(execute=True):
        notify_users([user])

    [email] = mailoutbox
    assert email.to == [user.email]
    assert email.subject == "[Maillage] Nouveau défi\xa0: Portail"
    assert email.extra_headers["Content-Language"] == "fr"
    assert "https://maillage.example.qc.ca/fr/challenges/1/" in email.body
    assert in_language("fr", "See it on Maillage:") in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert '<html lang="fr">' in html
    assert 'href="https://maillage.example.qc.ca/fr/challenges/1/"' in html


def test_notify_emails_an_english_user_in_english_with_an_english_link(
    site_url, mailoutbox, django_capture_on_commit_callbacks
):
    user = factories.UserFactory(preferred_language="en")

    with django_capture_on_commit_callbacks(execute=True):
        notify_users([user], url="/fr/challenges/1/")

    [email] = mailoutbox
    assert email.subject == "[Maillage] New challenge: Portail"
    assert email.extra_headers["Content-Language"] == "en"
    assert "See it on Maillage: https://maillage.example.qc.ca/en/challenges/1/" in email.body
    assert '<html lang="en">' in email.alternatives[0][0]
    assert Notification.objects.get(user=user).url == "/en/challenges/1/"


def test_notify_stores_each_notification_in_its_recipients_language():
    french, english = (
        factories.UserFactory(preferred_language="fr"),
        factories.UserFactory(preferred_language="en"),
    )

    notify_users([french, english])

    assert Notification.objects.get(user=french).title == "Nouveau défi\xa0: Portail"
    assert Notification.objects.get(user=english).title == "New challenge: Portail"


def test_notify_counts_each_user_once_and_skips_inactive_users(
    mailoutbox, django_capture_on_commit_callbacks
):
    user = factories.UserFactory()
    inactive = factories.UserFactory(is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        created = notify_users([user, user, inactive])

    assert created == 1
    assert Notification.objects.filter(user=user).count() == 1
    assert not Notification.objects.filter(user=inactive).exists()
    assert len(mailoutbox) == 1


def test_notify_again_with_the_same_dedupe_key_creates_and_emails_nothing(
    mailoutbox, django_capture_on_commit_callbacks
):
    user = factories.UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify_users([user])

    with django_capture_on_commit_callbacks(execute=True):
        created = notify_users([user])

    assert created == 0
    assert len(mailoutbox) == 1


def test_notify_refuses_an_unknown_kind():
    with pytest.raises(ValueError):
        services.notify(
            users=[factories.UserFactory()], kind="nope", dedupe_key="x", render=new_challenge_texts
        )


def test_notify_sends_no_email_before_the_transaction_commits(mailoutbox, django_capture_on_commit_callbacks):
    user = factories.UserFactory()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify_users([user])

    assert len(callbacks) == 1
    assert mailoutbox == []


def test_notify_emails_nobody_who_turned_emails_off(mailoutbox, django_capture_on_commit_callbacks):
    user = factories.UserFactory(email_frequency=User.EmailFrequency.OFF)

    with django_capture_on_commit_callbacks(execute=True):
        created = notify_users([user])

    assert created == 1
    assert mailoutbox == []
    assert Notification.objects.get(user=user).emailed_at is None


def test_notify_leaves_a_daily_digest_user_to_the_digest(mailoutbox, django_capture_on_commit_callbacks):
    user = factories.UserFactory(email_frequency=User.EmailFrequency.DAILY_DIGEST)

    with django_capture_on_commit_callbacks(execute=True):
        notify_users([user])

    assert mailoutbox == []


def test_notify_queues_no_email_for_a_user_without_an_address(mailoutbox, django_capture_on_commit_callbacks):
    user = factories.UserFactory(email="")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        notify_users([user])

    assert callbacks == []
    assert mailoutbox == []


def test_notification_create_emails_too_so_saved_search_alerts_are_emailed(
    mailoutbox, django_capture_on_commit_callbacks
):
    user = factories.UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        services.notification_create(
            user=user,
            kind=Notification.Kind.CHALLENGE_MATCH,
            title="Nouveau défi",
            dedupe_key="challenge-match:3",
        )

    assert [email.subject for email in mailoutbox] == ["[Maillage] Nouveau défi"]


def test_notification_email_task_run_twice_sends_once(mailoutbox):
    notification, _created = services.notification_create(
        user=factories.UserFactory(),
        kind=Notification.Kind.AWARDED,
        title="Contrat attribué",
        dedupe_key="awarded:1",
    )

    first = notification_email_task(notification.id)
    second = notification_email_task(notification.id)

    assert (first, second) == (True, False)
    assert len(mailoutbox) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_notification_email_task_returns_quietly_when_the_notification_is_gone(mailoutbox):
    assert notification_email_task(987654321) is False
    assert mailoutbox == []


def test_notification_email_task_skips_a_user_who_switched_to_the_digest_meanwhile(mailoutbox):
    user = factories.UserFactory()
    notification, _created = services.notification_create(
        user=user, kind=Notification.Kind.AWARDED, title="Contrat attribué", dedupe_key="awarded:1"
    )
    services.user_preferences_update(user=user, email_frequency=User.EmailFrequency.DAILY_DIGEST)

    sent = notification_email_task(notification.id)

    assert sent is False
    assert mailoutbox == []
    notification.refresh_from_db()
    assert notification.emailed_at is None


class FailingBackend(EmailBackend):
    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


def test_notification_email_leaves_the_notification_unsent_when_sending_fails(settings):
    notification, _created = services.notification_create(
        user=factories.UserFactory(),
        kind=Notification.Kind.AWARDED,
        title="Contrat attribué",
        dedupe_key="awarded:1",
    )
    settings.EMAIL_BACKEND = "tests.hub.test_email.FailingBackend"

    with pytest.raises(smtplib.SMTPServerDisconnected):
        services.notification_email(notification=notification)

    notification.refresh_from_db()
    assert notification.emailed_at is None


def test_notification_email_tasks_retry_only_on_mail_server_and_connection_errors():
    expected = {smtplib.SMTPException, ConnectionError, TimeoutError}

    assert set(notification_email_task.autoretry_for) == expected
    assert set(notification_digest_send_task.autoretry_for) == expected


class GatedBackend(EmailBackend):
    """Holds every send until the test releases it, so a second run can race the first."""

    sending = threading.Event()
    release = threading.Event()

    def send_messages(self, messages):
        GatedBackend.sending.set()
        GatedBackend.release.wait(timeout=10)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_notification_email_task_sends_once_when_two_runs_race(settings, mailoutbox):
    settings.EMAIL_BACKEND = "tests.hub.test_email.GatedBackend"
    GatedBackend.sending.clear()
    GatedBackend.release.clear()
    # Created directly: outside a test transaction, notification_create would email it right away.
    notification = factories.NotificationFactory(
        user=factories.UserFactory(),
        kind=Notification.Kind.AWARDED,
        title="Contrat attribué",
        dedupe_key="awarded:1",
    )
    results = []

    def run() -> None:
        try:
            results.append(notification_email_task(notification.id))
        finally:
            connection.close()

    first = threading.Thread(target=run)
    first.start()
    assert GatedBackend.sending.wait(timeout=10)
    second = threading.Thread(target=run)
    second.start()
    second.join(timeout=0.5)
    still_waiting_for_the_lock = second.is_alive()
    GatedBackend.release.set()
    first.join(timeout=10)
    second.join(timeout=10)

    assert still_waiting_for_the_lock
    assert sorted(results) == [False, True]
    assert len(mail.outbox) == 1


def digest_user(**kwargs) -> User:
    return factories.UserFactory(email_frequency=User.EmailFrequency.DAILY_DIGEST, **kwargs)


def add_notification(
    user: User, *, key: str, title: str, age: datetime.timedelta | None = None
) -> Notification:
    notification, _created = services.notification_create(
        user=user,
        kind=Notification.Kind.INTRODUCTION,
        title=title,
        body="",
        url=f"/fr/{key}/",
        dedupe_key=key,
    )
    if age is not None:
        Notification.objects.filter(pk=notification.pk).update(created_at=timezone.now() - age)
    return notification


def test_notifications_digest_sends_one_email_listing_the_pending_notifications(site_url, mailoutbox):
    user = digest_user(preferred_language="fr")
    first = add_notification(user, key="introduction:1", title="Mise en relation avec Firme 1")
    second = add_notification(user, key="introduction:2", title="Mise en relation avec Firme 2")

    notifications_digest_task()

    [email] = mailoutbox
    with translation.override("fr"):
        expected_subject = ngettext(
            "Daily summary: %(count)s new notification", "Daily summary: %(count)s new notifications", 2
        ) % {"count": 2}
    assert email.subject == f"[Maillage] {expected_subject}"
    assert email.extra_headers["Content-Language"] == "fr"
    assert "Mise en relation avec Firme 1" in email.body
    assert "Mise en relation avec Firme 2" in email.body
    assert "https://maillage.example.qc.ca/fr/introduction:2/" in email.body
    assert "Firme 2" in email.alternatives[0][0]
    assert Notification.objects.filter(pk__in=[first.pk, second.pk], emailed_at__isnull=False).count() == 2


def test_notifications_digest_writes_to_an_english_user_in_english(mailoutbox):
    user = digest_user(preferred_language="en")
    add_notification(user, key="introduction:1", title="Introduction to Firm 1")

    notifications_digest_task()

    [email] = mailoutbox
    assert email.subject == "[Maillage] Daily summary: 1 new notification"
    assert "You have 1 new notification on Maillage." in email.body
    assert email.extra_headers["Content-Language"] == "en"


def test_notifications_digest_run_twice_sends_once(mailoutbox):
    user = digest_user()
    add_notification(user, key="introduction:1", title="Mise en relation")

    notifications_digest_task()
    notifications_digest_task()

    assert len(mailoutbox) == 1


def test_notifications_digest_sends_each_digest_user_their_own(mailoutbox):
    alice, bob = digest_user(), digest_user()
    add_notification(alice, key="introduction:1", title="Pour Alice")
    add_notification(bob, key="introduction:2", title="Pour Bob")

    notifications_digest_task()

    assert sorted(email.to[0] for email in mailoutbox) == sorted([alice.email, bob.email])
    assert all(len(email.to) == 1 for email in mailoutbox)


def test_notifications_digest_skips_immediate_and_off_users(mailoutbox):
    immediate = factories.UserFactory(email_frequency=User.EmailFrequency.IMMEDIATE)
    off = factories.UserFactory(email_frequency=User.EmailFrequency.OFF)
    add_notification(immediate, key="introduction:1", title="Immédiat")
    add_notification(off, key="introduction:2", title="Jamais")

    notifications_digest_task()

    assert mailoutbox == []


def test_notifications_digest_leaves_out_notifications_already_emailed_or_older_than_a_week(mailoutbox):
    user = digest_user()
    emailed = add_notification(user, key="introduction:1", title="Déjà envoyé")
    Notification.objects.filter(pk=emailed.pk).update(emailed_at=timezone.now())
    stale = add_notification(user, key="introduction:2", title="Trop vieux", age=datetime.timedelta(days=8))
    add_notification(user, key="introduction:3", title="Récent", age=datetime.timedelta(hours=20))

    notifications_digest_task()

    [email] = mailoutbox
    assert "Récent" in email.body
    assert "Déjà envoyé" not in email.body
    assert "Trop vieux" not in email.body
    stale.refresh_from_db()
    assert stale.emailed_at is None


def test_notifications_digest_is_scheduled_every_morning_at_seven(settings):
    entry = next(e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "hub.notifications_digest")

    assert entry["schedule"].hour == {7}
    assert entry["schedule"].minute == {0}
    assert settings.CELERY_TIMEZONE == "America/Toronto"
