import datetime
import logging
import re
import secrets
import smtplib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

# allauth's own flow, pinned in pyproject.toml: the rate-limited sending that add_new_email also uses.
from allauth.account import app_settings as allauth_account_settings
from allauth.account.internal.flows.email_verification import send_verification_email_to_address
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.core import context as allauth_context
from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import models, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hub import roles, selectors
from hub.links import page_url
from hub.models import ApiToken, AuditEntry, Consent, Invitation, Notification, OrganizationInvitation, User
from hub.security import login_failure_record, signed_in_recently
from hub.signals import personal_data_erase_requested
from hub.tasks import notification_digest_send_task, notification_email_task

logger = logging.getLogger(__name__)


def notification_create(
    *, user: User, kind: str, title: str, body: str = "", url: str = "", dedupe_key: str
) -> tuple[Notification, bool]:
    """Record an in-app notification once per (user, dedupe_key); return it and whether it is new.

    The texts are stored as given: callers write them in the recipient's preferred language.
    A new notification is also emailed after commit when the recipient wants emails immediately;
    this is the one place that decides it, for every caller."""
    notification, created = Notification.objects.get_or_create(
        user=user,
        dedupe_key=dedupe_key,
        defaults={
            "kind": kind,
            "title": Truncator(title).chars(Notification._meta.get_field("title").max_length),
            "body": body,
            "url": url,
            "language": user.preferred_language,
        },
    )
    if created and user.email and user.email_frequency == User.EmailFrequency.IMMEDIATE:
        # Robust: a broker outage must not fail the workflow write that was just committed (the email is
        # then sent by notifications_email_requeue). A signature's bound `delay`, not a partial: Django
        # 5.2 logs a failing robust callback by its __qualname__, which a partial lacks, so the error
        # would escape after all (Django ticket #36487).
        transaction.on_commit(notification_email_task.si(notification.pk).delay, robust=True)
    return notification, created


def notify(
    *, users: Iterable[User], kind: str, dedupe_key: str, render: Callable[[], tuple[str, str]], url: str = ""
) -> int:
    """Notify each distinct active user once per dedupe_key, in their own language; return how many are new.

    `render` returns (title, body) and is called under each recipient's language (once per language).
    A site path in `url` ("/fr/challenges/12/") is given each recipient's language prefix.
    Emails follow each recipient's preference (see notification_create). Safe to repeat."""
    if kind not in Notification.Kind.values:
        raise ValueError(f"Unknown notification kind {kind!r}; add it to Notification.Kind first.")
    texts_by_language: dict[str, tuple[str, str]] = {}
    created_count = 0
    for user in {user.pk: user for user in users if user.is_active}.values():
        language = user.preferred_language
        if language not in texts_by_language:
            with translation.override(language):
                texts_by_language[language] = render()
        title, body = texts_by_language[language]
        _notification, created = notification_create(
            user=user,
            kind=kind,
            title=title,
            body=body,
            url=_path_in_language(url, language),
            dedupe_key=dedupe_key,
        )
        created_count += created
    return created_count


def _path_in_language(url: str, language: str) -> str:
    """ "/fr/challenges/12/" becomes "/en/challenges/12/" for an English reader; other links are kept."""
    for code, _name in settings.LANGUAGES:
        if url.startswith(f"/{code}/"):
            return f"/{language}/{url[len(code) + 2 :]}"
    return url


