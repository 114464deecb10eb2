"""The SME pages, for vendor members: the firm at a glance, its profile, the opportunities recommended for
it, saved searches and their alerts, introductions with their clarifications, and engagements.

A member of several firms acts for one at a time: `?vendor=<id>` chooses it, and the choice is kept for the
session so the navigation links follow it. Every action is a plain form post answered by a redirect; the
introduction and engagement pages also answer htmx with the part of the page that changed."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from frontend.forms import SerializerCheckedForm, add_service_error
from frontend.forms.vendor import (
    ChallengeInterestForm,
    ClarificationForm,
    DeclineForm,
    InterestForm,
    JoinRequestForm,
    NeqLookupForm,
    SavedSearchForm,
    VendorProfileForms,
)
from frontend.views import acting_for, attachment_file_response, behalf_reason, page_for
from hub.exceptions import Conflict, SearchUnavailable
from hub.models import User
from hub.roles import is_coordinator, is_member_of, is_vendor_member
from marketplace.award_rules import taxes
from marketplace.eligibility import challenge_requirements_missing
from marketplace.models import Challenge, Vendor, VendorJoinRequest
from marketplace.register import NEQ_PATTERN
from marketplace.selectors import (
    PROFILE_DESCRIPTION_MIN_LENGTH,
    RegisterEvidence,
    challenge_get,
    expertise_labels,
    join_request_get_for_requester,
    join_request_list_for_requester,
    register_evidence,
    vendor_find_by_neq,
    vendor_get_for_member,
    vendor_list_for_member,
    vendor_profile_completeness,
    vendor_verification_refusal,
)
from marketplace.services import join_request_create, join_request_withdraw, vendor_create, vendor_update
from matching.models import Introduction, Milestone, Submission
from matching.moves import INTRODUCTIONS_IN_THE_RUNNING, allowed_moves, submission_accepting
from matching.search.documents import MAX_RESULT_WINDOW
from matching.search.explain import explanation_gaps, explanation_ineligible, explanation_reasons
from matching.search.ranking import RankedHit, challenge_ranking
from matching.selectors import (
    clarification_list,
    engagement_amendment_list,
    engagement_get,
    engagement_list_for_vendor,
    engagement_terms,
    introduction_get,
    introduction_list_for_vendor,
    milestone_get,
    milestone_list,
    proposal_request_get,
    saved_search_alert_list,
    saved_search_get,
    saved_search_list,
    submission_attachment_get,
    submission_for_introduction,
)
from matching.services import (
    clarification_ask,
    deadline_closes_at,
    introduction_decline,
    introduction_express_interest,
    milestone_deliver,
    proposal_request,
    proposal_request_refusal,
    saved_search_create,
    saved_search_delete,
    submission_attachment_add,
    submission_attachment_remove,
    submission_missing,
    submission_save,
    submission_submit,
    submission_withdraw,
)

VENDOR_PARAMETER = "vendor"
SESSION_VENDOR = "sme_vendor_id"
DASHBOARD_RECOMMENDATIONS = 5
RECOMMENDATIONS_PER_PAGE = 10
INTRODUCTIONS_PER_PAGE = 20
ALERTS_SHOWN = 20


def _completeness_items() -> dict[str, tuple[str, str]]:
    """The profile's parts the dashboard checks, each with the id of its field on the profile form."""
    return {
        "description": (
            "id_description",
            _("A description of at least %(count)s characters") % {"count": PROFILE_DESCRIPTION_MIN_LENGTH},
        ),
        "expertise": ("id_expertise_0", _("Your areas of expertise")),
        "regions": ("id_regions_0", _("The regions you serve")),
        "languages": ("id_languages_0", _("Your delivery languages")),
        "certifications": ("id_certifications", _("Your certifications")),
        "references": ("references", _("At least one reference")),
    }


# Coordinators too, as in the API (IsVendorMember): they choose the firm they act for with ?vendor=<id>.
vendor_member_required = page_for(is_vendor_member, gettext_lazy("These pages are for members of a vendor."))


