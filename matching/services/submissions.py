"""A firm's proposal for a challenge (matching.models.Submission): its draft, its submission, its changes and its
withdrawal until the deadline, its PDF attachments, and the deadline's closing that opens the sealed proposals.

Sealing is the selectors' job (matching/selectors.py: submission_list, submission_get); these services decide
what may change, and when."""

import datetime
import hashlib
import re
import uuid
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from hub.exceptions import Conflict
from hub.formats import long_date, money
from hub.models import AuditEntry, User
from hub.services import Behalf, audit_record
from marketplace.award_rules import CENT
from marketplace.models import Challenge, EvaluationCriterion
from marketplace.services import behalf_audit, vendor_behalf_check
from marketplace.signals import searchable_changed
from matching import notifications
from matching.models import Introduction, Submission, SubmissionAnswer, SubmissionAttachment
from matching.moves import (
    INTRODUCTIONS_IN_THE_RUNNING,
    SUBMISSION_MOVES,
    deadline_passed,
    submission_accepting,
)
from matching.notifications import tell
from matching.services.common import locked, organization_members, require_vendor_member, vendor_members

# Submission.price: 12 digits, 2 of them decimals.
PRICE_MAX = Decimal("9999999999.99")
TEAM_ROWS_MAX = 50
SCHEDULE_ROWS_MAX = 50
PDF_MAGIC = b"%PDF-"
# A PDF ends with %%EOF, give or take trailing whitespace or a few bytes some producers append.
PDF_TAIL_BYTES = 1024
# A decimal comma, as French writes amounts (« 125000,50 », and as the proposal form shows a saved price in French);
# a comma before three digits ("125,000") is a thousands separator, ambiguous, and stays refused.
DECIMAL_COMMA = re.compile(r"^(\d+),(\d{1,2})$")


def deadline_closes_at(challenge: Challenge) -> datetime.datetime:
    """The moment a challenge stops taking proposals: the end of its deadline day, in the site's time zone."""
    next_day = datetime.datetime.combine(challenge.deadline + datetime.timedelta(days=1), datetime.time.min)
    return timezone.make_aware(next_day)


def amount_clean(value: object, *, field: str) -> Decimal:
    """A positive amount in Canadian dollars, with at most two decimals; refused with a message otherwise."""
    message = _(
        "Give an amount in Canadian dollars greater than zero, with at most two decimals, such as 125000 or "
        "125000.50."
    )
    if isinstance(value, bool) or value is None or value == "":
        raise ValidationError({field: ValidationError(message, code="amount_invalid")})
    try:
        typed = (
            str(value).strip().replace(" ", "").replace("\u00a0", "").replace("\u202f", "").replace("$", "")
        )
        amount = Decimal(DECIMAL_COMMA.sub(r"\1.\2", typed))
    except InvalidOperation:
        raise ValidationError({field: ValidationError(message, code="amount_invalid")}) from None
    if not amount.is_finite() or amount <= 0 or amount > PRICE_MAX or amount != amount.quantize(CENT):
        raise ValidationError({field: ValidationError(message, code="amount_invalid")})
    return amount.quantize(CENT)


