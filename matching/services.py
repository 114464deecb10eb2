import dataclasses
import logging
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hub.exceptions import Conflict
from hub.models import Notification, User
from hub.selectors import coordinator_list
from hub.services import Behalf, audit_record, behalf_notify, notification_create, notify
from marketplace.models import Challenge, Vendor
from marketplace.services import (
    behalf_audit,
    challenge_transition,
    challenge_url,
    organization_behalf_check,
    vendor_behalf_check,
)
from matching import indexing, payments, search
from matching.models import (
    Clarification,
    Engagement,
    Introduction,
    MatchProposal,
    Milestone,
    OutboxEntry,
    Payout,
    SavedSearch,
    VendorExposure,
)

INDEXED_KINDS = ("vendor", "challenge")


def _drain_after_commit() -> None:
    from matching.tasks import outbox_drain_task

    # Robust: a broker or engine outage must not fail the write that was just committed;
    # the entries stay in the outbox and the periodic drain picks them up. Every robust callback in
    # this module is a bound method, never a partial: Django 5.2 logs a failing one by its
    # __qualname__, which a partial lacks, so the error would escape after all (Django ticket #36487).
    transaction.on_commit(outbox_drain_task.delay, robust=True)


def outbox_record(*, kind: str, ids: list[int], **signal_kwargs) -> None:
    """Record changed rows in the writer's transaction; they reach the index after commit."""
    OutboxEntry.objects.bulk_create(OutboxEntry(kind=kind, object_id=pk) for pk in ids)
    _drain_after_commit()


def outbox_record_rebuild(**signal_kwargs) -> None:
    OutboxEntry.objects.create(kind=OutboxEntry.Kind.REBUILD)
    _drain_after_commit()


def outbox_drain(*, batch_size: int = 1000) -> int:
    """Copy every recorded change into the index, oldest first; return how many entries were applied.

    An entry is deleted only after the index holds the state read after it was committed, so an
    engine outage or a killed worker leaves it in place for the next drain."""
    applied = 0
    while entries := list(OutboxEntry.objects.order_by("id")[:batch_size]):
        if any(entry.kind == OutboxEntry.Kind.REBUILD for entry in entries):
            applied += index_rebuild_all()
            continue
        for kind in INDEXED_KINDS:
            indexing.index_sync(kind, {entry.object_id for entry in entries if entry.kind == kind})
        applied += OutboxEntry.objects.filter(id__in=[entry.id for entry in entries]).delete()[0]
    return applied


def index_rebuild_all() -> int:
    """Rebuild every index from the database and clear the outbox entries this covers.

    Only entries recorded before the rebuild started are cleared: later ones are drained as usual."""
    last_id = OutboxEntry.objects.order_by("-id").values_list("id", flat=True).first()
    for kind in INDEXED_KINDS:
        indexing.index_rebuild(kind)
    indexing.saved_search_index_rebuild()  # Its mapping follows the challenges' and the taxonomy.
    return OutboxEntry.objects.filter(id__lte=last_id).delete()[0] if last_id is not None else 0


def vendor_exposure_record(*, vendor_ids: list[int], channel: str) -> None:
    """Count one exposure for each vendor shown; two statements, safe under concurrent requests."""
    vendor_ids = set(vendor_ids)
    if not vendor_ids:
        return
    today = timezone.localdate()
    VendorExposure.objects.bulk_create(
        [VendorExposure(vendor_id=pk, day=today, channel=channel) for pk in vendor_ids], ignore_conflicts=True
    )
    VendorExposure.objects.filter(vendor_id__in=vendor_ids, day=today, channel=channel).update(
        count=F("count") + 1
    )


# Saved searches and their alerts

SAVED_SEARCHES_PER_USER = 50
SAVED_SEARCH_FILTERS = ("expertise", "region", "organization_kind", "language", "budget")


def _saved_search_vendor(*, user: User, vendor: Vendor | None) -> Vendor:
    members_vendors = Vendor.objects.filter(members=user)
    if vendor is not None:
        if not members_vendors.filter(pk=vendor.pk).exists():
            raise PermissionDenied(_("You can only save searches for your own firm."))
        return vendor
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
    document = indexing.document_source("challenge", challenge.pk)
    matching_ids = search.saved_search_ids_matching(document=document)
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
            _notification, created = notification_create(
                user=user,
                kind=Notification.Kind.CHALLENGE_MATCH,
                title=_("New challenge: %(title)s") % {"title": challenge.title},
                body=ngettext(
                    "%(organization)s published a challenge that matches your saved search %(searches)s. "
                    "Deadline: %(deadline)s.",
                    "%(organization)s published a challenge that matches your saved searches %(searches)s. "
                    "Deadline: %(deadline)s.",
                    len(names),
                )
                % {
                    "organization": challenge.organization.name,
                    "searches": ", ".join(_("“%(name)s”") % {"name": name} for name in names),
                    "deadline": date_format(challenge.deadline),
                },
                url=challenge_url(challenge),
                dedupe_key=f"challenge-match:{challenge.pk}",
            )
        notified += created
    return notified