def _firm_context(request: HttpRequest, *, vendor: Vendor | None = None) -> dict:
    """The firm the user acts for, the firms to switch between, and the firm's name when a coordinator acts
    for it (`acting_for`: its forms then ask why).

    `vendor` fixes the firm (the page is about one of its objects); otherwise `?vendor=` chooses it, then the
    session, then the member's first firm. A firm the user may not act for is a 404, as for the API; a
    coordinator may act for any firm."""
    firms = list(vendor_list_for_member(user=request.user))
    if vendor is not None and not is_vendor_member(request.user, vendor):
        raise Http404
    if vendor is None:
        requested = request.GET.get(VENDOR_PARAMETER, "")
        if requested.isdigit():
            vendor = vendor_get_for_member(user=request.user, vendor_id=int(requested))
        else:
            vendor = _remembered_firm(request, firms) or (firms[0] if firms else None)
    if vendor is not None:
        request.session[SESSION_VENDOR] = vendor.pk
    return {
        "vendor": vendor,
        "firms": firms,
        "acting_for": acting_for(request, vendor) if vendor is not None else None,
        "reason_typed": behalf_reason(request),
    }


def _remembered_firm(request: HttpRequest, firms: list[Vendor]) -> Vendor | None:
    """The firm chosen earlier in the session, if the user may still act for it."""
    remembered = request.session.get(SESSION_VENDOR)
    vendor = next((firm for firm in firms if firm.pk == remembered), None)
    if vendor is None and remembered is not None and is_coordinator(request.user):
        # A coordinator's firm is seldom one of their own: it is the one they chose with ?vendor=.
        try:
            vendor = vendor_get_for_member(user=request.user, vendor_id=remembered)
        except Http404:
            return None  # Deleted since.
    return vendor


def acting_firm(request: HttpRequest) -> Vendor | None:
    """The firm a member acts for on pages that are not about one firm (the session's, or their first); None
    for anyone who acts for no firm."""
    if not is_vendor_member(request.user):
        return None
    firms = list(vendor_list_for_member(user=request.user))
    return _remembered_firm(request, firms) or (firms[0] if firms else None)


