"""The coordinators' pages: the morning queue of proposals, publication requests, the verification of firms,
and the dashboard.

Only hub coordinators (and administrators) open them. Every decision goes through the same services as
the API (matching.services for proposals, marketplace.services.challenge_transition for publication);
with htmx a decided proposal is swapped out of the queue in place, without it a form posts and redirects."""

from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.html import escape
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from frontend.forms import add_service_error
from frontend.forms.coordinator import (
    ChallengeReturnForm,
    ProposalBulkApproveForm,
    ProposalQueueFilterForm,
    ProposalRejectForm,
    VendorVerificationForm,
)
from frontend.views import page_for
from hub.models import AuditEntry, User
from hub.roles import is_coordinator
from marketplace.models import SME_MAX_EMPLOYEES, Challenge, Vendor, VendorVerification
from marketplace.selectors import (
    VerificationEvidence,
    challenge_get,
    challenge_list_submitted,
    expertise_labels,
    vendor_get,
    vendor_identity_changes,
    vendor_list_to_verify,
    vendor_unverified_entry,
    vendor_verification_evidence,
    vendor_verification_last,
)
from marketplace.services import challenge_transition
from marketplace.services import vendor_verification_decide as vendor_verification_decide_service
from matching import services
from matching.models import MatchProposal
from matching.moves import allowed_moves, deadline_passed
from matching.search.explain import (
    explanation_from_data,
    explanation_gaps,
    explanation_not_proposed,
    explanation_reasons,
    match_strength,
)
from matching.selectors import (
    dashboard_challenges_by_region,
    dashboard_first_introduction_delays,
    dashboard_proposals_by_expertise,
    dashboard_proposals_by_week,
    payout_list_failed,
    proposal_get,
    proposal_list_for_queue,
    vendor_exposure_summary,
)

PROPOSALS_PER_PAGE = 40
VERIFICATIONS_PER_PAGE = 20
BULK_AUTO_ID = "bulk-approve-%s"
DASHBOARD_WEEKS = 8
EXPOSURE_DAYS = 30
EXPOSURE_TOP_VENDORS = 10


coordinator_required = page_for(is_coordinator, gettext_lazy("Only hub coordinators can open this page."))


def _queue_url(request: HttpRequest) -> str:
    """Where to go back after a decision: the queue as it was filtered (posted as `next`), or the plain queue."""
    next_url = request.POST.get("next", "")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return reverse("frontend:coordinator_queue")


# The queue


@dataclass
class HighlightedField:
    label: str
    fragments: list[SafeString]


@dataclass
class QueueItem:
    proposal: MatchProposal
    reasons: list[str]
    gaps: list[str]
    strength: str  # Empty for a coordinator's own proposal: the matcher did not score it.
    highlights: list[HighlightedField]
    reject_form: ProposalRejectForm
    moves: set[str]
    error: str = ""
    not_proposed: str = ""  # For a firm that asked: why the matcher did not propose it, if it did not.


@dataclass
class QueueGroup:
    challenge: Challenge
    items: list[QueueItem] = field(default_factory=list)


HIGHLIGHT_LABELS = {
    "name": gettext_lazy("Firm name"),
    "description": gettext_lazy("Description"),
    "references": gettext_lazy("References"),
}


def _highlight_html(fragment: str) -> SafeString:
    # The engine wrote these fragments with its "html" encoder: the text is escaped and only its own
    # <mark> tags are markup, so they are marked safe on purpose. Anything else is shown as text.
    if "<" in fragment.replace("<mark>", "").replace("</mark>", ""):
        return escape(fragment)
    return mark_safe(fragment)  # noqa: S308 (checked above: only the engine's <mark> tags are markup)


def _queue_item(
    proposal: MatchProposal,
    *,
    user: User,
    expertise_labels: dict[str, str],
    reject_form: ProposalRejectForm | None = None,
    error: str = "",
) -> QueueItem:
    # Frozen when the matcher proposed the vendor; none for a coordinator's own proposal.
    explanation = explanation_from_data(proposal.explanation, score=proposal.score)
    highlights = [
        HighlightedField(
            label=str(HIGHLIGHT_LABELS.get(name, name)),
            fragments=[_highlight_html(fragment) for fragment in fragments],
        )
        for name, fragments in (explanation.highlights.items() if explanation else [])
        if fragments
    ]
    return QueueItem(
        proposal=proposal,
        reasons=explanation_reasons(explanation, expertise_labels=expertise_labels) if explanation else [],
        gaps=explanation_gaps(explanation) if explanation else [],
        strength=match_strength(explanation) if explanation else "",
        highlights=highlights,
        reject_form=reject_form or ProposalRejectForm(auto_id=_reject_auto_id(proposal)),
        moves=allowed_moves(proposal, user),
        error=error,
        not_proposed=(
            explanation_not_proposed(explanation, top=settings.PROPOSALS_PER_CHALLENGE) if explanation else ""
        ),
    )


