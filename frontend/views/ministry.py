"""Pages of public-organization members: their challenges from draft to award, and the engagements that follow.

Coordinators may open every one of them; members of another organization get a 404, as from the selectors."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from frontend.forms import add_service_error
from frontend.forms.ministry import (
    ChallengeForm,
    ClarificationAnswerForm,
    ClarificationPublishForm,
    EngagementAmendForm,
    GridAmendForm,
    MilestoneForm,
    PayoutCancelForm,
    TransitionNoteForm,
)
from frontend.templatetags.frontend_tags import without_final_period
from frontend.views import acting_for as _acting_for
from frontend.views import attachment_file_response, page_for
from frontend.views import behalf_reason as _reason
from frontend.views.public import challenge_grid_context
from hub.exceptions import Conflict, SearchUnavailable
from hub.models import User
from hub.roles import is_coordinator, is_organization_member
from hub.selectors import audit_entry_list
from marketplace import services as marketplace_services
from marketplace.award_rules import taxes
from marketplace.models import Challenge
from marketplace.selectors import (
    challenge_get_for_member,
    challenge_list_for_member,
    challenge_return_entry,
    expertise_labels,
    organization_list_for_member,
)
from marketplace.visibility import ProfileVisibility
from matching import selectors as matching_selectors
from matching import services as matching_services
from matching.models import Clarification, Engagement, Introduction, Milestone, Payout, Submission
from matching.moves import INTRODUCTIONS_IN_THE_RUNNING, allowed_moves, deadline_passed
from matching.search.explain import (
    explanation_from_data,
    explanation_gaps,
    explanation_reasons,
    explanation_within,
)
from matching.search.queries import ChallengeProfile
from matching.search.ranking import challenge_profile
from matching.search.reach import Reach
from matching.search.reach import challenge_reach as reach_count

Status = Challenge.Status

# The dashboard lists challenges in the order of their lifecycle (docs/workflow.md).
STATUS_ORDER = [
    Status.DRAFT,
    Status.SUBMITTED,
    Status.PUBLISHED,
    Status.EVALUATION,
    Status.CLOSED,
    Status.AWARDED,
    Status.CANCELLED,
]
# The lists of a draft that the reach counts with (ChallengeForm.reach_profile).
REACH_LISTS = ("expertise", "regions", "required_languages", "required_certifications")


organization_member_required = page_for(
    is_organization_member, gettext_lazy("Only members of a public organization can open this page.")
)


def _refusal(request: HttpRequest, error: ValidationError) -> None:
    """A move the current state refused (a 409 in the API): say why, then show the page as it is now."""
    messages.error(request, " ".join(error.messages))


def _posted_id(request: HttpRequest, name: str) -> int:
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        raise Http404 from None


def _reach(request: HttpRequest, profile: ChallengeProfile) -> Reach | None:
    """The draft's reach, or None while the search engine is away (the page says so)."""
    try:
        return reach_count(profile=profile, visibility=ProfileVisibility(user=request.user))
    except SearchUnavailable:
        return None


# The dashboard


