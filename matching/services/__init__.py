"""Every write of the matching app, one module per aggregate; re-exported here so callers say
`from matching.services import proposal_approve` whatever module holds it."""

from matching.services.engagements import milestone_accept, milestone_create, milestone_deliver
from matching.services.exposure import vendor_exposure_record, vendor_search_exposure_record
from matching.services.introductions import (
    challenge_award,
    clarification_answer,
    clarification_ask,
    introduction_decline,
    introduction_express_interest,
    introduction_shortlist,
)
from matching.services.payouts import (
    PAYOUT_RECONCILE_AFTER,
    payout_apply_event,
    payout_request,
    payout_submit,
    payouts_reconcile,
)
from matching.services.privacy import workflow_authorship_erase
from matching.services.proposals import (
    PUBLICATION_FOLLOWUP_AFTER,
    PUBLICATION_FOLLOWUP_LOOKBACK,
    proposal_add_manual,
    proposal_approve,
    proposal_hold,
    proposal_reject,
    proposal_request,
    proposal_request_refusal,
    proposals_bulk_approve,
    proposals_generate,
    proposals_generate_queue,
    proposals_refresh,
    publication_followups_requeue,
)
from matching.services.saved_searches import (
    SAVED_SEARCH_FILTERS,
    SAVED_SEARCHES_PER_USER,
    saved_search_alerts_queue,
    saved_search_alerts_send,
    saved_search_create,
    saved_search_delete,
    saved_searches_erase,
)

__all__ = [
    "PAYOUT_RECONCILE_AFTER",
    "PUBLICATION_FOLLOWUP_AFTER",
    "PUBLICATION_FOLLOWUP_LOOKBACK",
    "SAVED_SEARCHES_PER_USER",
    "SAVED_SEARCH_FILTERS",
    "challenge_award",
    "clarification_answer",
    "clarification_ask",
    "introduction_decline",
    "introduction_express_interest",
    "introduction_shortlist",
    "milestone_accept",
    "milestone_create",
    "milestone_deliver",
    "payout_apply_event",
    "payout_request",
    "payout_submit",
    "payouts_reconcile",
    "proposal_add_manual",
    "proposal_approve",
    "proposal_hold",
    "proposal_reject",
    "proposal_request",
    "proposal_request_refusal",
    "proposals_bulk_approve",
    "proposals_generate",
    "proposals_generate_queue",
    "proposals_refresh",
    "publication_followups_requeue",
    "saved_search_alerts_queue",
    "saved_search_alerts_send",
    "saved_search_create",
    "saved_search_delete",
    "saved_searches_erase",
    "vendor_exposure_record",
    "vendor_search_exposure_record",
    "workflow_authorship_erase",
]
