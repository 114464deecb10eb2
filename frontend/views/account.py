"""Account pages (sign-in and sign-up are allauth's, frontend/account_adapter.py): notifications, account and language preferences, password change and reset."""

import requests
from allauth.socialaccount.providers.base import AuthProcess
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.messages.views import SuccessMessageMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy, translate_url
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from rest_framework.renderers import JSONRenderer

from frontend.forms import add_service_error
from frontend.forms.account import AccountDeleteForm, AccountForm, ConsentForm, UserLanguagePasswordResetForm
from frontend.forms.members import OrganizationSignInStartForm
from hub import security, services
from hub.models import Consent
from hub.security import login_success_record
from hub.selectors import (
    api_token_get,
    api_token_list,
    consent_list,
    notification_get,
    notification_list,
    personal_data_collect,
    personal_data_filename,
    user_email_confirmation_get,
    user_email_pending,
)
from hub.services import (
    consent_record,
    notification_mark_all_read,
    notification_mark_read,
    user_delete,
    user_email_change_confirm,
    user_preferences_update,
    user_profile_update,
)
from marketplace.selectors import organization_sign_in_for_email, organization_sign_in_list

NOTIFICATIONS_PER_PAGE = 20


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    page_obj = Paginator(notification_list(user=request.user), NOTIFICATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "frontend/account/notifications.html", {"page_obj": page_obj})


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = notification_get(user=request.user, notification_id=notification_id)
    notification = notification_mark_read(notification=notification, user=request.user)
    if request.htmx:
        return render(
            request, "frontend/account/_notification.html", {"notification": notification, "swap": True}
        )
    messages.success(request, _("The notification is marked as read."))
    return redirect(_back_to_notifications(request))


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    count = notification_mark_all_read(user=request.user)
    if count:
        messages.success(request, _("All your notifications are marked as read."))
    else:
        messages.info(request, _("You had no unread notification."))
    return redirect(_back_to_notifications(request))


def _back_to_notifications(request: HttpRequest) -> str:
    page = request.POST.get("page", "")
    url = reverse("frontend:notifications")
    return f"{url}?page={page}" if page.isdigit() else url


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = AccountForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    # A new email address is sent its link in the language of this page.
                    user_profile_update(
                        request=request,
                        user=user,
                        first_name=data["first_name"],
                        last_name=data["last_name"],
                        email=data["email"],
                    )
                    user_preferences_update(
                        user=user,
                        preferred_language=data["preferred_language"],
                        email_frequency=data["email_frequency"],
                    )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                return _switch_language(request, user.preferred_language)
    else:
        form = AccountForm(initial=AccountForm.initial_for(user))
    consents = list(consent_list(user=user))
    current_consents = {}
    for consent in consents:  # Newest first: the first of each kind is the one that counts.
        current_consents.setdefault(consent.kind, consent)
    return render(
        request,
        "frontend/account/account.html",
        {
            "form": form,
            "email_pending": user_email_pending(user=user),
            "consents": consents,
            "notifications_consent": current_consents.get(Consent.Kind.NOTIFICATIONS),
            "consent_versions": settings.CONSENT_VERSIONS,
        },
    )


# Law 25 rights on the account page, with the API's selectors and services (/api/v1/me/data/, /me/delete/, /consents/).


