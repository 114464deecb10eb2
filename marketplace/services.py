import datetime
import secrets
from typing import Any
from urllib.parse import urlsplit

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialApp
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hub import roles
from hub.formats import long_date
from hub.links import page_url
from hub.models import Notification, Organization, OrganizationInvitation, User
from hub.selectors import coordinator_list
from hub.services import (
    Behalf,
    audit_record,
    behalf_check,
    invitation_send,
    invitations_to_address_delete,
    notify,
)
from marketplace import notifications
from marketplace.award_rules import CriterionSpec, grid_field_errors
from marketplace.models import (
    DEFAULT_MANDATORY_REQUIREMENTS,
    Challenge,
    ChallengeAddendum,
    EnterpriseRegisterEntry,
    EvaluationCriterion,
    OrganizationSignIn,
    Vendor,
    VendorInvitation,
    VendorJoinRequest,
    VendorReference,
    VendorVerification,
    domain_validator,
    neq_validator,
)
from marketplace.moves import (
    CHALLENGE_MOVES,
    DEADLINE_CHECKED_STATUSES,
    DELETABLE_STATUSES,
    EDITABLE_STATUSES,
    Party,
    challenge_editable,
    deadline_passed,
)
from marketplace.notifications import BehalfEvent, send, send_behalf
from marketplace.selectors import (
    register_evidence,
    vendor_find_by_neq,
    vendor_list_for_contact,
    vendor_verification_evidence,
    vendor_verification_last,
    vendor_verification_pending,
)
from marketplace.signals import challenge_ended, challenge_published, searchable_changed

VENDOR_RELATIONS = ("regions", "expertise")
CHALLENGE_RELATIONS = ("regions", "expertise")
# The award mode, K factor and criteria: set while the challenge is written, changed by an addendum once published.
GRID_FIELDS = ("award_mode", "k_factor", "criteria")


def _new_key(prefix: str) -> str:
    # Opaque: a public identifier must not keep words its author may later change or remove (a draft title,
    # a firm's former name). Keys made before this keep working: nothing reads meaning from a key.
    return f"{prefix}-{secrets.token_hex(8)}"


def _assign(instance: Any, data: dict, *, relations: tuple[str, ...]) -> dict:
    """Copy plain fields onto the instance; return the many-to-many values to set after saving."""
    related = {}
    for field, value in data.items():
        if field in relations:
            related[field] = value
        else:
            setattr(instance, field, value)
    return related


def _save_validated(instance: Any, related: dict, *, exclude: list[str] | None = None) -> None:
    instance.full_clean(exclude=exclude)
    instance.save()
    for field, value in related.items():
        getattr(instance, field).set(value)


def _references_replace(*, vendor: Vendor, references: list[dict]) -> None:
    vendor.references.all().delete()
    for reference in references:
        item = VendorReference(vendor=vendor, **reference)
        item.full_clean(exclude=["vendor"])
        item.save()


def _notify_search(kind: str, *ids: int) -> None:
    searchable_changed.send(sender=Vendor if kind == "vendor" else Challenge, kind=kind, ids=list(ids))


# A coordinator acting for a party: the reason is required, the party told, the audit log says for whom.


def vendor_behalf_check(
    *, vendor: Vendor, user: User, reason: str, reason_field: str = "reason"
) -> Behalf | None:
    """None when a member of the firm acts; the firm and the reason when a coordinator acts for it."""
    return behalf_check(
        user=user, party=vendor.name, members=vendor.members.all(), reason=reason, reason_field=reason_field
    )


def organization_behalf_check(
    *, organization: Organization, user: User, reason: str, reason_field: str = "reason"
) -> Behalf | None:
    """None when a member of the organization acts; the organization and the reason when a coordinator acts for it."""
    return behalf_check(
        user=user,
        party=organization.name,
        members=organization.members.all(),
        reason=reason,
        reason_field=reason_field,
    )


def behalf_audit(behalf: Behalf | None) -> dict:
    """The audit_record arguments that say a coordinator acted for a party, and why (none when the party acted)."""
    return {"reason": behalf.reason, "on_behalf_of": behalf.party} if behalf is not None else {}


def behalf_record(event: BehalfEvent, *, behalf: Behalf | None, audit: dict, **notice: object) -> None:
    """When a coordinator acted for a party: the audit log says for whom and why, and the party is told
    (`audit` holds audit_record's arguments, `notice` send_behalf's). Nothing when the party acted itself."""
    if behalf is None:
        return
    audit_record(**audit, **behalf_audit(behalf))
    send_behalf(event, behalf=behalf, actor=audit["actor"], **notice)


def challenge_url(challenge: Challenge) -> str:
    """The challenge's page, where notifications about it lead."""
    return page_url("challenge", challenge_id=challenge.pk)


# Vendors


# Only coordinators set these, on every path (the catalogue import, run by an administrator, has its own rules).
VENDOR_COORDINATOR_FIELDS = frozenset({"is_active", "is_verified"})
# What a coordinator checks before verifying a firm: when someone else changes it, the firm is verified again.
VENDOR_IDENTITY_FIELDS = ("name", "neq")


def _refuse_coordinator_fields(*, user: User, data: dict) -> None:
    # Refused rather than ignored: a caller who sends them expects them to apply.
    if not user.is_coordinator and VENDOR_COORDINATOR_FIELDS & data.keys():
        raise PermissionDenied(_("Only a hub coordinator can activate or verify a vendor."))


def _vendor_review_url(vendor: Vendor) -> str:
    # Where coordinators verify a firm: the verification queue, at the firm. Services name no page (STYLE.md).
    return f"{page_url('verification_queue')}#vendor-{vendor.pk}"


