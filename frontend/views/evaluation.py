"""Pages of a challenge's evaluation and award: the organization names its selection committee, each member
scores the opened proposals, the secretary records the consensus, the organization reads the ranking step by
step and awards; each firm reads its debrief (docs/evaluation.md). Split from ministry.py, which was long enough.

Who may open each page is the selectors' and services' business, as in the API: a member of another
organization or firm gets a 404; a person the service refuses (the secretary scoring) is told why."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from frontend.views import acting_for, behalf_reason, page_for
from hub.exceptions import Conflict
from hub.roles import is_organization_member, is_vendor_member
from marketplace.models import Challenge
from marketplace.selectors import challenge_get_for_member
from matching import selectors, services
from matching.models import CommitteeMember, Submission

organization_member_required = page_for(
    is_organization_member, gettext_lazy("Only members of a public organization can open this page.")
)
vendor_member_required = page_for(is_vendor_member, gettext_lazy("These pages are for members of a vendor."))


def _messages_of(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return list(error.messages)
    return [str(error.args[0]) if error.args else str(error)]


def _evaluation_url(challenge: Challenge) -> str:
    return reverse("frontend:evaluation", kwargs={"challenge_id": challenge.pk})


# The committee


@organization_member_required
@require_http_methods(["GET", "POST"])
def committee(request: HttpRequest, challenge_id: int) -> HttpResponse:
    """Name the selection committee: the scoring members (at least three) and the secretary."""
    challenge = challenge_get_for_member(user=request.user, challenge_id=challenge_id)
    candidates = list(selectors.committee_candidate_list(challenge=challenge, user=request.user))
    seats = list(selectors.committee_list(challenge=challenge, user=request.user))
    errors: list[str] = []
    chosen = {seat.user_id for seat in seats if seat.role == CommitteeMember.Role.MEMBER}
    secretary = next((seat.user_id for seat in seats if seat.role == CommitteeMember.Role.SECRETARY), None)
    if request.method == "POST":
        by_id = {str(user.pk): user for user in candidates}
        chosen = {int(pk) for pk in request.POST.getlist("members") if pk in by_id}
        secretary = int(request.POST["secretary"]) if request.POST.get("secretary") in by_id else None
        if secretary is None:
            errors.append(_("Choose the committee's secretary."))
        else:
            try:
                services.committee_set(
                    challenge=challenge,
                    user=request.user,
                    members=[by_id[str(pk)] for pk in sorted(chosen)],
                    secretary=by_id[str(secretary)],
                    reason=behalf_reason(request),
                )
            except (ValidationError, PermissionDenied, Conflict) as error:
                errors.extend(_messages_of(error))
            else:
                messages.success(request, _("The committee is named. Each person named is told."))
                return redirect(_evaluation_url(challenge))
    return render(
        request,
        "frontend/evaluation/committee.html",
        {
            "challenge": challenge,
            "candidates": candidates,
            "chosen": chosen,
            "secretary": secretary,
            "errors": errors,
            "acting_for": acting_for(request, challenge.organization),
            "reason_typed": behalf_reason(request),
        },
    )


# The evaluation's overview


@organization_member_required
def evaluation(request: HttpRequest, challenge_id: int) -> HttpResponse:
    """The opened proposals, with what the reader has to do for each: score it, or record its consensus."""
    challenge = challenge_get_for_member(user=request.user, challenge_id=challenge_id)
    seat = selectors.committee_seat(challenge=challenge, user=request.user)
    committee = list(selectors.committee_list(challenge=challenge, user=request.user))
    scorers = sum(1 for member in committee if member.role == CommitteeMember.Role.MEMBER)
    rows = []
    for submission in selectors.submission_list_opened(challenge=challenge, user=request.user):
        sheets = list(submission.sheets.all())
        rows.append(
            {
                "submission": submission,
                "submitted_sheets": sum(1 for sheet in sheets if sheet.submitted_at),
                "own_sheet": next((sheet for sheet in sheets if seat and sheet.member_id == seat.pk), None),
                "consensus": submission.consensus.count(),
            }
        )
    return render(
        request,
        "frontend/evaluation/evaluation.html",
        {
            "challenge": challenge,
            "seat": seat,
            "committee": committee,
            "scorers": scorers,
            "criteria": challenge.criteria.count(),
            "rows": rows,
            "consensus_missing": selectors.submission_list_without_consensus(challenge=challenge).count(),
        },
    )


def _neighbours(submission: Submission, user) -> tuple[Submission | None, Submission | None]:
    """The previous and next opened proposals of the same challenge, for the keyboard's next/previous links."""
    submissions = list(selectors.submission_list_opened(challenge=submission.challenge, user=user))
    index = next(i for i, other in enumerate(submissions) if other.pk == submission.pk)
    previous = submissions[index - 1] if index > 0 else None
    following = submissions[index + 1] if index + 1 < len(submissions) else None
    return previous, following


