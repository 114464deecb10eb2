from django.db import models


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
        MATCHES = "matches"  # Ranked for a challenge (coordinators, the challenge's organization).
        PROPOSAL = "proposal"  # Recorded as a match proposal.
        SEARCH = "search"  # Listed in a vendor search.

    vendor = models.ForeignKey("marketplace.Vendor", on_delete=models.CASCADE, related_name="exposures")
    day = models.DateField()
    channel = models.CharField(max_length=16, choices=Channel.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vendor", "day", "channel"], name="vendor_exposure_unique_day_channel")
        ]