@transaction.atomic
def vendor_create(*, user: User, data: dict) -> Vendor:
    """Register a firm; a vendor member who registers it becomes its first member. A NEQ the enterprise register's
    extract does not allow (absent, struck off, over the SME ceiling) is refused; without an extract loaded, the
    coordinators' verification decides."""
    if not roles.is_vendor_member(user):
        raise PermissionDenied(_("Only vendor members and coordinators can register a vendor."))
    _refuse_coordinator_fields(user=user, data=data)
    _neq_register_check(neq=data.get("neq", ""))
    data = dict(data)
    data.pop("reason", None)  # A new firm has nobody a coordinator could act for.
    verified = data.pop("is_verified", False)
    references = data.pop("references", [])
    vendor = Vendor(key=data.pop("key", None) or _new_key("v"))
    related = _assign(vendor, data, relations=VENDOR_RELATIONS)
    _save_validated(vendor, related)
    _references_replace(vendor=vendor, references=references)
    if not user.is_coordinator:
        vendor.members.add(user)
    if verified:
        vendor = vendor_verification_decide(
            vendor=vendor, user=user, decision=VendorVerification.Decision.VERIFIED
        ).vendor
    _notify_search("vendor", vendor.pk)
    return vendor


def _neq_register_check(*, neq: str, vendor: Vendor | None = None) -> None:
    """Refuse a NEQ another firm on Maillage already has, or one the enterprise register's extract does not allow
    (absent, struck off, over the SME ceiling), with the reason; without an extract loaded, the coordinators'
    verification decides."""
    taken = vendor_find_by_neq(neq=neq)
    if taken is not None and taken != vendor:
        message = (
            _("Another vendor is already registered with this NEQ.")
            if vendor is not None
            else _(
                "A firm with the enterprise number %(neq)s is already on Maillage. Ask its members to let you "
                "join it instead of registering it again."
            )
            % {"neq": neq}
        )
        raise ValidationError({"neq": ValidationError(message, code="neq_taken")})
    evidence = register_evidence(neq=neq)
    if not evidence.may_register:
        raise ValidationError(
            {"neq": [ValidationError(refusal, code="register_refused") for refusal in evidence.refusals]}
        )


@transaction.atomic
def vendor_update(*, vendor: Vendor, user: User, data: dict) -> Vendor:
    """Change a firm's profile. A verified firm whose name or NEQ changes goes back to the coordinators to verify,
    unless a coordinator made the change; a coordinator editing for the firm gives a reason, which it is told."""
    if not roles.is_vendor_member(user, vendor):
        raise PermissionDenied(_("You can only change the profile of your own firm."))
    _refuse_coordinator_fields(user=user, data=data)
    data = dict(data)
    reason = data.pop("reason", "")
    # Activating or verifying a firm is the coordinators' own decision; anything else is the firm's.
    edits_profile = bool(data.keys() - VENDOR_COORDINATOR_FIELDS)
    verified = data.pop("is_verified", None)
    behalf = vendor_behalf_check(vendor=vendor, user=user, reason=reason) if edits_profile else None
    identity_before = {field: getattr(vendor, field) for field in VENDOR_IDENTITY_FIELDS}
    if "neq" in data and data["neq"] != vendor.neq:
        # A new NEQ is a new identity: the register must allow it, as at registration.
        _neq_register_check(neq=data["neq"], vendor=vendor)
    references = data.pop("references", None)
    related = _assign(vendor, data, relations=VENDOR_RELATIONS)
    identity_changed = {
        field: (before, getattr(vendor, field))
        for field, before in identity_before.items()
        if getattr(vendor, field) != before
    }
    unverify = vendor.is_verified and identity_changed and not user.is_coordinator
    if unverify:
        vendor.is_verified = False
    _save_validated(vendor, related)
    if references is not None:
        _references_replace(vendor=vendor, references=references)
    if unverify:
        _vendor_unverified(vendor=vendor, user=user, changes=identity_changed)
    if verified is not None and verified != vendor.is_verified:
        vendor = _vendor_verified_set(vendor=vendor, user=user, verified=verified)
    behalf_record(
        notifications.BEHALF_VENDOR_UPDATE,
        behalf=behalf,
        audit={"actor": user, "obj": vendor, "action": "update_profile"},
        vendor=vendor,
        stamp=vendor.updated_at.isoformat(),
    )
    _notify_search("vendor", vendor.pk)
    return vendor


def _vendor_verified_set(*, vendor: Vendor, user: User, verified: bool) -> Vendor:
    """The API's is_verified field: True is the coordinators' decision (vendor_verification_decide); False
    withdraws a verification, and the firm is to verify again."""
    if verified:
        return vendor_verification_decide(
            vendor=vendor, user=user, decision=VendorVerification.Decision.VERIFIED
        ).vendor
    vendor.is_verified = False
    vendor.save(update_fields=["is_verified", "updated_at"])
    audit_record(actor=user, obj=vendor, action="unverify", from_state="verified", to_state="to_verify")
    return vendor


def _vendor_unverified(*, vendor: Vendor, user: User, changes: dict[str, tuple[str, str]]) -> None:
    """Record that a firm's identity changed since it was verified, and ask the coordinators to verify it again."""
    change_text = "; ".join(f"{field}: {before} → {after}" for field, (before, after) in changes.items())
    audit_record(
        actor=user,
        obj=vendor,
        action="unverify",
        from_state="verified",
        to_state="to_verify",
        reason=change_text,
    )
    send(
        notifications.VENDOR_TO_VERIFY,
        users=coordinator_list(),
        url=_vendor_review_url(vendor),
        vendor=vendor,
        changes=changes,
        stamp=vendor.updated_at.isoformat(),
    )


def _verification_decided_error(*, vendor: Vendor, last: VendorVerification | None) -> ValidationError:
    if last is None or (vendor.is_verified and last.decision != VendorVerification.Decision.VERIFIED):
        # Verified another way (the catalogue import, or before decisions were recorded).
        message = _("%(name)s is already verified. Nothing was changed.") % {"name": vendor.name}
    else:
        message = _(
            "%(name)s was already %(decision)s by %(coordinator)s on %(date)s. Nothing was changed; reload the "
            "queue to see the firms still to verify."
        ) % {
            "name": vendor.name,
            "decision": last.get_decision_display().lower(),
            "coordinator": last.decided_by.get_full_name() or last.decided_by.get_username()
            if last.decided_by
            else _("a coordinator"),
            "date": long_date(timezone.localdate(last.decided_at)),
        }
    return ValidationError(message, code="verification_already_decided")


