"""The kinds of documents the engine holds, named once.

A kind's value ("vendor", "challenge") is what the marketplace's `searchable_changed` signal sends and what
an outbox row records (`OutboxEntry.Kind` reuses these values); its index is named in the plural
("vendors", "challenges"), as the aliases have always been."""

from django.db import models


class SearchKind(models.TextChoices):
    VENDOR = "vendor"
    CHALLENGE = "challenge"
    SAVED_SEARCH = "saved-search"  # The percolator index holding each saved search's stored query.

    @property
    def index_name(self) -> str:
        """The name of the kind's index alias, after the index prefix."""
        return INDEX_NAMES[self]


INDEX_NAMES = {
    SearchKind.VENDOR: "vendors",
    SearchKind.CHALLENGE: "challenges",
    SearchKind.SAVED_SEARCH: "saved-searches",
}
# The kinds copied from database rows, through the outbox.
INDEXED_KINDS = (SearchKind.VENDOR, SearchKind.CHALLENGE)