def notification_mark_read(*, notification: Notification, user: User) -> Notification:
    """Mark as read; the first reading time is kept when it is marked again."""
    if notification.user_id != user.pk:
        raise PermissionDenied(_("You can only mark your own notifications as read."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notification_email(*, notification: Notification) -> bool:
    """Email one notification to its recipient, if they want emails immediately; return whether it was sent.

    Sent at most once, however many times or concurrently this runs (see the comment inside)."""
    with transaction.atomic():
        # The row stays locked until commit, so a concurrent run or a retry waits here and then
        # finds `emailed_at` set. `emailed_at` is written before sending but is visible only at
        # commit: if sending raises, the transaction rolls back and a retry still finds the
        # notification unsent. Trade-offs: (1) if the mail server accepted the message and the
        # commit then fails (database lost, worker killed), a retry sends it again; a mail server
        # and a database cannot commit together, and a rare duplicate beats a lost email.
        # (2) Marking this notification read waits for the lock meanwhile; EMAIL_TIMEOUT bounds it.
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=notification.pk)
            .first()
        )
        if notification is None or notification.emailed_at is not None:
            return False
        user = notification.user
        if not _wants_email(user, frequency=User.EmailFrequency.IMMEDIATE):
            return False
        with translation.override(user.preferred_language):
            message = _email_message(
                user=user,
                subject=notification.title,
                template="notification",
                context={"notification": notification, "link": _absolute_url(notification.url)},
            )
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
        message.send()
    return True


def notifications_digest(*, until: datetime.datetime) -> int:
    """Queue one digest email for each user who wants a daily digest and has notifications to list; return how many."""
    user_ids = list(selectors.notification_digest_recipients(until=until).values_list("pk", flat=True))
    for user_id in user_ids:
        notification_digest_send_task.delay(user_id, until.isoformat())
    return len(user_ids)


def notification_digest_send(*, user: User, until: datetime.datetime) -> int:
    """Email the user one digest of their notifications not emailed yet, then mark them emailed; return how many.

    Locks the listed rows like notification_email: a second or concurrent run finds nothing left."""
    if not _wants_email(user, frequency=User.EmailFrequency.DAILY_DIGEST):
        return 0
    with transaction.atomic():
        notifications = list(
            selectors.notification_digest_pending(user=user, until=until).select_for_update()
        )
        if not notifications:
            return 0
        with translation.override(user.preferred_language):
            message = _email_message(
                user=user,
                subject=ngettext(
                    "Daily summary: %(count)s new notification",
                    "Daily summary: %(count)s new notifications",
                    len(notifications),
                )
                % {"count": len(notifications)},
                template="digest",
                context={
                    "notifications": [
                        {"notification": notification, "link": _absolute_url(notification.url)}
                        for notification in notifications
                    ]
                },
            )
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=timezone.now())
        message.send()
    return len(notifications)


def _wants_email(user: User, *, frequency: str) -> bool:
    return user.is_active and bool(user.email) and user.email_frequency == frequency


def _absolute_url(url: str) -> str:
    return settings.SITE_URL + url if url.startswith("/") else url