def _next_steps(challenge: Challenge, user: User) -> list[dict]:
    """What the member does next on an open or closed challenge, as the challenge's page shows it: counted from
    the introductions and questions it lists to this member, and the buttons the moves tables give them there."""
    if challenge.status not in (Status.PUBLISHED, Status.CLOSED):
        return []
    introductions = matching_selectors.introduction_list_for_challenge(user=user, challenge=challenge)
    moves = [_introduction_moves(introduction, user) for introduction in introductions]
    to_shortlist = sum(move["can_shortlist"] for move in moves)
    to_award = sum(move["can_award"] for move in moves)
    not_answered = sum(
        introduction.status == Introduction.Status.INTRODUCED for introduction in introductions
    )
    questions = sum(
        _can_answer(item, user)
        for item in matching_selectors.clarification_list(user=user, challenge=challenge)
    )
    steps = []
    if questions:
        steps.append(
            {
                "text": ngettext(
                    "%(count)s question awaits your answer.",
                    "%(count)s questions await your answer.",
                    questions,
                )
                % {"count": questions},
                "anchor": "clarifications",
                "link": _("Answer the questions"),
            }
        )
    see_the_vendors = {"anchor": "introductions", "link": _("See the vendors")}
    if to_shortlist:
        steps.append(
            {
                "text": ngettext(
                    "%(count)s interested vendor to review: shortlist the ones you want to meet.",
                    "%(count)s interested vendors to review: shortlist the ones you want to meet.",
                    to_shortlist,
                )
                % {"count": to_shortlist},
            }
            | see_the_vendors
        )
    elif to_award:
        steps.append({"text": _("Award it to an interested vendor.")} | see_the_vendors)
    elif not introductions and challenge.status == Status.PUBLISHED:
        steps.append(
            {
                "text": _(
                    "No vendor has been introduced yet. Hub coordinators are reviewing the matcher's proposals; "
                    "you will be notified of each introduction."
                ),
            }
        )
    elif not_answered and challenge.status == Status.PUBLISHED:
        steps.append(
            {
                "text": ngettext(
                    "%(count)s vendor introduced: you will be notified when one says it is interested.",
                    "%(count)s vendors introduced: you will be notified when one says it is interested.",
                    not_answered,
                )
                % {"count": not_answered},
            }
            | see_the_vendors
        )
    elif challenge.status == Status.CLOSED:
        steps.append(
            {"text": _("No vendor is interested: there is nobody to award it to.")} | see_the_vendors
        )
    else:
        steps.append(
            {
                "text": _(
                    "No introduced vendor is interested. Hub coordinators may introduce others; you will be "
                    "notified of each introduction."
                )
            }
            | see_the_vendors
        )
    return steps


@organization_member_required
@require_GET
def ministry_dashboard(request: HttpRequest) -> HttpResponse:
    matching_selectors.challenge_deadlines_check(user=request.user)  # Shown as they now are.
    by_status: dict[str, list[dict]] = {status: [] for status in STATUS_ORDER}
    for challenge in challenge_list_for_member(user=request.user):
        by_status[challenge.status].append(
            {"challenge": challenge, "next_steps": _next_steps(challenge, request.user)}
        )
    groups = [
        {"status": status, "label": Status(status).label, "rows": rows}
        for status, rows in by_status.items()
        if rows
    ]
    organizations = organization_list_for_member(user=request.user)
    return render(
        request,
        "frontend/ministry/dashboard.html",
        {
            "groups": groups,
            "organizations": organizations,
            "show_organization": is_coordinator(request.user) or len(organizations) > 1,
        },
    )


# Writing a challenge


def _render_challenge_form(
    request: HttpRequest, form: ChallengeForm, *, challenge: Challenge | None, acting_for: str | None
) -> HttpResponse:
    return render(
        request,
        "frontend/ministry/challenge_form.html",
        {
            "form": form,
            "challenge": challenge,
            "reach": _reach(request, form.reach_profile()),
            "profile": form.reach_profile(),
            "acting_for": acting_for,
            "reason_typed": _reason(request),
        },
    )


@organization_member_required
@require_http_methods(["GET", "POST"])
def challenge_create(request: HttpRequest) -> HttpResponse:
    organizations = organization_list_for_member(user=request.user)
    if not organizations.exists():
        return render(request, "frontend/ministry/no_organization.html", status=403)
    form = ChallengeForm.for_new(
        request.POST if request.method == "POST" else None, organizations=organizations
    )
    if request.method == "POST" and form.is_valid():
        try:
            challenge = marketplace_services.challenge_create(
                user=request.user,
                organization=form.chosen_organization(),
                data={**form.challenge_data(), "reason": _reason(request)},
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Draft saved. Check how vendors will see it, then submit it for publication.")
            )
            return redirect("frontend:challenge_preview", challenge_id=challenge.pk)
    # A coordinator writes a draft for an organization they are not a member of.
    acting_for = _("the organization") if request.user.is_coordinator else None
    return _render_challenge_form(request, form, challenge=None, acting_for=acting_for)