# The workflow: proposal → approval → introduction → interest → shortlist → award → milestones.


def _organization_members(challenge: Challenge) -> QuerySet[User]:
    return challenge.organization.members.filter(is_active=True)


def _vendor_members(vendor: Vendor) -> QuerySet[User]:
    return vendor.members.filter(is_active=True)


def _require_challenge_member(challenge: Challenge, user: User) -> None:
    if not (user.is_coordinator or challenge.organization.members.filter(pk=user.pk).exists()):
        raise PermissionDenied(_("Only members of the organization that posted this challenge can do this."))


def _require_vendor_member(vendor: Vendor, user: User) -> None:
    if not (user.is_coordinator or vendor.members.filter(pk=user.pk).exists()):
        raise PermissionDenied(_("Only members of this vendor can do this."))


def _locked(model_instance):
    """The row again, locked until the end of the transaction: two deciders never both win."""
    return type(model_instance).objects.select_for_update().get(pk=model_instance.pk)


def _explanation_data(explanation) -> dict:
    return dataclasses.asdict(explanation)


@transaction.atomic
def proposals_generate(*, challenge: Challenge, vendors_since: datetime | None = None) -> int:
    """Record the matcher's top vendors for a published challenge as pending proposals; return how many are new.

    Upserts by (challenge, vendor): a vendor already proposed keeps its proposal, rank and decision,
    so running it again (or nightly, with `vendors_since`) never duplicates or reorders anything."""
    from matching.selectors import vendor_ranking

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
                explanation=_explanation_data(hit.explanation),
            )
            audit_record(actor=None, obj=proposal, action="propose", to_state=proposal.status)
            created.append(proposal)
    vendor_exposure_record(vendor_ids=[p.vendor_id for p in created], channel=VendorExposure.Channel.PROPOSAL)
    if created:
        notify(
            users=coordinator_list(),
            kind=Notification.Kind.PROPOSALS_READY,
            dedupe_key=f"proposals-ready:{challenge.pk}:{created[-1].pk}",
            render=lambda: (
                _("Proposals to review: %(title)s") % {"title": challenge.title},
                ngettext(
                    "The matcher proposed %(count)s vendor for this challenge.",
                    "The matcher proposed %(count)s vendors for this challenge.",
                    len(created),
                )
                % {"count": len(created)},
            ),
            url=challenge_url(challenge),
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


def _proposal_decide(
    *, proposal: MatchProposal, user: User, to_status: str, allowed_from: set[str], reason: str = ""
) -> MatchProposal:
    if not user.is_coordinator:
        raise PermissionDenied(_("Only hub coordinators can decide on a proposal."))
    proposal = _locked(proposal)
    if proposal.status not in allowed_from:
        raise Conflict(
            _("This proposal is already %(status)s; refresh the queue to see its current state.")
            % {"status": proposal.get_status_display().lower()},
            code="proposal_already_decided",
        )
    from_status = proposal.status
    proposal.status = to_status
    proposal.reason = reason
    proposal.decided_by = user
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "reason", "decided_by", "decided_at", "updated_at"])
    audit_record(
        actor=user, obj=proposal, action=to_status, from_state=from_status, to_state=to_status, reason=reason
    )
    return proposal


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
        allowed_from={MatchProposal.Status.PENDING, MatchProposal.Status.ON_HOLD},
    )
    introduction = Introduction.objects.create(proposal=proposal, challenge=challenge, vendor=proposal.vendor)
    audit_record(actor=user, obj=introduction, action="introduce", to_state=introduction.status)
    vendor = proposal.vendor
    notify(
        users=_vendor_members(vendor),
        kind=Notification.Kind.INTRODUCTION,
        dedupe_key=f"introduction:{introduction.pk}",
        render=lambda: (
            _("Introduced to a challenge: %(title)s") % {"title": challenge.title},
            _(
                "The hub introduced your firm to %(organization)s for this challenge. Tell them whether you are "
                "interested."
            )
            % {"organization": challenge.organization.name},
        ),
        url=challenge_url(challenge),
    )
    notify(
        users=_organization_members(challenge),
        kind=Notification.Kind.INTRODUCTION,
        dedupe_key=f"introduction:{introduction.pk}",
        render=lambda: (
            _("A vendor for your challenge: %(vendor)s") % {"vendor": vendor.name},
            _(
                "The hub introduced %(vendor)s for « %(title)s ». You will hear from them if they are interested."
            )
            % {"vendor": vendor.name, "title": challenge.title},
        ),
        url=challenge_url(challenge),
    )
    return proposal


@transaction.atomic
def proposal_reject(*, proposal: MatchProposal, user: User, reason: str) -> MatchProposal:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the proposal is rejected.")}, code="reason_required")
    return _proposal_decide(
        proposal=proposal,
        user=user,
        to_status=MatchProposal.Status.REJECTED,
        allowed_from={MatchProposal.Status.PENDING, MatchProposal.Status.ON_HOLD},
        reason=reason.strip(),
    )