def _email_message(
    *, user: User | None, subject: str, template: str, context: dict, to: str = ""
) -> EmailMultiAlternatives:
    """Render hub/email/<template>.txt and .html in the active language, for the user or the address `to`."""
    context = {"user": user, "site_url": settings.SITE_URL, **context}
    message = EmailMultiAlternatives(
        # A header cannot span lines; the no-break spaces of French typography stay (str.split() would drop them).
        subject="[Maillage] " + re.sub(r"[ \t\r\n]+", " ", subject).strip(),
        body=render_to_string(f"hub/email/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to or user.email],
        headers={"Content-Language": translation.get_language()},
    )
    message.attach_alternative(render_to_string(f"hub/email/{template}.html", context), "text/html")
    return message


def user_preferences_update(
    *, user: User, preferred_language: str | None = None, email_frequency: str | None = None
) -> User:
    """Change the user's language and how often notifications are emailed; omitted values are kept."""
    fields = []
    if preferred_language is not None:
        languages = [code for code, _name in User._meta.get_field("preferred_language").choices]
        if preferred_language not in languages:
            raise ValidationError(
                {
                    "preferred_language": ValidationError(
                        _("Choose one of these languages: %(choices)s.") % {"choices": ", ".join(languages)},
                        code="invalid_language",
                    )
                }
            )
        user.preferred_language = preferred_language
        fields.append("preferred_language")
    if email_frequency is not None:
        if email_frequency not in User.EmailFrequency.values:
            raise ValidationError(
                {
                    "email_frequency": ValidationError(
                        _("Choose one of these email frequencies: %(choices)s.")
                        % {"choices": ", ".join(User.EmailFrequency.values)},
                        code="invalid_email_frequency",
                    )
                }
            )
        user.email_frequency = email_frequency
        fields.append("email_frequency")
    if fields:
        user.save(update_fields=fields)
    return user


def audit_record(
    *,
    actor: User | None,
    obj: models.Model,
    action: str,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    on_behalf_of: str = "",
) -> AuditEntry:
    """Append one entry to the audit log, in the caller's transaction.

    `on_behalf_of` names the party (a firm, an organization) a coordinator acted for."""
    return AuditEntry.objects.create(
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=actor.get_username() if actor is not None and actor.is_authenticated else "system",
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        action=action,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        on_behalf_of=on_behalf_of,
    )


@dataclass(frozen=True)
class Behalf:
    """A coordinator doing what a party (a firm, an organization) normally does itself: for whom, and why."""

    party: str
    members: models.QuerySet
    reason: str


def behalf_check(
    *, user: User, party: str, members: models.QuerySet, reason: str, reason_field: str = "reason"
) -> Behalf | None:
    """None when the user acts as one of the party's members; a Behalf when a coordinator acts for the party.

    A coordinator must give a reason, which the party is told (a ValidationError on `reason_field` otherwise).
    Whether the user may act at all is the caller's check."""
    if not selectors.user_acts_on_behalf(user=user, members=members):
        return None
    if not reason.strip():
        raise ValidationError(
            {
                reason_field: _(
                    "You are acting on behalf of %(party)s as a hub coordinator: say why. Its members will be "
                    "told, and the audit log keeps the reason."
                )
                % {"party": party}
            },
            code="behalf_reason_required",
        )
    return Behalf(party=party, members=members, reason=reason.strip())


def behalf_notify(
    *, behalf: Behalf | None, actor: User, dedupe_key: str, what: Callable[[], str], url: str = ""
) -> None:
    """Tell the party's members what a coordinator did for them and why; nothing when they acted themselves.

    `what` is called in each recipient's language and returns a sentence, e.g. "Declined « Portail »."."""
    if behalf is None:
        return
    coordinator = actor.get_full_name() or actor.get_username()
    notify(
        users=behalf.members,
        kind=Notification.Kind.ON_BEHALF,
        dedupe_key=dedupe_key,
        render=lambda: (
            _("A hub coordinator acted for %(party)s") % {"party": behalf.party},
            _(
                "%(coordinator)s, a hub coordinator, acted on behalf of %(party)s. %(what)s Reason given: %(reason)s"
            )
            % {"coordinator": coordinator, "party": behalf.party, "what": what(), "reason": behalf.reason},
        ),
        url=url,
    )


def notification_mark_all_read(*, user: User) -> int:
    """Mark every unread notification of the user as read; return how many were unread."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def user_profile_update(
    *, request: HttpRequest, user: User, first_name: str, last_name: str, email: str
) -> User:
    """Change the user's name at once and ask a new email address to confirm itself before it replaces the old one.

    Every value is checked first with the model fields' own validators, the email address also against the other
    accounts: nothing is changed, even in memory, unless all are valid. The email address is required: password
    resets and notification emails go to it. See user_email_change_request for the change of address."""
    values = {"first_name": first_name.strip(), "last_name": last_name.strip(), "email": email.strip()}
    errors: dict[str, list[ValidationError]] = {}
    if not values["email"]:
        errors["email"] = [ValidationError(_("Enter your email address."), code="email_required")]
    for name, value in values.items():
        if name in errors:
            continue
        try:
            values[name] = User._meta.get_field(name).clean(value, user)
        except ValidationError as error:
            errors[name] = error.error_list
    if "email" not in errors and _email_taken(email=values["email"], user=user):
        errors["email"] = [_email_taken_error()]
    if errors:
        raise ValidationError(errors)
    user.first_name, user.last_name = values["first_name"], values["last_name"]
    user.save(update_fields=["first_name", "last_name"])
    if values["email"].lower() != user.email.lower():
        user_email_change_request(request=request, user=user, email=values["email"])
    return user


@transaction.atomic
def user_email_change_request(*, request: HttpRequest, user: User, email: str) -> EmailAddress:
    """Email the new address a signed link that expires (ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS); return it, pending.

    The account keeps its address until the link is opened (user_email_change_confirm): an address nobody
    confirmed never reaches `user.email`. A new request replaces the pending one; asking again for the pending
    address sends its link again (allauth limits how often)."""
    email = User._meta.get_field("email").clean(email.strip(), user).lower()
    if _email_taken(email=email, user=user):
        raise ValidationError({"email": _email_taken_error()})
    try:
        # allauth reads the request from its context (links, limits).
        with allauth_context.request_context(request):
            current = _email_address_current_sync(user=user)
            if current is not None and current.email == email:
                return current  # Already the account's address: nothing to confirm.
            pending = EmailAddress.objects.get_new(user)
            if pending is not None and pending.email == email:
                send_verification_email_to_address(request, pending)
                return pending
            return EmailAddress.objects.add_new_email(request, user, email)
    except (smtplib.SMTPException, OSError) as error:
        # The link could not leave: this error rolls the whole request back (transaction.atomic above).
        logger.warning("Email change not requested, the confirmation email could not be sent: %s", error)
        raise ValidationError(
            {
                "email": _(
                    "The confirmation email could not be sent right now, so your email address did not change. "
                    "Try again in a few minutes."
                )
            },
            code="email_not_sent",
        ) from error


@transaction.atomic
def user_email_change_confirm(*, request: HttpRequest, key: str) -> EmailAddress:
    """Make the confirmed address the account's own; allauth then emails the old address that it changed."""
    confirmation = EmailConfirmationHMAC.from_key(key)
    if confirmation is None:
        raise ValidationError(
            _(
                "This link no longer works: it expired, it was already used, or a newer change replaced it. "
                "Change your email address again from your account page."
            ),
            code="email_confirmation_invalid",
        )
    address = confirmation.email_address
    if _email_taken(email=address.email, user=address.user):
        raise ValidationError({"email": _email_taken_error()})
    with allauth_context.request_context(request):
        _email_address_current_sync(user=address.user)
        if confirmation.confirm(request) is None:
            raise ValidationError({"email": _email_taken_error()})  # Verified by another account meanwhile.
    return address


def _email_taken(*, email: str, user: User) -> bool:
    others = User.objects.exclude(pk=user.pk)
    return (
        others.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email, verified=True).exclude(user_id=user.pk).exists()
    )


