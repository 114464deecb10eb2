from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hub import roles
from hub.exceptions import Conflict
from hub.links import page_url
from hub.models import User
from hub.services import Behalf, audit_record
from marketplace.models import Challenge
from marketplace.moves import CHALLENGE_MOVES, Move
from marketplace.notifications import send
from marketplace.services import (
    behalf_audit,
    challenge_transition,
    organization_behalf_check,
    vendor_behalf_check,
)
from matching import notifications
from matching.models import (
    DUPLICATE_QUESTION_MESSAGE,
    Clarification,
    Engagement,
    Introduction,
    Submission,
)
from matching.moves import CLARIFICATION_MOVES, INTRODUCTION_MOVES, INTRODUCTIONS_IN_THE_RUNNING
from matching.notifications import tell, tell_behalf
from matching.services.common import (
    locked,
    move_locked,
    organization_members,
    other_party_members,
    require_challenge_member,
    require_vendor_member,
    vendor_members,
)


def _introduction_move(
    *,
    introduction: Introduction,
    user: User,
    to_status: str,
    reason: str = "",
    changes: dict | None = None,
    behalf: Behalf | None = None,
    table: dict[str, Move] = INTRODUCTION_MOVES,
) -> Introduction:
    """Move an introduction along INTRODUCTION_MOVES with `changes` (pitch, decline reason). After a party's
    own move, the party a coordinator acted for and the other party are told (notifications.INTRODUCTION_EVENTS)."""
    introduction = move_locked(
        introduction,
        table=table,
        to_status=to_status,
        user=user,
        refused=_introduction_refused,
        changes=changes,
        audit={"reason": reason} | behalf_audit(behalf),
    )
    if to_status in notifications.INTRODUCTION_EVENTS:
        event, behalf_event = notifications.INTRODUCTION_EVENTS[to_status]
        challenge = introduction.challenge
        tell_behalf(behalf_event, behalf=behalf, actor=user, challenge=challenge, introduction=introduction)
        users = other_party_members(
            INTRODUCTION_MOVES[to_status].by, challenge=challenge, vendor=introduction.vendor
        )
        tell(event, users=users, challenge=challenge, introduction=introduction)
    return introduction


def _introduction_refused(introduction: Introduction, to_status: str) -> Conflict:
    return Conflict(
        _("This introduction is %(status)s; that is no longer possible.")
        % {"status": introduction.get_status_display().lower()},
        code="introduction_invalid_transition",
    )


@transaction.atomic
def introduction_express_interest(
    *, introduction: Introduction, user: User, pitch: str, reason: str = ""
) -> Introduction:
    """The vendor says it is interested, with a short pitch; the organization is told."""
    require_vendor_member(introduction.vendor, user)
    if not pitch.strip():
        raise ValidationError(
            {"pitch": _("Write a short pitch for the organization.")}, code="pitch_required"
        )
    behalf = vendor_behalf_check(vendor=introduction.vendor, user=user, reason=reason)
    return _introduction_move(
        introduction=introduction,
        user=user,
        to_status=Introduction.Status.INTERESTED,
        changes={"pitch": pitch.strip()},
        behalf=behalf,
    )


@transaction.atomic
def introduction_decline(*, introduction: Introduction, user: User, reason: str) -> Introduction:
    require_vendor_member(introduction.vendor, user)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why your firm declines.")}, code="reason_required")
    # A coordinator declining for the firm gives the firm's reason, which is also why they act.
    behalf = vendor_behalf_check(vendor=introduction.vendor, user=user, reason=reason)
    return _introduction_move(
        introduction=introduction,
        user=user,
        to_status=Introduction.Status.DECLINED,
        reason=reason.strip(),
        changes={"decline_reason": reason.strip()},
        behalf=behalf,
    )


@transaction.atomic
def introduction_shortlist(*, introduction: Introduction, user: User, reason: str = "") -> Introduction:
    require_challenge_member(introduction.challenge, user)
    behalf = organization_behalf_check(
        organization=introduction.challenge.organization, user=user, reason=reason
    )
    return _introduction_move(
        introduction=introduction,
        user=user,
        to_status=Introduction.Status.SHORTLISTED,
        behalf=behalf,
    )


