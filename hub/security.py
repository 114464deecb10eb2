"""Project-wide defences: the Content-Security-Policy header, the API throttles, and the sign-in lockout.

The lockout rule lives here once. Every sign-in goes through `LockoutModelBackend` (the site's form, the
API's token endpoint, the Django admin), which refuses a locked username or address before checking the
password and counts the failures. The site's form and the token endpoint also call `login_lockout_check`
to tell the person when to retry, which `authenticate()` alone cannot say.
"""
import hashlib
import logging
import math
import time
from collections.abc import Callable

import redis.exceptions
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import ngettext
from rest_framework import throttling
from rest_framework.settings import api_settings

logger = logging.getLogger(__name__)
UserModel = get_user_model()

# No inline script or style anywhere, no plug-in, no framing: pages load code and styles from this site only.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

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
    """Token requests per address (`login` rate), on top of the per-username lockout."""

    scope = "login"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


# Sign-in lockout


class LoginLockedOut(Exception):
    """Too many failed sign-ins for this username or from this address; `retry_after` is in seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after

    @property
    def message(self) -> str:
        minutes = max(1, math.ceil(self.retry_after / 60))
        return ngettext(
            "Too many failed sign-in attempts. For your security, signing in is paused: try again in %(minutes)s "
            "minute. If you forgot your password, reset it from the sign-in page.",
            "Too many failed sign-in attempts. For your security, signing in is paused: try again in %(minutes)s "
            "minutes. If you forgot your password, reset it from the sign-in page.",
            minutes,
        ) % {"minutes": minutes}


def _lockout_subjects(*, request: HttpRequest | None, username: str) -> list[tuple[str, int]]:
    """The counters a failed sign-in adds to, each with its limit: the username's, and the address's.

    The address limit is higher than the username's: a whole ministry may reach us from one address,
    and a few colleagues' typos must not lock all of them out."""
    digest = hashlib.sha256(username.strip().casefold().encode()).hexdigest()
    subjects = [(f"username:{digest}", settings.LOGIN_FAILURES_PER_USERNAME)]
    if request is not None:
        subjects.append((f"address:{client_address(request)}", settings.LOGIN_FAILURES_PER_ADDRESS))
    return subjects


def _remaining_lock(subject: str) -> int:
    locked_until = cache.get(f"login-locked:{subject}")
    return max(0, math.ceil(locked_until - time.time())) if locked_until else 0


def login_lockout_check(*, request: HttpRequest | None, username: str) -> None:
    """Raise LoginLockedOut while this username or this address is locked out."""
    try:
        subjects = _lockout_subjects(request=request, username=username)
        remaining = max(_remaining_lock(subject) for subject, _limit in subjects)
    except CACHE_OUTAGE_ERRORS as error:
        logger.warning("Sign-in lockout not checked, the cache is unavailable: %s", error)
        return
    if remaining:
        raise LoginLockedOut(retry_after=remaining)


def login_failure_record(*, request: HttpRequest | None, username: str) -> None:
    """Count a failed sign-in; the failure that reaches a limit within the window locks for a whole window."""
    window = settings.LOGIN_LOCKOUT_MINUTES * 60
    try:
        for subject, limit in _lockout_subjects(request=request, username=username):
            key = f"login-failures:{subject}"
            cache.add(key, 0, timeout=window)  # The window starts at the first failure.
            if cache.incr(key) >= limit:
                cache.set(f"login-locked:{subject}", time.time() + window, timeout=window)
                cache.delete(key)
    except CACHE_OUTAGE_ERRORS as error:
        logger.warning("Failed sign-in not counted, the cache is unavailable: %s", error)


def login_failures_clear(*, username: str) -> None:
    """A successful sign-in forgets the username's failures. Not the address's: an attacker with an account
    of their own could otherwise sign in between guesses to keep guessing."""
    digest_subject = _lockout_subjects(request=None, username=username)[0][0]
    try:
        cache.delete_many([f"login-failures:{digest_subject}", f"login-locked:{digest_subject}"])
    except CACHE_OUTAGE_ERRORS as error:
        logger.warning("Sign-in failures not cleared, the cache is unavailable: %s", error)


class LockoutModelBackend(ModelBackend):
    """Django's username and password check, behind the lockout."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(UserModel.USERNAME_FIELD)
        if username is None or password is None:
            return None
        try:
            login_lockout_check(request=request, username=username)
        except LoginLockedOut:
            raise PermissionDenied from None  # authenticate() then stops and answers None without checking the password.
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            login_failure_record(request=request, username=username)
        else:
            login_failures_clear(username=username)
        return user


class LockoutAuthenticationForm(AuthenticationForm):
    """The sign-in form, saying when to retry once the username or the address is locked out."""

    def clean(self) -> dict:
        username = self.cleaned_data.get("username") or ""
        self._refuse_if_locked_out(username)
        try:
            return super().clean()
        except ValidationError:
            self._refuse_if_locked_out(username)  # This failure may be the one that locked it.
            raise

    def _refuse_if_locked_out(self, username: str) -> None:
        try:
            login_lockout_check(request=self.request, username=username)
        except LoginLockedOut as locked:
            raise ValidationError(locked.message, code="locked_out") from None
