from django.utils import timezone

from hub.models import User
from matching.models import (
    Clarification,
    MatchProposal,
)


def workflow_authorship_erase(*, user: User, **signal_kwargs) -> None:
    """Receiver of hub's `personal_data_erase_requested`: the questions the user asked and the proposals they decided
    or asked for (for their firm) stay, as the challenge's and the hub's records, but no longer say who wrote them
    (docs/privacy.md)."""
    Clarification.objects.filter(asked_by=user).update(asked_by=None)
    MatchProposal.objects.filter(decided_by=user).update(decided_by=None, updated_at=timezone.now())
    MatchProposal.objects.filter(requested_by=user).update(requested_by=None, updated_at=timezone.now())
