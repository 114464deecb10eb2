from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hub.exceptions import Conflict
from hub.models import User
from hub.selectors import coordinator_list
from hub.services import audit_record
from marketplace.eligibility import challenge_requirements_missing
from marketplace.models import Challenge, Vendor
from marketplace.services import behalf_audit, vendor_behalf_check
from matching import notifications
from matching.models import (
    Introduction,
    MatchProposal,
    VendorExposure,
)
from matching.moves import PROPOSAL_MOVES
from matching.notifications import tell, tell_behalf
from matching.search.explain import explanation_data
from matching.services.common import (
    locked,
    move_locked,
    organization_members,
    require_vendor_member,
    vendor_members,
)
from matching.services.exposure import vendor_exposure_record


@transaction.atomic
def proposals_generate(*, challenge: Challenge, vendors_since: datetime | None = None) -> int:
    """Record the matcher's top vendors for a published challenge as pending proposals; return how many are new.

    Upserts by (challenge, vendor): a vendor already proposed keeps its proposal, rank and decision,
    so running it again (or nightly, with `vendors_since`) never duplicates or reorders anything."""
    from matching.search.ranking import vendor_ranking

    if challenge.status != Challenge.Status.PUBLISHED:
        return 0
    _total, hits = vendor_ranking(challenge=challenge, size=settings.PROPOSALS_PER_CHALLENGE)
    candidates = {hit.id for hit in hits} - set(challenge.proposals.values_list("vendor_id", flat=True))
    if vendors_since is not None:
        candidates &= set(
            Vendor.objects.filter(pk__in=candidates, updated_at__gte=vendors_since).values_list(
                "pk", flat=True
            )
        )
    created = []
    for rank, hit in enumerate(hits, start=1):
        if hit.id in candidates:
            proposal = MatchProposal.objects.create(
                challenge=challenge,
                vendor_id=hit.id,
                rank=rank,
                score=hit.explanation.score,
                explanation=explanation_data(hit.explanation),
            )
            audit_record(actor=None, obj=proposal, action="propose", to_state=proposal.status)
            created.append(proposal)
    vendor_exposure_record(vendor_ids=[p.vendor_id for p in created], channel=VendorExposure.Channel.PROPOSAL)
    if created:
        tell(
            notifications.PROPOSALS_READY,
            users=coordinator_list(),
            challenge=challenge,
            count=len(created),
            stamp=str(created[-1].pk),
        )
    return len(created)


def proposals_generate_queue(*, challenge_id: int, **signal_kwargs) -> None:
    """Receiver of `challenge_published`: propose vendors once the publication is committed."""
    from matching.tasks import proposals_generate_task

    transaction.on_commit(proposals_generate_task.si(challenge_id).delay, robust=True)


def proposals_refresh(*, since: datetime) -> int:
    """Nightly: propose, for every open challenge, the vendors who joined or changed since `since`."""
    created = 0
    for challenge in Challenge.objects.filter(status=Challenge.Status.PUBLISHED).order_by("pk"):
        created += proposals_generate(challenge=challenge, vendors_since=since)
    return created


@transaction.atomic
def proposal_add_manual(*, challenge: Challenge, vendor: Vendor, user: User) -> MatchProposal:
    """A coordinator proposes a vendor the matcher did not."""
    if not user.is_coordinator:
        raise PermissionDenied(_("Only hub coordinators can add a proposal."))
    if challenge.status != Challenge.Status.PUBLISHED:
        raise Conflict(
            _("Vendors can only be proposed for a published challenge."), code="challenge_not_published"
        )
    if not vendor.is_active:
        raise ValidationError(
            {"vendor": _("This vendor is inactive and cannot be proposed.")}, code="vendor_inactive"
        )
    proposal, created = MatchProposal.objects.get_or_create(
        challenge=challenge, vendor=vendor, defaults={"source": MatchProposal.Source.MANUAL}
    )
    if not created:
        raise Conflict(_("This vendor is already proposed for this challenge."), code="proposal_exists")
    audit_record(actor=user, obj=proposal, action="propose_manually", to_state=proposal.status)
    vendor_exposure_record(vendor_ids=[vendor.pk], channel=VendorExposure.Channel.PROPOSAL)
    return proposal


# The most a firm writes when it asks to be introduced.
REQUEST_NOTE_MAX_LENGTH = 1000


