"""Signals the marketplace sends so that apps to its right (matching) can follow its changes
without the marketplace importing them."""

from django.dispatch import Signal

# Sent inside the writing transaction. kwargs: kind ("vendor" | "challenge"), ids (list[int]).
searchable_changed = Signal()
# Sent inside the import transaction after a bulk catalogue import.
catalog_imported = Signal()
# Sent inside the transaction that publishes a challenge. kwargs: challenge_id (int).
challenge_published = Signal()
# Sent inside the transaction that closes or cancels a challenge (challenge_transition).
# kwargs: challenge_id (int), note (str: the reason given, possibly empty).
challenge_ended = Signal()
# Sent to learn whose whole profile a user may see beyond their own firms' (marketplace.visibility).
# kwargs: user. Each receiver answers a queryset of vendor ids.
full_profile_granted = Signal()
