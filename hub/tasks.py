import datetime
import smtplib

from celery import shared_task
from django.utils import timezone

from hub.models import Notification, User

# Transient failures of the mail server or the network (a connect timeout is not a ConnectionError,
# hence TimeoutError); anything else is a bug and is not retried.
MAIL_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError)


@shared_task(
    name="hub.notification_email",
    autoretry_for=MAIL_ERRORS,
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
)
def notification_email_task(notification_id: int) -> bool:
    from hub.services import notification_email

    notification = Notification.objects.filter(pk=notification_id).first()
    if notification is None:
        return False  # Deleted after it was queued.
    return notification_email(notification=notification)  # Locks and checks emailed_at: sends at most once.


@shared_task(name="hub.notifications_digest")
def notifications_digest_task() -> int:
    from hub.services import notifications_digest

    return notifications_digest(until=timezone.now())  # Each digest skips what was already emailed.


@shared_task(
    name="hub.notification_digest_send",
    autoretry_for=MAIL_ERRORS,
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
)
def notification_digest_send_task(user_id: int, until: str) -> int:
    from hub.services import notification_digest_send

    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return 0  # Deleted after it was queued.
    # Marks what it sends, under lock: safe to repeat.
    return notification_digest_send(user=user, until=datetime.datetime.fromisoformat(until))


@shared_task(name="hub.notifications_email_requeue")
def notifications_email_requeue_task() -> int:
    from hub.services import notifications_email_requeue

    # Not retried: it runs every few minutes anyway. Each email it queues is sent at most once.
    return notifications_email_requeue(now=timezone.now())