@transaction.atomic
def proposal_hold(*, proposal: MatchProposal, user: User, reason: str = "") -> MatchProposal:
    return _proposal_decide(
        proposal=proposal,
        user=user,
        to_status=MatchProposal.Status.ON_HOLD,
        allowed_from={MatchProposal.Status.PENDING},
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


def _introduction_move(
    *,
    introduction: Introduction,
    user: User,
    to_status: str,
    allowed_from: set[str],
    action: str,
    reason: str = "",
    changes: dict | None = None,
    behalf: Behalf | None = None,
) -> Introduction:
    """Move an introduction, locked, and apply `changes` (pitch, decline reason) to the locked row."""
    introduction = _locked(introduction)
    if introduction.status not in allowed_from:
        raise Conflict(
            _("This introduction is %(status)s; that is no longer possible.")
            % {"status": introduction.get_status_display().lower()},
            code="introduction_invalid_transition",
        )
    from_status = introduction.status
    introduction.status = to_status
    for field, value in (changes or {}).items():
        setattr(introduction, field, value)
    introduction.save(update_fields=["status", "pitch", "decline_reason", "updated_at"])
    audit_record(
        actor=user,
        obj=introduction,
        action=action,
        from_state=from_status,
        to_state=to_status,
        **({"reason": reason} | behalf_audit(behalf)),
    )
    return introduction


@transaction.atomic
def introduction_express_interest(
    *, introduction: Introduction, user: User, pitch: str, reason: str = ""
) -> Introduction:
    """The vendor says it is interested, with a short pitch; the organization is told."""
    _require_vendor_member(introduction.vendor, user)
    if not pitch.strip():
        raise ValidationError(
            {"pitch": _("Write a short pitch for the organization.")}, code="pitch_required"
        )
    behalf = vendor_behalf_check(vendor=introduction.vendor, user=user, reason=reason)
    introduction = _introduction_move(
        introduction=introduction,
        user=user,
        to_status=Introduction.Status.INTERESTED,
        allowed_from={Introduction.Status.INTRODUCED},
        action="express_interest",
        changes={"pitch": pitch.strip()},
        behalf=behalf,
    )
    challenge, vendor = introduction.challenge, introduction.vendor
    behalf_notify(
        behalf=behalf,
        actor=user,
        dedupe_key=f"on-behalf:interest:{introduction.pk}",
        what=lambda: (
            _("They told %(organization)s that your firm is interested in « %(title)s ».")
            % {"organization": challenge.organization.name, "title": challenge.title}
        ),
        url=challenge_url(challenge),
    )
    notify(
        users=_organization_members(challenge),
        kind=Notification.Kind.INTEREST,
        dedupe_key=f"interest:{introduction.pk}",
        render=lambda: (
            _("%(vendor)s is interested") % {"vendor": vendor.name},
            _("%(vendor)s is interested in « %(title)s »: %(pitch)s")
            % {"vendor": vendor.name, "title": challenge.title, "pitch": introduction.pitch},
        ),
        url=challenge_url(challenge),
    )
    return introduction


@transaction.atomic
def introduction_decline(*, introduction: Introduction, user: User, reason: str) -> Introduction:
    _require_vendor_member(introduction.vendor, user)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why your firm declines.")}, code="reason_required")
    # A coordinator declining for the firm gives the firm's reason, which is also why they act.
    behalf = vendor_behalf_check(vendor=introduction.vendor, user=user, reason=reason)
    introduction = _introduction_move(
        introduction=introduction,
        user=user,
        to_status=Introduction.Status.DECLINED,
        allowed_from={Introduction.Status.INTRODUCED, Introduction.Status.INTERESTED},
        action="decline",
        reason=reason.strip(),
        changes={"decline_reason": reason.strip()},
        behalf=behalf,
    )
    challenge, vendor = introduction.challenge, introduction.vendor
    behalf_notify(
        behalf=behalf,
        actor=user,
        dedupe_key=f"on-behalf:decline:{introduction.pk}",
        what=lambda: _("They declined « %(title)s » for your firm.") % {"title": challenge.title},
        url=challenge_url(challenge),
    )
    notify(
        users=_organization_members(challenge),
        kind=Notification.Kind.DECLINE,
        dedupe_key=f"decline:{introduction.pk}",
        render=lambda: (
            _("%(vendor)s declined") % {"vendor": vendor.name},
            _("%(vendor)s will not answer « %(title)s ».")
            % {"vendor": vendor.name, "title": challenge.title},
        ),
        url=challenge_url(challenge),
    )
    return introduction


@transaction.atomic
def introduction_shortlist(*, introduction: Introduction, user: User, reason: str = "") -> Introduction:
    _require_challenge_member(introduction.challenge, user)
    behalf = organization_behalf_check(
        organization=introduction.challenge.organization, user=user, reason=reason
    )
    introduction = _introduction_move(
        introduction=introduction,
        user=user,
        to_status=Introduction.Status.SHORTLISTED,
        allowed_from={Introduction.Status.INTERESTED},
        action="shortlist",
        behalf=behalf,
    )
    challenge = introduction.challenge
    behalf_notify(
        behalf=behalf,
        actor=user,
        dedupe_key=f"on-behalf:shortlist:{introduction.pk}",
        what=lambda: (
            _("They shortlisted %(vendor)s for « %(title)s ».")
            % {"vendor": introduction.vendor.name, "title": challenge.title}
        ),
        url=challenge_url(challenge),
    )
    notify(
        users=_vendor_members(introduction.vendor),
        kind=Notification.Kind.SHORTLISTED,
        dedupe_key=f"shortlisted:{introduction.pk}",
        render=lambda: (
            _("Shortlisted: %(title)s") % {"title": challenge.title},
            _("%(organization)s shortlisted your firm for this challenge.")
            % {"organization": challenge.organization.name},
        ),
        url=challenge_url(challenge),
    )
    return introduction


def _introduced_vendor_members(challenge: Challenge) -> QuerySet[User]:
    return (
        User.objects.filter(
            is_active=True,
            vendors__introductions__challenge=challenge,
        )
        .exclude(vendors__introductions__status=Introduction.Status.DECLINED)
        .distinct()
    )


@transaction.atomic
def clarification_ask(
    *, challenge: Challenge, user: User, question: str, answer: str = "", reason: str = ""
) -> Clarification:
    """A question from an introduced vendor, or a clarification the organization publishes itself.

    An answered clarification is published to every introduced vendor, never saying who asked."""
    is_member = user.is_coordinator or challenge.organization.members.filter(pk=user.pk).exists()
    introduced = challenge.introductions.filter(vendor__members=user).exclude(
        status=Introduction.Status.DECLINED
    )
    if not (is_member or introduced.exists()):
        raise PermissionDenied(
            _("Only introduced vendors and the organization can ask about this challenge.")
        )
    if challenge.status != Challenge.Status.PUBLISHED:
        raise Conflict(_("Questions are closed: the challenge is no longer open."), code="challenge_not_open")
    if not question.strip():
        raise ValidationError({"question": _("Write the question.")}, code="question_required")
    if answer.strip() and not is_member:
        raise PermissionDenied(_("Only the organization answers questions."))
    clarification = Clarification.objects.create(
        challenge=challenge, asked_by=user, question=question.strip()
    )
    audit_record(actor=user, obj=clarification, action="ask", to_state="asked")
    if answer.strip():
        clarification_answer(clarification=clarification, user=user, answer=answer, reason=reason)
    else:
        notify(
            users=_organization_members(challenge),
            kind=Notification.Kind.CLARIFICATION,
            dedupe_key=f"clarification-asked:{clarification.pk}",
            render=lambda: (
                _("A question about « %(title)s »") % {"title": challenge.title},
                clarification.question,
            ),
            url=challenge_url(challenge),
        )
    return clarification


@transaction.atomic
def clarification_answer(
    *, clarification: Clarification, user: User, answer: str, reason: str = ""
) -> Clarification:
    challenge = clarification.challenge
    _require_challenge_member(challenge, user)
    if not answer.strip():
        raise ValidationError({"answer": _("Write the answer.")}, code="answer_required")
    behalf = organization_behalf_check(organization=challenge.organization, user=user, reason=reason)
    clarification = _locked(clarification)
    if clarification.answered_at is not None:
        raise Conflict(_("This question has already been answered."), code="clarification_answered")
    clarification.answer = answer.strip()
    clarification.answered_by = user
    clarification.answered_at = timezone.now()
    clarification.save(update_fields=["answer", "answered_by", "answered_at"])
    audit_record(
        actor=user,
        obj=clarification,
        action="answer",
        from_state="asked",
        to_state="published",
        **behalf_audit(behalf),
    )
    behalf_notify(
        behalf=behalf,
        actor=user,
        dedupe_key=f"on-behalf:answer:{clarification.pk}",
        what=lambda: (
            _("They published an answer to a question about « %(title)s »: %(answer)s")
            % {"title": challenge.title, "answer": clarification.answer}
        ),
        url=challenge_url(challenge),
    )
    notify(
        users=_introduced_vendor_members(challenge),
        kind=Notification.Kind.CLARIFICATION,
        dedupe_key=f"clarification:{clarification.pk}",
        render=lambda: (
            _("Clarification published: %(title)s") % {"title": challenge.title},
            _("Question: %(question)s\nAnswer: %(answer)s")
            % {"question": clarification.question, "answer": clarification.answer},
        ),
        url=challenge_url(challenge),
    )
    return clarification


@transaction.atomic
def challenge_award(
    *, challenge: Challenge, introduction: Introduction, user: User, reason: str = ""
) -> Engagement:
    """Award the challenge to an interested vendor: the others are closed courteously, an engagement opens.

    A coordinator awarding for the organization gives a reason; the organization is told by challenge_transition."""
    _require_challenge_member(challenge, user)
    behalf = organization_behalf_check(organization=challenge.organization, user=user, reason=reason)
    challenge = _locked(challenge)
    if introduction.challenge_id != challenge.pk:
        raise ValidationError(
            {"introduction": _("This introduction belongs to another challenge.")}, code="mismatch"
        )
    if challenge.status not in (Challenge.Status.PUBLISHED, Challenge.Status.CLOSED):
        raise Conflict(
            _("A challenge that is %(status)s cannot be awarded.")
            % {"status": challenge.get_status_display().lower()},
            code="challenge_not_awardable",
        )
    introduction = _introduction_move(
        introduction=introduction,
        user=user,
        to_status=Introduction.Status.AWARDED,
        allowed_from={Introduction.Status.INTERESTED, Introduction.Status.SHORTLISTED},
        action="award",
        behalf=behalf,
    )
    challenge_transition(
        challenge=challenge,
        user=user,
        to_status=Challenge.Status.AWARDED,
        awarded_vendor=introduction.vendor,
        note=reason,
    )
    engagement = Engagement.objects.create(
        challenge=challenge, vendor=introduction.vendor, introduction=introduction
    )
    audit_record(
        actor=user, obj=engagement, action="open", to_state=engagement.status, **behalf_audit(behalf)
    )
    others = challenge.introductions.exclude(pk=introduction.pk).exclude(
        status__in=[Introduction.Status.DECLINED, Introduction.Status.NOT_SELECTED]
    )
    for other in others:
        _introduction_move(
            introduction=other,
            user=user,
            to_status=Introduction.Status.NOT_SELECTED,
            allowed_from={
                Introduction.Status.INTRODUCED,
                Introduction.Status.INTERESTED,
                Introduction.Status.SHORTLISTED,
            },
            action="close",
            behalf=behalf,
        )
        notify(
            users=_vendor_members(other.vendor),
            kind=Notification.Kind.NOT_SELECTED,
            dedupe_key=f"not-selected:{other.pk}",
            render=lambda: (
                _("« %(title)s » has been awarded") % {"title": challenge.title},
                _(
                    "Thank you for your interest in this challenge. %(organization)s has chosen another firm this "
                    "time. We hope to introduce you to other opportunities soon."
                )
                % {"organization": challenge.organization.name},
            ),
            url=challenge_url(challenge),
        )
    notify(
        users=_vendor_members(introduction.vendor),
        kind=Notification.Kind.AWARDED,
        dedupe_key=f"awarded:{introduction.pk}",
        render=lambda: (
            _("Awarded: %(title)s") % {"title": challenge.title},
            _("%(organization)s awarded this challenge to your firm. The pilot's milestones will follow.")
            % {"organization": challenge.organization.name},
        ),
        url=challenge_url(challenge),
    )
    return engagement


@transaction.atomic
def milestone_create(
    *, engagement: Engagement, user: User, title: str, amount: Decimal, due_date: date, reason: str = ""
) -> Milestone:
    _require_challenge_member(engagement.challenge, user)
    if engagement.status != Engagement.Status.ACTIVE:
        raise Conflict(
            _("This engagement is completed; it takes no new milestone."), code="engagement_closed"
        )
    behalf = organization_behalf_check(
        organization=engagement.challenge.organization, user=user, reason=reason
    )
    milestone = Milestone(engagement=engagement, title=title, amount=amount, due_date=due_date)
    milestone.full_clean()
    milestone.save()
    audit_record(actor=user, obj=milestone, action="plan", to_state=milestone.status, **behalf_audit(behalf))
    behalf_notify(
        behalf=behalf,
        actor=user,
        dedupe_key=f"on-behalf:plan:{milestone.pk}",
        what=lambda: (
            _("They planned the milestone « %(title)s » (%(amount)s $).")
            % {"title": milestone.title, "amount": milestone.amount}
        ),
        url=challenge_url(engagement.challenge),
    )
    return milestone


def _milestone_move(
    *, milestone: Milestone, user: User, to_status: str, allowed_from: str, behalf: Behalf | None = None
) -> Milestone:
    milestone = _locked(milestone)
    if milestone.status != allowed_from:
        raise Conflict(
            _("This milestone is %(status)s; it cannot become %(target)s.")
            % {
                "status": milestone.get_status_display().lower(),
                "target": Milestone.Status(to_status).label.lower(),
            },
            code="milestone_invalid_transition",
        )
    milestone.status = to_status
    if to_status == Milestone.Status.DELIVERED:
        milestone.delivered_at = timezone.now()
    if to_status == Milestone.Status.ACCEPTED:
        milestone.accepted_by, milestone.accepted_at = user, timezone.now()
    milestone.save()
    audit_record(
        actor=user,
        obj=milestone,
        action=to_status,
        from_state=allowed_from,
        to_state=to_status,
        **behalf_audit(behalf),
    )
    behalf_notify(
        behalf=behalf,
        actor=user,
        dedupe_key=f"on-behalf:milestone-{to_status}:{milestone.pk}",
        what=lambda: (
            _("The milestone « %(title)s » is now %(status)s.")
            % {"title": milestone.title, "status": milestone.get_status_display().lower()}
        ),
        url=challenge_url(milestone.engagement.challenge),
    )
    return milestone


@transaction.atomic
def milestone_deliver(*, milestone: Milestone, user: User, reason: str = "") -> Milestone:
    engagement = milestone.engagement
    _require_vendor_member(engagement.vendor, user)
    milestone = _milestone_move(
        milestone=milestone,
        user=user,
        to_status=Milestone.Status.DELIVERED,
        allowed_from=Milestone.Status.PLANNED,
        behalf=vendor_behalf_check(vendor=engagement.vendor, user=user, reason=reason),
    )
    notify(
        users=_organization_members(engagement.challenge),
        kind=Notification.Kind.MILESTONE_DELIVERED,
        dedupe_key=f"milestone-delivered:{milestone.pk}",
        render=lambda: (
            _("Milestone delivered: %(title)s") % {"title": milestone.title},
            _("%(vendor)s delivered « %(title)s ». Review it and accept it to release the payment.")
            % {"vendor": engagement.vendor.name, "title": milestone.title},
        ),
        url=challenge_url(engagement.challenge),
    )
    return milestone


@transaction.atomic
def milestone_accept(*, milestone: Milestone, user: User, reason: str = "") -> Milestone:
    """The organization accepts a delivered milestone, which pays the vendor (once, whatever happens)."""
    engagement = milestone.engagement
    _require_challenge_member(engagement.challenge, user)
    milestone = _milestone_move(
        milestone=milestone,
        user=user,
        to_status=Milestone.Status.ACCEPTED,
        allowed_from=Milestone.Status.DELIVERED,
        behalf=organization_behalf_check(
            organization=engagement.challenge.organization, user=user, reason=reason
        ),
    )
    payout_request(milestone=milestone)
    notify(
        users=_vendor_members(engagement.vendor),
        kind=Notification.Kind.MILESTONE_ACCEPTED,
        dedupe_key=f"milestone-accepted:{milestone.pk}",
        render=lambda: (
            _("Milestone accepted: %(title)s") % {"title": milestone.title},
            _("%(organization)s accepted « %(title)s ». The payment of %(amount)s $ is on its way.")
            % {
                "organization": engagement.challenge.organization.name,
                "title": milestone.title,
                "amount": milestone.amount,
            },
        ),
        url=challenge_url(engagement.challenge),
    )
    return milestone


# Payouts: paying accepted milestones through the payment provider (matching/payments.py)

PAYOUT_RECONCILE_AFTER = timedelta(minutes=15)

# How far along each status is. A payout only moves forward, so a late, replayed or duplicated
# event announcing the status it has, or an earlier one, changes nothing. Paid and failed are final.
_PAYOUT_PROGRESS = {
    Payout.Status.PENDING: 0,
    Payout.Status.SUBMITTED: 1,
    Payout.Status.PAID: 2,
    Payout.Status.FAILED: 2,
}
# The provider's "pending" means it holds the payout: for us, submitted.
_PAYOUT_STATUS_FROM_PROVIDER = {
    payments.ProviderStatus.PENDING: Payout.Status.SUBMITTED,
    payments.ProviderStatus.PAID: Payout.Status.PAID,
    payments.ProviderStatus.FAILED: Payout.Status.FAILED,
}

payout_logger = logging.getLogger(__name__)


@transaction.atomic
def payout_request(*, milestone: Milestone) -> Payout:
    """Create the accepted milestone's payout, once, and send it to the provider after commit.

    Called again for the same milestone, it returns the existing payout: a milestone has at most one
    (a unique constraint), so it is never paid twice. A send lost after commit (broker down, retries
    exhausted) is made by payouts_reconcile."""
    from matching.tasks import payout_submit_task

    if milestone.status != Milestone.Status.ACCEPTED:
        raise ValidationError(
            _("Only an accepted milestone can be paid. This one is %(status)s.")
            % {"status": milestone.get_status_display().lower()},
            code="milestone_not_accepted",
        )
    payout, created = Payout.objects.get_or_create(
        milestone=milestone, defaults={"amount": milestone.amount, "currency": payments.CURRENCY}
    )
    if created:
        audit_record(actor=milestone.accepted_by, obj=payout, action="request", to_state=payout.status)
        transaction.on_commit(payout_submit_task.si(payout.pk).delay, robust=True)
    return payout


def payout_submit(*, payout: Payout) -> Payout:
    """Send a pending payout to the provider under its stored idempotency key and record the answer.

    Safe to repeat, even concurrently: the provider answers a key it has seen with the payout it
    already created, so a retry after a timeout (whose request may have reached it) cannot pay twice.
    A refusal by the provider marks the payout failed. PaymentProviderUnavailable is raised for the
    task to retry; any other PaymentProviderError (our configuration) leaves the payout pending, with
    the error, for payouts_reconcile."""
    payout = Payout.objects.select_related("milestone__engagement__vendor").get(pk=payout.pk)
    if payout.status != Payout.Status.PENDING:
        return payout
    Payout.objects.filter(pk=payout.pk).update(attempts=F("attempts") + 1, updated_at=timezone.now())
    milestone = payout.milestone
    try:
        answer = payments.payment_provider().create_payout(
            idempotency_key=str(payout.idempotency_key),
            amount=payout.amount,
            currency=payout.currency,
            # The provider holds each vendor's bank details under the vendor's key.
            destination=milestone.engagement.vendor.key,
            reference=f"milestone-{milestone.pk}",
            metadata={"payout": str(payout.pk), "milestone": str(milestone.pk)},
        )
    except payments.PaymentProviderRejected as error:
        return _payout_move(
            payout_id=payout.pk, to_status=Payout.Status.FAILED, occurred_at=None, error=str(error)
        )
    except payments.PaymentProviderError as error:
        Payout.objects.filter(pk=payout.pk).update(last_error=str(error), updated_at=timezone.now())
        raise
    return _payout_move(
        payout_id=payout.pk,
        to_status=_PAYOUT_STATUS_FROM_PROVIDER[answer.status],
        occurred_at=answer.updated_at,
        provider_id=answer.id,
        error=answer.failure_message,
    )


def payout_apply_event(
    *, provider_id: str, status: str, occurred_at: datetime, failure_message: str = ""
) -> Payout:
    """Apply the provider's news about a payout (a webhook, or its answer when reconciling); `status` is in the
    provider's words (payments.ProviderStatus).

    Safe to repeat and in any order: an event older than the last one applied, or announcing the
    payout's status or an earlier one, changes nothing. Becoming paid marks the milestone paid; every
    change is audited, and paid or failed is notified once."""
    payout_id = Payout.objects.filter(provider_id=provider_id).values_list("pk", flat=True).first()
    if payout_id is None:
        raise ValidationError(
            _(
                "No payout has the provider id %(provider_id)s. Check that the event comes from this hub's account."
            )
            % {"provider_id": provider_id},
            code="payout_unknown",
        )
    if status not in _PAYOUT_STATUS_FROM_PROVIDER:
        raise ValidationError(
            _("“%(status)s” is not a payout status. Send pending, paid or failed.") % {"status": status},
            code="payout_status_unknown",
        )
    return _payout_move(
        payout_id=payout_id,
        to_status=_PAYOUT_STATUS_FROM_PROVIDER[status],
        occurred_at=occurred_at,
        error=failure_message,
    )


def payouts_reconcile(*, older_than: timedelta = PAYOUT_RECONCILE_AFTER) -> int:
    """Settle the payouts still open after `older_than`, whatever webhooks were lost; return how many changed.

    A pending one is sent again under its key; a submitted one is fetched from the provider and the
    answer applied like a webhook. Stops at the first sign that the provider is away: the next
    periodic run tries again."""
    provider = payments.payment_provider()
    open_payouts = Payout.objects.filter(
        status__in=[Payout.Status.PENDING, Payout.Status.SUBMITTED],
        created_at__lt=timezone.now() - older_than,
    ).order_by("id")
    changed = 0
    for payout in open_payouts:
        status_before = payout.status
        try:
            if payout.status == Payout.Status.PENDING:
                payout = payout_submit(payout=payout)
            else:
                answer = provider.fetch_payout(payout.provider_id)
                payout = payout_apply_event(
                    provider_id=payout.provider_id,
                    status=answer.status,
                    occurred_at=answer.updated_at,
                    failure_message=answer.failure_message,
                )
        except payments.PaymentProviderUnavailable as error:
            payout_logger.warning("Payout reconciliation stopped at payout %s: %s", payout.pk, error)
            Payout.objects.filter(pk=payout.pk).update(last_error=str(error), updated_at=timezone.now())
            break
        except payments.PaymentProviderError as error:
            payout_logger.error("Payout %s could not be reconciled: %s", payout.pk, error)
            Payout.objects.filter(pk=payout.pk).update(last_error=str(error), updated_at=timezone.now())
            continue
        changed += payout.status != status_before
    return changed


@transaction.atomic
def _payout_move(
    *,
    payout_id: int,
    to_status: str,
    occurred_at: datetime | None,
    provider_id: str | None = None,
    error: str = "",
) -> Payout:
    """Move a payout forward under a row lock, or leave it as it is when the news is old (see _PAYOUT_PROGRESS)."""
    payout = (
        Payout.objects.select_for_update(of=("self",))
        .select_related("milestone__engagement__vendor", "milestone__engagement__challenge")
        .get(pk=payout_id)
    )
    update_fields = []
    if provider_id and payout.provider_id != provider_id:
        if payout.provider_id is None:
            payout.provider_id = provider_id
            update_fields.append("provider_id")
        else:
            payout_logger.error(
                "Payout %s is %s at the provider, which now answers %s for the same key.",
                payout.pk,
                payout.provider_id,
                provider_id,
            )
    from_status = payout.status
    if occurred_at is not None and payout.last_event_at is not None and occurred_at < payout.last_event_at:
        is_news = False
    else:
        is_news = _PAYOUT_PROGRESS[to_status] > _PAYOUT_PROGRESS[from_status]
        if occurred_at is not None and occurred_at != payout.last_event_at:
            # Even when the status stays, an earlier event arriving after this one must not apply.
            payout.last_event_at = occurred_at
            update_fields.append("last_event_at")
    if not is_news:
        if to_status != from_status and _PAYOUT_PROGRESS[from_status] == _PAYOUT_PROGRESS[to_status] == 2:
            payout_logger.error(
                "Payout %s is %s, but the provider now says %s: check it with the provider.",
                payout.pk,
                from_status,
                to_status,
            )
        if update_fields:
            payout.save(update_fields=[*update_fields, "updated_at"])
        return payout
    payout.status = to_status
    update_fields.append("status")
    if to_status == Payout.Status.FAILED:
        payout.last_error = error
        update_fields.append("last_error")
    payout.save(update_fields=[*update_fields, "updated_at"])
    audit_record(
        actor=None,
        obj=payout,
        action=to_status,
        from_state=from_status,
        to_state=to_status,
        reason=error if to_status == Payout.Status.FAILED else "",
    )
    if to_status == Payout.Status.PAID:
        _milestone_mark_paid(payout=payout)
    if to_status in {Payout.Status.PAID, Payout.Status.FAILED}:
        _payout_notify(payout=payout)
    return payout


def _milestone_mark_paid(*, payout: Payout) -> None:
    milestone = Milestone.objects.select_for_update().get(pk=payout.milestone_id)
    if milestone.status != Milestone.Status.ACCEPTED:
        payout_logger.error(
            "Payout %s is paid, but its milestone %s is %s.", payout.pk, milestone.pk, milestone.status
        )
        return
    milestone.status = Milestone.Status.PAID
    milestone.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=None,
        obj=milestone,
        action=Milestone.Status.PAID,
        from_state=Milestone.Status.ACCEPTED,
        to_state=Milestone.Status.PAID,
        reason=f"payout {payout.pk}",
    )


