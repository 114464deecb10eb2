"""Who may call an endpoint at all. Which objects they may see is the selectors' job."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from hub.models import User


class IsCoordinator(BasePermission):
    message = _("Only hub coordinators can do this.")

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated and request.user.is_coordinator)


class IsOrganizationMember(BasePermission):
    message = _("Only members of a public organization can do this.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(
            user and user.is_authenticated and (user.role == User.Role.MINISTRY_MEMBER or user.is_coordinator)
        )


class IsVendorMember(BasePermission):
    message = _("Only members of a vendor can do this.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(
            user and user.is_authenticated and (user.role == User.Role.VENDOR_MEMBER or user.is_coordinator)
        )


class IsAdministrator(BasePermission):
    message = _("Only administrators can do this.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(
            user and user.is_authenticated and (user.is_superuser or user.role == User.Role.ADMINISTRATOR)
        )
