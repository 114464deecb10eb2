"""How django-allauth's social sign-in meets Maillage: only an organization's own OpenID Connect provider
(marketplace.OrganizationSignIn), and only for its members (docs/oidc.md).

allauth runs the code flow and checks the ID token (signature, issuer, audience, expiry); this adapter then
decides whether Maillage accepts the person: a verified address at one of the organization's domains; a first
sign-in creates the member, or links an account that already belongs to the organization; anything else is
refused with a message on the sign-in page, and nothing is saved."""

import jwt
import requests
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.base import AuthError, AuthProcess
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import redirect, resolve_url
from django.utils.translation import gettext as _

from hub.models import User
from marketplace.models import OrganizationSignIn
from marketplace.selectors import organization_sign_in_for_provider
from marketplace.services import (
    organization_sign_in_check,
    organization_sign_in_link,
    organization_sign_in_member_create,
)

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def refuse(request: HttpRequest, message: str) -> ImmediateHttpResponse:
    """Back to the sign-in page, which says why."""
    messages.error(request, message)
    return ImmediateHttpResponse(redirect(resolve_url(settings.LOGIN_URL)))


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        sign_in = self._sign_in(request, sociallogin.account.provider)
        if sociallogin.state.get("process") != AuthProcess.LOGIN:
            # Connecting a provider to whatever account is signed in would let anyone attach an identity.
            raise refuse(request, _("Sign out first, then sign in with your organization's account."))
        email, verified = _claimed_email(sociallogin)
        try:
            organization_sign_in_check(sign_in=sign_in, email=email, email_verified=verified)
            if sociallogin.is_existing:
                if not sociallogin.user.is_active or not sign_in.organization.members.filter(
                    pk=sociallogin.user.pk
                ):
                    raise PermissionDenied(
                        _(
                            "You are no longer a member of %(organization)s on Maillage. Ask one of its members to "
                            "invite you again."
                        )
                        % {"organization": sign_in.organization.name}
                    )
                return
            user = User.objects.filter(email__iexact=email).first()
            if user is not None:
                # Linked only when the account already belongs to the organization (never by address alone).
                with transaction.atomic():
                    organization_sign_in_link(sign_in=sign_in, user=user)
                    sociallogin.connect(request, user)
        except PermissionDenied as error:
            raise refuse(request, str(error)) from error

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        # Reached only after pre_social_login accepted the person for their organization.
        return (
            sociallogin.account.provider == self._sign_in(request, sociallogin.account.provider).provider_id
        )

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return True  # Never allauth's sign-up form: everything we need comes from the provider.

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form=None) -> User:
        sign_in = self._sign_in(request, sociallogin.account.provider)
        email, _verified = _claimed_email(sociallogin)
        claims = _claims(sociallogin)
        try:
            with transaction.atomic():
                user = organization_sign_in_member_create(
                    sign_in=sign_in,
                    email=email,
                    first_name=claims.get("given_name") or "",
                    last_name=claims.get("family_name") or "",
                    language=_language(sociallogin, claims),
                )
                sociallogin.user = user
                sociallogin.save(request, connect=True)  # The service made the verified address.
        except PermissionDenied as error:
            raise refuse(request, str(error)) from error
        return user

    def on_authentication_error(
        self, request: HttpRequest, provider, error=None, exception=None, extra_context=None
    ) -> None:
        sign_in = (
            organization_sign_in_for_provider(provider_id=provider.app.provider_id) if provider.app else None
        )
        name = sign_in.organization.name if sign_in is not None else _("your organization")
        cause = exception.__cause__ if exception is not None else None
        if isinstance(exception, requests.RequestException):
            message = _(
                "%(organization)s's sign-in service did not answer. Try again in a few minutes, or sign in with "
                "your Maillage password."
            ) % {"organization": name}
        elif isinstance(cause, jwt.InvalidAudienceError):
            message = _(
                "%(organization)s's sign-in service answered for another application (the token's audience is "
                "not Maillage's client id). Nothing was changed. Tell the hub's coordination team."
            ) % {"organization": name}
        elif isinstance(cause, jwt.InvalidIssuerError):
            message = _(
                "%(organization)s's sign-in service answered in the name of another issuer. Nothing was changed. "
                "Tell the hub's coordination team."
            ) % {"organization": name}
        elif isinstance(exception, PermissionDenied):
            message = str(exception)
        elif error == AuthError.CANCELLED:
            message = _("Signing in with %(organization)s's account was cancelled.") % {"organization": name}
        else:
            message = _(
                "Signing in with %(organization)s's account did not succeed. Start again from the sign-in page."
            ) % {"organization": name}
        raise refuse(request, message)

    def _sign_in(self, request: HttpRequest, provider_id: str) -> OrganizationSignIn:
        sign_in = organization_sign_in_for_provider(provider_id=provider_id)
        if sign_in is None:
            raise refuse(request, _("This sign-in service is not one of an organization on Maillage."))
        return sign_in


def _claims(sociallogin: SocialLogin) -> dict:
    # allauth keeps the userinfo answer, or the ID token's claims when there is none.
    data = sociallogin.account.extra_data
    return data.get("userinfo") or data.get("id_token") or {}


def _claimed_email(sociallogin: SocialLogin) -> tuple[str, bool]:
    claims = _claims(sociallogin)
    verified = claims.get("email_verified") is True or claims.get("email_verified") == "true"
    return (claims.get("email") or "").strip(), verified


def _language(sociallogin: SocialLogin, claims: dict) -> str:
    """The language of the page the person started from, else the provider's `locale` claim, else French."""
    chosen = (sociallogin.state.get("data") or {}).get("language", "")
    claimed = str(claims.get("locale") or "").replace("_", "-").split("-")[0].lower()
    for code in (chosen, claimed):
        if code in LANGUAGE_CODES:
            return code
    return settings.LANGUAGE_CODE