def _email_taken_error() -> ValidationError:
    return ValidationError(
        _("Another account already uses this email address. Enter an address of your own."),
        code="email_taken",
    )


@transaction.atomic
def user_email_address_trust(*, user: User) -> None:
    """Before an account made by the hub (admin, invitation, demo, older accounts) signs in for the first time
    through allauth: its address counts as confirmed, since the hub set it. Accounts from the sign-up form
    have their (unconfirmed) record already, so they still confirm it (ACCOUNT_EMAIL_VERIFICATION)."""
    if not EmailAddress.objects.filter(user=user).exists():
        _email_address_current_sync(user=user)


def _email_address_current_sync(*, user: User) -> EmailAddress | None:
    """Give the account's current address its allauth record (primary, verified) if it has none; return it.

    Accounts created outside allauth (admin, demo_setup, tests) have none; without it allauth would not know
    which address to tell of the change. An address on the account was set by the hub or confirmed."""
    current = user.email.strip().lower()
    if not current:
        return None
    stale = EmailAddress.objects.filter(user=user, verified=True).exclude(email=current)
    stale.delete()  # Changed outside allauth, for example in the admin.
    address, _created = EmailAddress.objects.update_or_create(
        user=user, email=current, defaults={"primary": True, "verified": True}
    )
    return address


# Privacy (Quebec's Law 25): consents, and the right to have one's personal information deleted.


