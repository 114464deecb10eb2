"""What the marketplace tells people, in one place: each event's kind, its deduplication key and its texts.

A service says whom to tell of which event (`send(CHALLENGE_PUBLISHED, users=…, challenge=…)`); the
wording lives here. Texts are functions, called in each recipient's language. `Event`, `BehalfEvent`,
`send` and `send_behalf` also serve matching/notifications.py."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from hub.models import Notification, User
from hub.services import Behalf, behalf_notify, notify
from marketplace.models import Challenge, ChallengeAddendum, Vendor, VendorJoinRequest, VendorVerification


@dataclass(frozen=True)
class Event:
    """Something people are told of. `key` is formatted with the event's objects ("interest:{introduction.pk}"):
    each user is told once per key, however often the service runs."""

    kind: str
    key: str
    texts: Callable[..., tuple[str, str]]


@dataclass(frozen=True)
class BehalfEvent:
    """What a coordinator did for a party, in one sentence the party's members are told (with the reason)."""

    key: str
    what: Callable[..., str]


def send(event: Event, *, users: Iterable[User], url: str = "", stamp: str = "", **objects: object) -> int:
    """Tell each user of the event, in their own language; return how many were told for the first time.

    `stamp` only tells apart events the same objects repeat (a time: "{vendor.pk}:{stamp}")."""
    return notify(
        users=users,
        kind=event.kind,
        dedupe_key=event.key.format(stamp=stamp, **objects),
        render=lambda: event.texts(**objects),
        url=url,
    )


def send_behalf(
    event: BehalfEvent,
    *,
    behalf: Behalf | None,
    actor: User,
    url: str = "",
    stamp: str = "",
    **objects: object,
) -> None:
    """Tell the party's members what a coordinator did for them and why; nothing when they acted themselves."""
    behalf_notify(
        behalf=behalf,
        actor=actor,
        dedupe_key=event.key.format(stamp=stamp, **objects),
        what=lambda: event.what(**objects),
        url=url,
    )


# To the coordinators


def _vendor_to_verify(*, vendor: Vendor, changes: dict[str, tuple[str, str]]) -> tuple[str, str]:
    changes_text = "; ".join(
        _("%(field)s: %(before)s → %(after)s")
        % {"field": Vendor._meta.get_field(field).verbose_name, "before": before, "after": after}
        for field, (before, after) in changes.items()
    )
    return (
        _("Vendor to verify again: %(name)s") % {"name": vendor.name},
        _(
            "%(name)s changed its name or enterprise number (%(changes)s), so it is no longer verified and "
            "the matcher no longer proposes it. Check it in the enterprise register, then verify it again."
        )
        % {"name": vendor.name, "changes": changes_text},
    )


VENDOR_TO_VERIFY = Event(
    Notification.Kind.VENDOR_TO_VERIFY, "vendor-to-verify:{vendor.pk}:{stamp}", _vendor_to_verify
)


# To the firm


def _vendor_verified(*, verification: VendorVerification, vendor: Vendor) -> tuple[str, str]:
    return (
        _("%(name)s is verified") % {"name": vendor.name},
        _(
            "The hub's coordination team checked %(name)s against the Quebec enterprise register and verified it. "
            "The matcher can now propose it for public organizations' challenges."
        )
        % {"name": vendor.name},
    )


def _vendor_refused(*, verification: VendorVerification, vendor: Vendor) -> tuple[str, str]:
    return (
        _("%(name)s could not be verified") % {"name": vendor.name},
        _(
            "The hub's coordination team could not verify %(name)s against the Quebec enterprise register. "
            "Reason given: %(reason)s Correct your firm's profile: once it changes, the coordination team "
            "looks at it again."
        )
        % {"name": vendor.name, "reason": verification.reason},
    )


VENDOR_VERIFIED = Event(
    Notification.Kind.VENDOR_VERIFICATION, "vendor-verification:{verification.pk}", _vendor_verified
)
VENDOR_REFUSED = Event(
    Notification.Kind.VENDOR_VERIFICATION, "vendor-verification:{verification.pk}", _vendor_refused
)


# To the organization


def _challenge_published(*, challenge: Challenge) -> tuple[str, str]:
    return (
        _("Published: %(title)s") % {"title": challenge.title},
        _("The hub published your challenge. Coordinators are reviewing the vendors the matcher proposed."),
    )


CHALLENGE_PUBLISHED = Event(
    Notification.Kind.CHALLENGE_PUBLISHED, "challenge-published:{challenge.pk}", _challenge_published
)


