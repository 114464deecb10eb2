"""The database lost in the middle of a request: a clean 503 "try again", never a 500 with a trace."""

import logging
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from hub.security import two_factor_missing, two_factor_missing_message

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5


class DatabaseUnavailableMiddleware:
    """Answer 503 with Retry-After when a view loses its database connection (server restarted, connection
    terminated, failover).

    The failed request's transaction is rolled back by the database; Django closes the broken
    connection when the request ends, and the next request opens a new one (CONN_HEALTH_CHECKS also
    replaces a persistent connection that died between requests)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error("Database unavailable during %s %s", request.method, request.path, exc_info=exception)
        message = _("The service is temporarily unavailable. Please try again in a few seconds.")
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": message}, status=503)
        else:
            # No request context: its processors could query the database that just failed.
            response = HttpResponse(
                render_to_string("hub/unavailable.html", {"message": message}), status=503
            )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


# Where a coordinator without a second factor may still go: its set-up (and the pages allauth shows around
# it: re-authentication, recovery codes), signing out, and changing the language.
TWO_FACTOR_SETUP_PAGES = frozenset(
    {
        "mfa_activate_totp",
        "mfa_index",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "account_reauthenticate",
        "account_logout",
        "frontend:logout",
        "set_language",
        "javascript-catalog",
    }
)


class TwoFactorRequiredMiddleware:
    """Coordinators and administrators set up two-factor sign-in (TOTP, allauth.mfa) before anything else:
    every page sends them to its set-up page, and the API refuses them with a 403 that says why."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        # API tokens are checked by hub.authentication, which authenticates them inside the view.
        if request.resolver_match.view_name in TWO_FACTOR_SETUP_PAGES or not two_factor_missing(request.user):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": two_factor_missing_message()}, status=403)
        return redirect("mfa_activate_totp")
