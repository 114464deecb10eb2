"""The DRF exception handler: every refusal is a translated 4xx (or 503), never a 500."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from hub.authentication import TokenRefused
from hub.exceptions import Conflict, SearchUnavailable


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "service_unavailable"


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, SearchUnavailable):
        response = drf_exception_handler(ServiceUnavailable(exc.message), context)
        response["Retry-After"] = str(exc.retry_after_seconds)
        return response
    if isinstance(exc, Conflict):
        response = drf_exception_handler(exceptions.ValidationError(_django_error_detail(exc)), context)
        response.status_code = status.HTTP_409_CONFLICT
        return response
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_error_detail(exc))
    response = drf_exception_handler(exc, context)
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
