"""Project-wide defences: the Content-Security-Policy header, the API throttles, and the sign-in lockout.

The lockout rule lives here once. Every sign-in goes through `LockoutModelBackend` (allauth's sign-in form,
the API's token endpoint, the Django admin), which refuses a locked-out attempt before checking the password
and counts the failures; allauth's own count of failed sign-ins is off (ACCOUNT_RATE_LIMITS). The site's form
and the token endpoint also call `login_lockout_check` to tell the person when to retry, which
`authenticate()` alone cannot say. Account deletion's password check
counts its failures here too (hub/services.py user_delete).
"""

import hashlib
import logging
import math
import time
from collections.abc import Callable, Iterable

import redis.exceptions
from allauth.account.auth_backends import AuthenticationBackend
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext, ngettext
from rest_framework import throttling
from rest_framework.settings import api_settings

logger = logging.getLogger(__name__)
UserModel = get_user_model()

# No inline script or style anywhere, no plug-in, no framing: pages load code and styles from this site only.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def content_security_policy_with_form_action(origins: Iterable[str]) -> str:
    """The site's policy, with forms also allowed to lead to these origins: a form whose answer redirects
    elsewhere (to an organization's sign-in provider) is blocked by the browser otherwise."""
    extra = " ".join(sorted(set(origins)))
    return CONTENT_SECURITY_POLICY.replace("form-action 'self'", f"form-action 'self' {extra}".rstrip())


# The cache (Redis in production) being away must not take the site down with it: throttling and the
# lockout are then skipped, and the outage is logged.
CACHE_OUTAGE_ERRORS = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


class ContentSecurityPolicyMiddleware:
    """Sends the site's Content-Security-Policy with every response, pages and API alike."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


def client_address(request: HttpRequest) -> str:
    """The caller's IP address, as the API throttles see it: behind `NUM_PROXIES` proxies, read from
    X-Forwarded-For; otherwise the connection's address, which a client cannot forge."""
    return throttling.BaseThrottle().get_ident(request) or ""


# API throttling


class _RatesReadPerRequest:
    """DRF binds the rates when it is imported; reading them per request lets settings (and tests) change them."""

    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view) -> bool:
        try:
            return super().allow_request(request, view)
        except CACHE_OUTAGE_ERRORS as error:
            logger.warning("API throttling skipped, the cache is unavailable: %s", error)
            return True


class AnonRateThrottle(_RatesReadPerRequest, throttling.AnonRateThrottle):
    """Requests without a signed-in user, per address (`anon` rate)."""


class UserRateThrottle(_RatesReadPerRequest, throttling.UserRateThrottle):
    """Requests of a signed-in user, per user (`user` rate)."""


class LoginRateThrottle(_RatesReadPerRequest, throttling.SimpleRateThrottle):
    """Token requests per address (`login` rate), on top of the sign-in lockout."""

    scope = "login"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


# Sign-in lockout
#
# Three counters of failed sign-ins, each within LOGIN_LOCKOUT_MINUTES:
# - per (username, address): LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS lock that pair. A guesser locks only
#   themselves out of that account; its owner, elsewhere, still signs in.
# - per address: LOGIN_FAILURES_PER_ADDRESS lock the address for every username (one address guessing many).
# - per username, from all addresses: LOGIN_FAILURES_PER_USERNAME mean many addresses are guessing (a botnet).
#   The username is then refused, but only from addresses that never signed in to it; its owner's usual
#   addresses keep working. Each time the guessing resumes within a day, the refusal lasts twice as long.
# Nothing here locks an account everywhere, so guessing cannot be turned into a denial of service.

KNOWN_ADDRESS_DAYS = 90  # An address that signed in to a username stays "known" to it for this long.
# How long a username's past refusals make the next one longer; also the cap.
GUARD_MEMORY_SECONDS = 24 * 60 * 60


class LoginLockedOut(Exception):
    """Signing in is refused for now; `retry_after` is in seconds. `from_new_address`: the username is being
    guessed from many addresses and this one never signed in to it."""

    def __init__(self, retry_after: int, *, from_new_address: bool = False) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after
        self.from_new_address = from_new_address

    @property
    def message(self) -> str:
        minutes = max(1, math.ceil(self.retry_after / 60))
        if self.from_new_address:
            return ngettext(
                "Many failed attempts to sign in to this account were made from several places. For its security, "
                "signing in to it from a place you have not signed in from before is paused: try again in "
                "%(minutes)s minute, sign in from a place you used before, or reset your password from the "
                "sign-in page, which lets you sign in from here.",
                "Many failed attempts to sign in to this account were made from several places. For its security, "
                "signing in to it from a place you have not signed in from before is paused: try again in "
                "%(minutes)s minutes, sign in from a place you used before, or reset your password from the "
                "sign-in page, which lets you sign in from here.",
                minutes,
            ) % {"minutes": minutes}
        return ngettext(
            "Too many failed sign-in attempts. For your security, signing in is paused: try again in %(minutes)s "
            "minute. If you forgot your password, reset it from the sign-in page.",
            "Too many failed sign-in attempts. For your security, signing in is paused: try again in %(minutes)s "
            "minutes. If you forgot your password, reset it from the sign-in page.",
            minutes,
        ) % {"minutes": minutes}