def _text(value: object, *, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError({field: _("Write text here.")}, code="text_invalid")
    return value.strip()


def _team_clean(rows: object) -> list[dict]:
    if not isinstance(rows, list) or len(rows) > TEAM_ROWS_MAX:
        raise ValidationError(
            {"team": _("Give the team as a list of at most %(max)s roles.") % {"max": TEAM_ROWS_MAX}},
            code="team_invalid",
        )
    team = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise ValidationError({"team": _("Row %(row)s of the team is not a role.") % {"row": number}})
        role = _text(row.get("role"), field="team")
        if not role:
            raise ValidationError(
                {
                    "team": _("Give the role of row %(row)s of the team (the name is optional).")
                    % {"row": number}
                },
                code="team_role_required",
            )
        team.append({"role": role[:200], "name": _text(row.get("name"), field="team")[:200]})
    return team


def _schedule_clean(rows: object) -> list[dict]:
    if not isinstance(rows, list) or len(rows) > SCHEDULE_ROWS_MAX:
        raise ValidationError(
            {
                "schedule": _("Give the schedule as a list of at most %(max)s deliverables.")
                % {"max": SCHEDULE_ROWS_MAX}
            },
            code="schedule_invalid",
        )
    schedule = []
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise ValidationError(
                {"schedule": _("Row %(row)s of the schedule is not a deliverable.") % {"row": number}}
            )
        title = _text(row.get("title"), field="schedule")
        week = row.get("week")
        if isinstance(week, str) and week.strip().isdigit():
            week = int(week)
        if not title or isinstance(week, bool) or not isinstance(week, int) or not 1 <= week <= 520:
            raise ValidationError(
                {
                    "schedule": _(
                        "Give row %(row)s of the schedule a deliverable and the week it is due (1 to 520, "
                        "counted from the start)."
                    )
                    % {"row": number}
                },
                code="schedule_row_invalid",
            )
        amount = amount_clean(row.get("amount"), field="schedule")
        schedule.append({"title": title[:255], "week": week, "amount": str(amount)})
    return schedule


def _answers_clean(*, challenge: Challenge, answers: object) -> dict[EvaluationCriterion, str]:
    criteria = {str(criterion.pk): criterion for criterion in challenge.criteria.all()}
    if not isinstance(answers, dict):
        raise ValidationError(
            {"answers": _("Give one answer per criterion of the grid.")}, code="answers_invalid"
        )
    cleaned = {}
    for key, text in answers.items():
        criterion = criteria.get(str(key))
        if criterion is None:
            raise ValidationError(
                {"answers": _("Criterion %(key)s is not in this challenge's grid.") % {"key": key}},
                code="answers_unknown_criterion",
            )
        cleaned[criterion] = _text(text, field="answers")
    return cleaned


def submission_missing(submission: Submission) -> list[str]:
    """What the proposal still lacks before it can be submitted, one sentence each (empty when complete)."""
    missing = []
    if not submission.approach.strip():
        missing.append(_("Describe your approach."))
    if submission.price is None:
        missing.append(_("Give your price before taxes."))
    answered = set(submission.answers.exclude(text="").values_list("criterion_id", flat=True))
    for criterion in submission.challenge.criteria.all():
        if criterion.pk not in answered:
            missing.append(_("Answer the criterion “%(title)s”.") % {"title": criterion.title})
    scheduled = sum((Decimal(row["amount"]) for row in submission.schedule), Decimal(0))
    if submission.price is not None and scheduled > submission.price:
        missing.append(
            _("The schedule's amounts add up to %(scheduled)s, more than your price of %(price)s.")
            % {"scheduled": money(scheduled), "price": money(submission.price)}
        )
    return missing


def _require_complete(submission: Submission) -> None:
    missing = submission_missing(submission)
    if missing:
        raise ValidationError(
            [
                ValidationError(message, code="submission_incomplete")
                for message in [_("The proposal is not complete:"), *missing]
            ]
        )


def _require_accepting(introduction: Introduction) -> None:
    """Refuse when the challenge does not take this firm's proposal (now)."""
    challenge = introduction.challenge
    if introduction.status not in INTRODUCTIONS_IN_THE_RUNNING:
        raise Conflict(
            _("Your firm's introduction to this challenge is %(status)s: it can no longer send a proposal.")
            % {"status": introduction.get_status_display().lower()},
            code="introduction_not_running",
        )
    if challenge.is_open and deadline_passed(challenge):
        raise Conflict(
            _(
                "The deadline passed on %(deadline)s at 23:59 (Quebec time): the challenge takes no more proposals."
            )
            % {"deadline": long_date(challenge.deadline)},
            code="deadline_passed",
        )
    if not challenge.is_open:
        raise Conflict(
            _("This challenge is %(status)s: it takes no proposals.")
            % {"status": challenge.get_status_display().lower()},
            code="challenge_not_open",
        )
    if not submission_accepting(challenge):
        raise Conflict(
            _("The organization has not chosen how it will compare proposals yet. Come back later."),
            code="award_mode_missing",
        )


def _check_party(*, introduction: Introduction, user: User, reason: str) -> Behalf | None:
    require_vendor_member(introduction.vendor, user)
    return vendor_behalf_check(vendor=introduction.vendor, user=user, reason=reason)


def _audit(
    *,
    user: User,
    submission: Submission,
    action: str,
    behalf: Behalf | None,
    from_state: str = "",
    details: str = "",
) -> None:
    """Audit a change of the proposal: what changed (`details`), and for whom and why when a coordinator acted."""
    on_behalf = behalf_audit(behalf)
    reason = "; ".join(part for part in (details, on_behalf.pop("reason", "")) if part)
    audit_record(
        actor=user,
        obj=submission,
        action=action,
        from_state=from_state,
        to_state=submission.status,
        reason=reason,
        **on_behalf,
    )


def _require_move(submission: Submission, move: str) -> None:
    if submission.status not in SUBMISSION_MOVES[move].sources:
        raise Conflict(
            _("This proposal is %(status)s; that is not possible.")
            % {"status": submission.get_status_display().lower()},
            code="submission_invalid_transition",
        )


@transaction.atomic
def submission_save(*, introduction: Introduction, user: User, data: dict, reason: str = "") -> Submission:
    """Create the firm's proposal for the introduction's challenge, or change it (only the fields `data` gives:
    approach, team, schedule, price, answers {criterion id: text}). A submitted proposal stays submitted and
    must stay complete; every change is audited."""
    behalf = _check_party(introduction=introduction, user=user, reason=reason)
    introduction = locked(introduction)
    _require_accepting(introduction)
    submission = Submission.objects.select_for_update().filter(introduction=introduction).first()
    created = submission is None
    if created:
        submission = Submission.objects.create(
            challenge=introduction.challenge,
            vendor=introduction.vendor,
            introduction=introduction,
            created_by=user,
        )
    _require_move(submission, "save")
    changed = _submission_apply(submission, data)
    if submission.status == Submission.Status.SUBMITTED:
        _require_complete(submission)
    if created or changed:
        _audit(
            user=user,
            submission=submission,
            action="create" if created else "update",
            behalf=behalf,
            details=", ".join(changed),
        )
    return submission


def _submission_apply(submission: Submission, data: dict) -> list[str]:
    """Set the fields `data` gives; return the names of those that changed."""
    changes: dict[str, object] = {}
    if "approach" in data:
        changes["approach"] = _text(data["approach"], field="approach")
    if "team" in data:
        changes["team"] = _team_clean(data["team"])
    if "schedule" in data:
        changes["schedule"] = _schedule_clean(data["schedule"])
    if "price" in data:
        changes["price"] = None if data["price"] in (None, "") else amount_clean(data["price"], field="price")
    changed = [field for field, value in changes.items() if getattr(submission, field) != value]
    for field in changed:
        setattr(submission, field, changes[field])
    if changed:
        submission.save(update_fields=[*changed, "updated_at"])
    if "answers" in data:
        answers = _answers_clean(challenge=submission.challenge, answers=data["answers"])
        current = {answer.criterion_id: answer for answer in submission.answers.all()}
        for criterion, text in answers.items():
            answer = current.get(criterion.pk)
            if answer is not None and not text:
                answer.delete()
            elif answer is not None and answer.text != text:
                answer.text = text
                answer.save(update_fields=["text"])
            elif answer is None and text:
                SubmissionAnswer.objects.create(submission=submission, criterion=criterion, text=text)
            else:
                continue
            changed.append(f"answers[{criterion.pk}]")
        if any(name.startswith("answers[") for name in changed):
            submission.save(update_fields=["updated_at"])
    return changed


@transaction.atomic
def submission_submit(*, submission: Submission, user: User, reason: str = "") -> Submission:
    """Submit a complete proposal: refused with the list of what is missing. It stays sealed until the deadline."""
    behalf = _check_party(introduction=submission.introduction, user=user, reason=reason)
    _require_accepting(submission.introduction)
    submission = locked(submission)
    _require_move(submission, Submission.Status.SUBMITTED)
    _require_complete(submission)
    from_status = submission.status
    submission.status = Submission.Status.SUBMITTED
    submission.submitted_at = timezone.now()
    submission.withdrawn_at = None
    submission.save(update_fields=["status", "submitted_at", "withdrawn_at", "updated_at"])
    _audit(user=user, submission=submission, action="submit", behalf=behalf, from_state=from_status)
    return submission


@transaction.atomic
def submission_withdraw(*, submission: Submission, user: User, reason: str = "") -> Submission:
    """Withdraw a submitted proposal before the deadline; the firm may submit it again until then."""
    behalf = _check_party(introduction=submission.introduction, user=user, reason=reason)
    _require_accepting(submission.introduction)
    submission = locked(submission)
    _require_move(submission, Submission.Status.WITHDRAWN)
    submission.status = Submission.Status.WITHDRAWN
    submission.withdrawn_at = timezone.now()
    submission.save(update_fields=["status", "withdrawn_at", "updated_at"])
    _audit(
        user=user,
        submission=submission,
        action="withdraw",
        behalf=behalf,
        from_state=Submission.Status.SUBMITTED,
    )
    return submission


# Attachments


def _attachment_name(name: str) -> str:
    # Only the last part of what the browser sent, never a path; the stored file gets a name of our own.
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return (base or "document.pdf")[:255]


def _file_error(message: str, code: str) -> ValidationError:
    return ValidationError({"file": ValidationError(message, code=code)})


def _pdf_check(content: bytes) -> None:
    """A PDF by its content: it starts with the %PDF- header and ends with the %%EOF marker, whatever its name."""
    if not content.startswith(PDF_MAGIC) or b"%%EOF" not in content[-PDF_TAIL_BYTES:]:
        raise _file_error(
            _("This file is not a PDF document. Export it as PDF, then add it again."), "attachment_not_pdf"
        )


@transaction.atomic
def submission_attachment_add(
    *, submission: Submission, user: User, file, reason: str = ""
) -> SubmissionAttachment:
    """Join a PDF to the proposal: checked by content, size-limited, kept through Django's storage API."""
    behalf = _check_party(introduction=submission.introduction, user=user, reason=reason)
    _require_accepting(submission.introduction)
    submission = locked(submission)
    _require_move(submission, "save")
    limit = settings.SUBMISSION_ATTACHMENT_MAX_BYTES
    if file is None or not file.size:
        raise _file_error(_("This file is empty. Choose the PDF to add."), "attachment_empty")
    if file.size > limit:
        raise _file_error(
            _(
                "This file weighs %(size)s; the limit is %(limit)s. Compress it or split it, then add it again."
            )
            % {"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
            "attachment_too_large",
        )
    if submission.attachments.count() >= settings.SUBMISSION_ATTACHMENTS_MAX:
        raise _file_error(
            _("A proposal takes at most %(max)s attachments. Remove one first.")
            % {"max": settings.SUBMISSION_ATTACHMENTS_MAX},
            "attachment_too_many",
        )
    file.seek(0)
    content = file.read(limit + 1)
    _pdf_check(content)
    attachment = SubmissionAttachment(
        submission=submission,
        name=_attachment_name(file.name),
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=user,
    )
    # A name of our own, never the firm's: nothing guessable, nothing a path. Should the transaction roll back
    # after this, the stored file has no row: never served (downloads go through the row), merely kept.
    attachment.file.save(f"{uuid.uuid4().hex}.pdf", ContentFile(content), save=False)
    attachment.save()
    submission.save(update_fields=["updated_at"])
    _audit(
        user=user,
        submission=submission,
        action="attach",
        behalf=behalf,
        details=f"{attachment.name} ({attachment.size} bytes, sha256 {attachment.sha256})",
    )
    return attachment


@transaction.atomic
def submission_attachment_remove(*, attachment: SubmissionAttachment, user: User, reason: str = "") -> None:
    """Remove an attachment before the deadline; its file leaves the storage once the removal is committed."""
    submission = attachment.submission
    behalf = _check_party(introduction=submission.introduction, user=user, reason=reason)
    _require_accepting(submission.introduction)
    submission = locked(submission)
    _require_move(submission, "save")
    stored = attachment.file.name
    _audit(
        user=user,
        submission=submission,
        action="detach",
        behalf=behalf,
        details=f"{attachment.name} (sha256 {attachment.sha256})",
    )
    attachment.delete()
    submission.save(update_fields=["updated_at"])
    transaction.on_commit(lambda: default_storage.delete(stored))


# The deadline's closing


@transaction.atomic
def challenge_deadline_close(*, challenge: Challenge) -> Challenge:
    """Once a published challenge's deadline passed: it takes no more proposals, the submitted ones are opened
    (drafts never are), and it moves to evaluation (closed when none was submitted). The organization is told
    how many it received, every introduced firm that the deadline passed. Safe to run twice, and at once."""
    challenge = locked(challenge)
    if challenge.status != Challenge.Status.PUBLISHED or not deadline_passed(challenge):
        return challenge
    submitted = challenge.submissions.filter(status=Submission.Status.SUBMITTED)
    count = submitted.count()
    from_status = challenge.status
    challenge.status = Challenge.Status.EVALUATION if count else Challenge.Status.CLOSED
    challenge.proposals_opened_at = timezone.now()
    challenge.save(update_fields=["status", "proposals_opened_at", "updated_at"])
    audit_record(
        actor=None,
        obj=challenge,
        action="deadline_close",
        from_state=from_status,
        to_state=challenge.status,
        reason=f"submitted={count}",
    )
    searchable_changed.send(sender=Challenge, kind="challenge", ids=[challenge.pk])
    tell(
        notifications.PROPOSALS_RECEIVED,
        users=organization_members(challenge),
        challenge=challenge,
        count=count,
    )
    submitted_vendors = set(submitted.values_list("vendor_id", flat=True))
    for introduction in challenge.introductions.filter(
        status__in=INTRODUCTIONS_IN_THE_RUNNING
    ).select_related("vendor"):
        tell(
            notifications.DEADLINE_PASSED,
            users=vendor_members(introduction.vendor),
            challenge=challenge,
            introduction=introduction,
            submitted=introduction.vendor_id in submitted_vendors,
        )
    return challenge


def challenge_deadline_close_if_due(challenge: Challenge) -> Challenge:
    """The check every read of proposals makes first: a late worker neither opens them early nor keeps them
    sealed."""
    if challenge.status == Challenge.Status.PUBLISHED and deadline_passed(challenge):
        challenge = challenge_deadline_close(challenge=challenge)
    return challenge


def challenges_deadline_due() -> QuerySet[Challenge]:
    return Challenge.objects.filter(
        status=Challenge.Status.PUBLISHED, deadline__lt=timezone.localdate()
    ).order_by("deadline", "id")


def challenges_deadline_close() -> int:
    """The beat task's work: close every published challenge whose deadline passed; return how many."""
    closed = 0
    for challenge in challenges_deadline_due():
        if challenge_deadline_close(challenge=challenge).status != Challenge.Status.PUBLISHED:
            closed += 1
    return closed


def submission_openings_record(*, user: User, submissions: list[Submission]) -> None:
    """Audit, once per person and proposal, that someone outside the firm read it: a member of the organization
    once proposals are opened, or a coordinator (before the deadline too: the hub acts for firms)."""
    if not user.is_authenticated or not submissions:
        return
    already = set(
        AuditEntry.objects.filter(
            actor=user,
            object_type=Submission._meta.model_name,
            object_id__in=[submission.pk for submission in submissions],
            action="open",
        ).values_list("object_id", flat=True)
    )
    for submission in submissions:
        if submission.pk not in already:
            audit_record(
                actor=user,
                obj=submission,
                action="open",
                from_state="opened" if submission.challenge.proposals_opened_at else "sealed",
                to_state=submission.status,
            )
