import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from hub.models import Notification, Organization, User
from hub.services import audit_record, notify
from marketplace.models import Challenge, Vendor, VendorReference
from marketplace.selectors import user_can_edit_challenge, user_can_edit_vendor, vendor_list_for_contact
from marketplace.signals import challenge_published, searchable_changed

VENDOR_RELATIONS = ("regions", "expertise")
CHALLENGE_RELATIONS = ("regions", "expertise")


def _new_key(prefix: str, name: str) -> str:
    return f"{prefix}-{slugify(name)[:40]}-{secrets.token_hex(3)}"


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


# Vendors


@transaction.atomic
def vendor_create(*, user: User, data: dict) -> Vendor:
    """Register a firm; a vendor member who registers it becomes its first member."""
    if not (user.is_coordinator or user.role == User.Role.VENDOR_MEMBER):
        raise PermissionDenied(_("Only vendor members and coordinators can register a vendor."))
    data = dict(data)
    references = data.pop("references", [])
    vendor = Vendor(key=data.pop("key", None) or _new_key("v", data.get("name", "")))
    related = _assign(vendor, data, relations=VENDOR_RELATIONS)
    _save_validated(vendor, related)
    _references_replace(vendor=vendor, references=references)
    if not user.is_coordinator:
        vendor.members.add(user)
    _notify_search("vendor", vendor.pk)
    return vendor


@transaction.atomic
def vendor_update(*, vendor: Vendor, user: User, data: dict) -> Vendor:
    if not user_can_edit_vendor(user=user, vendor=vendor):
        raise PermissionDenied(_("You can only change the profile of your own firm."))
    data = dict(data)
    if not user.is_coordinator and ({"is_active", "is_verified"} & data.keys()):
        raise PermissionDenied(_("Only a hub coordinator can activate or verify a vendor."))
    references = data.pop("references", None)
    related = _assign(vendor, data, relations=VENDOR_RELATIONS)
    _save_validated(vendor, related)
    if references is not None:
        _references_replace(vendor=vendor, references=references)
    _notify_search("vendor", vendor.pk)
    return vendor


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
    organization = Organization(key=data.get("key") or _new_key("org", data.get("name", "")))
    _save_validated(organization, _assign(organization, {k: v for k, v in data.items() if k != "key"}, relations=()))
    return organization


@transaction.atomic
def organization_update(*, organization: Organization, user: User, data: dict) -> Organization:
    if not user.is_coordinator:
        raise PermissionDenied(_("Only a hub coordinator can change a public organization."))
    _save_validated(organization, _assign(organization, data, relations=()))
    # Challenges show their organization's name in search results.
    _notify_search("challenge", *organization.challenges.values_list("pk", flat=True))
    return organization


# Challenges

EDITABLE_STATUSES = {Challenge.Status.DRAFT, Challenge.Status.SUBMITTED}

# Allowed lifecycle moves: (from, to) -> whether the move needs a coordinator.
TRANSITIONS: dict[tuple[str, str], bool] = {
    (Challenge.Status.DRAFT, Challenge.Status.SUBMITTED): False,
    (Challenge.Status.SUBMITTED, Challenge.Status.PUBLISHED): True,
    (Challenge.Status.SUBMITTED, Challenge.Status.DRAFT): False,
    (Challenge.Status.PUBLISHED, Challenge.Status.CLOSED): False,
    (Challenge.Status.PUBLISHED, Challenge.Status.AWARDED): False,
    (Challenge.Status.CLOSED, Challenge.Status.AWARDED): False,
    (Challenge.Status.DRAFT, Challenge.Status.CANCELLED): False,
    (Challenge.Status.SUBMITTED, Challenge.Status.CANCELLED): False,
    (Challenge.Status.PUBLISHED, Challenge.Status.CANCELLED): False,
}


@transaction.atomic
def challenge_create(*, user: User, organization: Organization, data: dict) -> Challenge:
    """Create a draft; only members of the organization (or coordinators) may post for it."""
    if not (user.is_coordinator or organization.members.filter(pk=user.pk).exists()):
        raise PermissionDenied(_("You can only post challenges for your own organization."))
    data = dict(data)
    challenge = Challenge(
        key=data.pop("key", None) or _new_key("c", data.get("title", "")),
        organization=organization,
        created_by=user,
        status=Challenge.Status.DRAFT,
    )
    _save_validated(challenge, _assign(challenge, data, relations=CHALLENGE_RELATIONS))
    return challenge