def consent_record(*, user: User, kind: str, granted: bool, version: str | None = None) -> Consent:
    """Append the user's consent (or its withdrawal) for the current version of `kind`.

    `version` is the one the user was shown; it must be the current one. Withdrawing the consent to
    notification emails also stops them (email frequency "never")."""
    if kind not in Consent.Kind.values:
        raise ValidationError(
            {
                "kind": _("Choose one of these consents: %(choices)s.")
                % {"choices": ", ".join(Consent.Kind.values)}
            },
            code="invalid_consent_kind",
        )
    current = settings.CONSENT_VERSIONS[kind]
    if version is not None and version != current:
        raise ValidationError(
            {
                "version": _(
                    "This text changed: the current version is %(current)s. Read it again, then answer."
                )
                % {"current": current}
            },
            code="consent_version_outdated",
        )
    consent = Consent.objects.create(user=user, kind=kind, version=current, granted=granted)
    if kind == Consent.Kind.NOTIFICATIONS and not granted and user.email_frequency != User.EmailFrequency.OFF:
        user.email_frequency = User.EmailFrequency.OFF
        user.save(update_fields=["email_frequency"])
    return consent


def _user_delete_without_password_check(*, user: User, email: str, request: HttpRequest | None) -> None:
    if email.strip().casefold() != user.email.casefold():
        raise ValidationError(
            {
                "email": _("Type your account's email address, %(email)s, to confirm the deletion.")
                % {"email": user.email}
            },
            code="wrong_email",
        )
    if request is None or not signed_in_recently(request=request, user=user):
        raise ValidationError(
            {
                "email": _(
                    "For your security, sign out, sign in again with your organization's account, then confirm "
                    "the deletion within %(minutes)s minutes."
                )
                % {"minutes": allauth_account_settings.REAUTHENTICATION_TIMEOUT // 60}
            },
            code="signed_in_too_long_ago",
        )


def user_pseudonym(*, user: User) -> str:
    """The stable pseudonym that replaces an anonymized user's name: always the same for one account.

    A keyed hash of the id (derived from SECRET_KEY), so nobody can recompute it from the id alone.
    The audit log's trigger accepts exactly this shape (hub/migrations/0008)."""
    return "user-" + salted_hmac("hub.privacy.pseudonym", str(user.pk)).hexdigest()[:16]


@transaction.atomic
def user_delete(
    *, user: User, password: str = "", email: str = "", request: HttpRequest | None = None
) -> str:
    """Delete the user's personal information at their request, confirmed by their password; return the pseudonym.
    An account without a password (members who sign in only through their organization's provider) confirms
    by typing its email address, in a session that signed in within the last minutes.

    The account row stays, anonymized, so that what the user did keeps its author in the workflow
    and the audit log: username replaced by the pseudonym, names and email cleared, password
    unusable, account inactive, tokens and sessions removed, memberships, invitations to their address,
    notifications and saved searches deleted. The audit log keeps every entry; its actor label becomes the pseudonym and the
    words the user typed (its reasons) become AuditEntry.REASON_ERASED. The record of consents is kept
    as proof, now tied to the pseudonym. The other apps erase or unlink what they hold
    (signals.personal_data_erase_requested).

    A wrong password counts as a failed sign-in from the request's address (hub.security), so that a stolen
    session cannot be used to guess the password here either."""
    if not user.has_usable_password():
        _user_delete_without_password_check(user=user, email=email, request=request)
    elif not user.check_password(password):
        login_failure_record(request=request, username=user.get_username())
        raise ValidationError(
            {
                "password": _(
                    "The password is incorrect. Enter your current password to confirm the deletion."
                )
            },
            code="wrong_password",
        )
    pseudonym = user_pseudonym(user=user)
    personal_data_erase_requested.send(sender=User, user=user)
    entries = AuditEntry.objects.filter(actor=user)
    entries.exclude(actor_label=pseudonym).update(actor_label=pseudonym)
    # The log keeps who (the pseudonym), what and when; the person's own words go (docs/privacy.md).
    entries.exclude(reason="").update(reason=AuditEntry.REASON_ERASED)
    Notification.objects.filter(user=user).delete()
    EmailAddress.objects.filter(user=user).delete()  # allauth's copies of the address, pending ones included.
    # The link to an organization's sign-in provider keeps the person's identifier and claims (name, address).
    SocialAccount.objects.filter(user=user).delete()
    invitations_to_address_delete(invitation_model=OrganizationInvitation, email=user.email)
    api_tokens_delete(user=user)
    _sessions_delete(user=user)
    user.organizations.clear()
    user.username = pseudonym
    user.first_name = user.last_name = user.email = ""
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.save()
    audit_record(actor=user, obj=user, action="anonymize", reason=AuditEntry.REASON_ANONYMIZED)
    return pseudonym


def _sessions_delete(*, user: User) -> None:
    # Sessions live in the database (the default engine) and are not indexed by user: read them all.
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            session.delete()


# Emails whose task was never queued (broker down at commit) or gave up (mail server down for hours).
EMAIL_OVERDUE_AFTER = datetime.timedelta(minutes=10)


def notifications_email_requeue(*, now: datetime.datetime) -> int:
    """Queue the email of every notification that should have gone out by now; return how many were queued.

    Run periodically. Sending is idempotent (notification_email locks and checks emailed_at), so a
    notification whose first task is merely late is never emailed twice."""
    notification_ids = list(
        selectors.notification_email_overdue(created_before=now - EMAIL_OVERDUE_AFTER).values_list(
            "pk", flat=True
        )
    )
    for notification_id in notification_ids:
        notification_email_task.delay(notification_id)
    return len(notification_ids)


# API tokens

# Writing the last use on every request would cost a write per call; to the minute is precise enough.
API_TOKEN_USE_PRECISION = datetime.timedelta(minutes=1)


def api_token_create(*, user: User, label: str) -> tuple[ApiToken, str]:
    """A new token for one client of the user, valid API_TOKEN_LIFETIME_DAYS; return it with its key.

    The key is returned this once and never stored. The user's expired tokens are deleted on the way."""
    key = secrets.token_urlsafe(32)
    now = timezone.now()
    ApiToken.objects.filter(user=user, expires_at__lte=now).delete()
    token = ApiToken.objects.create(
        user=user,
        label=label,
        prefix=key[: ApiToken.PREFIX_LENGTH],
        digest=ApiToken.digest_of(key),
        created_at=now,
        expires_at=now + datetime.timedelta(days=settings.API_TOKEN_LIFETIME_DAYS),
    )
    return token, key


def api_token_revoke(*, token: ApiToken) -> None:
    token.delete()


def api_tokens_delete(*, user: User) -> int:
    """Delete every token of the user (their password changed): clients sign in again with the new one."""
    deleted, _by_model = ApiToken.objects.filter(user=user).delete()
    return deleted


def api_token_use_record(*, token: ApiToken, now: datetime.datetime) -> None:
    if token.last_used_at is None or now - token.last_used_at >= API_TOKEN_USE_PRECISION:
        token.last_used_at = now
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)


