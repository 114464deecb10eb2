"""The evaluation of a challenge's proposals and its award (docs/evaluation.md, "Scoring, consensus and award").

The organization names a selection committee (at least three scoring members and a secretary who does not
score); once the proposals are opened, each member scores each proposal on each criterion and submits their
sheet; the secretary records the committee's consensus; the system ranks the proposals (marketplace.award_rules,
never by hand) and the organization awards the top-ranked one. Every step is audited."""

from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hub import roles
from hub.exceptions import Conflict
from hub.links import page_url
from hub.models import User
from hub.services import audit_record
from marketplace.models import Challenge, EvaluationCriterion
from marketplace.notifications import send
from marketplace.services import behalf_audit, organization_behalf_check
from matching import notifications
from matching.models import (
    AwardDecision,
    CommitteeMember,
    ConsensusScore,
    Milestone,
    Score,
    ScoreSheet,
    Submission,
)
from matching.moves import AWARD_ON_PROPOSAL
from matching.selectors import ranking_compute, submission_list_without_consensus
from matching.services.common import locked, require_challenge_member
from matching.services.introductions import award_introduction

MIN_SCORING_MEMBERS = 3
SCORE_MIN, SCORE_MAX = 0, 100
# While the committee may still be changed: from publication until the first score sheet is submitted.
COMMITTEE_STATUSES = frozenset({Challenge.Status.PUBLISHED, Challenge.Status.EVALUATION})

Scores = dict[int, tuple[int, str]]


# The committee


@transaction.atomic
def committee_set(
    *, challenge: Challenge, user: User, members: list[User], secretary: User, reason: str = ""
) -> list[CommitteeMember]:
    """Name the selection committee: at least three scoring members and a secretary who does not score, all
    members of the organization. Each person named is told; a committee changes until scoring starts."""
    require_challenge_member(challenge, user)
    behalf = organization_behalf_check(organization=challenge.organization, user=user, reason=reason)
    challenge = locked(challenge)
    if challenge.status not in COMMITTEE_STATUSES:
        raise Conflict(
            _(
                "The committee is named while the challenge is published or under evaluation. This one is %(status)s."
            )
            % {"status": challenge.get_status_display().lower()},
            code="committee_closed",
        )
    if ScoreSheet.objects.filter(submission__challenge=challenge, submitted_at__isnull=False).exists():
        raise Conflict(
            _(
                "The committee can no longer change: a member already submitted a score sheet, and changing the "
                "evaluators now would undo a fair evaluation."
            ),
            code="committee_scoring_started",
        )
    _committee_check(challenge=challenge, members=members, secretary=secretary)

    wanted = {member.pk: CommitteeMember.Role.MEMBER for member in members} | {
        secretary.pk: CommitteeMember.Role.SECRETARY
    }
    current = {seat.user_id: seat for seat in challenge.committee.select_for_update()}
    audit = behalf_audit(behalf)
    for user_id, seat in current.items():
        if wanted.get(user_id) != seat.role:
            # A member who leaves takes their unsubmitted drafts along; a submitted sheet was refused above.
            ScoreSheet.objects.filter(member=seat).delete()
            audit_record(actor=user, obj=seat, action="committee_remove", from_state=seat.role, **audit)
            seat.delete()
    stamp = timezone.now().isoformat()
    seats = []
    # The secretary first: one secretary per challenge, and the old one may become a scoring member.
    for user_id, role in sorted(wanted.items(), key=lambda item: item[1] != CommitteeMember.Role.SECRETARY):
        seat = current.get(user_id)
        if seat is None or seat.role != role:
            seat = CommitteeMember.objects.create(challenge=challenge, user_id=user_id, role=role)
            audit_record(actor=user, obj=seat, action="committee_name", to_state=role, **audit)
            send(
                notifications.COMMITTEE_NAMED,
                users=[seat.user],
                url=page_url("evaluation", challenge_id=challenge.pk),
                stamp=stamp,
                challenge=challenge,
                member=seat,
            )
        seats.append(seat)
    return seats


