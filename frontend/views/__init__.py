"""Server-rendered pages, one module per audience: public, account, vendor (SME), ministry, coordinator.

Views call the same selectors and services as the API; they never build queries themselves. Who may open a
page is decided by the same rules as the API's permission classes (hub/roles.py), through `page_for`."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from hub.roles import AnyUser

View = Callable[..., HttpResponse]


def page_for(rule: Callable[[AnyUser], bool], refusal: str) -> Callable[[View], View]:
    """A decorator for the pages of one audience: anonymous visitors are sent to sign in, signed-in users
    for whom `rule` does not hold are refused (403, saying `refusal`)."""

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not rule(request.user):
                raise PermissionDenied(refusal)
            return view(request, *args, **kwargs)

        return checked

    return decorator