@organization_member_required
@require_http_methods(["GET", "POST"])
def challenge_edit(request: HttpRequest, challenge_id: int) -> HttpResponse:
    challenge = challenge_get_for_member(user=request.user, challenge_id=challenge_id)
    if "edit" not in allowed_moves(challenge, request.user):
        messages.error(
            request,
            _("A challenge that is %(status)s can no longer be changed. Ask a hub coordinator.")
            % {"status": challenge.get_status_display().lower()},
        )
        return redirect("frontend:challenge_manage", challenge_id=challenge.pk)
    form = ChallengeForm.for_challenge(challenge, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            marketplace_services.challenge_update(
                challenge=challenge,
                user=request.user,
                data={**form.challenge_data(), "reason": _reason(request)},
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Changes saved. Check how vendors will see the challenge."))
            return redirect("frontend:challenge_preview", challenge_id=challenge.pk)
    return _render_challenge_form(
        request, form, challenge=challenge, acting_for=_acting_for(request, challenge.organization)
    )


@organization_member_required
@require_GET
def challenge_reach(request: HttpRequest) -> HttpResponse:
    """The live count beside the challenge form (an htmx fragment); the preview page shows the same numbers."""
    form = ChallengeForm(request.GET)
    profile = form.reach_profile()
    # A list over its maximum is left out of the count (it would cost the engine one aggregation per value): say so.
    left_out = [
        _("%(label)s: %(message)s") % {"label": form[name].label, "message": message}
        for name in REACH_LISTS
        if name in form.errors
        for message in form.errors[name]
    ]
    context = {"reach": _reach(request, profile), "profile": profile, "left_out": left_out}
    return render(request, "frontend/ministry/reach_fragment.html", context)


@organization_member_required
@require_http_methods(["GET", "POST"])
def challenge_preview(request: HttpRequest, challenge_id: int) -> HttpResponse:
    challenge = challenge_get_for_member(user=request.user, challenge_id=challenge_id)
    if request.method == "POST":
        try:
            marketplace_services.challenge_transition(
                challenge=challenge, user=request.user, to_status=Status.SUBMITTED, note=_reason(request)
            )
        except ValidationError as error:
            _refusal(request, error)
            return redirect("frontend:challenge_preview", challenge_id=challenge.pk)
        messages.success(
            request,
            _(
                "Your challenge is submitted. A hub coordinator reviews it before publication; you will be notified."
            ),
        )
        return redirect("frontend:challenge_manage", challenge_id=challenge.pk)
    profile = challenge_profile(challenge)
    moves = allowed_moves(challenge, request.user)
    return render(
        request,
        "frontend/ministry/challenge_preview.html",
        {
            "challenge": challenge,
            "profile": profile,
            "reach": _reach(request, profile),
            "can_edit": "edit" in moves,
            "can_submit": Status.SUBMITTED in moves,
            "deadline_past": deadline_passed(challenge),
            "grid": challenge_grid_context(challenge),
            "grid_problems": [
                problem
                for problems in marketplace_services.challenge_grid_errors(challenge).values()
                for problem in problems
            ],
            "acting_for": _acting_for(request, challenge.organization),
        },
    )


# Following a challenge


def _introduction_row(
    introduction: Introduction,
    *,
    user: User,
    expertise_labels: dict[str, str],
    visibility: ProfileVisibility,
) -> dict:
    proposal = introduction.proposal
    explanation = explanation_from_data(proposal.explanation, score=proposal.score)
    if explanation:
        # Nothing of a section the firm hides from this reader: it has not answered them yet.
        vendor = introduction.vendor
        sections = visibility.sections(vendor_id=vendor.pk, public_profile=vendor.public_profile)
        explanation = explanation_within(explanation, sections=sections)
    return {
        "introduction": introduction,
        "reasons": explanation_reasons(explanation, expertise_labels=expertise_labels) if explanation else [],
        "gaps": explanation_gaps(explanation) if explanation else [],
        "highlights": [fragment for fragments in explanation.highlights.values() for fragment in fragments]
        if explanation
        else [],
    } | _introduction_moves(introduction, user)


def _introduction_moves(introduction: Introduction, user: User) -> dict[str, bool]:
    """The buttons of an introduction's card, which the dashboard's next step counts too."""
    moves = allowed_moves(introduction, user)
    return {
        "can_shortlist": Introduction.Status.SHORTLISTED in moves,
        "can_award": Introduction.Status.AWARDED in moves,
    }


def _can_answer(clarification: Clarification, user: User) -> bool:
    return Clarification.PUBLISHED in allowed_moves(clarification, user)


def _introduction_rows(request: HttpRequest, challenge: Challenge) -> list[dict]:
    labels = expertise_labels()
    introductions = matching_selectors.introduction_list_for_challenge(user=request.user, challenge=challenge)
    visibility = ProfileVisibility(user=request.user)
    return [
        _introduction_row(item, user=request.user, expertise_labels=labels, visibility=visibility)
        for item in introductions
    ]


def _history(challenge: Challenge) -> list[dict]:
    entries = audit_entry_list(object_type=challenge._meta.model_name, object_id=challenge.pk)
    return [
        {
            "entry": entry,
            "from_label": Status(entry.from_state).label
            if entry.from_state in Status.values
            else entry.from_state,
            "to_label": Status(entry.to_state).label if entry.to_state in Status.values else entry.to_state,
        }
        for entry in entries
    ]


def _engagement_of(challenge: Challenge) -> Engagement | None:
    return getattr(challenge, "engagement", None)  # Only an awarded challenge has one.


def _render_manage(
    request: HttpRequest,
    challenge: Challenge,
    *,
    answer_forms: dict[int, ClarificationAnswerForm] | None = None,
    clarify_form: ClarificationPublishForm | None = None,
) -> HttpResponse:
    answer_forms = answer_forms or {}
    is_open = challenge.status == Status.PUBLISHED
    moves = allowed_moves(challenge, request.user)
    clarifications = [
        {
            "clarification": clarification,
            "can_answer": _can_answer(clarification, request.user),
            "form": answer_forms.get(clarification.pk)
            or ClarificationAnswerForm(prefix=f"answer-{clarification.pk}"),
        }
        for clarification in matching_selectors.clarification_list(user=request.user, challenge=challenge)
    ]
    return render(
        request,
        "frontend/ministry/challenge_manage.html",
        {
            "challenge": challenge,
            "returned": challenge_return_entry(challenge=challenge),
            "error_form": next(iter(answer_forms.values()), None) or clarify_form,
            "history": _history(challenge),
            "introductions": _introduction_rows(request, challenge),
            "clarifications": clarifications,
            "clarify_form": clarify_form or ClarificationPublishForm(prefix="clarify"),
            "is_open": is_open,
            "engagement": _engagement_of(challenge),
            "can_edit": "edit" in moves,
            "can_submit": Status.SUBMITTED in moves,
            "can_withdraw": Status.DRAFT in moves,
            "can_close": Status.CLOSED in moves,
            "can_cancel": Status.CANCELLED in moves,
            "deadline_past": deadline_passed(challenge),
            "can_amend_grid": bool(moves) and marketplace_services.challenge_grid_amendable(challenge),
            "grid": challenge_grid_context(challenge),
            "acting_for": _acting_for(request, challenge.organization),
        },
    )


def _manage_url(challenge: Challenge, anchor: str = "") -> str:
    url = reverse("frontend:challenge_manage", kwargs={"challenge_id": challenge.pk})
    return f"{url}#{anchor}" if anchor else url


def _shortlist(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    introduction = matching_selectors.introduction_get(
        user=request.user, introduction_id=_posted_id(request, "introduction")
    )
    if introduction.challenge_id != challenge.pk:
        raise Http404
    try:
        introduction = matching_services.introduction_shortlist(
            introduction=introduction, user=request.user, reason=_reason(request)
        )
    except ValidationError as error:
        notice, is_error = " ".join(error.messages), True
    else:
        notice, is_error = _("%(vendor)s is on your shortlist.") % {"vendor": introduction.vendor.name}, False
    if request.htmx:
        # Only the vendor's card changes, and says what happened where the keyboard focus lands.
        introduction = matching_selectors.introduction_get(user=request.user, introduction_id=introduction.pk)
        row = _introduction_row(
            introduction,
            user=request.user,
            expertise_labels=expertise_labels(),
            visibility=ProfileVisibility(user=request.user),
        )
        context = {
            "row": row,
            "challenge": challenge,
            "notice": notice,
            "notice_is_error": is_error,
            "acting_for": _acting_for(request, challenge.organization),
        }
        return render(request, "frontend/ministry/_introduction.html", context)
    (messages.error if is_error else messages.success)(request, notice)
    return redirect(_manage_url(challenge, f"introduction-{introduction.pk}"))


def _answer(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    clarification = matching_selectors.clarification_get(
        user=request.user, clarification_id=_posted_id(request, "clarification")
    )
    if clarification.challenge_id != challenge.pk:
        raise Http404
    form = ClarificationAnswerForm(request.POST, prefix=f"answer-{clarification.pk}")
    if form.is_valid():
        try:
            matching_services.clarification_answer(
                clarification=clarification,
                user=request.user,
                answer=form.validated_data["answer"],
                reason=_reason(request),
            )
        except Conflict as error:
            _refusal(request, error)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Answer published to every introduced vendor."))
        if not form.errors:
            return redirect(_manage_url(challenge, "clarifications"))
    return _render_manage(request, challenge, answer_forms={clarification.pk: form})


def _clarify(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    form = ClarificationPublishForm(request.POST, prefix="clarify")
    if form.is_valid():
        try:
            matching_services.clarification_ask(
                challenge=challenge, user=request.user, **form.validated_data, reason=_reason(request)
            )
        except Conflict as error:
            _refusal(request, error)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Clarification published to every introduced vendor."))
        if not form.errors:
            return redirect(_manage_url(challenge, "clarifications"))
    return _render_manage(request, challenge, clarify_form=form)


def _withdraw(request: HttpRequest, challenge: Challenge) -> HttpResponse:
    try:
        marketplace_services.challenge_transition(
            challenge=challenge, user=request.user, to_status=Status.DRAFT, note=_reason(request)
        )
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(request, _("Your challenge is a draft again. Change it, then submit it once more."))
    return redirect(_manage_url(challenge))


MANAGE_ACTIONS: dict[str, Callable[[HttpRequest, Challenge], HttpResponse]] = {
    "shortlist": _shortlist,
    "answer": _answer,
    "clarify": _clarify,
    "withdraw": _withdraw,
}


@organization_member_required
@require_http_methods(["GET", "POST"])
def challenge_manage(request: HttpRequest, challenge_id: int) -> HttpResponse:
    challenge = challenge_get_for_member(user=request.user, challenge_id=challenge_id)
    # A deadline passed since the last beat run: the page shows the challenge as it now is.
    challenge = matching_services.challenge_deadline_close_if_due(challenge)
    if request.method == "POST":
        action = MANAGE_ACTIONS.get(request.POST.get("action", ""))
        if action is None:
            raise Http404
        return action(request, challenge)
    return _render_manage(request, challenge)


@organization_member_required
@require_http_methods(["GET", "POST"])
def challenge_award(request: HttpRequest, challenge_id: int, introduction_id: int) -> HttpResponse:
    """Confirm, then award: the other vendors still in the running are told they were not selected."""
    challenge = challenge_get_for_member(user=request.user, challenge_id=challenge_id)
    introduction = matching_selectors.introduction_get(user=request.user, introduction_id=introduction_id)
    if introduction.challenge_id != challenge.pk:
        raise Http404
    if request.method == "POST":
        try:
            engagement = matching_services.challenge_award(
                challenge=challenge, introduction=introduction, user=request.user, reason=_reason(request)
            )
        except ValidationError as error:
            _refusal(request, error)
            return redirect(_manage_url(challenge, "introductions"))
        messages.success(
            request,
            _(
                "Awarded to %(vendor)s. The other vendors are told courteously. Plan the pilot's milestones now."
            )
            % {"vendor": without_final_period(introduction.vendor.name)},
        )
        return redirect("frontend:engagement_manage", engagement_id=engagement.pk)
    others = [
        row["introduction"]
        for row in _introduction_rows(request, challenge)
        if row["introduction"].pk != introduction.pk
        and row["introduction"].status in INTRODUCTIONS_IN_THE_RUNNING
    ]
    return render(
        request,
        "frontend/ministry/challenge_award.html",
        {
            "challenge": challenge,
            "introduction": introduction,
            "others": others,
            "acting_for": _acting_for(request, challenge.organization),
        },
    )


def _transition_with_confirmation(request: HttpRequest, challenge_id: int, *, to_status: str) -> HttpResponse:
    challenge = challenge_get_for_member(user=request.user, challenge_id=challenge_id)
    form = TransitionNoteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            marketplace_services.challenge_transition(
                challenge=challenge, user=request.user, to_status=to_status, note=form.validated_data["note"]
            )
        except Conflict as error:
            _refusal(request, error)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                _refusal(request, error)
                return redirect(_manage_url(challenge))
            add_service_error(form, error)  # The coordinator's missing reason: shown on the note, kept typed.
            return _render_confirm(request, challenge, form=form, to_status=to_status)
        else:
            done = {
                Status.CLOSED: _(
                    "The challenge is closed: it no longer appears to vendors. You can still award it."
                ),
                Status.CANCELLED: _("The challenge is cancelled."),
            }
            messages.success(request, done[to_status])
        return redirect(_manage_url(challenge))
    return _render_confirm(request, challenge, form=form, to_status=to_status)


def _render_confirm(
    request: HttpRequest, challenge: Challenge, *, form: TransitionNoteForm, to_status: str
) -> HttpResponse:
    return render(
        request,
        "frontend/ministry/challenge_confirm.html",
        {
            "challenge": challenge,
            "form": form,
            "to_status": to_status,
            "allowed": to_status in allowed_moves(challenge, request.user),
            "acting_for": _acting_for(request, challenge.organization),
        },
    )


@organization_member_required
@require_http_methods(["GET", "POST"])
def challenge_close(request: HttpRequest, challenge_id: int) -> HttpResponse:
    return _transition_with_confirmation(request, challenge_id, to_status=Status.CLOSED)


@organization_member_required
@require_http_methods(["GET", "POST"])
def challenge_cancel(request: HttpRequest, challenge_id: int) -> HttpResponse:
    return _transition_with_confirmation(request, challenge_id, to_status=Status.CANCELLED)


# The engagement


@organization_member_required
@require_http_methods(["GET", "POST"])
def challenge_grid_amend(request: HttpRequest, challenge_id: int) -> HttpResponse:
    """An addendum to a published challenge's grid: the new mode, K and criteria, and what changes and why."""
    challenge = challenge_get_for_member(user=request.user, challenge_id=challenge_id)
    if not marketplace_services.challenge_grid_amendable(challenge):
        messages.error(
            request,
            _(
                "The grid changes by an addendum only while the challenge is published and before its deadline. "
                "Before publication, edit the challenge instead."
            ),
        )
        return redirect("frontend:challenge_manage", challenge_id=challenge.pk)
    form = GridAmendForm(request.POST if request.method == "POST" else None, challenge=challenge)
    if request.method == "POST" and form.is_valid():
        try:
            addendum = marketplace_services.challenge_grid_amend(
                challenge=challenge, user=request.user, **{**form.validated_data, "reason": _reason(request)}
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Addendum %(number)s is published; every introduced firm is told.")
                % {"number": addendum.number},
            )
            return redirect("frontend:challenge_manage", challenge_id=challenge.pk)
    return render(
        request,
        "frontend/ministry/challenge_grid_amend.html",
        {
            "challenge": challenge,
            "form": form,
            "grid": challenge_grid_context(challenge),
            "acting_for": _acting_for(request, challenge.organization),
            "reason_typed": _reason(request),
        },
    )


def _accept(request: HttpRequest, engagement: Engagement) -> None:
    milestone = matching_selectors.milestone_get(
        user=request.user, milestone_id=_posted_id(request, "milestone")
    )
    if milestone.engagement_id != engagement.pk:
        raise Http404
    try:
        matching_services.milestone_accept(milestone=milestone, user=request.user, reason=_reason(request))
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(
            request,
            _("“%(title)s” is accepted. The payment to %(vendor)s is on its way.")
            % {"title": milestone.title, "vendor": engagement.vendor.name},
        )


def _milestones_url(engagement: Engagement) -> str:
    return reverse("frontend:engagement_manage", kwargs={"engagement_id": engagement.pk}) + "#milestones"


def _payout_of(request: HttpRequest, engagement: Engagement) -> Payout:
    payout = matching_selectors.payout_get(user=request.user, payout_id=_posted_id(request, "payout"))
    if payout.milestone.engagement_id != engagement.pk:
        raise Http404
    return payout


def _payout_retry(request: HttpRequest, engagement: Engagement) -> None:
    payout = _payout_of(request, engagement)
    try:
        matching_services.payout_retry(payout=payout, user=request.user)
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(
            request,
            _("The payment for “%(title)s” is sent again, under the same key: it cannot be paid twice.")
            % {"title": payout.milestone.title},
        )


def _payout_cancel(request: HttpRequest, engagement: Engagement) -> PayoutCancelForm | None:
    """Cancel the posted failed payout; the form again, with its errors, when the reason is missing."""
    payout = _payout_of(request, engagement)
    form = PayoutCancelForm(request.POST, prefix=f"cancel-{payout.pk}")
    if not form.is_valid():
        return form
    try:
        matching_services.payout_cancel(payout=payout, user=request.user, **form.validated_data)
    except ValidationError as error:
        _refusal(request, error)
    else:
        messages.success(
            request,
            _("The payment for “%(title)s” is cancelled. The firm and the organization are told.")
            % {"title": payout.milestone.title},
        )
    return None


@organization_member_required
@require_http_methods(["GET", "POST"])
def engagement_manage(request: HttpRequest, engagement_id: int) -> HttpResponse:
    engagement = matching_selectors.engagement_get(user=request.user, engagement_id=engagement_id)
    if not is_organization_member(request.user, engagement.challenge.organization):
        raise Http404  # The vendor's own members follow it from their pages.
    form = MilestoneForm(prefix="milestone")
    amend_form = EngagementAmendForm(prefix="amend") if request.user.is_coordinator else None
    cancel_forms: dict[int, PayoutCancelForm] = {}
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "accept":
            _accept(request, engagement)
            return redirect(_milestones_url(engagement))
        if action == "payout_retry":
            _payout_retry(request, engagement)
            return redirect(_milestones_url(engagement))
        if action == "payout_cancel":
            cancel_form = _payout_cancel(request, engagement)
            if cancel_form is None:
                return redirect(_milestones_url(engagement))
            cancel_forms[_posted_id(request, "payout")] = cancel_form
        elif action == "amend" and amend_form is not None:
            amend_form = EngagementAmendForm(request.POST, prefix="amend")
            if amend_form.is_valid():
                try:
                    matching_services.engagement_amend(
                        engagement=engagement, user=request.user, **amend_form.validated_data
                    )
                except Conflict as error:
                    _refusal(request, error)
                    return redirect("frontend:engagement_manage", engagement_id=engagement.pk)
                except ValidationError as error:
                    add_service_error(amend_form, error)
                else:
                    messages.success(
                        request, _("Amendment recorded. The organization and the firm are told.")
                    )
                    return redirect(
                        reverse("frontend:engagement_manage", kwargs={"engagement_id": engagement.pk})
                        + "#amendments"
                    )
        elif action != "add_milestone":
            raise Http404
        else:
            form = MilestoneForm(request.POST, prefix="milestone")
            if form.is_valid():
                try:
                    milestone = matching_services.milestone_create(
                        engagement=engagement,
                        user=request.user,
                        **form.validated_data,
                        reason=_reason(request),
                    )
                except Conflict as error:
                    _refusal(request, error)
                    return redirect("frontend:engagement_manage", engagement_id=engagement.pk)
                except ValidationError as error:
                    add_service_error(form, error)
                else:
                    messages.success(request, _("Milestone “%(title)s” added.") % {"title": milestone.title})
                    return redirect(_milestones_url(engagement))
    milestones = list(engagement.milestones.all())  # Prefetched by the selector, soonest due first.
    rows = []
    for milestone in milestones:
        # A milestone has a payout once accepted; getattr, because a missing one-to-one raises.
        payout = getattr(milestone, "payout", None)
        payout_moves = allowed_moves(payout, request.user) if payout is not None else set()
        rows.append(
            {
                "milestone": milestone,
                "payout": payout,
                "can_accept": Milestone.Status.ACCEPTED in allowed_moves(milestone, request.user),
                "can_retry": Payout.Status.PENDING in payout_moves,
                "can_cancel": Payout.Status.CANCELLED in payout_moves,
                "cancel_form": cancel_forms.get(payout.pk if payout else None)
                or PayoutCancelForm(prefix=f"cancel-{payout.pk if payout else 0}"),
            }
        )
    return render(
        request,
        "frontend/ministry/engagement_manage.html",
        {
            "engagement": engagement,
            "challenge": engagement.challenge,
            "terms": matching_selectors.engagement_terms(engagement=engagement),
            "amendments": matching_selectors.engagement_amendment_list(engagement=engagement),
            "amend_form": amend_form,
            "can_amend": amend_form is not None and engagement.status == Engagement.Status.ACTIVE,
            "error_form": next(iter(cancel_forms.values()), None)
            or (amend_form if amend_form is not None and amend_form.errors else None)
            or form,
            "rows": rows,
            "form": form,
            "can_add": "add_milestone" in allowed_moves(engagement, request.user),
            "total": sum(milestone.amount for milestone in milestones),
            "accepted_total": sum(
                milestone.amount
                for milestone in milestones
                if milestone.status in (Milestone.Status.ACCEPTED, Milestone.Status.PAID)
            ),
            "paid_total": sum(
                milestone.amount for milestone in milestones if milestone.status == Milestone.Status.PAID
            ),
            "acting_for": _acting_for(request, engagement.challenge.organization),
            "reason_typed": _reason(request),
        },
    )


# Proposals received, sealed until the deadline


@organization_member_required
@require_GET
def challenge_proposals(request: HttpRequest, challenge_id: int) -> HttpResponse:
    """The proposals the challenge received, once its deadline opened them; before, nothing (not even a count)."""
    challenge = challenge_get_for_member(user=request.user, challenge_id=challenge_id)
    challenge = matching_services.challenge_deadline_close_if_due(challenge)
    rows = []
    if challenge.proposals_opened_at is not None:
        for submission in matching_selectors.submission_list_read(user=request.user, challenge=challenge):
            if submission.status != Submission.Status.SUBMITTED:
                continue  # Coordinators read drafts for the firms they help; the organization never does.
            gst, qst = taxes(submission.price)
            rows.append(
                {"submission": submission, "gst": gst, "qst": qst, "total": submission.price + gst + qst}
            )
    return render(
        request,
        "frontend/ministry/challenge_proposals.html",
        {"challenge": challenge, "rows": rows, "opened": challenge.proposals_opened_at is not None},
    )


@organization_member_required
@require_GET
def proposal_attachment(request: HttpRequest, attachment_id: int) -> HttpResponse:
    """A PDF of an opened proposal, streamed after the same check as the API's (its opening audited)."""
    attachment = matching_selectors.submission_attachment_get(user=request.user, attachment_id=attachment_id)
    return attachment_file_response(attachment)
