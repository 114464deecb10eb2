from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from hub import roles
from hub.exceptions import Conflict
from hub.models import User
from hub.services import audit_record
from marketplace.models import Challenge, Vendor
from marketplace.moves import Move, Party


def organization_members(challenge: Challenge) -> QuerySet[User]:
    return challenge.organization.members.filter(is_active=True)


def vendor_members(vendor: Vendor) -> QuerySet[User]:
    return vendor.members.filter(is_active=True)


def other_party_members(mover: Party, *, challenge: Challenge, vendor: Vendor) -> QuerySet[User]:
    """Who hears of a party's move: the organization's members when the firm moved, the firm's otherwise."""
    return organization_members(challenge) if mover is Party.VENDOR else vendor_members(vendor)


def require_challenge_member(challenge: Challenge, user: User) -> None:
    if not roles.is_organization_member(user, challenge.organization):
        raise PermissionDenied(_("Only members of the organization that posted this challenge can do this."))


def require_vendor_member(vendor: Vendor, user: User) -> None:
    if not roles.is_vendor_member(user, vendor):
        raise PermissionDenied(_("Only members of this vendor can do this."))


def locked(model_instance):
    """The row again, locked until the end of the transaction: two deciders never both win."""
    return type(model_instance).objects.select_for_update().get(pk=model_instance.pk)


def move_locked(
    obj: Model,
    *,
    table: dict[str, Move],
    to_status: str,
    user: User,
    refused: Callable[[Model, str], Conflict],
    changes: dict | None = None,
    audit: dict | None = None,
) -> Model:
    """Lock the row, check that `table` allows the move from its current state (`refused` says why not),
    apply the move and `changes`, and audit it. Two people moving the same object at once never both win."""
    obj = locked(obj)
    from_status = obj.status
    if from_status not in table[to_status].sources:
        raise refused(obj, to_status)
    obj.status = to_status
    for field, value in (changes or {}).items():
        setattr(obj, field, value)
    obj.save(update_fields=["status", *(changes or {}), "updated_at"])
    audit_record(
        actor=user,
        obj=obj,
        action=table[to_status].action or to_status,
        from_state=from_status,
        to_state=to_status,
        **(audit or {}),
    )
    return obj
