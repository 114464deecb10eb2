import dataclasses

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from hub import roles
from hub.models import User
from marketplace.models import Challenge, Vendor


def organization_members(challenge: Challenge) -> QuerySet[User]:
    return challenge.organization.members.filter(is_active=True)


def vendor_members(vendor: Vendor) -> QuerySet[User]:
    return vendor.members.filter(is_active=True)


def require_challenge_member(challenge: Challenge, user: User) -> None:
    if not roles.is_organization_member(user, challenge.organization):
        raise PermissionDenied(_("Only members of the organization that posted this challenge can do this."))


def require_vendor_member(vendor: Vendor, user: User) -> None:
    if not roles.is_vendor_member(user, vendor):
        raise PermissionDenied(_("Only members of this vendor can do this."))


def locked(model_instance):
    """The row again, locked until the end of the transaction: two deciders never both win."""
    return type(model_instance).objects.select_for_update().get(pk=model_instance.pk)


def explanation_data(explanation) -> dict:
    return dataclasses.asdict(explanation)