def _posted_scores(request: HttpRequest, criteria: list, *, errors: list[str]) -> dict[int, tuple[int, str]]:
    """The scores typed in the table (score-<criterion>, comment-<criterion>); an empty score is skipped, one
    that is not a whole number is named in `errors`."""
    scores = {}
    for criterion in criteria:
        typed = request.POST.get(f"score-{criterion.pk}", "").strip()
        comment = request.POST.get(f"comment-{criterion.pk}", "")
        if not typed:
            continue
        try:
            scores[criterion.pk] = (int(typed), comment)
        except ValueError:
            errors.append(
                _("The score for “%(criterion)s” must be a whole number from 0 to 100; 70 is acceptable.")
                % {"criterion": criterion.title}
            )
    return scores


# Scoring


@organization_member_required
@require_http_methods(["GET", "POST"])
def score_sheet(request: HttpRequest, submission_id: int) -> HttpResponse:
    """A committee member scores one proposal, criterion by criterion, beside the firm's answers; they save,
    then submit. Once submitted, they see the other members' submitted sheets."""
    submission = selectors.submission_get_opened(user=request.user, submission_id=submission_id)
    challenge = submission.challenge
    seat = selectors.committee_seat(challenge=challenge, user=request.user)
    if seat is None or seat.role != CommitteeMember.Role.MEMBER:
        raise PermissionDenied(
            _("Only the committee's scoring members score proposals; the secretary does not.")
        )
    criteria = list(challenge.criteria.order_by("position", "id"))
    errors: list[str] = []
    typed: dict = {}
    if request.method == "POST":
        scores = _posted_scores(request, criteria, errors=errors)
        typed = {pk: {"score": score, "comment": comment} for pk, (score, comment) in scores.items()}
        if not errors:
            submit = request.POST.get("action") == "submit"
            try:
                if submit:
                    services.score_sheet_submit(submission=submission, user=request.user, scores=scores)
                else:
                    services.score_sheet_save(submission=submission, user=request.user, scores=scores)
            except (ValidationError, PermissionDenied, Conflict) as error:
                errors.extend(_messages_of(error))
            else:
                messages.success(
                    request,
                    _("Your score sheet is submitted. You now see the other members' submitted sheets.")
                    if submit
                    else _("Your scores are saved. Submit the sheet once every criterion is scored."),
                )
                return redirect("frontend:score_sheet", submission_id=submission.pk)
    sheets = list(selectors.score_sheet_list(submission=submission, user=request.user))
    own = next((sheet for sheet in sheets if sheet.member_id == seat.pk), None)
    saved = {score.criterion_id: score for score in own.scores.all()} if own else {}
    previous, following = _neighbours(submission, request.user)
    answers = {answer.criterion_id: answer.text for answer in submission.answers.all()}
    return render(
        request,
        "frontend/evaluation/score_sheet.html",
        {
            "challenge": challenge,
            "submission": submission,
            "own": own,
            "others": [sheet for sheet in sheets if sheet.member_id != seat.pk],
            "rows": [
                {
                    "criterion": criterion,
                    "answer": answers.get(criterion.pk, ""),
                    "score": typed.get(criterion.pk, {}).get(
                        "score", getattr(saved.get(criterion.pk), "score", "")
                    ),
                    "comment": typed.get(criterion.pk, {}).get(
                        "comment", getattr(saved.get(criterion.pk), "comment", "")
                    ),
                }
                for criterion in criteria
            ],
            "errors": errors,
            "previous": previous,
            "following": following,
        },
    )


# The consensus