# Invitations and memberships: one set of rules for public organizations (hub.models.OrganizationInvitation) and
# firms (marketplace.models.VendorInvitation). `invitation_model` says which; its party is `party`.


def invitations_to_address_delete(*, invitation_model: type[Invitation], email: str) -> int:
    """Delete the invitations sent to an address (its owner had their personal information deleted)."""
    if not email:
        return 0
    deleted, _by_model = invitation_model.objects.filter(email__iexact=email).delete()
    return deleted


def _party_manage_check(*, user: User, party: roles.Party, invitation_model: type[Invitation]) -> None:
    if not roles.acts_as_member(user, role=invitation_model.MEMBER_ROLE, party=party):
        raise PermissionDenied(
            _("Only the members of %(party)s and the hub's coordinators can manage its members.")
            % {"party": party.name}
        )


def _party_behalf(*, user: User, party: roles.Party) -> str:
    """The party's name for the audit log when a coordinator acts for it."""
    return party.name if selectors.user_acts_on_behalf(user=user, members=party.members.all()) else ""


def _role_mismatch_error(*, invitation_model: type[Invitation], email: str) -> ValidationError:
    role = User.Role(invitation_model.MEMBER_ROLE).label
    return ValidationError(
        _(
            "The account of %(email)s is not a “%(role)s” account, so it cannot join. Invite another address, "
            "or ask the hub's coordinators."
        )
        % {"email": email, "role": role},
        code="invitation_wrong_role",
    )