def _introduced_vendor_members(challenge: Challenge) -> QuerySet[User]:
    # The firms that may ask hear every answer. One filter() call, so that the challenge and the status are
    # those of the same introduction (not a declined one elsewhere).
    return User.objects.filter(
        is_active=True,
        vendors__introductions__challenge=challenge,
        vendors__introductions__status__in=INTRODUCTION_MOVES["ask"].sources,
    ).distinct()


def _require_questions_open(challenge: Challenge) -> None:
    # Questions are asked and answered while the challenge is open (CLARIFICATION_MOVES, INTRODUCTION_MOVES).
    if not challenge.is_open:
        raise Conflict(_("Questions are closed: the challenge is no longer open."), code="challenge_not_open")


@transaction.atomic
def clarification_ask(
    *, challenge: Challenge, user: User, question: str, answer: str = "", reason: str = ""
) -> Clarification:
    """A question from an introduced vendor, or a clarification the organization publishes itself.

    An answered clarification is published to every introduced vendor, never saying who asked."""
    is_member = roles.is_organization_member(user, challenge.organization)
    introduced = challenge.introductions.filter(
        vendor__members=user, status__in=INTRODUCTION_MOVES["ask"].sources
    )
    if not (is_member or introduced.exists()):
        raise PermissionDenied(
            _("Only introduced vendors and the organization can ask about this challenge.")
        )
    _require_questions_open(challenge)
    if not question.strip():
        raise ValidationError({"question": _("Write the question.")}, code="question_required")
    if answer.strip() and not is_member:
        raise PermissionDenied(_("Only the organization answers questions."))
    clarification = _clarification_create(challenge=challenge, user=user, question=question.strip())
    audit_record(actor=user, obj=clarification, action="ask", to_state="asked")
    if answer.strip():
        clarification_answer(clarification=clarification, user=user, answer=answer, reason=reason)
    else:
        tell(
            notifications.QUESTION_ASKED,
            users=organization_members(challenge),
            challenge=challenge,
            clarification=clarification,
        )
    return clarification


def _clarification_create(*, challenge: Challenge, user: User, question: str) -> Clarification:
    """Refuse a question already asked about the challenge, as Clarification's unique constraint defines it (case
    and surrounding spaces aside): checked first, and caught on insert when an identical ask won the race."""
    clarification = Clarification(challenge=challenge, asked_by=user, question=question)
    duplicate = ValidationError(
        {"question": ValidationError(DUPLICATE_QUESTION_MESSAGE, code="clarification_duplicate")}
    )
    try:
        clarification.validate_constraints()
    except ValidationError:
        raise duplicate from None
    try:
        with transaction.atomic():  # A savepoint: the caller's transaction stays usable after a refusal.
            clarification.save()
    except IntegrityError as error:
        constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
        if constraint != "clarification_unique_question_per_challenge":
            raise
        raise duplicate from None
    return clarification


@transaction.atomic
def clarification_answer(
    *, clarification: Clarification, user: User, answer: str, reason: str = ""
) -> Clarification:
    challenge = clarification.challenge
    require_challenge_member(challenge, user)
    if not answer.strip():
        raise ValidationError({"answer": _("Write the answer.")}, code="answer_required")
    behalf = organization_behalf_check(organization=challenge.organization, user=user, reason=reason)
    clarification = locked(clarification)
    if clarification.status not in CLARIFICATION_MOVES[Clarification.PUBLISHED].sources:
        raise Conflict(_("This question has already been answered."), code="clarification_answered")
    _require_questions_open(challenge)
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
    tell_behalf(
        notifications.BEHALF_ANSWER,
        behalf=behalf,
        actor=user,
        challenge=challenge,
        clarification=clarification,
    )
    tell(
        notifications.CLARIFICATION_PUBLISHED,
        users=_introduced_vendor_members(challenge),
        challenge=challenge,
        clarification=clarification,
    )
    return clarification


