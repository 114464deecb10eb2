"""API tokens: how a request authenticates with one, and the rule that a password change deletes them."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from hub import selectors, services
from hub.models import ApiToken, User
from hub.security import two_factor_missing, two_factor_missing_message


class TokenRefused(exceptions.AuthenticationFailed):
    """An API token that is unknown, revoked or expired: answered 401 with the `Token` challenge
    (hub/api_errors.py).

    DRF answers 403 to a failed authentication when the first authentication class (sessions) sends no
    challenge; a client holding a dead token must instead learn that it has to get a new one."""


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>` with a key from `POST /api/v1/auth/token/`, refused once expired or revoked."""

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[User, ApiToken] | None:
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None  # Another scheme, or none: the session may authenticate the request.
        if len(parts) != 2:
            raise TokenRefused(
                _("The Authorization header must be “Token <key>”, with the key in one piece.")
            )
        try:
            key = parts[1].decode("ascii")
        except UnicodeError:
            key = ""
        token = selectors.api_token_find(key=key) if key else None
        if token is None or not token.user.is_active:
            raise TokenRefused(
                _(
                    "This API token is not valid: it was revoked, or deleted when the password changed. "
                    "Request a new one with POST /api/v1/auth/token/."
                )
            )
        now = timezone.now()
        if token.expires_at <= now:
            raise TokenRefused(
                _("This API token expired on %(date)s. Request a new one with POST /api/v1/auth/token/.")
                % {"date": formats.date_format(timezone.localtime(token.expires_at), "DATETIME_FORMAT")}
            )
        if two_factor_missing(token.user):
            raise exceptions.PermissionDenied(two_factor_missing_message())
        services.api_token_use_record(token=token, now=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class ApiTokensDeletedOnPasswordChange:
    """Deletes the user's API tokens whenever their password changes, whatever the path: the site's change and
    reset forms, the admin, `manage.py changepassword`.

    Listed in AUTH_PASSWORD_VALIDATORS for Django's `password_changed()` hook, which User.save() calls after
    every set_password(): the one place every password change goes through. It validates nothing."""

    def validate(self, password: str, user: AbstractBaseUser | None = None) -> None:
        return None

    def password_changed(self, password: str, user: AbstractBaseUser | None = None) -> None:
        if user is not None and user.pk is not None:
            services.api_tokens_delete(user=user)

    def get_help_text(self) -> str:
        return _("Changing your password deletes your API tokens.")
