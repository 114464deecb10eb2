"""Who may call an endpoint at all, by the rules of hub/roles.py. Which objects they may see is the selectors' job."""

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from hub import roles


class RolePermission(BasePermission):
    """Lets through the users for whom `rule` holds; the pages' decorators ask the same rule."""

    rule: Callable[[roles.AnyUser], bool]

    def has_permission(self, request, view) -> bool:
        return type(self).rule(request.user)


class IsCoordinator(RolePermission):
    message = _("Only hub coordinators can do this.")
    rule = roles.is_coordinator


class IsOrganizationMember(RolePermission):
    message = _("Only members of a public organization can do this.")
    rule = roles.is_organization_member


class IsVendorMember(RolePermission):
    message = _("Only members of a vendor can do this.")
    rule = roles.is_vendor_member


class IsAdministrator(RolePermission):
    message = _("Only administrators can do this.")
    rule = roles.is_administrator
