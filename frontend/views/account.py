"""Account pages: sign in, notifications, account and language preferences, password change and reset."""
from django.conf import settings
from django.contrib import messages
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

from frontend.forms.account import AccountForm
from hub import services
from hub.security import login_success_record
from hub.selectors import api_token_get, api_token_list, notification_get, notification_list
from hub.services import (
    notification_mark_all_read,
    notification_mark_read,
    user_preferences_update,
    user_profile_update,
)

NOTIFICATIONS_PER_PAGE = 20


class LoginView(auth_views.LoginView):
    """Sign in; the site then continues in the user's preferred language."""

    template_name = "frontend/account/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form) -> HttpResponse:
        response = super().form_valid(form)
        return _in_language(response, form.get_user().preferred_language)


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    page_obj = Paginator(notification_list(user=request.user), NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "frontend/account/notifications.html", {"page_obj": page_obj})


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = notification_get(user=request.user, notification_id=notification_id)
    notification = notification_mark_read(notification=notification, user=request.user)
    if request.htmx:
        return render(request, "frontend/account/_notification.html", {"notification": notification, "swap": True})
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
                    user_profile_update(
                        user=user, first_name=data["first_name"], last_name=data["last_name"], email=data["email"]
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
    return render(request, "frontend/account/account.html", {"form": form})


def _switch_language(request: HttpRequest, language: str) -> HttpResponse:
    """Back to the account page in the chosen language."""
    with translation.override(language):
        messages.success(request, _("Your account is saved."))
    return _in_language(redirect(reverse("frontend:account")), language)


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