def _about_the_firm(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For the pages about the firm the user acts for: the view gets its _firm_context. Without a firm, a member
    is sent to register one, a coordinator to the dashboard, which says how to choose the firm to act for."""

    @wraps(view)
    def with_firm(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        context = _firm_context(request)
        if context["vendor"] is not None:
            return view(request, context, *args, **kwargs)
        if is_coordinator(request.user):
            return redirect("frontend:vendor_dashboard")
        messages.info(request, _("Register your firm first: the SME pages are about it."))
        return redirect("frontend:vendor_register")

    return with_firm


def _with_vendor(url: str, vendor: Vendor) -> str:
    return f"{url}?{urlencode({VENDOR_PARAMETER: vendor.pk})}"


# The firm


@vendor_member_required
def vendor_dashboard(request: HttpRequest) -> HttpResponse:
    context = _firm_context(request)
    vendor = context["vendor"]
    if vendor is None:
        context["join_requests"] = _pending_join_requests(request)
    if vendor is not None:
        completeness = vendor_profile_completeness(vendor=vendor)
        context.update(
            completeness=completeness,
            missing=[_completeness_items()[name] for name in completeness.missing],
            awaiting=introduction_list_for_vendor(
                user=request.user, vendor=vendor, status=Introduction.Status.INTRODUCED
            ),
            engagements=engagement_list_for_vendor(user=request.user, vendor=vendor),
            refusal=vendor_verification_refusal(vendor=vendor),
        )
        try:
            _total, hits = challenge_ranking(vendor=vendor, size=DASHBOARD_RECOMMENDATIONS)
            context["recommendations"] = _recommendations(hits, first_rank=1, passages_shown=False)
        except SearchUnavailable:
            context["search_unavailable"] = True
    return render(request, "frontend/vendor/dashboard.html", context)


@vendor_member_required
def vendor_register(request: HttpRequest) -> HttpResponse:
    """Registering a firm starts from its NEQ (`?neq=`): the page says what the enterprise register holds.
    A NEQ the register allows leads to the profile, in sections that say what each is for; a NEQ already on
    Maillage leads to asking its members to join the firm instead."""
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "withdraw":
        return _join_request_withdraw(request)
    neq = (request.POST.get("neq", "") if request.method == "POST" else request.GET.get("neq", "")).strip()
    lookup = NeqLookupForm({"neq": neq} if neq else None, auto_id="lookup_%s")
    evidence = _register_evidence(neq)
    taken = vendor_find_by_neq(neq=neq) if evidence is not None else None
    join_form = JoinRequestForm(request.POST if action == "join" else None)
    if action == "join" and join_form.is_valid():
        try:
            join_request_create(user=request.user, neq=neq, message=join_form.cleaned_data["message"])
        except ValidationError as error:
            # About the NEQ (no firm has it): said on the NEQ's field, as the join form is then not shown.
            add_service_error(join_form if taken is not None else lookup, error)
        else:
            messages.success(
                request,
                _("Your request to join %(firm)s is sent to its members. You will be told of their answer.")
                % {"firm": taken.name},
            )
            return redirect("frontend:vendor_dashboard")
    forms = VendorProfileForms(
        request.POST if request.method == "POST" and not action else None,
        initial={"neq": neq, "name": evidence.entry.legal_name if evidence and evidence.found else ""},
    )
    # Typing the NEQ asks the register at once (htmx); a submit shows what it found too, without a script.
    for form in (lookup, forms.profile):
        form.fields["neq"].widget.attrs.update(
            {
                "hx-get": reverse("frontend:vendor_register_check"),
                "hx-trigger": "input changed delay:500ms, change",
                "hx-target": "#register-evidence",
                "hx-sync": "this:replace",
            }
        )
    if request.method == "POST" and not action and forms.is_valid():
        try:
            vendor = vendor_create(user=request.user, data=forms.validated_data)
        except ValidationError as error:
            forms.add_validation_error(error)
        else:
            messages.success(
                request,
                _(
                    "Your firm is registered. A hub coordinator will verify it before it is proposed for challenges."
                ),
            )
            return redirect(_with_vendor(reverse("frontend:vendor_dashboard"), vendor))
    elif request.method == "POST" and not action:
        if evidence is not None and not evidence.may_register and "neq" not in forms.profile.errors:
            # The service refuses this NEQ too; say it now rather than after the other fields are corrected.
            forms.profile.add_error("neq", list(evidence.refusals))
    elif evidence is not None and taken is None and not evidence.may_register:
        lookup.add_error("neq", list(evidence.refusals))
    # The profile comes once the NEQ is known and free: it was posted, or the register allows it.
    profile_shown = (request.method == "POST" and not action) or (
        evidence is not None and taken is None and evidence.may_register and not lookup.errors
    )
    context = {
        "forms": forms,
        "registering": True,
        "evidence": evidence,
        "lookup": lookup,
        "profile_shown": profile_shown,
        "taken": taken,
        "join_form": join_form,
        "already_member": taken is not None and is_member_of(request.user, taken),
        "join_requests": _pending_join_requests(request),
    }
    return render(request, "frontend/vendor/profile_form.html", context)


def _pending_join_requests(request: HttpRequest) -> list:
    return [
        join_request
        for join_request in join_request_list_for_requester(user=request.user)
        if join_request.status == VendorJoinRequest.Status.PENDING
    ]


def _join_request_withdraw(request: HttpRequest) -> HttpResponse:
    join_request = join_request_get_for_requester(
        user=request.user, join_request_id=_posted_id(request, "join_request")
    )
    try:
        join_request_withdraw(join_request=join_request, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Your request to join %(firm)s is withdrawn.") % {"firm": join_request.vendor.name},
        )
    return redirect("frontend:vendor_register")


@vendor_member_required
def vendor_register_check(request: HttpRequest) -> HttpResponse:
    """What the enterprise register holds for the NEQ being typed (an htmx fragment of the registration page)."""
    evidence = _register_evidence(request.GET.get("neq", ""))
    taken = vendor_find_by_neq(neq=evidence.neq) if evidence is not None else None
    return render(
        request,
        "frontend/vendor/_register_evidence.html",
        {"evidence": evidence, "refusals_shown": True, "taken": taken},
    )


def _register_evidence(neq: str) -> RegisterEvidence | None:
    """The register's evidence for a NEQ as typed, or None while it is not yet 10 digits."""
    neq = neq.strip()
    return register_evidence(neq=neq) if NEQ_PATTERN.fullmatch(neq) else None


@vendor_member_required
@_about_the_firm
def vendor_profile_edit(request: HttpRequest, context: dict) -> HttpResponse:
    vendor = context["vendor"]
    forms = VendorProfileForms(request.POST if request.method == "POST" else None, vendor=vendor)
    if request.method == "POST" and forms.is_valid():
        was_verified = vendor.is_verified
        try:
            vendor = vendor_update(
                vendor=vendor,
                user=request.user,
                data={**forms.validated_data, "reason": behalf_reason(request)},
            )
        except ValidationError as error:
            forms.add_validation_error(error)
        else:
            if was_verified and not vendor.is_verified:
                messages.warning(
                    request,
                    _(
                        "Your firm's profile is saved. Its name or enterprise number changed, so a hub coordinator "
                        "will verify it again; until then the matcher does not propose it."
                    ),
                )
            else:
                messages.success(request, _("Your firm's profile is saved. The matcher uses it from now on."))
            return redirect(_with_vendor(reverse("frontend:vendor_dashboard"), vendor))
    return render(
        request, "frontend/vendor/profile_form.html", {**context, "forms": forms, "registering": False}
    )


# Opportunities


def _recommendations(hits: list[RankedHit], *, first_rank: int, passages_shown: bool) -> list[dict]:
    """What a card needs from each ranked challenge: the engine's fields, the reasons and gaps in the API's
    words, and the highlighted passages (escaped by the engine, matched words in <mark>), which only a
    card that shows them (`passages_shown`) points to."""
    labels = expertise_labels()
    return [
        {
            "rank": rank,
            "id": hit.id,
            "title": hit.source.get("title", ""),
            "organization_name": hit.source.get("organization_name", ""),
            "expertise": [labels.get(code, code) for code in hit.source.get("expertise", [])],
            "deadline": datetime.date.fromisoformat(hit.source["deadline"])
            if hit.source.get("deadline")
            else None,
            "budget_min": Decimal(str(hit.source.get("budget_min", 0))),
            "budget_max": Decimal(str(hit.source.get("budget_max", 0))),
            "reasons": explanation_reasons(
                hit.explanation, expertise_labels=labels, passages_shown=passages_shown
            ),
            "gaps": explanation_gaps(hit.explanation),
            # A gap on a mandatory requirement: listed all the same, marked as one the firm cannot answer.
            "ineligible": explanation_ineligible(hit.explanation),
            "highlights": [
                mark_safe(fragment)  # noqa: S308 The engine HTML-escapes the text and adds only <mark>.
                for name in ("title", "description")
                for fragment in hit.explanation.highlights.get(name, [])
            ],
        }
        for rank, hit in enumerate(hits, start=first_rank)
    ]


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "")
    return int(raw) if raw.isdigit() and int(raw) >= 1 else 1