@transaction.atomic
def challenge_award(
    *, challenge: Challenge, introduction: Introduction, user: User, reason: str = ""
) -> Engagement:
    """Award the challenge to an interested vendor: the others are closed courteously, an engagement opens.

    The legacy path, for challenges without an award mode; a challenge with one is awarded on its evaluation
    (evaluations.challenge_award_submission). A coordinator awarding for the organization gives a reason; the
    organization is told by challenge_transition."""
    require_challenge_member(challenge, user)
    behalf = organization_behalf_check(organization=challenge.organization, user=user, reason=reason)
    challenge = locked(challenge)
    if introduction.challenge_id != challenge.pk:
        raise ValidationError(
            {"introduction": _("This introduction belongs to another challenge.")}, code="mismatch"
        )
    if challenge.award_mode:
        raise Conflict(
            _(
                "This challenge is awarded on its evaluation grid: award it from its ranking, to the "
                "top-ranked proposal."
            ),
            code="challenge_awarded_on_evaluation",
        )
    return award_introduction(
        challenge=challenge, introduction=introduction, user=user, reason=reason, behalf=behalf
    )


def award_introduction(
    *,
    challenge: Challenge,
    introduction: Introduction,
    user: User,
    reason: str,
    behalf: Behalf | None,
    award_move: Move | None = None,
    engagement_fields: dict | None = None,
    debriefs: dict[int, Submission] | None = None,
) -> Engagement:
    """The award itself, on a locked challenge the caller checked: the introduction is awarded (along
    `award_move`, INTRODUCTION_MOVES' by default), the challenge too, an engagement opens with
    `engagement_fields`, and every other firm in the running is closed courteously. A firm whose proposal
    is in `debriefs` (by introduction id) is sent its debrief instead of the courteous note."""
    if challenge.status not in CHALLENGE_MOVES[Challenge.Status.AWARDED].sources:
        raise Conflict(
            _("A challenge that is %(status)s cannot be awarded.")
            % {"status": challenge.get_status_display().lower()},
            code="challenge_not_awardable",
        )
    table = INTRODUCTION_MOVES if award_move is None else {Introduction.Status.AWARDED: award_move}
    introduction = _introduction_move(
        introduction=introduction,
        user=user,
        to_status=Introduction.Status.AWARDED,
        behalf=behalf,
        table=table,
    )
    challenge_transition(
        challenge=challenge,
        user=user,
        to_status=Challenge.Status.AWARDED,
        awarded_vendor=introduction.vendor,
        note=reason,
    )
    engagement = Engagement.objects.create(
        challenge=challenge,
        vendor=introduction.vendor,
        introduction=introduction,
        **(engagement_fields or {}),
    )
    audit_record(
        actor=user, obj=engagement, action="open", to_state=engagement.status, **behalf_audit(behalf)
    )
    others = challenge.introductions.exclude(pk=introduction.pk).filter(
        status__in=INTRODUCTIONS_IN_THE_RUNNING
    )
    for other in others:
        _introduction_move(
            introduction=other,
            user=user,
            to_status=Introduction.Status.NOT_SELECTED,
            behalf=behalf,
        )
        submission = (debriefs or {}).get(other.pk)
        if submission is None:
            tell(
                notifications.NOT_SELECTED,
                users=vendor_members(other.vendor),
                challenge=challenge,
                introduction=other,
            )
        else:
            send(
                notifications.DEBRIEF,
                users=vendor_members(other.vendor),
                url=page_url("debrief", submission_id=submission.pk),
                challenge=challenge,
                submission=submission,
            )
    tell(
        notifications.AWARDED,
        users=vendor_members(introduction.vendor),
        challenge=challenge,
        introduction=introduction,
    )
    return engagement


def introductions_tell_challenge_ended(*, challenge_id: int, note: str = "", **signal_kwargs) -> int:
    """Receiver of `challenge_ended`: tell every firm introduced to the challenge (except those that declined)
    that it was closed or cancelled, with the organization's note; return how many people were told."""
    challenge = Challenge.objects.select_related("organization").get(pk=challenge_id)
    event = (
        notifications.CHALLENGE_CANCELLED
        if challenge.status == Challenge.Status.CANCELLED
        else notifications.CHALLENGE_CLOSED
    )
    introductions = (
        Introduction.objects.filter(challenge=challenge)
        .exclude(status=Introduction.Status.DECLINED)
        .select_related("vendor")
    )
    return sum(
        tell(event, users=vendor_members(introduction.vendor), challenge=challenge, note=note)
        for introduction in introductions
    )
