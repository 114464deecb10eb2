"""Who may do what: the role and membership rules, written once as plain functions of a user.

The API's permission classes (hub/permissions.py), the pages' decorators (frontend/views) and the services'
membership checks all ask these. Every one accepts an anonymous user and refuses them.

A coordinator (User.is_coordinator: coordinators, administrators and superusers) may act as a member of
every organization and every firm; when they do so for a party they are not a member of, the services ask
for a reason and tell the party (hub.services.behalf_check)."""

from typing import Protocol

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet

from hub.models import User

AnyUser = User | AnonymousUser


class Party(Protocol):
    """An organization or a firm (marketplace.Vendor): whatever has members."""

    name: str

    @property
    def members(self) -> QuerySet[User]: ...


def is_coordinator(user: AnyUser) -> bool:
    """Coordinators, administrators and superusers: they see and decide everything on the hub."""
    return bool(user.is_authenticated and user.is_coordinator)


def is_administrator(user: AnyUser) -> bool:
    """Administrators and superusers: the register of confidentiality incidents is theirs alone."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.role == User.Role.ADMINISTRATOR)
    )


def is_member_of(user: AnyUser, party: Party) -> bool:
    """Whether the user is one of the party's own members (a coordinator acting for it is not)."""
    return bool(user.is_authenticated and party.members.filter(pk=user.pk).exists())


def is_organization_member(user: AnyUser, organization: Party | None = None) -> bool:
    """Whether the user may act as a member of this public organization (of one at all, without one)."""
    return acts_as_member(user, role=User.Role.MINISTRY_MEMBER, party=organization)


def is_vendor_member(user: AnyUser, vendor: Party | None = None) -> bool:
    """Whether the user may act as a member of this firm (of one at all, without one)."""
    return acts_as_member(user, role=User.Role.VENDOR_MEMBER, party=vendor)


def acts_as_member(user: AnyUser, *, role: str, party: Party | None) -> bool:
    """Whether the user may act as a member of the party whose members have `role` (invitations use it)."""
    # Without a party: whether the user's role is the party's kind (the API's and the pages' audience).
    if is_coordinator(user):
        return True
    if party is None:
        return bool(user.is_authenticated and user.role == role)
    return is_member_of(user, party)