@vendor_member_required
@_about_the_firm
def vendor_recommendations(request: HttpRequest, context: dict) -> HttpResponse:
    vendor = context["vendor"]
    number = min(_page_number(request), MAX_RESULT_WINDOW // RECOMMENDATIONS_PER_PAGE)
    try:
        total, hits = _ranking_page(vendor, number)
        page_obj = Paginator(range(min(total, MAX_RESULT_WINDOW)), RECOMMENDATIONS_PER_PAGE).get_page(number)
        if total and page_obj.number != number:  # Past the last page: show the last one.
            total, hits = _ranking_page(vendor, page_obj.number)
        context.update(
            total=total,
            page_obj=page_obj,
            recommendations=_recommendations(
                hits, first_rank=page_obj.start_index() or 1, passages_shown=True
            ),
        )
    except SearchUnavailable:
        context["search_unavailable"] = True
    return render(request, "frontend/vendor/recommendations.html", context)


def _ranking_page(vendor: Vendor, number: int) -> tuple[int, list[RankedHit]]:
    return challenge_ranking(
        vendor=vendor, offset=(number - 1) * RECOMMENDATIONS_PER_PAGE, size=RECOMMENDATIONS_PER_PAGE
    )


@vendor_member_required
@_about_the_firm
def saved_searches(request: HttpRequest, context: dict) -> HttpResponse:
    vendor = context["vendor"]
    action = request.POST.get("action")
    if action == "delete":
        saved_search = saved_search_get(
            user=request.user, saved_search_id=_posted_id(request, "saved_search")
        )
        saved_search_delete(saved_search=saved_search, user=request.user)
        messages.success(request, _("The saved search “%(name)s” is deleted.") % {"name": saved_search.name})
        return redirect("frontend:saved_searches")
    if action == "create":
        form = SavedSearchForm(request.POST)
        if form.is_valid():
            name, q, filters = form.search_parameters()
            try:
                saved_search = saved_search_create(
                    user=request.user, name=name, q=q, filters=filters, vendor=vendor
                )
            except SearchUnavailable as error:
                form.add_error(None, str(error.message))
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _("The search “%(name)s” is saved. You will be alerted when a new challenge matches it.")
                    % {"name": saved_search.name},
                )
                return redirect("frontend:saved_searches")
    else:
        # "Save this search" on the opportunity search page links here with its own query string.
        form = SavedSearchForm(initial=SavedSearchForm.initial_from_query(request.GET))
    context.update(
        form=form,
        can_save=is_member_of(request.user, vendor),
        saved_searches=[
            (saved_search, form.describe(saved_search.filters))
            for saved_search in saved_search_list(user=request.user)
        ],
        alerts=saved_search_alert_list(user=request.user)[:ALERTS_SHOWN],
    )
    return render(request, "frontend/vendor/saved_searches.html", context)