@transaction.atomic
def invitation_send(
    *, invitation_model: type[Invitation], party: roles.Party, email: str, invited_by: User
) -> tuple[Invitation, str]:
    """Invite `email` to join `party` and email them a single-use link; return the invitation and its key.

    The key is returned this once and only its digest is stored. The email is in the invited person's language
    if they have an account, in the language of the inviter's page otherwise. A pending invitation to the same
    address is replaced (revoked): only the newest link works."""
    _party_manage_check(user=invited_by, party=party, invitation_model=invitation_model)
    email = invitation_model._meta.get_field("email").clean(email.strip(), None).lower()
    if party.members.filter(email__iexact=email).exists():
        raise ValidationError(
            {
                "email": _("%(email)s is already a member of %(party)s.")
                % {"email": email, "party": party.name}
            },
            code="already_member",
        )
    account = User.objects.filter(email__iexact=email).first()
    if account is not None and account.role != invitation_model.MEMBER_ROLE:
        raise ValidationError({"email": _role_mismatch_error(invitation_model=invitation_model, email=email)})
    now = timezone.now()
    selectors.invitation_pending_list(invitation_model=invitation_model, party=party).filter(
        email=email
    ).update(revoked_at=now)
    key = secrets.token_urlsafe(32)
    language = account.preferred_language if account else (translation.get_language() or "fr")[:2]
    invitation = invitation_model.objects.create(
        **{invitation_model.PARTY_FIELD: party},
        email=email,
        invited_by=invited_by,
        language=language,
        digest=invitation_model.digest_of(key),
        created_at=now,
        expires_at=now + datetime.timedelta(days=settings.INVITATION_LIFETIME_DAYS),
    )
    audit_record(
        actor=invited_by,
        obj=invitation,
        action="invite",
        to_state="pending",
        on_behalf_of=_party_behalf(user=invited_by, party=party),
    )
    with translation.override(language):
        message = _email_message(
            user=account,
            to=email,
            subject=_("Invitation to join %(party)s") % {"party": party.name},
            template="invitation",
            context={
                "invitation": invitation,
                "party": party,
                "inviter": invited_by.get_full_name() or invited_by.get_username(),
                "link": _absolute_url(page_url("invitation", key=key)),
            },
        )
    try:
        message.send()
    except (smtplib.SMTPException, OSError) as error:
        # The whole invitation is rolled back: nobody holds a link to it.
        logger.warning("Invitation not sent, the email could not leave: %s", error)
        raise ValidationError(
            {"email": _("The invitation email could not be sent right now. Try again in a few minutes.")},
            code="email_not_sent",
        ) from error
    return invitation, key


def invitation_check(*, invitation: Invitation | None) -> Invitation:
    """The invitation if it can still be accepted; a ValidationError saying why not otherwise."""
    if invitation is None:
        raise ValidationError(
            _(
                "This invitation link does not work. Check that you copied the whole link, or ask a member for "
                "a new invitation."
            ),
            code="invitation_invalid",
        )
    if invitation.accepted_at is not None:
        raise ValidationError(
            _("This invitation was already used. Sign in, or ask a member for a new invitation."),
            code="invitation_used",
        )
    if invitation.revoked_at is not None:
        raise ValidationError(
            _("This invitation was withdrawn. Ask a member of %(party)s for a new one.")
            % {"party": invitation.party.name},
            code="invitation_revoked",
        )
    if invitation.is_expired:
        raise ValidationError(
            _("This invitation expired. Ask a member of %(party)s for a new one.")
            % {"party": invitation.party.name},
            code="invitation_expired",
        )
    return invitation


def _invitation_lock(invitation: Invitation | None) -> Invitation:
    """The invitation, locked until commit and checked: two clicks on one link join once."""
    if invitation is not None:
        invitation = type(invitation).objects.select_for_update().filter(pk=invitation.pk).first()
    return invitation_check(invitation=invitation)


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Invitation:
    """Join the signed-in user to the invitation's party; the address must be theirs and their role fit."""
    invitation = _invitation_lock(invitation)
    if user.email.lower() != invitation.email:
        raise ValidationError(
            _(
                "This invitation was sent to another email address than your account's. Sign out and open the "
                "link again, or ask for an invitation to %(email)s."
            )
            % {"email": user.email},
            code="invitation_wrong_email",
        )
    if user.role != invitation.MEMBER_ROLE:
        raise _role_mismatch_error(invitation_model=type(invitation), email=user.email)
    return _invitation_join(invitation=invitation, user=user)