@transaction.atomic
def vendor_verification_decide(
    *,
    vendor: Vendor,
    user: User,
    decision: str,
    reason: str = "",
    seen_at: datetime.datetime | None = None,
) -> VendorVerification:
    """Verify a firm or refuse it (with a reason), once: the one path that sets Vendor.is_verified to True.

    The decision keeps the register's evidence as the coordinator saw it, goes to the audit log, and the firm's
    members are told in their language. A firm decided meanwhile, or changed since `seen_at` (its updated_at
    when the coordinator read it), is refused with a message and nothing changes."""
    if not roles.is_coordinator(user):
        raise PermissionDenied(_("Only a hub coordinator can verify or refuse a firm."))
    if decision not in VendorVerification.Decision.values:
        raise ValidationError(
            {
                "decision": ValidationError(
                    _("Choose to verify the firm or to refuse it."), code="verification_decision_invalid"
                )
            }
        )
    reason = reason.strip()
    if decision == VendorVerification.Decision.REFUSED and not reason:
        raise ValidationError(
            {
                "reason": ValidationError(
                    _(
                        "Say why the firm is refused: its members read the reason on their dashboard, and can "
                        "then correct their profile."
                    ),
                    code="verification_reason_required",
                )
            }
        )
    vendor = Vendor.objects.select_for_update().get(
        pk=vendor.pk
    )  # Two coordinators deciding at once: one wins.
    if not vendor_verification_pending(vendor=vendor):
        raise _verification_decided_error(vendor=vendor, last=vendor_verification_last(vendor=vendor))
    if seen_at is not None and vendor.updated_at != seen_at:
        raise ValidationError(
            _(
                "%(name)s changed its profile after you opened the queue. Nothing was changed; look at the firm "
                "again, then decide."
            )
            % {"name": vendor.name},
            code="verification_stale",
        )
    evidence = vendor_verification_evidence(vendor=vendor)
    entry = evidence.entry
    if decision == VendorVerification.Decision.VERIFIED:
        vendor.is_verified = True
        vendor.save(update_fields=["is_verified", "updated_at"])
    # After the save: a refusal stands until the firm's next change (updated_at), never before its own time.
    verification = VendorVerification.objects.create(
        vendor=vendor,
        decision=decision,
        reason=reason,
        decided_by=user,
        decided_at=timezone.now(),
        vendor_name=vendor.name,
        vendor_neq=vendor.neq,
        name_match=evidence.name.match.value,
        register_name=evidence.name.register_name or (entry.legal_name if entry else ""),
        register_status=entry.status if entry else "",
        register_status_date=entry.status_date if entry else None,
        extract_date=entry.extract_date if entry else _extract_date(),
    )
    audit_record(
        actor=user,
        obj=vendor,
        action="verify" if decision == VendorVerification.Decision.VERIFIED else "refuse_verification",
        from_state="to_verify",
        to_state=decision,
        reason=_verification_audit_reason(verification),
    )
    send(
        notifications.VENDOR_VERIFIED
        if decision == VendorVerification.Decision.VERIFIED
        else notifications.VENDOR_REFUSED,
        users=vendor.members.all(),
        url=page_url("vendor_dashboard"),
        verification=verification,
        vendor=vendor,
    )
    if decision == VendorVerification.Decision.VERIFIED:
        _notify_search("vendor", vendor.pk)
    return verification


def _extract_date() -> datetime.date | None:
    entry = EnterpriseRegisterEntry.objects.first()
    return entry.extract_date if entry else None


def _verification_audit_reason(verification: VendorVerification) -> str:
    # In the log's own words (English identifiers, like the other entries): what the coordinator saw, then why.
    seen = (
        f"name_match={verification.name_match}; register_name={verification.register_name}; "
        f"status={verification.register_status or '-'}"
        f" ({verification.register_status_date or '-'}); extract={verification.extract_date or '-'}"
    )
    return f"{seen}. {verification.reason}" if verification.reason else seen


@transaction.atomic
def vendor_delete(*, vendor: Vendor, user: User) -> None:
    if not user.is_coordinator:
        raise PermissionDenied(_("Only a hub coordinator can delete a vendor."))
    vendor_id = vendor.pk
    try:
        vendor.delete()
    except ProtectedError as error:
        raise ValidationError(
            _("This vendor is linked to awarded challenges and cannot be deleted. Deactivate it instead."),
            code="vendor_protected",
        ) from error
    _notify_search("vendor", vendor_id)


# Organizations


@transaction.atomic
def organization_create(*, user: User, data: dict) -> Organization:
    if not user.is_coordinator:
        raise PermissionDenied(_("Only a hub coordinator can register a public organization."))
    organization = Organization(key=data.get("key") or _new_key("org"))
    _save_validated(
        organization, _assign(organization, {k: v for k, v in data.items() if k != "key"}, relations=())
    )
    return organization


@transaction.atomic
def organization_register(*, user: User, data: dict, first_member_email: str) -> Organization:
    """Register an organization and invite its first member by email: both are done, or neither."""
    organization = organization_create(user=user, data=data)
    audit_record(actor=user, obj=organization, action="create", to_state="registered")
    invitation_send(
        invitation_model=OrganizationInvitation, party=organization, email=first_member_email, invited_by=user
    )
    return organization


@transaction.atomic
def organization_update(*, organization: Organization, user: User, data: dict) -> Organization:
    if not user.is_coordinator:
        raise PermissionDenied(_("Only a hub coordinator can change a public organization."))
    _save_validated(organization, _assign(organization, data, relations=()))
    # Challenges show their organization's name in search results.
    _notify_search("challenge", *organization.challenges.values_list("pk", flat=True))
    return organization


