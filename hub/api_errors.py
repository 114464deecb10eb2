"""The DRF exception handler: every refusal is a translated 4xx (or 503), never a 500."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from hub.authentication import TokenRefused


class Conflict(DjangoValidationError):
    """The object's state changed under the caller (or forbids this move now): answered 409."""


class ServiceUnavailable(exceptions.APIException):
    """A backing service (the search engine) is away; the client should retry later."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("The search service is temporarily unavailable. Please try again in a minute.")
    default_code = "service_unavailable"
    retry_after_seconds = 30


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, Conflict):
        response = drf_exception_handler(exceptions.ValidationError(_django_error_detail(exc)), context)
        response.status_code = status.HTTP_409_CONFLICT
        return response
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_error_detail(exc))
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, ServiceUnavailable):
        response["Retry-After"] = str(exc.retry_after_seconds)
    if response is not None and isinstance(exc, TokenRefused):
        response.status_code = status.HTTP_401_UNAUTHORIZED
        response["WWW-Authenticate"] = "Token"
    return response


def _django_error_detail(exc: DjangoValidationError) -> dict | list:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [str(m) for m in errors.messages]
            for field, errors in {f: DjangoValidationError(e) for f, e in exc.error_dict.items()}.items()
        }
    return {"non_field_errors": [str(message) for message in exc.messages]}