def _committee_check(*, challenge: Challenge, members: list[User], secretary: User) -> None:
    errors = []
    distinct = {member.pk: member for member in members}
    if len(distinct) < MIN_SCORING_MEMBERS:
        errors.append(
            ValidationError(
                ngettext(
                    "Name at least %(minimum)s scoring members; you named %(count)s.",
                    "Name at least %(minimum)s scoring members; you named %(count)s.",
                    len(distinct),
                )
                % {"minimum": MIN_SCORING_MEMBERS, "count": len(distinct)},
                code="committee_too_small",
            )
        )
    if secretary.pk in distinct:
        errors.append(
            ValidationError(
                _(
                    "%(name)s cannot be both the secretary and a scoring member: the secretary coordinates the "
                    "committee and does not score. Name another person."
                )
                % {"name": _display_name(secretary)},
                code="committee_secretary_scores",
            )
        )
    outsiders = [
        person
        for person in [*distinct.values(), secretary]
        if not roles.is_member_of(person, challenge.organization) or not person.is_active
    ]
    if outsiders:
        errors.append(
            ValidationError(
                _(
                    "Only active members of %(organization)s sit on its committee; %(names)s are not. Invite them "
                    "to the organization first, or name someone else."
                )
                % {
                    "organization": challenge.organization.name,
                    "names": ", ".join(_display_name(person) for person in outsiders),
                },
                code="committee_outsider",
            )
        )
    if errors:
        raise ValidationError({"members": errors})


def _display_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


# Score sheets


def _require_evaluation(challenge: Challenge) -> None:
    if challenge.status != Challenge.Status.EVALUATION:
        raise Conflict(
            _(
                "Proposals are scored while the challenge is under evaluation, once they are opened. This one is "
                "%(status)s."
            )
            % {"status": challenge.get_status_display().lower()},
            code="challenge_not_under_evaluation",
        )


def _require_submitted(submission: Submission) -> None:
    if submission.status != Submission.Status.SUBMITTED:
        raise Conflict(
            _("Only a submitted proposal is evaluated. This one is %(status)s.")
            % {"status": submission.get_status_display().lower()},
            code="submission_not_submitted",
        )


def _seat(*, challenge: Challenge, user: User) -> CommitteeMember | None:
    return CommitteeMember.objects.filter(challenge=challenge, user=user).first()


def _scoring_member(*, challenge: Challenge, user: User) -> CommitteeMember:
    seat = _seat(challenge=challenge, user=user)
    if seat is None:
        raise PermissionDenied(
            _("Only the members of this challenge's selection committee score its proposals.")
        )
    if seat.role == CommitteeMember.Role.SECRETARY:
        raise PermissionDenied(
            _(
                "The committee's secretary coordinates the evaluation and records the consensus; they do not score."
            )
        )
    return seat


def _clean_scores(
    *, challenge: Challenge, scores: Scores, complete: bool
) -> dict[EvaluationCriterion, tuple]:
    """The scores by criterion, each an integer from 0 to 100 with a comment; every criterion when `complete`."""
    criteria = {criterion.pk: criterion for criterion in challenge.criteria.all()}
    cleaned, errors = {}, []
    for criterion_id, (score, comment) in scores.items():
        criterion = criteria.get(criterion_id)
        if criterion is None:
            errors.append(
                ValidationError(
                    _("Criterion %(id)s is not in this challenge's grid.") % {"id": criterion_id},
                    code="criterion_unknown",
                )
            )
        elif isinstance(score, bool) or not isinstance(score, int) or not SCORE_MIN <= score <= SCORE_MAX:
            errors.append(
                ValidationError(
                    _("The score for “%(criterion)s” must be a whole number from 0 to 100; 70 is acceptable.")
                    % {"criterion": criterion.title},
                    code="score_out_of_range",
                )
            )
        else:
            cleaned[criterion] = (score, (comment or "").strip())
    if complete and not errors:
        missing = [criterion.title for criterion in criteria.values() if criterion not in cleaned]
        if missing:
            errors.append(_missing_error(missing))
    if errors:
        raise ValidationError({"scores": errors})
    return cleaned


def _missing_error(titles: list[str]) -> ValidationError:
    return ValidationError(
        ngettext(
            "Score every criterion before submitting; missing: %(criteria)s.",
            "Score every criterion before submitting; missing: %(criteria)s.",
            len(titles),
        )
        % {"criteria": ", ".join(f"« {title} »" for title in titles)},
        code="scores_incomplete",
    )


def _scores_summary(scores: list) -> str:
    """The scores as the audit log keeps them: "Criterion: 80 (comment); …"."""
    return "; ".join(
        f"{score.criterion.title}: {score.score}" + (f" ({score.comment})" if score.comment else "")
        for score in scores
    )


def _sheet_refused_if_submitted(sheet: ScoreSheet) -> None:
    if sheet.submitted_at is not None:
        raise Conflict(
            _(
                "You already submitted your score sheet for this proposal; a submitted sheet cannot be changed "
                "or submitted again. Discuss any change with the committee at the consensus."
            ),
            code="score_sheet_submitted",
        )