def _posted_id(request: HttpRequest, name: str) -> int:
    raw = request.POST.get(name, "")
    if not raw.isdigit():
        raise Http404
    return int(raw)


# Introductions


@vendor_member_required
@_about_the_firm
def vendor_introductions(request: HttpRequest, context: dict) -> HttpResponse:
    vendor = context["vendor"]
    introductions = introduction_list_for_vendor(user=request.user, vendor=vendor)
    context["page_obj"] = Paginator(introductions, INTRODUCTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "frontend/vendor/introductions.html", context)


@dataclass(frozen=True)
class Outcome:
    """How an action went: done, refused because the state changed (the API's 409), or not valid (the form
    says why)."""

    done: bool = False
    conflict: str = ""
    # Refused for its input where no form shows errors (a coordinator's missing reason): said like a conflict.
    invalid: str = ""

    @property
    def refusal(self) -> str:
        return self.conflict or self.invalid


def _perform(form: SerializerCheckedForm | None, action: Callable[[], object]) -> Outcome:
    if form is not None and not form.is_valid():
        return Outcome()
    try:
        action()
    except Conflict as error:
        return Outcome(conflict=" ".join(error.messages))
    except ValidationError as error:
        if form is None:
            return Outcome(invalid=" ".join(error.messages))
        add_service_error(form, error)
        return Outcome()
    return Outcome(done=True)


def _plain_post_answer(
    request: HttpRequest, outcome: Outcome, *, done: str, redirect_to: str
) -> HttpResponse | None:
    """A plain post that worked is answered by a redirect; one refused for the state is shown in the messages.
    htmx posts get the changed part of the page instead, with its own notice (see _notice)."""
    if request.htmx:
        return None
    if outcome.done:
        messages.success(request, done)
        return redirect(redirect_to)
    if outcome.refusal:
        messages.error(request, outcome.refusal)
    return None


def _notice(request: HttpRequest, outcome: Outcome, *, done: str) -> dict | None:
    """What an htmx answer says first, focused, as the part of the page it replaces has no messages area."""
    if not request.htmx:
        return None
    if outcome.refusal:
        return {"message": outcome.refusal, "level": "error"}
    return {"message": done, "level": "success"} if outcome.done else None


def _status(request: HttpRequest, outcome: Outcome) -> int:
    # htmx swaps only 2xx answers; a plain post refused for the state says 409, like the API (400 for its input).
    if request.htmx:
        return 200
    return 409 if outcome.conflict else 400 if outcome.invalid else 200


INTRODUCTION_FORMS = {"interest": InterestForm, "decline": DeclineForm, "ask": ClarificationForm}


def _introduction_act(
    action: str, *, introduction: Introduction, user: User, data: dict, reason: str
) -> object:
    if action == "interest":
        return introduction_express_interest(introduction=introduction, user=user, **data, reason=reason)
    if action == "decline":
        return introduction_decline(introduction=introduction, user=user, **data)
    return clarification_ask(challenge=introduction.challenge, user=user, **data)


def _introduction_done(action: str) -> str:
    return {
        "interest": _("Your interest is sent to the organization."),
        "decline": _("You declined this introduction. The organization is told."),
        "ask": _("Your question is sent. Its answer will be published here, for every introduced firm."),
    }[action]


