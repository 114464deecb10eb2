from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import translation
from django.utils.translation import gettext as _

from hub import roles
from hub.models import Notification, User
from hub.services import notification_create
from marketplace.models import Challenge, Vendor
from marketplace.services import (
    challenge_url,
)
from matching import notifications
from matching.models import (
    SavedSearch,
)
from matching.search import indexing
from matching.search.kinds import SearchKind

SAVED_SEARCHES_PER_USER = 50
SAVED_SEARCH_FILTERS = ("expertise", "region", "organization_kind", "language", "budget")


def _saved_search_vendor(*, user: User, vendor: Vendor | None) -> Vendor:
    # A saved search alerts the member who saved it: only the firm's own members, never a coordinator for them.
    if vendor is not None:
        if not roles.is_member_of(user, vendor):
            raise PermissionDenied(_("You can only save searches for your own firm."))
        return vendor
    members_vendors = Vendor.objects.filter(members=user)
    vendors = list(members_vendors[:2])
    if not vendors:
        raise PermissionDenied(_("Only members of a vendor can save searches."))
    if len(vendors) > 1:
        raise ValidationError(
            {"vendor": _("Choose the firm this search is saved for.")}, code="vendor_required"
        )
    return vendors[0]


@transaction.atomic
def saved_search_create(
    *, user: User, name: str, q: str = "", filters: dict[str, list[str]], vendor: Vendor | None = None
) -> SavedSearch:
    """Save a challenge search; its stored query is in the percolator index when this returns.

    Stored in the same transaction: if the engine is away, nothing is saved and the caller says so,
    rather than keeping a search that would never alert."""
    vendor = _saved_search_vendor(user=user, vendor=vendor)
    if filters.get("deadline"):
        raise ValidationError(
            {
                "deadline": _(
                    "Deadline windows count from today, so they cannot be kept in a saved search. "
                    "Remove the deadline filter to save this search."
                )
            },
            code="saved_search_deadline",
        )
    if SavedSearch.objects.filter(user=user).count() >= SAVED_SEARCHES_PER_USER:
        raise ValidationError(
            _("You can keep up to %(max)s saved searches. Delete one to save another.")
            % {"max": SAVED_SEARCHES_PER_USER},
            code="saved_search_limit",
        )
    saved_search = SavedSearch.objects.create(
        user=user,
        vendor=vendor,
        name=name,
        query=q,
        filters={key: list(filters[key]) for key in SAVED_SEARCH_FILTERS if filters.get(key)},
    )
    indexing.saved_search_index_sync([saved_search.pk])
    return saved_search


@transaction.atomic
def saved_search_delete(*, saved_search: SavedSearch, user: User) -> None:
    """Delete a saved search; its stored query leaves the percolator index after commit.

    A stored query left behind by an engine outage alerts nobody: matches are read back from this table."""
    from matching.tasks import saved_search_index_sync_task

    if saved_search.user_id != user.pk:
        raise PermissionDenied(_("You can only delete your own saved searches."))
    saved_search_id = saved_search.pk
    saved_search.delete()
    transaction.on_commit(saved_search_index_sync_task.si(saved_search_id).delay, robust=True)


def saved_search_alerts_queue(*, challenge_id: int, **signal_kwargs) -> None:
    """Receiver of `challenge_published`: alert after commit, once the publication is visible."""
    from matching.tasks import saved_search_alerts_send_task

    transaction.on_commit(saved_search_alerts_send_task.si(challenge_id).delay, robust=True)


def saved_search_alerts_send(*, challenge: Challenge) -> int:
    """Notify the owner of every saved search this published challenge matches; return how many were notified.

    One notification per user and challenge, however many of their searches match, and none more
    when run again."""
    if challenge.status != Challenge.Status.PUBLISHED:
        return 0
    document = indexing.document_source(SearchKind.CHALLENGE, challenge.pk)
    matching_ids = indexing.saved_search_ids_matching(document=document)
    # Only members still in the firm the search was saved for, with an active account.
    saved_searches = (
        SavedSearch.objects.filter(pk__in=matching_ids, user__is_active=True, vendor__members=F("user"))
        .select_related("user")
        .order_by("name", "id")
    )
    names_by_user: dict[User, list[str]] = defaultdict(list)
    for saved_search in saved_searches:
        names_by_user[saved_search.user].append(saved_search.name)
    notified = 0
    for user, names in names_by_user.items():
        with translation.override(user.preferred_language):
            title, body = notifications.challenge_match_texts(challenge=challenge, search_names=names)
            _notification, created = notification_create(
                user=user,
                kind=Notification.Kind.CHALLENGE_MATCH,
                title=title,
                body=body,
                url=challenge_url(challenge),
                dedupe_key=f"challenge-match:{challenge.pk}",
            )
        notified += created
    return notified


def saved_searches_erase(*, user: User, **signal_kwargs) -> None:
    """Receiver of hub's `personal_data_erase_requested`: delete the user's saved searches (and their stored queries)."""
    for saved_search in SavedSearch.objects.filter(user=user):
        saved_search_delete(saved_search=saved_search, user=user)