def _payout_notify(*, payout: Payout) -> None:
    """Tell the vendor's members that a payout is paid, or the coordinators that it failed; once each."""
    milestone = payout.milestone
    engagement = milestone.engagement
    if payout.status == Payout.Status.PAID:
        users = engagement.vendor.members.filter(is_active=True)
        kind, dedupe_key = Notification.Kind.PAYOUT_PAID, f"payout-paid:{payout.pk}"
    else:
        users = coordinator_list()
        kind, dedupe_key = Notification.Kind.PAYOUT_FAILED, f"payout-failed:{payout.pk}"
    for user in users:
        with translation.override(user.preferred_language):
            values = {
                "amount": number_format(payout.amount, decimal_pos=2, use_l10n=True, force_grouping=True),
                "vendor": engagement.vendor.name,
                "title": milestone.title,
                "challenge": engagement.challenge.title,
                "error": payout.last_error,
            }
            if payout.status == Payout.Status.PAID:
                title = _("Payment sent: %(title)s") % values
                body = (
                    _(
                        "$%(amount)s was sent to %(vendor)s for the milestone “%(title)s” "
                        "of the challenge “%(challenge)s”."
                    )
                    % values
                )
            else:
                title = _("Payment failed: %(title)s") % values
                body = (
                    _(
                        "The payment of $%(amount)s to %(vendor)s for the milestone “%(title)s” failed (%(error)s). "
                        "Check the vendor's payment details with the payment provider, then contact the vendor."
                    )
                    % values
                )
            notification_create(
                user=user,
                kind=kind,
                title=title,
                body=body,
                url=challenge_url(engagement.challenge),
                dedupe_key=dedupe_key,
            )


# Privacy (Quebec's Law 25)


def saved_searches_erase(*, user: User, **signal_kwargs) -> None:
    """Receiver of hub's `personal_data_erase_requested`: delete the user's saved searches (and their stored queries)."""
    for saved_search in SavedSearch.objects.filter(user=user):
        saved_search_delete(saved_search=saved_search, user=user)


def workflow_authorship_erase(*, user: User, **signal_kwargs) -> None:
    """Receiver of hub's `personal_data_erase_requested`: the questions the user asked and the proposals they decided
    stay, as the challenge's and the hub's records, but no longer say who wrote them (docs/privacy.md)."""
    Clarification.objects.filter(asked_by=user).update(asked_by=None)
    MatchProposal.objects.filter(decided_by=user).update(decided_by=None, updated_at=timezone.now())


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