def _reject_auto_id(proposal: MatchProposal) -> str:
    return f"id_reject_{proposal.pk}_%s"


def _queue_proposals(request: HttpRequest, filter_form: ProposalQueueFilterForm) -> QuerySet[MatchProposal]:
    if not filter_form.is_valid():
        # Unknown filter values (an old bookmark): show the whole pending queue, and the page says why.
        return proposal_list_for_queue(
            user=request.user, status=MatchProposal.Status.PENDING, ordering="created_at"
        )
    return proposal_list_for_queue(user=request.user, **filter_form.selector_filters())


def _queue_context(
    request: HttpRequest,
    query: QueryDict,
    *,
    rejected: tuple[int, ProposalRejectForm] | None = None,
    bulk_form: ProposalBulkApproveForm | None = None,
) -> dict:
    filter_form = ProposalQueueFilterForm(query)
    proposals = _queue_proposals(request, filter_form)
    page = Paginator(proposals, PROPOSALS_PER_PAGE).get_page(query.get("page"))
    labels = expertise_labels()
    groups: dict[int, QueueGroup] = {}
    for proposal in page.object_list:
        group = groups.setdefault(proposal.challenge_id, QueueGroup(challenge=proposal.challenge))
        reject_form = rejected[1] if rejected and rejected[0] == proposal.pk else None
        group.items.append(
            _queue_item(proposal, user=request.user, expertise_labels=labels, reject_form=reject_form)
        )
    for group in groups.values():
        group.items.sort(
            key=lambda item: (item.proposal.rank is None, item.proposal.rank or 0, item.proposal.pk)
        )
    error_form = (
        rejected[1] if rejected else bulk_form if bulk_form is not None and bulk_form.errors else None
    )
    return {
        "filter_form": filter_form,
        "groups": list(groups.values()),
        "page_obj": page,
        "error_form": error_form,
        "next_url": _path_with_query(reverse("frontend:coordinator_queue"), query),
        "bulk_form": bulk_form,
        # Re-shown after a refused form, the page's address is the form's: its page links would not work.
        "show_pagination": rejected is None and bulk_form is None,
        "bulk_field_id": BULK_AUTO_ID % "proposals",
        "verifications_waiting": vendor_list_to_verify(user=request.user).count(),
    }


def _path_with_query(path: str, query: QueryDict) -> str:
    return f"{path}?{query.urlencode()}" if query else path


@coordinator_required
@require_GET
def queue(request: HttpRequest) -> HttpResponse:
    return render(request, "frontend/coordinator/queue.html", _queue_context(request, request.GET))


def _query_of(next_url: str) -> QueryDict:
    return QueryDict(urlsplit(next_url).query)


def _decided(
    request: HttpRequest, proposal: MatchProposal, message: str, *, level: int = messages.SUCCESS
) -> HttpResponse:
    """The proposal is out of the queue: htmx gets the line that replaces it, a plain form a redirect."""
    if request.htmx:
        # The count of proposals at the top of the queue follows, with the filters the queue has.
        remaining = _queue_proposals(request, ProposalQueueFilterForm(_query_of(_queue_url(request)))).count()
        return render(
            request,
            "frontend/coordinator/_decided.html",
            {
                "proposal": proposal,
                "message": message,
                "is_error": level >= messages.WARNING,
                "remaining": remaining,
            },
        )
    messages.add_message(request, level, message)
    return redirect(_queue_url(request))