@organization_member_required
@require_http_methods(["GET", "POST"])
def consensus(request: HttpRequest, submission_id: int) -> HttpResponse:
    """The secretary's page: the members' submitted scores side by side, and the consensus to record with the
    comment meant for the firm."""
    submission = selectors.submission_get_opened(user=request.user, submission_id=submission_id)
    challenge = submission.challenge
    seat = selectors.committee_seat(challenge=challenge, user=request.user)
    is_secretary = seat is not None and seat.role == CommitteeMember.Role.SECRETARY
    criteria = list(challenge.criteria.order_by("position", "id"))
    errors: list[str] = []
    typed: dict = {}
    if request.method == "POST":
        if not is_secretary:
            raise PermissionDenied(_("Only the committee's secretary records its consensus."))
        scores = _posted_scores(request, criteria, errors=errors)
        typed = {pk: {"score": score, "comment": comment} for pk, (score, comment) in scores.items()}
        if not errors:
            try:
                services.consensus_record(submission=submission, user=request.user, scores=scores)
            except (ValidationError, PermissionDenied, Conflict) as error:
                errors.extend(_messages_of(error))
            else:
                messages.success(
                    request, _("The consensus is recorded. It may be corrected until the award.")
                )
                return redirect("frontend:consensus", submission_id=submission.pk)
    sheets = list(selectors.score_sheet_list(submission=submission, user=request.user))
    recorded = {
        score.criterion_id: score
        for score in selectors.consensus_list(submission=submission, user=request.user)
    }
    by_sheet = [{score.criterion_id: score for score in sheet.scores.all()} for sheet in sheets]
    previous, following = _neighbours(submission, request.user)
    return render(
        request,
        "frontend/evaluation/consensus.html",
        {
            "challenge": challenge,
            "submission": submission,
            "is_secretary": is_secretary and challenge.status == Challenge.Status.EVALUATION,
            "sheets": sheets,
            "waiting": selectors.committee_list(challenge=challenge, user=request.user)
            .filter(role=CommitteeMember.Role.MEMBER)
            .count()
            - len(sheets),
            "rows": [
                {
                    "criterion": criterion,
                    "members": [scores.get(criterion.pk) for scores in by_sheet],
                    "score": typed.get(criterion.pk, {}).get(
                        "score", getattr(recorded.get(criterion.pk), "score", "")
                    ),
                    "comment": typed.get(criterion.pk, {}).get(
                        "comment", getattr(recorded.get(criterion.pk), "comment", "")
                    ),
                }
                for criterion in criteria
            ],
            "errors": errors,
            "previous": previous,
            "following": following,
        },
    )


# The ranking and the award


@organization_member_required
@require_http_methods(["GET", "POST"])
def ranking(request: HttpRequest, challenge_id: int) -> HttpResponse:
    """The proposals ranked by the award mode, the computation step by step, and the award form."""
    challenge = challenge_get_for_member(user=request.user, challenge_id=challenge_id)
    errors: list[str] = []
    if request.method == "POST":
        submission = selectors.submission_get_opened(user=request.user, submission_id=_posted_id(request))
        try:
            decision = services.challenge_award_submission(
                challenge=challenge,
                user=request.user,
                submission=submission,
                rationale=request.POST.get("rationale", ""),
                reason=behalf_reason(request),
            )
        except (ValidationError, PermissionDenied, Conflict) as error:
            errors.extend(_messages_of(error))
        else:
            messages.success(
                request,
                _(
                    "Awarded to %(vendor)s. The engagement is open with the proposal's price and milestones; every "
                    "other firm is sent its debrief."
                )
                % {"vendor": decision.submission.vendor.name},
            )
            return redirect("frontend:engagement_manage", engagement_id=decision.submission.engagement.pk)
    rows, refusal = [], ""
    try:
        rows = selectors.challenge_ranking(challenge=challenge, user=request.user)
    except Conflict as error:
        refusal = str(error.args[0]) if error.args else ""
    ranked = [row for row in rows if row.result.rank is not None]
    first = min((row.result.rank for row in ranked), default=None)
    return render(
        request,
        "frontend/evaluation/ranking.html",
        {
            "challenge": challenge,
            "rows": rows,
            "refusal": refusal,
            "winners": [row for row in ranked if row.result.rank == first],
            "can_award": challenge.status == Challenge.Status.EVALUATION and bool(ranked),
            "errors": errors,
            "rationale": request.POST.get("rationale", ""),
            "acting_for": acting_for(request, challenge.organization),
            "reason_typed": behalf_reason(request),
        },
    )


def _posted_id(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("submission", ""))
    except ValueError:
        raise Http404 from None


# The debrief


@vendor_member_required
def submission_debrief(request: HttpRequest, submission_id: int) -> HttpResponse:
    """The firm's debrief once its challenge is awarded; the winner sees the award and its engagement."""
    debrief = selectors.submission_debrief(user=request.user, submission_id=submission_id)
    return render(
        request,
        "frontend/evaluation/debrief.html",
        {"debrief": debrief, "challenge": debrief.submission.challenge},
    )