def proposal_request_refusal(*, challenge: Challenge, vendor: Vendor) -> Exception | None:
    """Why this firm may not ask to be introduced to this challenge now (the error the service would
    raise), or None when it may: what the pages show instead of the button."""
    if not vendor.is_active:
        return PermissionDenied(
            _("%(vendor)s is inactive on Maillage and cannot ask to be introduced. Ask a hub coordinator.")
            % {"vendor": vendor.name}
        )
    if not vendor.is_verified:
        return PermissionDenied(
            _(
                "%(vendor)s must be verified by a hub coordinator before it can ask to be introduced. Ask "
                "for the verification from your firm's profile."
            )
            % {"vendor": vendor.name}
        )
    if challenge.status != Challenge.Status.PUBLISHED:
        return Conflict(
            _("This challenge is not open (it is %(status)s); a firm can no longer ask to be introduced.")
            % {"status": challenge.get_status_display().lower()},
            code="challenge_not_published",
        )
    if challenge.deadline < timezone.localdate():
        return Conflict(
            _("The deadline of this challenge has passed; a firm can no longer ask to be introduced."),
            code="challenge_deadline_passed",
        )
    missing = challenge_requirements_missing(challenge, vendor)
    if missing:
        return PermissionDenied(
            " ".join(
                [
                    _("%(vendor)s does not meet a mandatory requirement of this challenge.")
                    % {"vendor": vendor.name},
                    *(item.message for item in missing),
                    _("Update your firm's profile if it is out of date."),
                ]
            )
        )
    return None


def _proposal_requested_refused(proposal: MatchProposal) -> Conflict | None:
    if proposal.status == MatchProposal.Status.APPROVED:
        return Conflict(
            _(
                "Your firm is already introduced to this challenge: answer the organization from the "
                "introduction's page."
            ),
            code="proposal_already_introduced",
        )
    if proposal.status == MatchProposal.Status.REJECTED:
        return Conflict(
            _(
                "A hub coordinator already decided not to introduce your firm to this challenge "
                "(%(reason)s). Write to the hub if something has changed."
            )
            % {"reason": proposal.reason or _("no reason given")},
            code="proposal_already_rejected",
        )
    return None


@transaction.atomic
def proposal_request(
    *, challenge: Challenge, vendor: Vendor, user: User, note: str, reason: str = ""
) -> MatchProposal:
    """The firm asks to be introduced to an open challenge it is eligible for ("Manifester notre intérêt").

    A new pending proposal (source VENDOR) with the matcher's frozen explanation for the pair, or the request
    recorded on the pending or held proposal already there; coordinators are told and decide it as any other."""
    from matching.search.ranking import vendor_standing

    require_vendor_member(vendor, user)
    note = note.strip()
    if len(note) > REQUEST_NOTE_MAX_LENGTH:
        raise ValidationError(
            {
                "note": _("Keep the note to %(max)s characters; it has %(length)s.")
                % {"max": REQUEST_NOTE_MAX_LENGTH, "length": len(note)}
            },
            code="note_too_long",
        )
    if not note:
        raise ValidationError(
            {"note": _("Say in a few lines why your firm is a good partner for this challenge.")},
            code="note_required",
        )
    behalf = vendor_behalf_check(vendor=vendor, user=user, reason=reason)
    challenge = locked(challenge)
    refusal = proposal_request_refusal(challenge=challenge, vendor=vendor)
    if refusal is not None:
        raise refusal
    proposal = MatchProposal.objects.select_for_update().filter(challenge=challenge, vendor=vendor).first()
    if proposal is not None and (refused := _proposal_requested_refused(proposal)) is not None:
        raise refused
    if proposal is not None and proposal.is_requested:
        raise Conflict(
            _(
                "Your firm already asked to be introduced to this challenge; a hub coordinator will decide soon."
            ),
            code="proposal_already_requested",
        )
    request = {"requested_by": user, "requested_at": timezone.now(), "request_note": note}
    if proposal is None:
        rank, explanation = vendor_standing(
            challenge=challenge, vendor=vendor, top=settings.PROPOSALS_PER_CHALLENGE
        )
        proposal = MatchProposal.objects.create(
            challenge=challenge,
            vendor=vendor,
            source=MatchProposal.Source.VENDOR,
            rank=rank,
            score=explanation.score if explanation.score else None,
            explanation=explanation_data(explanation),
            **request,
        )
        vendor_exposure_record(vendor_ids=[vendor.pk], channel=VendorExposure.Channel.PROPOSAL)
    else:
        for field, value in request.items():
            setattr(proposal, field, value)
        proposal.save(update_fields=[*request, "updated_at"])
    audit_record(
        actor=user,
        obj=proposal,
        action="request_introduction",
        to_state=proposal.status,
        **behalf_audit(behalf),
    )
    tell(
        notifications.INTRODUCTION_REQUESTED,
        users=coordinator_list(),
        challenge=challenge,
        proposal=proposal,
    )
    tell_behalf(
        notifications.BEHALF_REQUEST, behalf=behalf, actor=user, challenge=challenge, proposal=proposal
    )
    return proposal