@vendor_member_required
def vendor_introduction_detail(request: HttpRequest, introduction_id: int) -> HttpResponse:
    introduction = introduction_get(user=request.user, introduction_id=introduction_id)
    context = _firm_context(request, vendor=introduction.vendor)
    forms = {name: form_class() for name, form_class in INTRODUCTION_FORMS.items()}
    action = request.POST.get("action") if request.method == "POST" else None
    outcome, done = Outcome(), ""
    if action in INTRODUCTION_FORMS:
        form = forms[action] = INTRODUCTION_FORMS[action](request.POST)
        outcome = _perform(
            form,
            lambda: _introduction_act(
                action,
                introduction=introduction,
                user=request.user,
                data=form.validated_data,
                reason=behalf_reason(request),
            ),
        )
        done = _introduction_done(action)
        redirect_to = reverse(
            "frontend:vendor_introduction_detail", kwargs={"introduction_id": introduction.pk}
        )
        if answer := _plain_post_answer(request, outcome, done=done, redirect_to=redirect_to):
            return answer
        if outcome.done:
            forms[action] = INTRODUCTION_FORMS[action]()  # Blank again, for the next one.
        introduction = introduction_get(user=request.user, introduction_id=introduction_id)  # As it is now.
    moves = allowed_moves(introduction, request.user)
    context.update(
        interest_form=forms["interest"],
        decline_form=forms["decline"],
        question_form=forms["ask"],
        introduction=introduction,
        challenge=introduction.challenge,
        clarifications=clarification_list(user=request.user, challenge=introduction.challenge),
        # Which forms to offer; the services decide, and a stale page gets their 409.
        can_answer=Introduction.Status.INTERESTED in moves,
        can_decline=Introduction.Status.DECLINED in moves,
        can_ask="ask" in moves,
        notice=_notice(request, outcome, done=done),
    )
    template = "_introduction_workspace.html" if request.htmx and action else "introduction_detail.html"
    return render(request, f"frontend/vendor/{template}", context, status=_status(request, outcome))


# Raising a hand: « Manifester notre intérêt » on an open challenge


def challenge_interest_panel(
    request: HttpRequest, challenge: Challenge, *, form: ChallengeInterestForm | None = None
) -> dict | None:
    """What the challenge's page offers the firm the user acts for: its introduction or its request if there is
    one, why it may not ask (which requirement it misses), or the form. None for anyone but a firm's members
    (and the coordinators acting for a firm), and for a challenge that is not open."""
    if not is_vendor_member(request.user) or not challenge.is_open:
        return None
    vendor = _firm_context(request)["vendor"]
    if vendor is None:
        return None
    introduction = (
        introduction_list_for_vendor(user=request.user, vendor=vendor).filter(challenge=challenge).first()
    )
    request_made = proposal_request_get(user=request.user, challenge=challenge, vendor=vendor)
    panel = {
        "vendor": vendor,
        "acting_for": acting_for(request, vendor),
        "introduction": introduction,
        "request": request_made,
        "missing": [],
        "refusal": "",
        "form": None,
    }
    if introduction is not None or request_made is not None:
        return panel
    refusal = proposal_request_refusal(challenge=challenge, vendor=vendor)
    if refusal is not None:
        panel["missing"] = [item.message for item in challenge_requirements_missing(challenge, vendor)]
        if not panel["missing"]:
            panel["refusal"] = (
                " ".join(refusal.messages) if isinstance(refusal, ValidationError) else str(refusal)
            )
        return panel
    panel["form"] = form or ChallengeInterestForm(vendor_id=vendor.pk)
    return panel


@vendor_member_required
def vendor_challenge_interest(request: HttpRequest, challenge_id: int) -> HttpResponse:
    """The firm asks to be introduced (POST); the challenge's page shows the form and what came of it."""
    from frontend.views.public import challenge_page

    challenge = challenge_get(user=request.user, challenge_id=challenge_id)
    detail = reverse("frontend:challenge_detail", kwargs={"challenge_id": challenge.pk})
    if request.method != "POST":
        return redirect(detail)
    vendor = _firm_context(request)["vendor"]
    if vendor is None:
        return redirect(detail)
    form = ChallengeInterestForm(request.POST, vendor_id=vendor.pk)
    try:
        outcome = _perform(
            form,
            lambda: proposal_request(
                challenge=challenge,
                vendor=vendor,
                user=request.user,
                note=form.validated_data["note"],
                reason=behalf_reason(request),
            ),
        )
    except SearchUnavailable as error:
        # The matcher's explanation for a new request needs the engine; nothing was written.
        form.add_error(None, str(error.message))
        return challenge_page(request, challenge, interest_form=form, status=503)
    if outcome.done:
        messages.success(
            request,
            _(
                "Your request is sent. A hub coordinator will decide whether to introduce your firm; you will be told."
            ),
        )
        return redirect(detail)
    if outcome.refusal:
        messages.error(request, outcome.refusal)
        return redirect(detail)
    return challenge_page(request, challenge, interest_form=form, status=400)