@transaction.atomic
def challenge_update(*, challenge: Challenge, user: User, data: dict) -> Challenge:
    if not user_can_edit_challenge(user=user, challenge=challenge):
        raise PermissionDenied(_("You can only change your own organization's challenges."))
    if challenge.status not in EDITABLE_STATUSES and not user.is_coordinator:
        raise ValidationError(
            _("A challenge that is %(status)s can no longer be changed. Ask a hub coordinator.")
            % {"status": challenge.get_status_display().lower()},
            code="challenge_not_editable",
        )
    _save_validated(challenge, _assign(challenge, data, relations=CHALLENGE_RELATIONS))
    _notify_search("challenge", challenge.pk)
    return challenge


@transaction.atomic
def challenge_delete(*, challenge: Challenge, user: User) -> None:
    if not user_can_edit_challenge(user=user, challenge=challenge):
        raise PermissionDenied(_("You can only delete your own organization's challenges."))
    if challenge.status != Challenge.Status.DRAFT:
        raise ValidationError(
            _("Only a draft can be deleted. Cancel the challenge instead."), code="challenge_not_draft"
        )
    challenge.delete()


@transaction.atomic
def challenge_transition(
    *, challenge: Challenge, user: User, to_status: str, note: str = "", awarded_vendor: Vendor | None = None
) -> Challenge:
    """Move a challenge along its lifecycle and record who did it and when."""
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    move = (challenge.status, to_status)
    if move not in TRANSITIONS:
        raise ValidationError(
            _("A challenge that is %(current)s cannot become %(target)s.")
            % {
                "current": challenge.get_status_display().lower(),
                "target": Challenge.Status(to_status).label.lower(),
            },
            code="invalid_transition",
        )
    if TRANSITIONS[move] and not user.is_coordinator:
        raise PermissionDenied(_("Only a hub coordinator can publish a challenge."))
    if not user_can_edit_challenge(user=user, challenge=challenge):
        raise PermissionDenied(_("You can only manage your own organization's challenges."))
    if to_status == Challenge.Status.AWARDED:
        if awarded_vendor is None:
            raise ValidationError({"vendor": _("Choose the vendor the challenge is awarded to.")}, code="required")
        challenge.awarded_vendor = awarded_vendor
    if to_status == Challenge.Status.PUBLISHED:
        challenge.published_at = timezone.now()
    audit_record(actor=user, obj=challenge, action=to_status, from_state=challenge.status, to_state=to_status, reason=note)
    challenge.status = to_status
    challenge.save(update_fields=["status", "awarded_vendor", "published_at", "updated_at"])
    _notify_search("challenge", challenge.pk)
    if to_status == Challenge.Status.PUBLISHED:
        challenge_published.send(sender=Challenge, challenge_id=challenge.pk)
        notify(
            users=challenge.organization.members.all(),
            kind=Notification.Kind.CHALLENGE_PUBLISHED,
            dedupe_key=f"challenge-published:{challenge.pk}",
            render=lambda: (
                _("Published: %(title)s") % {"title": challenge.title},
                _("The hub published your challenge. Coordinators are reviewing the vendors the matcher proposed."),
            ),
            url=reverse("frontend:challenge_detail", kwargs={"challenge_id": challenge.pk}),
        )
    return challenge


# Privacy (Quebec's Law 25)


@transaction.atomic
def vendor_personal_data_erase(*, user: User, **signal_kwargs) -> None:
    """Receiver of hub's `personal_data_erase_requested`: the user leaves their firms and is no longer the contact
    person of those that named them."""
    vendor_ids = list(vendor_list_for_contact(user=user).values_list("pk", flat=True))  # Needs the memberships.
    user.vendors.clear()
    if vendor_ids:
        Vendor.objects.filter(pk__in=vendor_ids).update(
            contact_name="", contact_email="", contact_phone="", updated_at=timezone.now()
        )
        _notify_search("vendor", *vendor_ids)