def user_has_second_factor(*, username: str) -> bool:
    """Whether the account signs in with a second factor (allauth.mfa), which a guessed password alone
    cannot pass.

    Such an account is never refused because its username is being guessed (the pair and address
    locks still apply to the guessers' addresses)."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user__username__iexact=login_identity(username), type=Authenticator.Type.TOTP
    ).exists()


def two_factor_missing(user) -> bool:
    """A coordinator or administrator who has not set up two-factor sign-in (TOTP) yet, and may do nothing
    else until then (hub.middleware.TwoFactorRequiredMiddleware, hub.authentication)."""
    return bool(user.is_authenticated and user.is_coordinator and not two_factor_enabled(user))


def two_factor_missing_message() -> str:
    return gettext(
        "Coordinators and administrators must set up two-factor authentication before using the API. Sign in "
        "to the site: it takes you to the set-up page."
    )


def login_identity(login: str) -> str:
    """The username that a sign-in typed as a username or an email address counts against, so that the
    two ways to type it share one count. An unknown address counts as itself."""
    login = login.strip()
    if "@" in login:
        username = UserModel.objects.filter(email__iexact=login).values_list("username", flat=True).first()
        if username is not None:
            return username
    return login


def _account(username: str) -> str:
    return hashlib.sha256(login_identity(username).casefold().encode()).hexdigest()


def _remaining_lock(subject: str) -> int:
    locked_until = cache.get(f"login-locked:{subject}")
    return max(0, math.ceil(locked_until - time.time())) if locked_until else 0


def _lock(subject: str, seconds: int) -> None:
    cache.set(f"login-locked:{subject}", time.time() + seconds, timeout=seconds)


def login_lockout_check(*, request: HttpRequest | None, username: str) -> None:
    """Raise LoginLockedOut while signing in to this username from this request's address is refused.

    Without a request (a password checked outside a sign-in), only the username-wide refusal applies."""
    account = _account(username)
    try:
        if request is not None:
            address = client_address(request)
            remaining = max(
                _remaining_lock(f"pair:{account}:{address}"), _remaining_lock(f"address:{address}")
            )
            if remaining:
                raise LoginLockedOut(retry_after=remaining)
            if cache.get(f"login-known:{account}:{address}"):
                return
        remaining = _remaining_lock(f"username:{account}")
    except CACHE_OUTAGE_ERRORS as error:
        logger.warning("Sign-in lockout not checked, the cache is unavailable: %s", error)
        return
    if remaining and not user_has_second_factor(username=username):
        raise LoginLockedOut(retry_after=remaining, from_new_address=True)


def login_failure_record(*, request: HttpRequest | None, username: str, second_factor: bool = False) -> None:
    """Count a failed sign-in; the failure that reaches a limit within the window locks for a whole window
    (the username-wide refusal: longer each time it trips within a day). A wrong second-factor code
    (`second_factor`) counts against the address like a wrong password, and against the account's own count of
    wrong codes, which a correct password does not clear (two_factor_lockout_check)."""
    window = settings.LOGIN_LOCKOUT_MINUTES * 60
    account = _account(username)
    counters = [
        (f"code:{account}", settings.LOGIN_FAILURES_PER_USERNAME)
        if second_factor
        else (f"username:{account}", settings.LOGIN_FAILURES_PER_USERNAME)
    ]
    if request is not None:
        address = client_address(request)
        counters += [
            (f"pair:{account}:{address}", settings.LOGIN_FAILURES_PER_USERNAME_AND_ADDRESS),
            (f"address:{address}", settings.LOGIN_FAILURES_PER_ADDRESS),
        ]
    try:
        for subject, limit in counters:
            key = f"login-failures:{subject}"
            cache.add(key, 0, timeout=window)  # The window starts at the first failure.
            if cache.incr(key) < limit:
                continue
            cache.delete(key)
            if subject.startswith("username:"):
                cache.add(f"login-guard-trips:{account}", 0, timeout=GUARD_MEMORY_SECONDS)
                trips = cache.incr(f"login-guard-trips:{account}")
                _lock(subject, min(window * 2 ** (trips - 1), GUARD_MEMORY_SECONDS))
            else:
                _lock(subject, window)
    except CACHE_OUTAGE_ERRORS as error:
        logger.warning("Failed sign-in not counted, the cache is unavailable: %s", error)


def two_factor_lockout_check(*, request: HttpRequest | None, user) -> None:
    """Raise LoginLockedOut while this account's second-factor codes are refused: after too many wrong codes
    (from anywhere: a code has only a million values), or while this address may not sign in to it.

    allauth.mfa counts wrong codes with its "login_failed" rate limit, which is off (settings.py): this is
    the one count, for the sign-in's code step (frontend/forms/signin.py) and the API's token endpoint."""
    account = _account(user.get_username())
    try:
        remaining = _remaining_lock(f"code:{account}")
        if request is not None:
            address = client_address(request)
            remaining = max(
                remaining, _remaining_lock(f"pair:{account}:{address}"), _remaining_lock(f"address:{address}")
            )
    except CACHE_OUTAGE_ERRORS as error:
        logger.warning("Second-factor lockout not checked, the cache is unavailable: %s", error)
        return
    if remaining:
        raise LoginLockedOut(retry_after=remaining)


def signed_in_recently(*, request: HttpRequest, user) -> bool:
    """Whether this session signed the user in (by any method: password, code, organization's provider) within
    allauth's re-authentication timeout: what an account without a password gives instead of one before a
    change that cannot be undone."""
    from allauth.account import app_settings as account_settings
    from allauth.account.internal.flows.login import get_authentication_records

    records = get_authentication_records(request, user)
    return bool(records) and time.time() - records[-1]["at"] < account_settings.REAUTHENTICATION_TIMEOUT


def two_factor_enabled(user) -> bool:
    """Whether the account signs in with a second factor (a TOTP authenticator, allauth.mfa)."""
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def two_factor_code_check(*, request: HttpRequest | None, user, code: str) -> bool:
    """Whether `code` is the account's current TOTP code or one of its unused recovery codes (then used up),
    behind the lockout; a wrong code is counted."""
    from allauth.mfa.models import Authenticator

    two_factor_lockout_check(request=request, user=user)
    authenticators = Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
    )
    if code and any(authenticator.wrap().validate_code(code) for authenticator in authenticators):
        two_factor_success_record(user=user)
        return True
    login_failure_record(request=request, username=user.get_username(), second_factor=True)
    return False


def two_factor_success_record(*, user) -> None:
    """The owner typed a right code: forget the account's wrong codes (the address's counts stay)."""
    try:
        cache.delete(f"login-failures:code:{_account(user.get_username())}")
    except CACHE_OUTAGE_ERRORS as error:
        logger.warning("Right second-factor code not recorded, the cache is unavailable: %s", error)


def login_success_record(*, request: HttpRequest | None, username: str) -> None:
    """The owner signed in (or reset the password) from this address: forget this pair's failures, and let the
    address sign in to this username even while the username is being guessed elsewhere.

    The address's own count stays: an attacker with an account of their own could otherwise sign in
    between guesses to keep guessing."""
    if request is None:
        return
    account, address = _account(username), client_address(request)
    try:
        cache.delete_many(
            [f"login-failures:pair:{account}:{address}", f"login-locked:pair:{account}:{address}"]
        )
        cache.set(f"login-known:{account}:{address}", True, timeout=KNOWN_ADDRESS_DAYS * 24 * 60 * 60)
    except CACHE_OUTAGE_ERRORS as error:
        logger.warning("Successful sign-in not recorded, the cache is unavailable: %s", error)


class LockoutModelBackend(AuthenticationBackend):
    """allauth's check of a username or an email address and a password (Django's ModelBackend underneath,
    which the admin and the token endpoint use too), behind the lockout."""

    def authenticate(self, request, **credentials):
        login = credentials.get("username") or credentials.get("email")
        if login is None or credentials.get("password") is None:
            return None
        try:
            login_lockout_check(request=request, username=login)
        except LoginLockedOut:
            raise PermissionDenied from None  # authenticate() then stops and answers None without checking the password.
        user = super().authenticate(request, **credentials)
        if user is None:
            login_failure_record(request=request, username=login)
        else:
            login_success_record(request=request, username=login)
        return user


def login_lockout_message(*, request: HttpRequest | None, login: str) -> str | None:
    """What a sign-in form says while signing in to `login` from this request is refused, else None."""
    try:
        login_lockout_check(request=request, username=login)
    except LoginLockedOut as locked:
        return locked.message
    return None
