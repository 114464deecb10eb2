from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxEntry(models.Model):
    """A committed change still to be copied into the search index.

    Written in the same transaction as the change, deleted only once the index holds the state
    that was current after it, so nothing committed can miss the index (engine down, worker killed).
    """

    class Kind(models.TextChoices):
        VENDOR = "vendor"
        CHALLENGE = "challenge"
        REBUILD = "rebuild"  # Bulk imports: one full reindex instead of thousands of rows.

    kind = models.CharField(max_length=16, choices=Kind.choices)
    object_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "outbox entries"


class VendorExposure(models.Model):
    """How often a vendor was shown or proposed, per day and channel: is attention spread fairly?"""

    class Channel(models.TextChoices):
        MATCHES = "matches", _("Ranked for a challenge")
        PROPOSAL = "proposal", _("Proposed for a challenge")
        SEARCH = "search", _("Listed in a vendor search")

    vendor = models.ForeignKey("marketplace.Vendor", on_delete=models.CASCADE, related_name="exposures")
    day = models.DateField()
    channel = models.CharField(max_length=16, choices=Channel.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vendor", "day", "channel"], name="vendor_exposure_unique_day_channel")
        ]


class SavedSearch(models.Model):
    """A vendor member's challenge search, kept to be alerted when a newly published challenge matches it.

    Its query is stored in the percolator index (indexing.saved_search_index_sync), which finds the
    saved searches a challenge matches without running each of them."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="saved_searches"
    )
    vendor = models.ForeignKey(
        "marketplace.Vendor", verbose_name=_("vendor"), on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(_("name"), max_length=120)
    query = models.CharField(_("search words"), max_length=200, blank=True)
    # The challenge-search filters, e.g. {"expertise": ["cloud"], "region": ["03"]}. Never "deadline":
    # its windows are relative to today, which a stored query cannot follow.
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")

    def __str__(self) -> str:
        return self.name