@transaction.atomic
def invitation_accept_new_account(
    *, invitation: Invitation, first_name: str, last_name: str, password: str
) -> User:
    """Create the invited person's account (the invited address, verified by the link) and join them to the party."""
    invitation = _invitation_lock(invitation)
    email = invitation.email
    if User.objects.filter(models.Q(email__iexact=email) | models.Q(username__iexact=email)).exists():
        raise ValidationError(
            _("An account already uses %(email)s. Sign in with it, then open the invitation link again.")
            % {"email": email},
            code="email_taken",
        )
    user = User(
        username=email,
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        role=invitation.MEMBER_ROLE,
        preferred_language=invitation.language,
    )
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.error_list}) from error
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    audit_record(actor=user, obj=user, action="create_account", to_state="active")
    _invitation_join(invitation=invitation, user=user)
    return user


def _invitation_join(*, invitation: Invitation, user: User) -> Invitation:
    party = invitation.party
    members_before = list(party.members.all())
    party.members.add(user)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(actor=user, obj=invitation, action="accept", from_state="pending", to_state="accepted")
    name = user.get_full_name() or user.email
    notify(
        users=members_before,
        kind=Notification.Kind.MEMBER_JOINED,
        dedupe_key=f"member-joined:{invitation._meta.model_name}:{invitation.pk}",
        render=lambda: (
            _("%(name)s joined %(party)s") % {"name": name, "party": party.name},
            _("%(name)s accepted the invitation and is now a member of %(party)s.")
            % {"name": name, "party": party.name},
        ),
        url=_party_members_url(invitation),
    )
    return invitation


def _party_members_url(invitation: Invitation) -> str:
    """The party's members page ("organization_members", "vendor_members"), where the new member is listed."""
    field = invitation.PARTY_FIELD
    return page_url(f"{field}_members", **{f"{field}_id": getattr(invitation, f"{field}_id")})


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, user: User) -> Invitation:
    """Withdraw a pending invitation: its link stops working. Revoking it again changes nothing."""
    _party_manage_check(user=user, party=invitation.party, invitation_model=type(invitation))
    if invitation.accepted_at is not None:
        raise ValidationError(
            _("This invitation was already accepted. Remove the member instead."), code="invitation_used"
        )
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit_record(
            actor=user,
            obj=invitation,
            action="revoke",
            from_state="pending",
            to_state="revoked",
            on_behalf_of=_party_behalf(user=user, party=invitation.party),
        )
    return invitation


@transaction.atomic
def party_member_remove(
    *, invitation_model: type[Invitation], party: roles.Party, member: User, user: User
) -> None:
    """Remove a member from the party (or let a member leave); the last member can neither leave nor be removed."""
    _party_manage_check(user=user, party=party, invitation_model=invitation_model)
    # Locks the party: two members removing each other at once cannot leave it empty.
    type(party).objects.select_for_update().filter(pk=party.pk).first()
    if not party.members.filter(pk=member.pk).exists():
        raise ValidationError(
            _("%(name)s is not a member of %(party)s.")
            % {"name": member.get_username(), "party": party.name},
            code="not_member",
        )
    if party.members.count() <= 1:
        raise ValidationError(
            _(
                "%(name)s is the last member of %(party)s and cannot leave it alone. Invite a colleague first; "
                "once they have joined, the member can be removed."
            )
            % {"name": member.get_full_name() or member.get_username(), "party": party.name},
            code="last_member",
        )
    party.members.remove(member)
    audit_record(
        actor=user,
        obj=party,
        action="member_remove",
        from_state="member",
        to_state="removed",
        reason=member.get_username(),
        on_behalf_of=_party_behalf(user=user, party=party),
    )
