"""Signals the hub sends so that apps to its right (marketplace, matching) can take part in a user's
privacy rights (Quebec's Law 25) without the hub importing them."""

from django.dispatch import Signal

# Sent to collect all personal information about a user. kwargs: user. Each receiver returns a dict
# of sections, {"saved_searches": [...]}, made of plain JSON-ready data.
personal_data_requested = Signal()
# Sent inside the transaction that anonymizes a user, while the account still has its name and
# email address. kwargs: user. Each receiver deletes or clears the personal information it holds.
personal_data_erase_requested = Signal()