# Engagements


@vendor_member_required
def vendor_engagement(request: HttpRequest, engagement_id: int) -> HttpResponse:
    engagement = engagement_get(user=request.user, engagement_id=engagement_id)
    context = _firm_context(request, vendor=engagement.vendor)
    outcome, done = Outcome(), ""
    if request.method == "POST" and request.POST.get("action") == "deliver":
        milestone = milestone_get(user=request.user, milestone_id=_posted_id(request, "milestone"))
        if milestone.engagement_id != engagement.pk:
            raise Http404
        outcome = _perform(
            None,
            lambda: milestone_deliver(milestone=milestone, user=request.user, reason=behalf_reason(request)),
        )
        done = _(
            "“%(title)s” is marked as delivered. The organization is told, and pays once it accepts it."
        ) % {"title": milestone.title}
        redirect_to = reverse("frontend:vendor_engagement", kwargs={"engagement_id": engagement.pk})
        if answer := _plain_post_answer(request, outcome, done=done, redirect_to=redirect_to):
            return answer
    context.update(
        engagement=engagement,
        challenge=engagement.challenge,
        terms=engagement_terms(engagement=engagement),
        amendments=engagement_amendment_list(engagement=engagement),
        milestones=[
            {
                "milestone": milestone,
                "can_deliver": Milestone.Status.DELIVERED in allowed_moves(milestone, request.user),
            }
            for milestone in milestone_list(engagement=engagement)
        ],
        notice=_notice(request, outcome, done=done),
    )
    template = "_milestones.html" if request.htmx and request.method == "POST" else "engagement.html"
    return render(request, f"frontend/vendor/{template}", context, status=_status(request, outcome))


# The firm's proposal for a challenge (sealed until the deadline)

TEAM_ROWS_SHOWN = 3  # Empty rows offered beyond those filled: no script needed to add one.
SCHEDULE_ROWS_SHOWN = 3


def _posted_rows(request: HttpRequest, prefix: str, fields: tuple[str, ...]) -> list[dict]:
    """The rows of a repeated group of the proposal form (team_role_0, team_name_0…), leaving out empty rows."""
    rows = []
    index = 0
    while any(f"{prefix}_{field}_{index}" in request.POST for field in fields):
        row = {field: request.POST.get(f"{prefix}_{field}_{index}", "").strip() for field in fields}
        if any(row.values()):
            rows.append(row)
        index += 1
    return rows


def _posted_proposal(request: HttpRequest, criteria: list) -> dict:
    schedule = _posted_rows(request, "schedule", ("title", "week", "amount"))
    for row in schedule:
        row["week"] = int(row["week"]) if row["week"].isdigit() else row["week"]
    return {
        "approach": request.POST.get("approach", ""),
        "team": _posted_rows(request, "team", ("role", "name")),
        "schedule": schedule,
        "price": request.POST.get("price", "").strip() or None,
        "answers": {
            str(criterion.pk): request.POST.get(f"answer_{criterion.pk}", "") for criterion in criteria
        },
    }


def _proposal_done(action: str) -> str:
    return {
        "save": _(
            "Your proposal is saved. It stays sealed: the organization sees nothing before the deadline."
        ),
        "submit": _(
            "Your proposal is submitted. You may still change it or withdraw it until the deadline; the "
            "organization opens it only then."
        ),
        "withdraw": _("Your proposal is withdrawn. You may submit it again until the deadline."),
        "attach": _("The document is added to your proposal."),
        "detach": _("The document is removed from your proposal."),
    }[action]


