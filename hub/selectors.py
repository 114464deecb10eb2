from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.shortcuts import get_object_or_404

from hub.models import Notification, User


def notification_list(*, user: User) -> QuerySet[Notification]:
    """The user's own notifications, unread first, then newest first."""
    unread = ExpressionWrapper(Q(read_at__isnull=True), output_field=BooleanField())
    return Notification.objects.filter(user=user).order_by(unread.desc(), "-created_at", "-id")


def notification_get(*, user: User, notification_id: int) -> Notification:
    return get_object_or_404(notification_list(user=user), pk=notification_id)
