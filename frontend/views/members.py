"""Membership pages: who belongs to an organization or a firm, inviting a colleague, revoking an invitation,
removing a member; a coordinator registering an organization; accepting an emailed invitation.

Organizations and firms share one page and one set of services (hub.services.invitation_*): only the party
and its invitation model differ."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from frontend.forms import add_service_error
from frontend.forms.members import (
    InvitationAccountForm,
    InvitationForm,
    OrganizationRegisterForm,
    OrganizationSignInForm,
)
from frontend.views import page_for
from hub import roles
from hub.models import Invitation, OrganizationInvitation
from hub.selectors import invitation_get, invitation_pending_list
from hub.services import invitation_accept as invitation_accept_service
from hub.services import (
    invitation_accept_new_account,
    invitation_check,
    invitation_revoke,
    invitation_send,
    party_member_remove,
)
from marketplace.models import Vendor, VendorInvitation
from marketplace.selectors import (
    invitation_find_any,
    join_request_get_for_vendor,
    join_request_list_for_vendor,
    organization_get,
    vendor_get_for_member,
)
from marketplace.services import join_request_decide
from marketplace.services import organization_register as organization_register_service
from marketplace.services import organization_sign_in_configure as organization_sign_in_configure_service


@page_for(roles.is_coordinator, _("Only the hub's coordinators can register a public organization."))
def organization_register(request: HttpRequest) -> HttpResponse:
    form = OrganizationRegisterForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = dict(form.cleaned_data)
        email = data.pop("first_member_email")
        try:
            organization = organization_register_service(
                user=request.user, data=data, first_member_email=email
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("%(organization)s is registered, and %(email)s is invited to join it.")
                % {"organization": organization.name, "email": email},
            )
            return redirect("frontend:organization_members", organization_id=organization.pk)
    return render(request, "frontend/members/organization_register.html", {"form": form})


@page_for(
    roles.is_organization_member, _("Only public organization members can see an organization's members.")
)
def organization_members(request: HttpRequest, organization_id: int) -> HttpResponse:
    organization = organization_get(organization_id=organization_id)
    if not roles.is_organization_member(request.user, organization):
        raise Http404  # As selectors do: another organization's members are not shown, nor that it exists.
    return _members_page(
        request,
        party=organization,
        invitation_model=OrganizationInvitation,
        url=reverse("frontend:organization_members", kwargs={"organization_id": organization.pk}),
        sign_in_url=reverse(
            "frontend:organization_sign_in_configure", kwargs={"organization_id": organization.pk}
        )
        if roles.is_coordinator(request.user)
        else "",
    )


@page_for(roles.is_vendor_member, _("Only vendor members can see a firm's members."))
def vendor_members(request: HttpRequest, vendor_id: int) -> HttpResponse:
    vendor = vendor_get_for_member(user=request.user, vendor_id=vendor_id)
    return _members_page(
        request,
        party=vendor,
        invitation_model=VendorInvitation,
        url=reverse("frontend:vendor_members", kwargs={"vendor_id": vendor.pk}),
    )


def _members_page(
    request: HttpRequest,
    *,
    party: roles.Party,
    invitation_model: type[Invitation],
    url: str,
    sign_in_url: str = "",
) -> HttpResponse:
    """The party's members and pending invitations; its forms invite, revoke an invitation or remove a member."""
    form = InvitationForm(request.POST if request.POST.get("action") == "invite" else None)
    if request.method == "POST":
        try:
            with transaction.atomic():
                done = _members_action(request, party=party, invitation_model=invitation_model, form=form)
        except ValidationError as error:
            if request.POST.get("action") == "invite":
                add_service_error(form, error)
            else:
                messages.error(request, " ".join(error.messages))
                return redirect(url)
        else:
            if done:
                messages.success(request, done)
                return redirect(url)
    return render(
        request,
        "frontend/members/members.html",
        {
            "party": party,
            "members": party.members.order_by("last_name", "first_name", "username"),
            "invitations": invitation_pending_list(invitation_model=invitation_model, party=party),
            # Firms only: someone who typed a firm's NEQ asks to join it.
            "join_requests": (
                join_request_list_for_vendor(user=request.user, vendor=party)
                if isinstance(party, Vendor)
                else None
            ),
            "form": form,
            "url": url,
            "sign_in_url": sign_in_url,
        },
    )