def _sheet_write(*, submission: Submission, user: User, scores: Scores) -> ScoreSheet:
    challenge = submission.challenge
    seat = _scoring_member(challenge=challenge, user=user)
    _require_evaluation(challenge)
    _require_submitted(submission)
    cleaned = _clean_scores(challenge=challenge, scores=scores, complete=False)
    sheet, _created = ScoreSheet.objects.get_or_create(member=seat, submission=submission)
    sheet = locked(sheet)
    _sheet_refused_if_submitted(sheet)
    for criterion, (score, comment) in cleaned.items():
        Score.objects.update_or_create(
            sheet=sheet, criterion=criterion, defaults={"score": score, "comment": comment}
        )
    sheet.save(update_fields=["updated_at"])
    return sheet


@transaction.atomic
def score_sheet_save(*, submission: Submission, user: User, scores: Scores) -> ScoreSheet:
    """Save a committee member's scores for a proposal (some or all criteria), without submitting them."""
    return _sheet_write(submission=submission, user=user, scores=scores)


@transaction.atomic
def score_sheet_submit(*, submission: Submission, user: User, scores: Scores | None = None) -> ScoreSheet:
    """Submit a member's sheet, every criterion scored; it cannot change afterwards, and the member then sees
    the others' submitted sheets for this proposal. The audit log keeps every score."""
    sheet = _sheet_write(submission=submission, user=user, scores=scores or {})
    entered = list(sheet.scores.select_related("criterion"))
    missing = [
        criterion.title
        for criterion in submission.challenge.criteria.all()
        if criterion.pk not in {score.criterion_id for score in entered}
    ]
    if missing:
        raise ValidationError({"scores": [_missing_error(missing)]})
    sheet.submitted_at = timezone.now()
    sheet.save(update_fields=["submitted_at", "updated_at"])
    audit_record(
        actor=user,
        obj=sheet,
        action="submit",
        from_state="draft",
        to_state="submitted",
        reason=_scores_summary(entered),
    )
    return sheet


# The consensus


@transaction.atomic
def consensus_record(*, submission: Submission, user: User, scores: Scores) -> list[ConsensusScore]:
    """The secretary records the committee's agreed score per criterion, with the comment meant for the firm,
    once every scoring member submitted their sheet; it may be corrected until the award."""
    challenge = submission.challenge
    seat = _seat(challenge=challenge, user=user)
    if seat is None or seat.role != CommitteeMember.Role.SECRETARY:
        raise PermissionDenied(_("Only the committee's secretary records its consensus."))
    _require_evaluation(challenge)
    _require_submitted(submission)
    submission = locked(submission)
    waiting = challenge.committee.filter(role=CommitteeMember.Role.MEMBER).exclude(
        sheets__submission=submission, sheets__submitted_at__isnull=False
    )
    if waiting.exists():
        raise Conflict(
            ngettext(
                "%(count)s member has not submitted their score sheet for this proposal yet (%(names)s); the "
                "consensus is recorded once every member has.",
                "%(count)s members have not submitted their score sheets for this proposal yet (%(names)s); the "
                "consensus is recorded once every member has.",
                waiting.count(),
            )
            % {
                "count": waiting.count(),
                "names": ", ".join(_display_name(seat.user) for seat in waiting.select_related("user")),
            },
            code="consensus_sheets_missing",
        )
    cleaned = _clean_scores(challenge=challenge, scores=scores, complete=True)
    recorded = []
    for criterion, (score, comment) in cleaned.items():
        consensus, _created = ConsensusScore.objects.update_or_create(
            submission=submission,
            criterion=criterion,
            defaults={"score": score, "comment": comment, "recorded_by": user},
        )
        recorded.append(consensus)
    audit_record(actor=user, obj=submission, action="consensus", reason=_scores_summary(recorded))
    return recorded


# The award