@login_required
def account_data(request: HttpRequest) -> HttpResponse:
    """The same JSON document as GET /api/v1/me/data/, to download."""
    response = HttpResponse(
        JSONRenderer().render(personal_data_collect(user=request.user)), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{personal_data_filename()}"'
    return response


@login_required
def account_delete(request: HttpRequest) -> HttpResponse:
    form = AccountDeleteForm(request.POST if request.method == "POST" else None, user=request.user)
    if form.is_valid():
        try:
            # As the API does: a locked-out username cannot keep guessing here.
            security.login_lockout_check(request=request, username=request.user.get_username())
            user_delete(
                user=request.user,
                password=form.cleaned_data.get("password", ""),
                email=form.cleaned_data.get("email", ""),
                request=request,
            )
        except security.LoginLockedOut as locked:
            form.add_error("password" if "password" in form.fields else None, locked.message)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            logout(request)
            messages.success(request, _("Your personal information is deleted and you are signed out."))
            return redirect("frontend:home")
    return render(request, "frontend/account/account_delete.html", {"form": form})


@login_required
@require_POST
def consent_update(request: HttpRequest) -> HttpResponse:
    form = ConsentForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.non_field_errors() or _("Choose a consent to give or withdraw."))
        consent = consent_record(user=request.user, **form.cleaned_data["consent"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if consent.granted:
            messages.success(
                request, _("Your consent is recorded: %(kind)s.") % {"kind": consent.get_kind_display()}
            )
        else:
            messages.success(
                request, _("Your consent is withdrawn: %(kind)s.") % {"kind": consent.get_kind_display()}
            )
    return redirect("frontend:account")


def _switch_language(request: HttpRequest, language: str) -> HttpResponse:
    """Back to the account page in the chosen language."""
    with translation.override(language):
        messages.success(request, _("Your account is saved."))
        pending = user_email_pending(user=request.user)
        if pending is not None:
            messages.info(
                request,
                _(
                    "To change your email address, open the link we sent to %(email)s. Until then, your emails "
                    "keep going to %(current)s."
                )
                % {"email": pending.email, "current": request.user.email},
            )
    return _in_language(redirect(reverse("frontend:account")), language)


def email_confirm(request: HttpRequest, key: str) -> HttpResponse:
    """The page an emailed link opens: a button confirms the new address (a mail scanner only follows links)."""
    if request.method == "POST":
        try:
            address = user_email_change_confirm(request=request, key=key)
        except ValidationError as error:
            return render(request, "frontend/account/email_confirm.html", {"errors": error.messages})
        messages.success(request, _("Your email address is now %(email)s.") % {"email": address.email})
        return redirect("frontend:account" if request.user.is_authenticated else "frontend:login")
    address = user_email_confirmation_get(key=key)
    return render(request, "frontend/account/email_confirm.html", {"address": address, "errors": []})


def _in_language(response: HttpResponse, language: str) -> HttpResponse:
    """The redirect goes to the same page in `language`, which the language cookie also remembers (as
    Django's set_language does), so the site opens in it next time."""
    response["Location"] = translate_url(response["Location"], language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


class PasswordChangeView(SuccessMessageMixin, auth_views.PasswordChangeView):
    template_name = "frontend/account/password_change.html"
    success_url = reverse_lazy("frontend:account")
    success_message = gettext_lazy("Your password is changed.")


class PasswordResetView(auth_views.PasswordResetView):
    """The site's one password reset (allauth's is not linked from any page)."""

    form_class = UserLanguagePasswordResetForm
    template_name = "frontend/account/password_reset.html"
    email_template_name = "frontend/account/password_reset_email.txt"
    subject_template_name = "frontend/account/password_reset_subject.txt"
    success_url = reverse_lazy("frontend:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "frontend/account/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "frontend/account/password_reset_confirm.html"
    success_url = reverse_lazy("frontend:password_reset_complete")

    def form_valid(self, form) -> HttpResponse:
        # The link proves the mailbox is the owner's: this address may sign in even while the username is
        # being guessed from elsewhere (hub/security.py), which gets a locked-out owner back in.
        login_success_record(request=self.request, username=form.user.get_username())
        return super().form_valid(form)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "frontend/account/password_reset_complete.html"


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    context = {"tokens": api_token_list(user=request.user), "lifetime_days": settings.API_TOKEN_LIFETIME_DAYS}
    return render(request, "frontend/account/tokens.html", context)


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = api_token_get(user=request.user, token_id=token_id)
    services.api_token_revoke(token=token)
    messages.success(
        request,
        _("The API token “%(name)s” is revoked: programs that use it can no longer reach the API.")
        % {"name": token.label or f"{token.prefix}…"},
    )
    return redirect("frontend:api_tokens")


def organization_sign_in(request: HttpRequest) -> HttpResponse:
    """« Sign in with my organization »: find the organization from a work address (or as chosen) and send the
    person to its OpenID Connect provider; allauth's callback comes back to frontend.socialaccount_adapter."""
    sign_ins = {str(sign_in.pk): sign_in for sign_in in organization_sign_in_list()}
    form = OrganizationSignInStartForm(
        request.POST if request.method == "POST" else None,
        organizations=[(key, sign_in.organization.name) for key, sign_in in sign_ins.items()],
    )
    if form.is_valid():
        email = form.cleaned_data["email"]
        sign_in = sign_ins.get(form.cleaned_data["organization"]) or (
            organization_sign_in_for_email(email=email) if email else None
        )
        if sign_in is None:
            form.add_error(
                "email",
                _(
                    "No organization signs in with addresses at %(domain)s. Sign in with your Maillage password, "
                    "or choose your organization in the list."
                )
                % {"domain": email.rpartition("@")[2]},
            )
        else:
            provider = sign_in.social_app.get_provider(request)
            try:
                return provider.redirect(
                    request,
                    AuthProcess.LOGIN,
                    next_url=reverse("frontend:ministry_dashboard"),
                    data={"language": translation.get_language()},
                    auth_params={"login_hint": email} if email else {},
                )
            except requests.RequestException:
                form.add_error(
                    None,
                    _(
                        "%(organization)s's sign-in service did not answer. Try again in a few minutes, or sign "
                        "in with your Maillage password."
                    )
                    % {"organization": sign_in.organization.name},
                )
    response = render(request, "frontend/account/organization_sign_in.html", {"form": form})
    # The form's answer redirects to the organization's provider, which the browser allows only when named.
    response["Content-Security-Policy"] = security.content_security_policy_with_form_action(
        sign_in.issuer_origin for sign_in in sign_ins.values()
    )
    return response