def _members_action(
    request: HttpRequest, *, party: roles.Party, invitation_model: type[Invitation], form: InvitationForm
) -> str:
    """Do what the posted form asks; return the message that says it is done (empty if the form is invalid)."""
    action = request.POST.get("action")
    if action == "invite":
        if not form.is_valid():
            return ""
        invitation, _key = invitation_send(
            invitation_model=invitation_model,
            party=party,
            email=form.cleaned_data["email"],
            invited_by=request.user,
        )
        days = settings.INVITATION_LIFETIME_DAYS
        return ngettext(
            "%(email)s is invited. The link works for %(days)s day.",
            "%(email)s is invited. The link works for %(days)s days.",
            days,
        ) % {"email": invitation.email, "days": days}
    if action == "revoke":
        invitation = invitation_get(
            invitation_model=invitation_model, party=party, invitation_id=_posted_id(request, "invitation")
        )
        invitation_revoke(invitation=invitation, user=request.user)
        return _("The invitation to %(email)s is withdrawn: its link no longer works.") % {
            "email": invitation.email
        }
    if action == "remove":
        member = get_object_or_404(party.members.all(), pk=_posted_id(request, "member"))
        party_member_remove(invitation_model=invitation_model, party=party, member=member, user=request.user)
        return _("%(name)s is no longer a member of %(party)s.") % {
            "name": member.get_full_name() or member.get_username(),
            "party": party.name,
        }
    if action in ("accept_request", "refuse_request") and isinstance(party, Vendor):
        join_request = join_request_get_for_vendor(
            user=request.user, join_request_id=_posted_id(request, "join_request")
        )
        if join_request.vendor_id != party.pk:
            raise Http404
        accept = action == "accept_request"
        join_request_decide(
            join_request=join_request, user=request.user, accept=accept, reason=request.POST.get("reason", "")
        )
        name = join_request.requester.get_full_name() or join_request.requester.get_username()
        if accept:
            return _("%(name)s is now a member of %(party)s, and is told.") % {
                "name": name,
                "party": party.name,
            }
        return _("The request of %(name)s is refused, and they are told.") % {"name": name}
    raise ValidationError(_("Choose what to do: invite, withdraw an invitation or remove a member."))


def _posted_id(request: HttpRequest, name: str) -> int:
    value = request.POST.get(name, "")
    if not value.isdigit():
        raise ValidationError(_("Choose what to do: invite, withdraw an invitation or remove a member."))
    return int(value)


def invitation_accept(request: HttpRequest, key: str) -> HttpResponse:
    """The page the emailed link opens. A signed-in person joins with a button; a new person creates their
    account (the invited address, verified by the link) and joins. A link that no longer works says why."""
    try:
        invitation = invitation_check(invitation=invitation_find_any(key=key))
    except ValidationError as error:
        return render(
            request, "frontend/members/invitation_accept.html", {"errors": error.messages}, status=410
        )
    user = request.user
    has_account = (
        user.is_authenticated or get_user_model().objects.filter(email__iexact=invitation.email).exists()
    )
    form = InvitationAccountForm(
        request.POST if request.method == "POST" and not user.is_authenticated else None
    )
    errors: list[str] = []
    if request.method == "POST":
        try:
            if user.is_authenticated:
                invitation_accept_service(invitation=invitation, user=user)
            elif form.is_valid():
                data = form.cleaned_data
                user = invitation_accept_new_account(
                    invitation=invitation,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    password=data["password"],
                )
                login(request, user)
        except ValidationError as error:
            if user.is_authenticated:
                errors = error.messages
            else:
                add_service_error(form, error)
        else:
            if user.is_authenticated:
                messages.success(request, _("Welcome to %(party)s.") % {"party": invitation.party.name})
                home = (
                    "frontend:ministry_dashboard"
                    if isinstance(invitation, OrganizationInvitation)
                    else "frontend:vendor_dashboard"
                )
                return redirect(home)
    context = {"invitation": invitation, "form": form, "has_account": has_account, "errors": errors}
    return render(request, "frontend/members/invitation_accept.html", context)


@page_for(roles.is_coordinator, _("Only the hub's coordinators can configure an organization's sign-in."))
def organization_sign_in_configure(request: HttpRequest, organization_id: int) -> HttpResponse:
    """An organization's own OpenID Connect provider: its issuer, the client Maillage is, its email domains."""
    organization = organization_get(organization_id=organization_id)
    sign_in = getattr(organization, "sign_in", None)
    initial = (
        {
            "issuer": sign_in.issuer,
            "client_id": sign_in.client_id,
            "email_domains": " ".join(sign_in.email_domains),
            "is_enabled": sign_in.is_enabled,
        }
        if sign_in is not None
        else {"is_enabled": True}
    )
    form = OrganizationSignInForm(
        request.POST if request.method == "POST" else None, initial=initial, has_secret=sign_in is not None
    )
    if form.is_valid():
        try:
            organization_sign_in_configure_service(
                organization=organization, user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("%(organization)s's sign-in is saved.") % {"organization": organization.name},
            )
            return redirect("frontend:organization_sign_in_configure", organization_id=organization.pk)
    callback = None
    if sign_in is not None:
        callback = settings.SITE_URL + reverse(
            "openid_connect_callback", kwargs={"provider_id": sign_in.provider_id}
        )
    context = {"organization": organization, "sign_in": sign_in, "form": form, "callback": callback}
    return render(request, "frontend/members/organization_sign_in.html", context)