def _refused(request: HttpRequest, proposal_id: int, error: ValidationError) -> HttpResponse:
    """The service refused (most often, another coordinator decided first): say so, and show the proposal as it is."""
    message = " ".join(error.messages)
    proposal = proposal_get(user=request.user, proposal_id=proposal_id)
    if allowed_moves(proposal, request.user) and request.htmx:  # Still to decide: shown again, as it is now.
        item = _queue_item(proposal, user=request.user, expertise_labels=expertise_labels(), error=message)
        context = {"item": item, "next_url": _queue_url(request), "announce": message}
        return render(request, "frontend/coordinator/_proposal.html", context)
    return _decided(request, proposal, message, level=messages.ERROR)


@coordinator_required
@require_POST
def proposal_approve(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = proposal_get(user=request.user, proposal_id=proposal_id)
    try:
        proposal = services.proposal_approve(proposal=proposal, user=request.user)
    except ValidationError as error:  # Conflict included.
        return _refused(request, proposal_id, error)
    message = _("Approved: %(vendor)s is introduced to %(organization)s for “%(title)s”.") % {
        "vendor": proposal.vendor.name,
        "organization": proposal.challenge.organization.name,
        "title": proposal.challenge.title,
    }
    return _decided(request, proposal, message)


@coordinator_required
@require_POST
def proposal_hold(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = proposal_get(user=request.user, proposal_id=proposal_id)
    try:
        proposal = services.proposal_hold(proposal=proposal, user=request.user)
    except ValidationError as error:
        return _refused(request, proposal_id, error)
    message = _("On hold: %(vendor)s for “%(title)s”. You will find it under the “On hold” status.") % {
        "vendor": proposal.vendor.name,
        "title": proposal.challenge.title,
    }
    return _decided(request, proposal, message)


@coordinator_required
@require_POST
def proposal_reject(request: HttpRequest, proposal_id: int) -> HttpResponse:
    proposal = proposal_get(user=request.user, proposal_id=proposal_id)
    form = ProposalRejectForm(request.POST, auto_id=_reject_auto_id(proposal))
    if form.is_valid():
        try:
            proposal = services.proposal_reject(proposal=proposal, user=request.user, **form.validated_data)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                return _refused(request, proposal_id, error)
            add_service_error(form, error)
        else:
            message = _("Rejected: %(vendor)s for “%(title)s”.") % {
                "vendor": proposal.vendor.name,
                "title": proposal.challenge.title,
            }
            return _decided(request, proposal, message)
    # Keep what was typed, with the error next to the field.
    if request.htmx:
        item = _queue_item(proposal, user=request.user, expertise_labels=expertise_labels(), reject_form=form)
        return render(
            request, "frontend/coordinator/_proposal.html", {"item": item, "next_url": _queue_url(request)}
        )
    next_url = _queue_url(request)
    context = _queue_context(request, _query_of(next_url), rejected=(proposal.pk, form))
    return render(request, "frontend/coordinator/queue.html", context)


@coordinator_required
@require_POST
def proposals_bulk_approve(request: HttpRequest) -> HttpResponse:
    form = ProposalBulkApproveForm(request.POST, user=request.user, auto_id=BULK_AUTO_ID)
    if not form.is_valid():
        context = _queue_context(request, _query_of(_queue_url(request)), bulk_form=form)
        return render(request, "frontend/coordinator/queue.html", context)
    proposals = list(form.cleaned_data["proposals"])
    approved, refused = services.proposals_bulk_approve(proposals=proposals, user=request.user)
    if approved:
        messages.success(
            request,
            ngettext(
                "%(count)s proposal approved; the vendor and the organization are introduced.",
                "%(count)s proposals approved; each vendor and organization are introduced.",
                len(approved),
            )
            % {"count": len(approved)},
        )
    for proposal in proposals:
        if proposal.pk in refused:
            messages.error(
                request,
                _("Not approved: %(vendor)s for “%(title)s”. %(reason)s")
                % {
                    "vendor": proposal.vendor.name,
                    "title": proposal.challenge.title,
                    "reason": refused[proposal.pk],
                },
            )
    return redirect(_queue_url(request))


# Publication requests


@dataclass
class PublicationRequest:
    challenge: Challenge
    return_form: ChallengeReturnForm
    # Publishing is refused then (marketplace.services.challenge_transition): the page says so first.
    deadline_past: bool = False


def _return_auto_id(challenge: Challenge) -> str:
    return f"id_return_{challenge.pk}_%s"


def _publication_page(
    request: HttpRequest, *, invalid: ChallengeReturnForm | None = None, invalid_id: int | None = None
) -> HttpResponse:
    requests = [
        PublicationRequest(
            challenge=challenge,
            return_form=(
                invalid
                if invalid_id == challenge.pk
                else ChallengeReturnForm(auto_id=_return_auto_id(challenge))
            ),
            deadline_past=deadline_passed(challenge),
        )
        for challenge in challenge_list_submitted(user=request.user)
    ]
    return render(
        request,
        "frontend/coordinator/publication_requests.html",
        {"requests": requests, "error_form": invalid},
    )


@coordinator_required
@require_GET
def publication_requests(request: HttpRequest) -> HttpResponse:
    return _publication_page(request)


@coordinator_required
@require_POST
def challenge_publish(request: HttpRequest, challenge_id: int) -> HttpResponse:
    challenge = challenge_get(user=request.user, challenge_id=challenge_id)
    try:
        challenge_transition(challenge=challenge, user=request.user, to_status=Challenge.Status.PUBLISHED)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Published: “%(title)s”. The matcher is proposing vendors; they will appear in the queue.")
            % {"title": challenge.title},
        )
    return redirect("frontend:coordinator_publication_requests")


@coordinator_required
@require_POST
def challenge_return(request: HttpRequest, challenge_id: int) -> HttpResponse:
    challenge = challenge_get(user=request.user, challenge_id=challenge_id)
    form = ChallengeReturnForm(request.POST, auto_id=_return_auto_id(challenge))
    if not form.is_valid():
        return _publication_page(request, invalid=form, invalid_id=challenge.pk)
    try:
        challenge_transition(
            challenge=challenge, user=request.user, to_status=Challenge.Status.DRAFT, **form.validated_data
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Returned to draft: “%(title)s”. Its organization can change it and submit it again.")
            % {"title": challenge.title},
        )
    return redirect("frontend:coordinator_publication_requests")


# The verification of firms


IDENTITY_LABELS = {"name": gettext_lazy("Name"), "neq": gettext_lazy("Enterprise number (NEQ)")}


@dataclass
class VerificationCase:
    """A firm to verify as the page shows it: the register's evidence beside what it declared, and its history."""

    vendor: Vendor
    evidence: VerificationEvidence
    form: VendorVerificationForm
    last: VendorVerification | None  # The latest decision, if any (a refusal the firm has since answered).
    changes: list[tuple[str, str, str]]  # Name or NEQ changed since it was verified: (what, then, now).
    unverified: AuditEntry | None  # Its return to the queue, when no decision of ours says what changed.


def _verification_auto_id(vendor: Vendor) -> str:
    return f"id_verify_{vendor.pk}_%s"


def _verification_case(vendor: Vendor, *, form: VendorVerificationForm | None = None) -> VerificationCase:
    last = vendor_verification_last(vendor=vendor)
    changes = [
        (str(IDENTITY_LABELS[name]), before, after)
        for name, before, after in vendor_identity_changes(vendor=vendor)
    ]
    unverified = None
    if not changes:
        entry = vendor_unverified_entry(vendor=vendor)
        if entry is not None and (last is None or entry.created_at > last.decided_at):
            unverified = entry
    return VerificationCase(
        vendor=vendor,
        evidence=vendor_verification_evidence(vendor=vendor),
        form=form
        or VendorVerificationForm(
            initial={"seen_at": vendor.updated_at}, auto_id=_verification_auto_id(vendor)
        ),
        last=last,
        changes=changes,
        unverified=unverified,
    )


def _verifications_page(
    request: HttpRequest, *, invalid: VendorVerificationForm | None = None, invalid_id: int | None = None
) -> HttpResponse:
    page = Paginator(vendor_list_to_verify(user=request.user), VERIFICATIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    cases = [
        _verification_case(vendor, form=invalid if vendor.pk == invalid_id else None)
        for vendor in page.object_list
    ]
    return render(
        request,
        "frontend/coordinator/verifications.html",
        {"cases": cases, "page_obj": page, "error_form": invalid, "sme_ceiling": SME_MAX_EMPLOYEES},
    )


@coordinator_required
@require_GET
def verifications(request: HttpRequest) -> HttpResponse:
    return _verifications_page(request)


@coordinator_required
@require_POST
def vendor_verification_decide(request: HttpRequest, vendor_id: int) -> HttpResponse:
    vendor = vendor_get(user=request.user, vendor_id=vendor_id)
    form = VendorVerificationForm(request.POST, auto_id=_verification_auto_id(vendor))
    if not form.is_valid():
        return _verifications_page(request, invalid=form, invalid_id=vendor.pk)
    try:
        verification = vendor_verification_decide_service(
            vendor=vendor, user=request.user, seen_at=form.cleaned_data.get("seen_at"), **form.validated_data
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):  # A refusal without its reason: said beside the field.
            add_service_error(form, error)
            return _verifications_page(request, invalid=form, invalid_id=vendor.pk)
        messages.error(
            request, " ".join(error.messages)
        )  # Decided meanwhile, or changed since: nothing done.
    else:
        if verification.decision == VendorVerification.Decision.VERIFIED:
            message = _("Verified: %(name)s. The matcher can now propose it, and its members are told.")
        else:
            message = _(
                "Refused: %(name)s. Its members are told why; it returns here once its profile changes."
            )
        messages.success(request, message % {"name": vendor.name})
    return redirect("frontend:coordinator_verifications")


# The dashboard


@dataclass
class Bar:
    label: str
    value: float
    value_text: str
    # Where it is drawn, set by bar_chart: x and width in percent of the chart's width (so the text keeps
    # its size on a phone), y and height in pixels; written with a dot whatever the language.
    x: str = "0"
    y: str = "0"
    width: str = "0"
    height: str = "0"
    label_x: str = "0"
    label_y: str = "0"
    value_x: str = "0"
    value_y: str = "0"
    label_lines: list[str] = field(default_factory=list)  # Under a vertical bar: "5 oct." as "5" over "oct.".


@dataclass
class BarChart:
    id: str
    title: str
    description: str
    bars: list[Bar]
    horizontal: bool
    height: int
    baseline_y: str = "0"
    caption: str = ""  # A short visible heading, for charts shown side by side.


# Horizontal charts: one row per bar, its label above it. Vertical charts: bars over a baseline, labels under it.
ROW_HEIGHT = 46
BAR_THICKNESS = 18
HORIZONTAL_MAX_WIDTH = 80.0  # Percent; leaves room for the value after the longest bar.
PLOT_TOP = 22
PLOT_HEIGHT = 140
LABEL_AREA = 40
LABEL_CHARACTERS = 42


def _coordinate(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def bar_chart(
    *, chart_id: str, title: str, bars: list[Bar], horizontal: bool = True, caption: str = ""
) -> BarChart:
    """Lay out a plain bar chart for frontend/coordinator/_bar_chart.html: SVG with every value written on its bar."""
    largest = max((bar.value for bar in bars), default=0) or 1
    for index, bar in enumerate(bars):
        bar.label = Truncator(bar.label).chars(LABEL_CHARACTERS)
        if horizontal:
            top = index * ROW_HEIGHT + 22
            width = max(bar.value / largest * HORIZONTAL_MAX_WIDTH, 0.4 if bar.value else 0.0)
            bar.x, bar.y, bar.width, bar.height = (
                "0",
                _coordinate(top),
                _coordinate(width),
                _coordinate(BAR_THICKNESS),
            )
            bar.label_x, bar.label_y = "0", _coordinate(top - 6)
            bar.value_x, bar.value_y = _coordinate(width + 1.5), _coordinate(top + BAR_THICKNESS - 4)
        else:
            slot = 100 / len(bars)
            height = bar.value / largest * PLOT_HEIGHT
            top = PLOT_TOP + PLOT_HEIGHT - height
            bar.x, bar.y = _coordinate(index * slot + slot * 0.2), _coordinate(top)
            bar.width, bar.height = _coordinate(slot * 0.6), _coordinate(height)
            bar.label_x = bar.value_x = _coordinate(index * slot + slot / 2)
            bar.label_y = _coordinate(PLOT_TOP + PLOT_HEIGHT + 18)
            bar.label_lines = bar.label.split(" ", 1)
            bar.value_y = _coordinate(top - 6)
    top_bar = max(bars, key=lambda bar: bar.value, default=None)
    summary = (
        _("Highest: %(label)s, %(value)s.") % {"label": top_bar.label, "value": top_bar.value_text}
        if top_bar and top_bar.value
        else ""
    )
    return BarChart(
        id=chart_id,
        title=title,
        description=" ".join(
            filter(None, [summary, _("The same numbers are in the table under the chart.")])
        ),
        bars=bars,
        horizontal=horizontal,
        height=len(bars) * ROW_HEIGHT if horizontal else PLOT_TOP + PLOT_HEIGHT + LABEL_AREA,
        baseline_y=_coordinate(PLOT_TOP + PLOT_HEIGHT),
        caption=caption,
    )


def _number(value: float, decimals: int = 0) -> str:
    return number_format(value, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def _percent(share: float) -> str:
    number = _number(share * 100)
    # French puts a no-break space before the percent sign.
    return f"{number}\u00a0%" if (get_language() or "fr").startswith("fr") else f"{number}%"


def _days(delay: timedelta) -> float:
    return round(delay.total_seconds() / 86400, 1)


def _days_text(days: float, *, unit: bool = False) -> str:
    """A delay as people read it: under a day is "less than a day", never « 0,0 »."""
    if days < 1:
        return _("Less than a day")
    return _("%(days)s days") % {"days": _number(days, 1)} if unit else _number(days, 1)


@coordinator_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    weeks = dashboard_proposals_by_week(weeks=DASHBOARD_WEEKS)
    week_charts = [
        bar_chart(
            chart_id=f"chart-week-{status}",
            title=_("%(status)s proposals, by week proposed") % {"status": label},
            bars=[
                Bar(
                    label=date_format(week.week, "j N"),
                    value=week.counts[status],
                    value_text=_number(week.counts[status]),
                )
                for week in weeks
            ],
            horizontal=False,
            caption=label,
        )
        for status, label in MatchProposal.Status.choices
    ]

    delays = dashboard_first_introduction_delays()
    delay_chart = bar_chart(
        chart_id="chart-first-introduction",
        title=_("Days from publication to the first introduction, latest challenges"),
        bars=[
            Bar(
                label=challenge.title,
                value=_days(challenge.delay),
                value_text=_days_text(_days(challenge.delay)),
            )
            for challenge in delays.latest
        ],
    )
    delay_rows = [(challenge, _days_text(_days(challenge.delay))) for challenge in delays.latest]

    by_region = dashboard_challenges_by_region()
    region_rows = [(region.label, region.challenge_count) for region in by_region.regions]
    if by_region.anywhere:
        region_rows.append((_("Anywhere in Quebec"), by_region.anywhere))
    region_chart = bar_chart(
        chart_id="chart-regions",
        title=_("Published challenges by region"),
        bars=[Bar(label=label, value=count, value_text=_number(count)) for label, count in region_rows],
    )

    by_expertise = list(dashboard_proposals_by_expertise())
    expertise_chart = bar_chart(
        chart_id="chart-expertise",
        title=_("Proposals by expertise of the challenge"),
        bars=[
            Bar(label=item.label, value=item.proposal_count, value_text=_number(item.proposal_count))
            for item in by_expertise
        ],
    )

    exposure = vendor_exposure_summary(days=EXPOSURE_DAYS, top=EXPOSURE_TOP_VENDORS)
    exposure_chart = bar_chart(
        chart_id="chart-exposure",
        title=_("Most shown vendors, last %(days)s days") % {"days": EXPOSURE_DAYS},
        bars=[
            Bar(label=row["name"], value=row["shown"], value_text=_number(row["shown"]))
            for row in exposure.top
        ],
    )

    week_rows = [
        (week.week, [week.counts[status] for status in MatchProposal.Status.values], week.total)
        for week in weeks
    ]

    return render(
        request,
        "frontend/coordinator/dashboard.html",
        {
            "failed_payouts": payout_list_failed(),
            "week_rows": week_rows,
            "week_charts": week_charts,
            "statuses": MatchProposal.Status.choices,
            "delays": delays,
            "median_days": (
                _days_text(delays.median_days, unit=True) if delays.median_days is not None else None
            ),
            "delay_chart": delay_chart,
            "delay_rows": delay_rows,
            "region_chart": region_chart,
            "region_rows": region_rows,
            "expertise_chart": expertise_chart,
            "by_expertise": by_expertise,
            "exposure": exposure,
            "exposure_chart": exposure_chart,
            "exposure_days": EXPOSURE_DAYS,
            "gini": _number(exposure.gini, 2),
            "top_decile_share": _percent(exposure.top_decile_share),
        },
    )
