"""Who may call an endpoint at all, by the rules of hub/roles.py. Which objects they may see is the selectors' job."""

from collections.abc import Callable

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from hub import roles


class RolePermission(BasePermission):
    """Lets through the users for whom `rule` holds; the pages' decorators (frontend.views.page_for) ask the
    same rule."""

    rule: Callable[[roles.AnyUser], bool]

    def has_permission(self, request, view) -> bool:
        return type(self).rule(request.user)


def role_permission(name: str, rule: Callable[[roles.AnyUser], bool], message: str) -> type[RolePermission]:
    """A permission class named `name` that asks `rule` and refuses with `message`."""
    return type(name, (RolePermission,), {"rule": staticmethod(rule), "message": message})


IsCoordinator = role_permission(
    "IsCoordinator", roles.is_coordinator, _("Only hub coordinators can do this.")
)
IsOrganizationMember = role_permission(
    "IsOrganizationMember",
    roles.is_organization_member,
    _("Only members of a public organization can do this."),
)
IsVendorMember = role_permission(
    "IsVendorMember", roles.is_vendor_member, _("Only members of a vendor can do this.")
)
IsAdministrator = role_permission(
    "IsAdministrator", roles.is_administrator, _("Only administrators can do this.")
)