# An organization's own OpenID Connect provider (docs/oidc.md)

# allauth's provider for every organization; each organization's SocialApp has its own provider_id.
OIDC_PROVIDER = "openid_connect"
# The only addresses where an issuer may be plain http: a provider on this machine (development, tests).
OIDC_LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def _email_domains_clean(*, organization: Organization, email_domains: list[str]) -> list[str]:
    domains = list(
        dict.fromkeys(domain.strip().lower().lstrip("@") for domain in email_domains if domain.strip())
    )
    if not domains:
        raise ValidationError(
            {"email_domains": _("Give at least one email domain, such as mcn.gouv.qc.ca.")}, code="no_domain"
        )
    for domain in domains:
        try:
            domain_validator(domain)
        except ValidationError as error:
            raise ValidationError(
                {
                    "email_domains": _("%(domain)s is not a domain name. %(hint)s")
                    % {"domain": domain, "hint": error.messages[0]}
                },
                code="invalid_domain",
            ) from error
    # One domain, one organization: the sign-in page finds the organization from the address's domain.
    for other in OrganizationSignIn.objects.exclude(organization=organization).select_related("organization"):
        shared = [domain for domain in domains if domain in other.email_domains]
        if shared:
            raise ValidationError(
                {
                    "email_domains": _(
                        "%(domain)s already signs in with %(organization)s. Remove it there first."
                    )
                    % {"domain": shared[0], "organization": other.organization.name}
                },
                code="domain_taken",
            )
    return domains


def _issuer_clean(issuer: str) -> str:
    issuer = issuer.strip().rstrip("/")
    parts = urlsplit(issuer)
    if parts.scheme != "https" and not (parts.scheme == "http" and parts.hostname in OIDC_LOCAL_HOSTS):
        raise ValidationError(
            {
                "issuer": _(
                    "The issuer must be an https:// address, such as https://login.example.gouv.qc.ca."
                )
            },
            code="issuer_not_https",
        )
    if "/.well-known/" in issuer or parts.query or parts.fragment:
        raise ValidationError(
            {"issuer": _("Give the issuer itself, without /.well-known/openid-configuration or parameters.")},
            code="issuer_not_bare",
        )
    return issuer


@transaction.atomic
def organization_sign_in_configure(
    *,
    organization: Organization,
    user: User,
    issuer: str,
    client_id: str,
    client_secret: str = "",
    email_domains: list[str],
    is_enabled: bool = True,
) -> OrganizationSignIn:
    """Create or change an organization's sign-in and the allauth SocialApp it rests on, together.

    An empty `client_secret` keeps the current one (forms never show it back); the first configuration needs one."""
    if not user.is_coordinator:
        raise PermissionDenied(_("Only a hub coordinator can configure an organization's sign-in."))
    sign_in = OrganizationSignIn.objects.select_for_update().filter(organization=organization).first()
    client_id = client_id.strip()
    client_secret = client_secret.strip()
    if not client_id:
        raise ValidationError(
            {"client_id": _("Give the client id the provider issued for Maillage.")}, code="no_client_id"
        )
    if sign_in is None and not client_secret:
        raise ValidationError(
            {"client_secret": _("Give the client secret the provider issued for Maillage.")},
            code="no_client_secret",
        )
    issuer = _issuer_clean(issuer)
    domains = _email_domains_clean(organization=organization, email_domains=email_domains)
    app = sign_in.social_app if sign_in is not None else SocialApp(provider=OIDC_PROVIDER)
    app.provider_id = f"organization-{organization.pk}"
    app.name = organization.name[: SocialApp._meta.get_field("name").max_length]
    app.client_id = client_id
    if client_secret:
        app.secret = client_secret
    # PKCE as well as the secret: a stolen authorization code is useless without the verifier.
    # client_secret_basic: OpenID Connect's default way for a client to authenticate at the token endpoint.
    app.settings = {
        "server_url": issuer,
        "oauth_pkce_enabled": True,
        "token_auth_method": "client_secret_basic",
    }
    app.full_clean(exclude=["sites"])
    app.save()
    previous_state = "" if sign_in is None else ("enabled" if sign_in.is_enabled else "disabled")
    if sign_in is None:
        sign_in = OrganizationSignIn(organization=organization, social_app=app)
    sign_in.issuer = issuer
    sign_in.email_domains = domains
    sign_in.is_enabled = is_enabled
    sign_in.full_clean(exclude=["social_app"])
    sign_in.save()
    audit_record(
        actor=user,
        obj=sign_in,
        action="configure",
        from_state=previous_state,
        to_state="enabled" if is_enabled else "disabled",
    )
    return sign_in


def organization_sign_in_check(*, sign_in: OrganizationSignIn, email: str, email_verified: bool) -> None:
    """Refuse an identity the organization's provider vouched for when Maillage may not accept it."""
    if not sign_in.is_enabled:
        raise PermissionDenied(
            _(
                "Signing in with %(organization)s's account is turned off. Sign in with your Maillage password."
            )
            % {"organization": sign_in.organization.name}
        )
    if not email:
        raise PermissionDenied(
            _(
                "%(organization)s's provider did not give your email address. Ask its IT team to release the "
                "email claim to Maillage."
            )
            % {"organization": sign_in.organization.name}
        )
    if not email_verified:
        raise PermissionDenied(
            _(
                "%(organization)s's provider has not verified %(email)s. Ask its IT team to verify the address, "
                "then sign in again."
            )
            % {"organization": sign_in.organization.name, "email": email}
        )
    if not sign_in.allows(email):
        raise PermissionDenied(
            _(
                "%(email)s is not an address of %(organization)s (allowed: %(domains)s). Sign in with your work "
                "address."
            )
            % {
                "email": email,
                "organization": sign_in.organization.name,
                "domains": ", ".join(sign_in.email_domains),
            }
        )