def _proposal_act(action: str, *, request: HttpRequest, introduction: Introduction, submission, data: dict):
    reason = behalf_reason(request)
    if action in ("save", "submit"):
        submission = submission_save(introduction=introduction, user=request.user, data=data, reason=reason)
        if action == "submit" and submission.status != Submission.Status.SUBMITTED:
            submission_submit(submission=submission, user=request.user, reason=reason)
        return
    if submission is None:
        raise Http404
    if action == "withdraw":
        submission_withdraw(submission=submission, user=request.user, reason=reason)
    elif action == "attach":
        submission_attachment_add(
            submission=submission, user=request.user, file=request.FILES.get("file"), reason=reason
        )
    elif action == "detach":
        attachment = submission.attachments.filter(pk=_posted_id(request, "attachment")).first()
        if attachment is None:
            raise Http404
        submission_attachment_remove(attachment=attachment, user=request.user, reason=reason)


@vendor_member_required
def vendor_submission(request: HttpRequest, introduction_id: int) -> HttpResponse:
    """The firm's proposal: draft, submit, change, withdraw, attach PDFs, until the deadline; read-only after."""
    introduction = introduction_get(user=request.user, introduction_id=introduction_id)
    context = _firm_context(request, vendor=introduction.vendor)
    challenge = introduction.challenge
    criteria = list(challenge.criteria.all())
    submission = submission_for_introduction(user=request.user, introduction=introduction)
    action = request.POST.get("action") if request.method == "POST" else None
    errors: list[str] = []
    posted = None
    conflict = False
    if action in ("save", "submit", "withdraw", "attach", "detach"):
        posted = _posted_proposal(request, criteria) if action in ("save", "submit") else None
        try:
            _proposal_act(
                action, request=request, introduction=introduction, submission=submission, data=posted
            )
        except Conflict as error:
            conflict = True
            messages.error(request, " ".join(error.messages))
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, _proposal_done(action))
            return redirect(
                reverse("frontend:vendor_submission", kwargs={"introduction_id": introduction.pk})
            )
        submission = submission_for_introduction(user=request.user, introduction=introduction)
    moves = allowed_moves(submission, request.user) if submission is not None else set()
    accepting = submission_accepting(challenge) and introduction.status in INTRODUCTIONS_IN_THE_RUNNING
    editable = accepting and (submission is None or "save" in moves)
    values = posted or {
        "approach": submission.approach if submission else "",
        "team": submission.team if submission else [],
        "schedule": submission.schedule if submission else [],
        "price": submission.price if submission else None,
        "answers": {str(answer.criterion_id): answer.text for answer in submission.answers.all()}
        if submission
        else {},
    }
    price = _price_or_none(values["price"])
    gst, qst = taxes(price) if price is not None else (None, None)
    closes_at = deadline_closes_at(challenge)
    context.update(
        introduction=introduction,
        challenge=challenge,
        submission=submission,
        editable=editable,
        can_submit=editable and (submission is None or Submission.Status.SUBMITTED in moves),
        can_withdraw=Submission.Status.WITHDRAWN in moves,
        errors=errors,
        values=values,
        team_rows=list(values["team"]) + [{}] * TEAM_ROWS_SHOWN,
        schedule_rows=list(values["schedule"]) + [{}] * SCHEDULE_ROWS_SHOWN,
        criteria=[(criterion, values["answers"].get(str(criterion.pk), "")) for criterion in criteria],
        price=price,
        gst=gst,
        qst=qst,
        total=price + gst + qst if price is not None else None,
        closes_at=closes_at,
        days_left=(challenge.deadline - timezone.localdate()).days,
        attachment_max=settings.SUBMISSION_ATTACHMENT_MAX_BYTES,
        missing=submission_missing(submission) if submission is not None and editable else [],
    )
    status = 409 if conflict else 400 if errors else 200
    return render(request, "frontend/vendor/submission.html", context, status=status)


def _price_or_none(value: object) -> Decimal | None:
    try:
        price = Decimal(str(value))
    except (ArithmeticError, ValueError):
        return None
    return price.quantize(Decimal("0.01")) if price.is_finite() and price > 0 else None


@vendor_member_required
def vendor_submission_attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    """A PDF of the firm's proposal, streamed through the storage API after the same check as the API's."""
    attachment = submission_attachment_get(user=request.user, attachment_id=attachment_id)
    return attachment_file_response(attachment)