def _proposal_decide(
    *, proposal: MatchProposal, user: User, to_status: str, reason: str = ""
) -> MatchProposal:
    """Move a proposal, locked, along PROPOSAL_MOVES: two coordinators deciding at once never both win."""
    if not user.is_coordinator:
        raise PermissionDenied(_("Only hub coordinators can decide on a proposal."))
    return move_locked(
        proposal,
        table=PROPOSAL_MOVES,
        to_status=to_status,
        user=user,
        refused=_proposal_refused,
        changes={"reason": reason, "decided_by": user, "decided_at": timezone.now()},
        audit={"reason": reason},
    )


def _proposal_refused(proposal: MatchProposal, to_status: str) -> Conflict:
    return Conflict(
        _("This proposal is already %(status)s; refresh the queue to see its current state.")
        % {"status": proposal.get_status_display().lower()},
        code="proposal_already_decided",
    )


@transaction.atomic
def proposal_approve(*, proposal: MatchProposal, user: User) -> MatchProposal:
    """Approve a pending (or held) proposal and introduce the vendor and the organization to each other."""
    challenge = proposal.challenge
    if challenge.status != Challenge.Status.PUBLISHED:
        raise Conflict(
            _("The challenge is no longer open; nobody can be introduced to it."),
            code="challenge_not_published",
        )
    proposal = _proposal_decide(
        proposal=proposal,
        user=user,
        to_status=MatchProposal.Status.APPROVED,
    )
    introduction = Introduction.objects.create(proposal=proposal, challenge=challenge, vendor=proposal.vendor)
    audit_record(actor=user, obj=introduction, action="introduce", to_state=introduction.status)
    for event, users in (
        (notifications.INTRODUCED_TO_VENDOR, vendor_members(proposal.vendor)),
        (notifications.INTRODUCED_TO_ORGANIZATION, organization_members(challenge)),
    ):
        tell(event, users=users, challenge=challenge, introduction=introduction)
    return proposal


@transaction.atomic
def proposal_reject(*, proposal: MatchProposal, user: User, reason: str) -> MatchProposal:
    """Reject a proposal; a firm that asked to be introduced is told, with the coordinator's reason."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the proposal is rejected.")}, code="reason_required")
    proposal = _proposal_decide(
        proposal=proposal,
        user=user,
        to_status=MatchProposal.Status.REJECTED,
        reason=reason.strip(),
    )
    # Only a firm that asked hears of it: one the matcher proposed never knew it was considered.
    if proposal.is_requested:
        tell(
            notifications.INTRODUCTION_REQUEST_REJECTED,
            users=vendor_members(proposal.vendor),
            challenge=proposal.challenge,
            proposal=proposal,
        )
    return proposal


@transaction.atomic
def proposal_hold(*, proposal: MatchProposal, user: User, reason: str = "") -> MatchProposal:
    return _proposal_decide(
        proposal=proposal,
        user=user,
        to_status=MatchProposal.Status.ON_HOLD,
        reason=reason.strip(),
    )


def proposals_bulk_approve(
    *, proposals: list[MatchProposal], user: User
) -> tuple[list[MatchProposal], dict[int, str]]:
    """Approve each proposal on its own: one already decided elsewhere is reported, not fatal to the rest."""
    approved, refused = [], {}
    for proposal in proposals:
        try:
            approved.append(proposal_approve(proposal=proposal, user=user))
        except ValidationError as error:  # Conflict included: reported per proposal.
            refused[proposal.pk] = " ".join(error.messages)
    return approved, refused


# Publications whose follow-up tasks were never queued (broker down at commit) or gave up (engine down
# for longer than their retries).
PUBLICATION_FOLLOWUP_AFTER = timedelta(minutes=10)
PUBLICATION_FOLLOWUP_LOOKBACK = timedelta(days=7)


def publication_followups_requeue(*, now: datetime) -> int:
    """Queue again the proposals and saved-search alerts of every challenge published in the last week that still
    has no proposal; return how many challenges. Run periodically.

    Both tasks are safe to repeat (proposals upsert by pair, alerts are deduplicated per user). A
    challenge the matcher finds no vendor for is tried again each time: one engine query."""
    from matching.selectors import challenge_list_without_proposals
    from matching.tasks import proposals_generate_task, saved_search_alerts_send_task

    challenge_ids = list(
        challenge_list_without_proposals(
            published_since=now - PUBLICATION_FOLLOWUP_LOOKBACK,
            published_before=now - PUBLICATION_FOLLOWUP_AFTER,
        ).values_list("pk", flat=True)
    )
    for challenge_id in challenge_ids:
        proposals_generate_task.delay(challenge_id)
        saved_search_alerts_send_task.delay(challenge_id)
    return len(challenge_ids)