def _challenge_returned(*, challenge: Challenge, note: str) -> tuple[str, str]:
    return (
        _("Returned to draft: %(title)s") % {"title": challenge.title},
        _(
            "A hub coordinator returned your challenge to draft instead of publishing it. Their note: %(note)s "
            "Change the challenge, then submit it again."
        )
        % {"note": note},
    )


CHALLENGE_RETURNED = Event(
    Notification.Kind.CHALLENGE_RETURNED, "challenge-returned:{challenge.pk}:{stamp}", _challenge_returned
)
# To the firms introduced to a challenge


def _grid_amended(
    *, challenge: Challenge, addendum: ChallengeAddendum, removed: list[str]
) -> tuple[str, str]:
    body = _(
        "Addendum %(number)s changes how proposals to “%(title)s” are evaluated: %(summary)s Read the new "
        "grid on the challenge's page and review your proposal before the deadline."
    ) % {"number": addendum.number, "title": challenge.title, "summary": addendum.summary.rstrip(".") + "."}
    if removed:
        body = f"{body} " + _(
            "Answers to the criteria removed (%(criteria)s) are deleted: answer the new criteria instead."
        ) % {"criteria": ", ".join(f"“{title}”" for title in removed)}
    return _("Addendum %(number)s: %(title)s") % {"number": addendum.number, "title": challenge.title}, body


GRID_AMENDED = Event(Notification.Kind.GRID_AMENDED, "grid-amended:{addendum.pk}", _grid_amended)


# Requests to join a firm


def _person(user: object) -> str:
    return user.get_full_name() or user.email or user.get_username()


def _join_requested(*, join_request: VendorJoinRequest) -> tuple[str, str]:
    names = {"name": _person(join_request.requester), "firm": join_request.vendor.name}
    body = (
        _(
            "%(name)s asks to join %(firm)s on Maillage. Accept or refuse on your firm's members page: once "
            "accepted, they act for the firm like any member."
        )
        % names
    )
    if join_request.message:
        body = f"{body} " + _("Their message: %(message)s") % {"message": join_request.message}
    return _("%(name)s asks to join %(firm)s") % names, body


JOIN_REQUESTED = Event(Notification.Kind.JOIN_REQUEST, "join-request:{join_request.pk}", _join_requested)


def _join_decided(*, join_request: VendorJoinRequest) -> tuple[str, str]:
    firm = {"firm": join_request.vendor.name}
    if join_request.status == VendorJoinRequest.Status.ACCEPTED:
        return (
            _("You are now a member of %(firm)s") % firm,
            _("A member of %(firm)s accepted your request: your SME pages now act for the firm.") % firm,
        )
    body = _("A member of %(firm)s refused your request to join it.") % firm
    if join_request.refusal_reason:
        body = f"{body} " + _("Reason given: %(reason)s") % {"reason": join_request.refusal_reason}
    return _("Your request to join %(firm)s was refused") % firm, body


JOIN_DECIDED = Event(
    Notification.Kind.JOIN_REQUEST_DECIDED, "join-request-decided:{join_request.pk}", _join_decided
)


# What a coordinator did on a party's behalf

BEHALF_VENDOR_UPDATE = BehalfEvent(
    "on-behalf:vendor-update:{vendor.pk}:{stamp}", lambda *, vendor: _("They changed your firm's profile.")
)
BEHALF_CHALLENGE_CREATE = BehalfEvent(
    "on-behalf:challenge-create:{challenge.pk}",
    lambda *, challenge: _("They wrote the draft “%(title)s”.") % {"title": challenge.title},
)
BEHALF_CHALLENGE_UPDATE = BehalfEvent(
    "on-behalf:challenge-update:{challenge.pk}:{stamp}",
    lambda *, challenge: _("They changed “%(title)s”.") % {"title": challenge.title},
)
BEHALF_CHALLENGE_DELETE = BehalfEvent(
    "on-behalf:challenge-delete:{challenge_id}",
    lambda *, title, challenge_id: _("They deleted the draft “%(title)s”.") % {"title": title},
)
BEHALF_GRID_AMEND = BehalfEvent(
    "on-behalf:grid-amend:{addendum.pk}",
    lambda *, challenge, addendum: (
        _("They published addendum %(number)s to “%(title)s”, which changes its evaluation grid.")
        % {"number": addendum.number, "title": challenge.title}
    ),
)
BEHALF_CHALLENGE_MOVE = BehalfEvent(
    "on-behalf:challenge-{challenge.status}:{challenge.pk}:{stamp}",
    lambda *, challenge: (
        _("“%(title)s” is now %(status)s.")
        % {"title": challenge.title, "status": challenge.get_status_display().lower()}
    ),
)