@transaction.atomic
def challenge_award_submission(
    *, challenge: Challenge, user: User, submission: Submission, rationale: str, reason: str = ""
) -> AwardDecision:
    """Award the challenge to its top-ranked proposal, once the consensus is complete for every proposal.

    Records the reasoned decision with the ranking as computed, awards the challenge and the firm's
    introduction, opens the engagement from the proposal's price and schedule (milestones pre-filled) and sends
    every other firm that submitted a proposal its debrief."""
    require_challenge_member(challenge, user)
    behalf = organization_behalf_check(organization=challenge.organization, user=user, reason=reason)
    challenge = locked(challenge)
    if submission.challenge_id != challenge.pk:
        raise ValidationError(
            {"submission": _("This proposal belongs to another challenge.")}, code="mismatch"
        )
    if not challenge.award_mode:
        raise Conflict(
            _("This challenge has no award mode: award it from its introductions."),
            code="challenge_no_award_mode",
        )
    _require_evaluation(challenge)
    _require_submitted(submission)
    if not rationale.strip():
        raise ValidationError(
            {"rationale": _("Give the rationale of the award: it is kept with the decision.")},
            code="rationale_required",
        )
    _require_consensus(challenge)
    ranking = ranking_compute(challenge)
    ranked = [row for row in ranking if row.rank is not None]
    if not ranked:
        raise Conflict(
            _(
                "Every proposal was rejected: none can be awarded. Cancel the challenge, or publish a new one "
                "with a revised grid."
            ),
            code="award_all_rejected",
        )
    first = min(row.rank for row in ranked)
    winners = {row.key for row in ranked if row.rank == first}
    if str(submission.pk) not in winners:
        names = Submission.objects.filter(pk__in=[int(key) for key in winners]).values_list(
            "vendor__name", flat=True
        )
        raise ValidationError(
            {
                "submission": _(
                    "The award goes to the top-ranked proposal, as the rules require: %(vendors)s. The ranking "
                    "is computed from the consensus scores and the prices; it is not chosen."
                )
                % {"vendors": ", ".join(sorted(names))}
            },
            code="award_not_first",
        )
    decision = AwardDecision.objects.create(
        challenge=challenge,
        submission=submission,
        price=submission.price,
        rationale=rationale.strip(),
        ranking=ranking_snapshot(ranking),
        decided_by=user,
    )
    audit_record(
        actor=user,
        obj=decision,
        action="award",
        to_state="awarded",
        reason=rationale.strip(),
        on_behalf_of=behalf.party if behalf else "",
    )
    starts_on = timezone.localdate()
    schedule = _schedule(submission)
    engagement = award_introduction(
        challenge=challenge,
        introduction=submission.introduction,
        user=user,
        reason=reason,
        behalf=behalf,
        award_move=AWARD_ON_PROPOSAL,
        engagement_fields={
            "submission": submission,
            "price": submission.price,
            "starts_on": starts_on,
            "ends_on": starts_on + timedelta(weeks=max((week for _t, week, _a in schedule), default=0)),
        },
        debriefs={
            other.introduction_id: other
            for other in challenge.submissions.filter(status=Submission.Status.SUBMITTED).exclude(
                pk=submission.pk
            )
        },
    )
    for title, week, amount in schedule:
        milestone = Milestone.objects.create(
            engagement=engagement, title=title, amount=amount, due_date=starts_on + timedelta(weeks=week)
        )
        audit_record(
            actor=user, obj=milestone, action="plan", to_state=milestone.status, **behalf_audit(behalf)
        )
    return decision


def _require_consensus(challenge: Challenge) -> None:
    missing = list(submission_list_without_consensus(challenge=challenge).select_related("vendor"))
    if missing:
        raise ValidationError(
            ngettext(
                "The consensus is not complete for %(count)s proposal (%(vendors)s): the committee's secretary "
                "records it for every criterion before the award.",
                "The consensus is not complete for %(count)s proposals (%(vendors)s): the committee's secretary "
                "records it for every criterion before the award.",
                len(missing),
            )
            % {"count": len(missing), "vendors": ", ".join(other.vendor.name for other in missing)},
            code="consensus_incomplete",
        )


def _schedule(submission: Submission) -> list[tuple[str, int, Decimal]]:
    """The proposal's deliverables as milestones: title, weeks after the start, amount (empty amounts skipped)."""
    rows = []
    for item in submission.schedule or []:
        try:
            amount = Decimal(str(item.get("amount") or "0"))
            week = int(item.get("week") or 0)
        except (InvalidOperation, TypeError, ValueError):
            continue  # The proposal form validates its schedule; an unreadable row makes no milestone.
        title = str(item.get("title") or "").strip()[:255]
        if title and amount > 0 and week >= 0:
            rows.append((title, week, amount))
    return rows


def ranking_snapshot(ranking: list) -> list[dict]:
    """The ranking as the award decision keeps it: JSON, decimals as strings."""

    def text(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    return [
        {
            "submission": int(row.key),
            "price": text(row.price),
            "quality": text(row.quality),
            "adjusted_price": text(row.adjusted_price),
            "rejected": row.rejected,
            "rejection_reasons": [str(reason) for reason in row.rejection_reasons],
            "rank": row.rank,
            "steps": [str(step) for step in row.steps],
        }
        for row in ranking
    ]
