import datetime

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from hub.models import Notification, User


def notification_list(*, user: User) -> QuerySet[Notification]:
    """The user's own notifications, unread first, then newest first."""
    unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    return Notification.objects.filter(user=user).order_by(unread.desc(), "-created_at", "-id")


def notification_get(*, user: User, notification_id: int) -> Notification:
    return get_object_or_404(notification_list(user=user), pk=notification_id)


# A digest lists the last week at most: older notifications that never went out (emails were off
# at the time, or the mail server was down for days) are stale news by now.
DIGEST_LOOKBACK = datetime.timedelta(days=7)


def notification_digest_pending(*, user: User, until: datetime.datetime) -> QuerySet[Notification]:
    """The user's notifications created before `until` and not emailed yet, oldest first."""
    return Notification.objects.filter(_digest_pending(until), user=user).order_by("created_at", "id")


def notification_digest_recipients(*, until: datetime.datetime) -> QuerySet[User]:
    """Active users with an email address who chose the daily digest and have notifications pending."""
    pending = Notification.objects.filter(_digest_pending(until), user=OuterRef("pk"))
    return (
        User.objects.filter(is_active=True, email_frequency=User.EmailFrequency.DAILY_DIGEST)
        .exclude(email="")
        .filter(Exists(pending))
        .order_by("pk")
    )


def _digest_pending(until: datetime.datetime) -> Q:
    return Q(emailed_at__isnull=True, created_at__lt=until, created_at__gte=until - DIGEST_LOOKBACK)
