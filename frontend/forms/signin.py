"""allauth's sign-in and sign-up forms (ACCOUNT_FORMS), with the sign-in lockout's message and the consent
to the terms of use."""

from allauth.account import forms as allauth_forms
from allauth.core import context as allauth_context
from allauth.mfa.base import forms as mfa_forms
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from hub.models import Consent, User
from hub.security import (
    LoginLockedOut,
    login_failure_record,
    login_lockout_message,
    two_factor_lockout_check,
    two_factor_success_record,
)
from hub.services import consent_record


class LoginForm(allauth_forms.LoginForm):
    """allauth's sign-in, saying when to retry once the lockout refuses it (hub/security.py)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Email address or username")
        self.fields["login"].widget.attrs.pop(
            "placeholder", None
        )  # The label says it; a placeholder is no label.
        self.fields["login"].widget.attrs["autocomplete"] = "username"

    def clean(self) -> dict:
        login = self.cleaned_data.get("login") or ""
        self._refuse_if_locked_out(login)
        try:
            return super().clean()
        except ValidationError:
            self._refuse_if_locked_out(login)  # This failure may be the one that locked it.
            raise

    def _refuse_if_locked_out(self, login: str) -> None:
        message = login_lockout_message(request=self.request, login=login)
        if message is not None:
            raise ValidationError(message, code="locked_out")


class _TwoFactorLockoutMixin:
    """allauth.mfa's code step behind our lockout (hub.security.two_factor_lockout_check): wrong codes are
    counted, and once too many, refused with when to retry, before the code is even checked."""

    def clean_code(self) -> str:
        request = allauth_context.request
        try:
            two_factor_lockout_check(request=request, user=self.user)
        except LoginLockedOut as locked:
            raise ValidationError(locked.message, code="locked_out") from None
        try:
            code = super().clean_code()
        except ValidationError:
            login_failure_record(request=request, username=self.user.get_username(), second_factor=True)
            raise
        two_factor_success_record(user=self.user)
        return code


class TwoFactorAuthenticateForm(_TwoFactorLockoutMixin, mfa_forms.AuthenticateForm):
    """The code asked after the password (MFA_FORMS["authenticate"])."""


class TwoFactorReauthenticateForm(_TwoFactorLockoutMixin, mfa_forms.ReauthenticateForm):
    """The code asked again before a sensitive change (MFA_FORMS["reauthenticate"])."""


class SignupForm(allauth_forms.SignupForm):
    """An SME's sign-up: the account and its consent to the terms of use are saved together, or neither."""

    terms = forms.BooleanField(
        label=_("I accept the terms of use and the privacy policy."),
        error_messages={
            "required": _(
                "To create an account, accept the terms of use and the privacy policy (read them with the "
                "links above the box)."
            )
        },
    )

    def save(self, request: HttpRequest) -> User:
        with transaction.atomic():
            user = super().save(request)
            consent_record(
                user=user, kind=Consent.Kind.TERMS, granted=True, version=settings.CONSENT_VERSIONS["terms"]
            )
        return user