@transaction.atomic
def organization_sign_in_member_create(
    *, sign_in: OrganizationSignIn, email: str, first_name: str, last_name: str, language: str
) -> User:
    """A person's first sign-in through their organization's provider: their account, as a member."""
    organization = sign_in.organization
    if User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).exists():
        # Never an account taken over because the address matches (organization_sign_in_link links members).
        raise PermissionDenied(
            _(
                "An account already uses %(email)s and is not a member of %(organization)s. Sign in with your "
                "password, or ask a member of %(organization)s to invite you."
            )
            % {"email": email, "organization": organization.name}
        )
    user = User(
        username=email,
        email=email,
        first_name=first_name.strip()[:150],
        last_name=last_name.strip()[:150],
        role=User.Role.MINISTRY_MEMBER,
        preferred_language=language,
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    # The provider verified the address (organization_sign_in_check).
    EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
    audit_record(actor=user, obj=user, action="create_account", to_state="active")
    _organization_sign_in_join(sign_in=sign_in, user=user)
    return user


@transaction.atomic
def organization_sign_in_link(*, sign_in: OrganizationSignIn, user: User) -> None:
    """A member's first sign-in through their organization's provider, with the account they already have."""
    if not roles.is_member_of(user, sign_in.organization):
        raise PermissionDenied(
            _(
                "An account already uses %(email)s and is not a member of %(organization)s. Sign in with your "
                "password, or ask a member of %(organization)s to invite you."
            )
            % {"email": user.email, "organization": sign_in.organization.name}
        )
    audit_record(actor=user, obj=sign_in, action="first_sign_in", to_state="linked")


def _organization_sign_in_join(*, sign_in: OrganizationSignIn, user: User) -> None:
    organization = sign_in.organization
    members_before = list(organization.members.all())
    organization.members.add(user)
    audit_record(actor=user, obj=sign_in, action="first_sign_in", to_state="member")
    name = user.get_full_name() or user.email
    notify(
        users=members_before,
        kind=Notification.Kind.MEMBER_JOINED,
        dedupe_key=f"member-joined:organizationsignin:{sign_in.pk}:{user.pk}",
        render=lambda: (
            _("%(name)s joined %(party)s") % {"name": name, "party": organization.name},
            _("%(name)s signed in with %(party)s's account for the first time and is now a member.")
            % {"name": name, "party": organization.name},
        ),
    )


# Challenges


@transaction.atomic
def challenge_create(*, user: User, organization: Organization, data: dict) -> Challenge:
    """Create a draft; only members of the organization (or coordinators) may post for it."""
    if not roles.is_organization_member(user, organization):
        raise PermissionDenied(_("You can only post challenges for your own organization."))
    data = dict(data)
    # Unless the ministry relaxes it, delivery in the required languages is a filter (the Charter of the
    # French language binds the public administration).
    data.setdefault("mandatory_requirements", list(DEFAULT_MANDATORY_REQUIREMENTS))
    behalf = organization_behalf_check(organization=organization, user=user, reason=data.pop("reason", ""))
    criteria = data.pop("criteria", None)
    challenge = Challenge(
        key=data.pop("key", None) or _new_key("c"),
        organization=organization,
        created_by=user,
        status=Challenge.Status.DRAFT,
    )
    _save_validated(challenge, _assign(challenge, data, relations=CHALLENGE_RELATIONS))
    if criteria is not None:
        _criteria_replace(challenge=challenge, criteria=criteria)
    behalf_record(
        notifications.BEHALF_CHALLENGE_CREATE,
        behalf=behalf,
        audit={"actor": user, "obj": challenge, "action": "create", "to_state": challenge.status},
        url=challenge_url(challenge),
        challenge=challenge,
    )
    return challenge


@transaction.atomic
def challenge_update(*, challenge: Challenge, user: User, data: dict) -> Challenge:
    if not roles.is_organization_member(user, challenge.organization):
        raise PermissionDenied(_("You can only change your own organization's challenges."))
    if not challenge_editable(challenge=challenge, user=user):
        raise ValidationError(
            _("A challenge that is %(status)s can no longer be changed. Ask a hub coordinator.")
            % {"status": challenge.get_status_display().lower()},
            code="challenge_not_editable",
        )
    data = dict(data)
    behalf = organization_behalf_check(
        organization=challenge.organization, user=user, reason=data.pop("reason", "")
    )
    if challenge.status not in EDITABLE_STATUSES and _grid_changes(challenge=challenge, data=data):
        raise ValidationError(
            _(
                "The award mode and the grid of a challenge that is %(status)s change only by an addendum, "
                "which every introduced firm is told about: use “Change the grid”."
            )
            % {"status": challenge.get_status_display().lower()},
            code="grid_needs_addendum",
        )
    criteria = data.pop("criteria", None)
    _save_validated(challenge, _assign(challenge, data, relations=CHALLENGE_RELATIONS))
    if criteria is not None:
        _criteria_replace(challenge=challenge, criteria=criteria)
    behalf_record(
        notifications.BEHALF_CHALLENGE_UPDATE,
        behalf=behalf,
        audit={"actor": user, "obj": challenge, "action": "update"},
        url=challenge_url(challenge),
        challenge=challenge,
        stamp=challenge.updated_at.isoformat(),
    )
    _notify_search("challenge", challenge.pk)
    return challenge


@transaction.atomic
def challenge_delete(*, challenge: Challenge, user: User, reason: str = "") -> None:
    if not roles.is_organization_member(user, challenge.organization):
        raise PermissionDenied(_("You can only delete your own organization's challenges."))
    if challenge.status not in DELETABLE_STATUSES:
        raise ValidationError(
            _("Only a draft can be deleted. Cancel the challenge instead."), code="challenge_not_draft"
        )
    behalf = organization_behalf_check(organization=challenge.organization, user=user, reason=reason)
    behalf_record(
        notifications.BEHALF_CHALLENGE_DELETE,
        behalf=behalf,
        audit={"actor": user, "obj": challenge, "action": "delete", "from_state": challenge.status},
        title=challenge.title,
        challenge_id=challenge.pk,
    )
    challenge.delete()


@transaction.atomic
def challenge_transition(
    *, challenge: Challenge, user: User, to_status: str, note: str = "", awarded_vendor: Vendor | None = None
) -> Challenge:
    """Move a challenge along its lifecycle and record who did it and when."""
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    move = CHALLENGE_MOVES.get(to_status)
    if move is None or challenge.status not in move.sources:
        raise ValidationError(
            _("A challenge that is %(current)s cannot become %(target)s.")
            % {
                "current": challenge.get_status_display().lower(),
                "target": Challenge.Status(to_status).label.lower(),
            },
            code="invalid_transition",
        )
    if move.by is Party.COORDINATORS and not user.is_coordinator:
        raise PermissionDenied(_("Only a hub coordinator can publish a challenge."))
    if not roles.is_organization_member(user, challenge.organization):
        raise PermissionDenied(_("You can only manage your own organization's challenges."))
    if to_status in DEADLINE_CHECKED_STATUSES and deadline_passed(challenge):
        raise ValidationError(
            {
                "deadline": _(
                    "The deadline, %(deadline)s, is already past: no firm could answer. Set a later deadline, "
                    "then try again."
                )
                % {"deadline": long_date(challenge.deadline)}
            },
            code="deadline_past",
        )
    # A coordinator's own move is nobody's behalf; an organization's move made by a coordinator is.
    behalf = (
        None
        if move.by is Party.COORDINATORS
        else organization_behalf_check(
            organization=challenge.organization, user=user, reason=note, reason_field="note"
        )
    )
    if to_status in (Challenge.Status.SUBMITTED, Challenge.Status.PUBLISHED):
        challenge_grid_check(challenge=challenge)
    if to_status == Challenge.Status.AWARDED:
        if awarded_vendor is None:
            raise ValidationError(
                {"vendor": _("Choose the vendor the challenge is awarded to.")}, code="required"
            )
        challenge.awarded_vendor = awarded_vendor
    if to_status == Challenge.Status.PUBLISHED:
        challenge.published_at = timezone.now()
    audit_record(
        actor=user,
        obj=challenge,
        action=to_status,
        from_state=challenge.status,
        to_state=to_status,
        reason=note,
        on_behalf_of=behalf.party if behalf is not None else "",
    )
    challenge.status = to_status
    challenge.save(update_fields=["status", "awarded_vendor", "published_at", "updated_at"])
    _notify_search("challenge", challenge.pk)
    if to_status == Challenge.Status.DRAFT and behalf is not None:
        # A coordinator sent it back: the organization hears why (the note also heads its page).
        send(
            notifications.CHALLENGE_RETURNED,
            users=challenge.organization.members.all(),
            url=challenge_url(challenge),
            challenge=challenge,
            note=note,
            stamp=challenge.updated_at.isoformat(),
        )
    else:
        send_behalf(
            notifications.BEHALF_CHALLENGE_MOVE,
            behalf=behalf,
            actor=user,
            url=challenge_url(challenge),
            challenge=challenge,
            stamp=challenge.updated_at.isoformat(),
        )
    if to_status in (Challenge.Status.CLOSED, Challenge.Status.CANCELLED):
        challenge_ended.send(sender=Challenge, challenge_id=challenge.pk, note=note)
    if to_status == Challenge.Status.PUBLISHED:
        challenge_published.send(sender=Challenge, challenge_id=challenge.pk)
        send(
            notifications.CHALLENGE_PUBLISHED,
            users=challenge.organization.members.all(),
            url=challenge_url(challenge),
            challenge=challenge,
        )
    return challenge


# The evaluation grid (docs/evaluation.md)


def challenge_grid(challenge: Challenge) -> dict:
    """The award mode, K factor and criteria as the public sees them (an addendum keeps them before and after)."""
    return {
        "award_mode": challenge.award_mode,
        "k_factor": challenge.k_factor,
        "criteria": [
            {
                "title": criterion.title,
                "description": criterion.description,
                "weight": criterion.weight,
                "has_minimum": criterion.has_minimum,
            }
            for criterion in challenge.criteria.order_by("position", "id")
        ],
    }


def grid_specs(criteria: list[dict]) -> list[CriterionSpec]:
    """The criteria as award_rules takes them, keyed by their position (1, 2, 3…), as pages number them."""
    return [
        CriterionSpec(
            key=str(position), weight=criterion["weight"], has_minimum=criterion.get("has_minimum", False)
        )
        for position, criterion in enumerate(criteria, start=1)
    ]


def _grid_changes(*, challenge: Challenge, data: dict) -> bool:
    current = challenge_grid(challenge)
    for field in GRID_FIELDS:
        if field not in data:
            continue
        value = data[field]
        if field == "criteria":
            value = [
                {
                    "title": item["title"],
                    "description": item.get("description", ""),
                    "weight": item["weight"],
                    "has_minimum": item.get("has_minimum", False),
                }
                for item in value
            ]
        if value != current[field]:
            return True
    return False


def _title_key(title: str) -> str:
    return " ".join(title.split()).casefold()


def _criteria_replace(*, challenge: Challenge, criteria: list[dict]) -> list[str]:
    """Make the challenge's criteria these, in this order; return the titles of those removed.

    A criterion keeps its row (and the proposals' answers to it) when a new one has the same title, whatever
    else changes; a removed criterion's answers go with it (docs/evaluation.md)."""
    titles = [_title_key(item["title"]) for item in criteria]
    duplicates = sorted(
        {item["title"].strip() for item in criteria if titles.count(_title_key(item["title"])) > 1}
    )
    if duplicates:
        raise ValidationError(
            {
                "criteria": _("Two criteria have the same title, “%(title)s”: give each criterion its own.")
                % {"title": duplicates[0]}
            },
            code="criterion_duplicate_title",
        )
    existing = {_title_key(criterion.title): criterion for criterion in challenge.criteria.all()}
    removed = [criterion for key, criterion in existing.items() if key not in titles]
    for criterion in removed:
        criterion.delete()
    # Positions are unique per challenge: move the kept rows out of the way before numbering them again.
    kept = [existing[key] for key in titles if key in existing]
    for offset, criterion in enumerate(kept, start=1000):
        criterion.position = offset
        criterion.save(update_fields=["position"])
    for position, item in enumerate(criteria, start=1):
        criterion = existing.get(_title_key(item["title"])) or EvaluationCriterion(challenge=challenge)
        criterion.position = position
        criterion.title = item["title"].strip()
        criterion.description = item.get("description", "")
        criterion.weight = item["weight"]
        criterion.has_minimum = item.get("has_minimum", False)
        criterion.full_clean(exclude=["challenge"], validate_unique=False, validate_constraints=False)
        criterion.save()
    return [criterion.title for criterion in removed]


def challenge_grid_errors(challenge: Challenge) -> dict[str, list[str]]:
    """What keeps the challenge's grid from being submitted or published, by field; empty when it is valid."""
    grid = challenge_grid(challenge)
    return grid_field_errors(
        mode=grid["award_mode"], k_factor=grid["k_factor"], criteria=grid_specs(grid["criteria"])
    )


def challenge_grid_check(*, challenge: Challenge) -> None:
    """Refuse a challenge whose award mode, K factor or criteria break the rules (submitting and publishing)."""
    errors = challenge_grid_errors(challenge)
    if errors:
        raise ValidationError(
            {
                field: [
                    _("The evaluation grid is not complete: %(problem)s Edit the challenge to complete it.")
                    % {"problem": message}
                    for message in messages
                ]
                for field, messages in errors.items()
            },
            code="grid_invalid",
        )


def challenge_grid_amendable(challenge: Challenge) -> bool:
    """Whether the challenge's state still lets its grid change by an addendum (who may is asked apart)."""
    return challenge.status == Challenge.Status.PUBLISHED and not deadline_passed(challenge)


@transaction.atomic
def challenge_grid_seed(
    *, challenge: Challenge, award_mode: str, k_factor: int | None, criteria: list[dict]
) -> None:
    """Give a challenge that has no award mode yet a valid grid, in any state and without an addendum (the demo's
    published catalogue challenges, imported without one); audited as done by the system."""
    if challenge.award_mode:
        raise ValidationError(
            _("This challenge already has an award mode: change its grid by editing it or by an addendum."),
            code="grid_already_set",
        )
    errors = grid_field_errors(mode=award_mode, k_factor=k_factor, criteria=grid_specs(criteria))
    if errors:
        raise ValidationError(errors, code="grid_invalid")
    challenge.award_mode = award_mode
    challenge.k_factor = k_factor
    challenge.save(update_fields=["award_mode", "k_factor", "updated_at"])
    _criteria_replace(challenge=challenge, criteria=criteria)
    audit_record(actor=None, obj=challenge, action="grid_seed")


@transaction.atomic
def challenge_grid_amend(
    *,
    challenge: Challenge,
    user: User,
    award_mode: str,
    k_factor: int | None,
    criteria: list[dict],
    summary: str,
    reason: str = "",
) -> ChallengeAddendum:
    """Change a published challenge's award mode or grid before its deadline, as a numbered addendum: audited,
    and every member of every firm introduced to the challenge is told, in their language."""
    if not roles.is_organization_member(user, challenge.organization):
        raise PermissionDenied(_("You can only change your own organization's challenges."))
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    behalf = organization_behalf_check(organization=challenge.organization, user=user, reason=reason)
    if challenge.status != Challenge.Status.PUBLISHED:
        raise ValidationError(
            _(
                "Only a published challenge's grid changes by an addendum; this one is %(status)s. "
                "Before publication, edit the challenge instead."
            )
            % {"status": challenge.get_status_display().lower()},
            code="challenge_not_published",
        )
    if deadline_passed(challenge):
        raise ValidationError(
            _("The deadline has passed: the grid the proposals were written for can no longer change."),
            code="deadline_passed",
        )
    summary = summary.strip()
    if not summary:
        raise ValidationError(
            {"summary": _("Say what changes and why: the introduced firms read it.")}, code="required"
        )
    specs = grid_specs(criteria)
    errors = grid_field_errors(mode=award_mode, k_factor=k_factor, criteria=specs)
    if errors:
        raise ValidationError(errors, code="grid_invalid")
    data = {"award_mode": award_mode, "k_factor": k_factor, "criteria": criteria}
    if not _grid_changes(challenge=challenge, data=data):
        raise ValidationError(
            _(
                "The grid is the same as the published one: change the mode, the K factor or a criterion first."
            ),
            code="grid_unchanged",
        )
    before = challenge_grid(challenge)
    challenge.award_mode = award_mode
    challenge.k_factor = k_factor
    challenge.save(update_fields=["award_mode", "k_factor", "updated_at"])
    removed = _criteria_replace(challenge=challenge, criteria=criteria)
    last = challenge.addenda.order_by("-number").values_list("number", flat=True).first() or 0
    addendum = ChallengeAddendum.objects.create(
        challenge=challenge,
        number=last + 1,
        summary=summary,
        grid_before=before,
        grid_after=challenge_grid(challenge),
        created_by=user,
    )
    # The addendum keeps what changed; the log says who, when, and (for a coordinator) for whom and why.
    audit_record(
        actor=user,
        obj=challenge,
        action="grid_amend",
        **(behalf_audit(behalf) or {"reason": f"{addendum.number}: {summary}"}),
    )
    send(
        notifications.GRID_AMENDED,
        users=User.objects.filter(vendors__introductions__challenge=challenge).distinct(),
        url=challenge_url(challenge),
        challenge=challenge,
        addendum=addendum,
        removed=removed,
    )
    send_behalf(
        notifications.BEHALF_GRID_AMEND,
        behalf=behalf,
        actor=user,
        url=challenge_url(challenge),
        challenge=challenge,
        addendum=addendum,
    )
    return addendum


# Privacy (Quebec's Law 25)


@transaction.atomic
def vendor_personal_data_erase(*, user: User, **signal_kwargs) -> None:
    """Receiver of hub's `personal_data_erase_requested`: the user leaves their firms, is no longer the contact
    person of those that named them, and the invitations to firms sent to their address and their requests to join
    firms are deleted."""
    # Needs the memberships.
    vendor_ids = list(vendor_list_for_contact(user=user).values_list("pk", flat=True))
    user.vendors.clear()
    invitations_to_address_delete(invitation_model=VendorInvitation, email=user.email)
    VendorJoinRequest.objects.filter(requester=user).delete()  # Their message and who they asked to join.
    if vendor_ids:
        Vendor.objects.filter(pk__in=vendor_ids).update(
            contact_name="", contact_email="", contact_phone="", updated_at=timezone.now()
        )
        _notify_search("vendor", *vendor_ids)


# Requests to join a firm


def _join_request_url(vendor: Vendor) -> str:
    return page_url("vendor_members", vendor_id=vendor.pk)


@transaction.atomic
def join_request_create(*, user: User, neq: str, message: str = "") -> VendorJoinRequest:
    """Ask to join the firm on Maillage that has this NEQ; its members are told and accept or refuse."""
    if user.is_coordinator or not roles.is_vendor_member(user):
        raise PermissionDenied(_("Only vendor members can ask to join a firm."))
    neq = neq.strip()
    try:
        neq_validator(neq)
    except ValidationError as error:
        raise ValidationError({"neq": error}) from error
    vendor = vendor_find_by_neq(neq=neq)
    if vendor is None:
        message = _(
            "No firm on Maillage has the enterprise number %(neq)s. Check the number, or register the firm "
            "yourself."
        ) % {"neq": neq}
        raise ValidationError({"neq": ValidationError(message, code="no_such_vendor")})
    # Locks the firm: two clicks on "ask" make one request.
    Vendor.objects.select_for_update().filter(pk=vendor.pk).first()
    if vendor.members.filter(pk=user.pk).exists():
        raise ValidationError(
            _("You are already a member of %(firm)s.") % {"firm": vendor.name}, code="already_member"
        )
    if VendorJoinRequest.objects.filter(
        requester=user, vendor=vendor, status=VendorJoinRequest.Status.PENDING
    ).exists():
        raise ValidationError(
            _(
                "You already asked to join %(firm)s, and its members have not answered yet. You will be told "
                "when they do."
            )
            % {"firm": vendor.name},
            code="join_request_pending",
        )
    join_request = VendorJoinRequest(requester=user, vendor=vendor, message=message.strip())
    join_request.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            join_request.save()
    except IntegrityError as error:  # The constraint, should the lock be bypassed.
        raise ValidationError(
            _("You already asked to join %(firm)s.") % {"firm": vendor.name}, code="join_request_pending"
        ) from error
    audit_record(actor=user, obj=join_request, action="join_request", to_state=join_request.status)
    send(
        notifications.JOIN_REQUESTED,
        users=vendor.members.all(),
        url=_join_request_url(vendor),
        join_request=join_request,
    )
    return join_request


def _join_request_lock(join_request: VendorJoinRequest) -> VendorJoinRequest:
    """The request as it is now, locked until commit, so that two answers at once decide it once."""
    return (
        VendorJoinRequest.objects.select_for_update()
        .select_related("vendor", "requester")
        .get(pk=join_request.pk)
    )


def _join_request_pending_check(join_request: VendorJoinRequest) -> None:
    if join_request.status != VendorJoinRequest.Status.PENDING:
        raise ValidationError(
            _("This request to join %(firm)s is no longer waiting for an answer: it is %(status)s.")
            % {"firm": join_request.vendor.name, "status": join_request.get_status_display().lower()},
            code="join_request_decided",
        )


@transaction.atomic
def join_request_decide(
    *, join_request: VendorJoinRequest, user: User, accept: bool, reason: str = ""
) -> VendorJoinRequest:
    """Accept (the requester becomes a member) or refuse, with an optional reason; the requester is told."""
    join_request = _join_request_lock(join_request)
    vendor = join_request.vendor
    if not roles.is_vendor_member(user, vendor):
        raise PermissionDenied(
            _("Only the members of %(firm)s and the hub's coordinators can answer its requests to join.")
            % {"firm": vendor.name}
        )
    _join_request_pending_check(join_request)
    members_before = list(vendor.members.all())
    join_request.status = VendorJoinRequest.Status.ACCEPTED if accept else VendorJoinRequest.Status.REFUSED
    join_request.refusal_reason = "" if accept else reason.strip()
    join_request.decided_by = user
    join_request.decided_at = timezone.now()
    join_request.full_clean(validate_constraints=False)
    join_request.save()
    if accept:
        vendor.members.add(join_request.requester)
    on_behalf_of = vendor.name if roles.is_coordinator(user) and user not in members_before else ""
    audit_record(
        actor=user,
        obj=join_request,
        action="accept" if accept else "refuse",
        from_state=VendorJoinRequest.Status.PENDING,
        to_state=join_request.status,
        reason=join_request.refusal_reason,
        on_behalf_of=on_behalf_of,
    )
    send(
        notifications.JOIN_DECIDED,
        users=[join_request.requester],
        url=page_url("vendor_register") if not accept else _join_request_url(vendor),
        join_request=join_request,
    )
    return join_request


@transaction.atomic
def join_request_withdraw(*, join_request: VendorJoinRequest, user: User) -> VendorJoinRequest:
    """The requester takes back a request still waiting for an answer."""
    join_request = _join_request_lock(join_request)
    if join_request.requester_id != user.pk:
        raise PermissionDenied(_("Only the person who asked can withdraw a request to join."))
    _join_request_pending_check(join_request)
    join_request.status = VendorJoinRequest.Status.WITHDRAWN
    join_request.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=user,
        obj=join_request,
        action="withdraw",
        from_state=VendorJoinRequest.Status.PENDING,
        to_state=join_request.status,
    )
    return join_request
