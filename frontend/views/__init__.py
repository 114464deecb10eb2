"""Server-rendered pages, one module per audience: public, account, vendor (SME), ministry, coordinator; and
about, the pages every footer links to (accessibility, privacy, terms of use, contact).

Views call the same selectors and services as the API; they never build queries themselves. Who may open a
page is decided by the same rules as the API's permission classes (hub/roles.py), through `page_for`."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse

from hub.roles import AnyUser, Party
from hub.selectors import user_acts_on_behalf

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


# A coordinator acting for a party: the party's forms then ask why (frontend/includes/behalf_reason.html).


def acting_for(request: HttpRequest, party: Party) -> str | None:
    """The party's name when a coordinator acts for it (an organization or a firm); None when a member acts."""
    return party.name if user_acts_on_behalf(user=request.user, members=party.members.all()) else None


def behalf_reason(request: HttpRequest) -> str:
    """The coordinator's reason for acting on the party's behalf (behalf_reason.html); empty otherwise."""
    return request.POST.get("reason", "")


def attachment_file_response(attachment) -> FileResponse:
    """A proposal's PDF (matching.models.SubmissionAttachment) as a download, read through the storage API: the
    caller has checked that the user may read the proposal (the selectors); files never have a public URL."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
