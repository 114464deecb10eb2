import datetime

from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from hub import roles
from hub.models import ApiToken, AuditEntry, ConfidentialityIncident, Consent, Invitation, Notification, User
from hub.signals import personal_data_requested


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


def coordinator_list() -> QuerySet[User]:
    """The active users for whom User.is_coordinator holds: coordinators, administrators and superusers."""
    return User.objects.filter(Q(is_superuser=True) | Q(role__in=User.COORDINATOR_ROLES), is_active=True)


def user_acts_on_behalf(*, user: User, members: QuerySet[User]) -> bool:
    """Whether the user is a coordinator doing what a party (whose members these are) normally does itself.

    A party without active members (a catalogue firm nobody joined yet) has nobody who could act or be told:
    the hub manages it directly."""
    return (
        roles.is_coordinator(user)
        and members.filter(is_active=True).exists()
        and not members.filter(pk=user.pk).exists()
    )


def audit_entry_list(
    *,
    object_type: str | None = None,
    object_id: int | None = None,
    actor_id: int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[AuditEntry]:
    """Audit entries, newest first; the dates are whole days in the site's time zone, both included."""
    entries = AuditEntry.objects.all()
    if object_type:
        entries = entries.filter(object_type=object_type)
    if object_id is not None:
        entries = entries.filter(object_id=object_id)
    if actor_id is not None:
        entries = entries.filter(actor_id=actor_id)
    if date_from is not None:
        entries = entries.filter(created_at__gte=_start_of_day(date_from))
    if date_to is not None:
        entries = entries.filter(created_at__lt=_start_of_day(date_to + datetime.timedelta(days=1)))
    return entries.order_by("-created_at", "-id")


def _start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def notification_unread_count(*, user: User) -> int:
    """How many of the user's notifications are unread: the badge next to "Notifications"."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def user_email_pending(*, user: User) -> EmailAddress | None:
    """The address the user is changing to, until its emailed link is opened."""
    return EmailAddress.objects.get_new(user)


def user_email_confirmation_get(*, key: str) -> EmailAddress | None:
    """The pending address that an emailed link's key confirms; None if the key is forged, expired or used."""
    confirmation = EmailConfirmationHMAC.from_key(key)
    return confirmation.email_address if confirmation is not None else None


def consent_list(*, user: User) -> QuerySet[Consent]:
    """The user's record of consents, newest first: the latest of each kind is the one that counts."""
    return Consent.objects.filter(user=user).order_by("-created_at", "-id")


def personal_data_filename() -> str:
    """The name under which personal_data_collect's document is downloaded, from the API or the account page."""
    return f"maillage-personal-data-{timezone.localdate():%Y-%m-%d}.json"


def personal_data_collect(*, user: User) -> dict:
    """All the personal information Maillage holds about the user, as plain data (Law 25: right of access).

    The hub's own tables, plus the sections the other apps add (signals.personal_data_requested)."""
    data = {
        "generated_at": timezone.now(),
        "account": {
            field: getattr(user, field)
            for field in (*User.ACCOUNT_FIELDS, "date_joined", "last_login", "is_active")
        },
        # With an address waiting for its confirmation link, if any.
        "email_addresses": list(
            EmailAddress.objects.filter(user=user).order_by("pk").values("email", "verified")
        ),
        "organizations": list(user.organizations.order_by("name").values("id", "name")),
        "notifications": list(
            Notification.objects.filter(user=user)
            .order_by("created_at", "id")
            .values("id", "kind", "title", "body", "url", "created_at", "read_at", "emailed_at")
        ),
        "consents": list(consent_list(user=user).values("kind", "version", "granted", "created_at")),
        "api_tokens": list(
            api_token_list(user=user).values(
                "id", "label", "prefix", "created_at", "expires_at", "last_used_at"
            )
        ),
        "audit_entries": list(
            AuditEntry.objects.filter(actor=user)
            .order_by("created_at", "id")
            .values("id", "created_at", "actor_label", *AuditEntry.CHANGE_FIELDS)
        ),
    }
    for _receiver, sections in personal_data_requested.send(sender=User, user=user):
        data.update(sections)
    return data


def confidentiality_incident_list() -> QuerySet[ConfidentialityIncident]:
    """The register of confidentiality incidents, the latest discovered first."""
    return ConfidentialityIncident.objects.select_related("recorded_by").order_by("-discovered_at", "-id")


# Past this age an email is stale news, like an old notification in a digest (DIGEST_LOOKBACK).
EMAIL_RETRY_LOOKBACK = datetime.timedelta(days=1)


def notification_email_overdue(*, created_before: datetime.datetime) -> QuerySet[Notification]:
    """Notifications that should have gone out by email at once and have not, created in the last
    EMAIL_RETRY_LOOKBACK and before `created_before`, oldest first."""
    return (
        Notification.objects.filter(
            emailed_at__isnull=True,
            created_at__lt=created_before,
            created_at__gte=created_before - EMAIL_RETRY_LOOKBACK,
            user__is_active=True,
            user__email_frequency=User.EmailFrequency.IMMEDIATE,
        )
        .exclude(user__email="")
        .order_by("created_at", "id")
    )


def api_token_list(*, user: User) -> QuerySet[ApiToken]:
    """The user's own tokens, newest first, expired ones included until the next token replaces them."""
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def api_token_get(*, user: User, token_id: int) -> ApiToken:
    return get_object_or_404(api_token_list(user=user), pk=token_id)


def api_token_find(*, key: str) -> ApiToken | None:
    """The token whose key this is, with its user; None when no token has this key (never had, or deleted)."""
    return ApiToken.objects.select_related("user").filter(digest=ApiToken.digest_of(key)).first()


def invitation_pending_list(
    *, invitation_model: type[Invitation], party: roles.Party
) -> QuerySet[Invitation]:
    """The party's invitations that can still be accepted, newest first."""
    return invitation_model.objects.filter(
        **{invitation_model.PARTY_FIELD: party},
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("invited_by")


def invitation_find(*, invitation_model: type[Invitation], key: str) -> Invitation | None:
    """The invitation whose emailed key this is, whatever its state (hub.services.invitation_check says)."""
    return (
        invitation_model.objects.select_related(invitation_model.PARTY_FIELD)
        .filter(digest=invitation_model.digest_of(key))
        .first()
    )


def invitation_get(
    *, invitation_model: type[Invitation], party: roles.Party, invitation_id: int
) -> Invitation:
    return get_object_or_404(invitation_model, pk=invitation_id, **{invitation_model.PARTY_FIELD: party})
