from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from hub.models import AuditEntry, Notification, User


def notification_create(
    *, user: User, kind: str, title: str, body: str = "", url: str = "", dedupe_key: str
) -> tuple[Notification, bool]:
    """Record an in-app notification once per (user, dedupe_key); return it and whether it is new.

    The texts are stored as given: callers write them in the recipient's preferred language."""
    return Notification.objects.get_or_create(
        user=user,
        dedupe_key=dedupe_key,
        defaults={
            "kind": kind,
            "title": Truncator(title).chars(Notification._meta.get_field("title").max_length),
            "body": body,
            "url": url,
        },
    )


def notification_mark_read(*, notification: Notification, user: User) -> Notification:
    """Mark as read; the first reading time is kept when it is marked again."""
    if notification.user_id != user.pk:
        raise PermissionDenied(_("You can only mark your own notifications as read."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def audit_record(
    *, actor: User | None, obj: models.Model, action: str, from_state: str = "", to_state: str = "", reason: str = ""
) -> AuditEntry:
    """Append one entry to the audit log, in the caller's transaction."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=actor.get_username() if actor is not None and actor.is_authenticated else "system",
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
    )


def notify(
    *, users: Iterable[User], kind: str, dedupe_key: str, render: Callable[[], tuple[str, str]], url: str = ""
) -> int:
    """Notify each active user once per dedupe_key, in their own language; return how many are new.

    `render` is called under each recipient's language and returns (title, body)."""
    created_count = 0
    for user in {user.pk: user for user in users if user.is_active}.values():
        with translation.override(user.preferred_language):
            title, body = render()
        _notification, created = notification_create(
            user=user, kind=kind, title=title, body=body, url=url, dedupe_key=dedupe_key
        )
        created_count += created
    return created_count
