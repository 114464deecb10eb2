"""Domain errors that are neither bad input (ValidationError) nor a refusal (PermissionDenied).

Plain Python, so services and selectors raise them without knowing HTTP: the API's error handler
(hub/api_errors.py) answers 409 and 503, and the pages show a message."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class Conflict(ValidationError):
    """The object's state changed under the caller, or forbids this move now."""


class SearchUnavailable(Exception):
    """The search node cannot answer now (down, timing out or not ready); try again shortly."""

    message = _("The search service is temporarily unavailable. Please try again in a minute.")
    retry_after_seconds = 30
