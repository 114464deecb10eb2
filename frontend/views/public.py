"""Public pages: home, the opportunity search, challenge detail, and the vendor directory for the public sector."""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial

from django.core.paginator import Page, Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from frontend.forms.ministry import AWARD_MODE_EXPLANATIONS
from frontend.forms.public import ChallengeSearchForm, SearchForm, VendorSearchForm
from frontend.views.vendor import acting_firm, challenge_interest_panel
from hub.exceptions import SearchUnavailable
from hub.roles import AnyUser, is_coordinator, is_organization_member, is_vendor_member
from marketplace.award_rules import QUALITY_MODES
from marketplace.models import AwardMode, Challenge
from marketplace.selectors import (
    challenge_get,
    challenge_ids_ineligible,
    challenge_list_latest_published,
    marketplace_figures,
    vendor_get,
)
from marketplace.visibility import ProfileVisibility, vendor_profile_sections
from matching.search import people
from matching.search.documents import MAX_RESULT_WINDOW
from matching.search.people import SearchResults
from matching.selectors import matching_figures
from matching.services import vendor_search_exposure_record

HOME_CHALLENGE_COUNT = 6

CHALLENGE_FACET_LEGENDS = {
    "expertise": _("Expertise"),
    "region": _("Region"),
    "organization_kind": _("Type of organization"),
    "language": _("Language of the posting"),
    "budget": _("Budget"),
    "deadline": _("Deadline"),
}
VENDOR_FACET_LEGENDS = {
    "expertise": _("Expertise"),
    "region": _("Regions served"),
    "language": _("Delivery languages"),
    "size": _("Size"),
    "certification": _("Certifications"),
}
# How a challenge's status reads as a badge: the words say it, the colour only repeats it.
STATUS_BADGES = {
    Challenge.Status.DRAFT: "",
    Challenge.Status.SUBMITTED: "info",
    Challenge.Status.PUBLISHED: "success",
    Challenge.Status.CLOSED: "warning",
    Challenge.Status.AWARDED: "info",
    Challenge.Status.CANCELLED: "danger",
}


@dataclass(frozen=True)
class NextStep:
    """The page a signed-in person most likely came for, offered first on the home page."""

    label: str
    url: str


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "frontend/public/home.html",
        {
            "challenges": challenge_list_latest_published(limit=HOME_CHALLENGE_COUNT),
            "market": marketplace_figures(),
            "pairings": matching_figures(),
            "next_step": _next_step(user),
            # Anonymous visitors see both audiences' actions (they sign in on the way); a signed-in person only
            # the actions their role may take, so that no button leads to a refusal.
            "offers_firm_registration": not user.is_authenticated or is_vendor_member(user),
            "offers_challenge_posting": not user.is_authenticated or is_organization_member(user),
        },
    )


def _next_step(user: AnyUser) -> NextStep | None:
    if is_coordinator(user):
        return NextStep(label=_("Open the proposal queue"), url=reverse("frontend:coordinator_queue"))
    if is_organization_member(user):
        return NextStep(label=_("Go to my challenges"), url=reverse("frontend:ministry_dashboard"))
    if is_vendor_member(user):
        return NextStep(label=_("Go to my firm's dashboard"), url=reverse("frontend:vendor_dashboard"))
    return None


RULES_URL = "https://www.legisquebec.gouv.qc.ca/fr/document/rc/C-65.1,%20r.%204"


def challenge_grid_context(challenge: Challenge) -> dict:
    """What frontend/includes/challenge_grid.html shows: the award mode, K, the criteria and the addenda."""
    mode = challenge.award_mode
    return {
        "mode": mode,
        "language": challenge.language,  # The criteria are written in the challenge's language.
        "mode_label": AwardMode(mode).label if mode else "",
        "mode_explanation": AWARD_MODE_EXPLANATIONS.get(mode, ""),
        "k_factor": challenge.k_factor if mode == AwardMode.ADJUSTED_PRICE else None,
        "criteria": list(challenge.criteria.all()) if mode in QUALITY_MODES else [],
        # Schedule 1: with a minimum quality, every criterion must reach 70; Schedule 2, s. 7: the final score.
        "every_criterion_minimum": mode == AwardMode.QUALITY_THEN_PRICE,
        "minimum_final": mode in (AwardMode.ADJUSTED_PRICE, AwardMode.QUALITY),
        "addenda": list(challenge.addenda.all()),
        "rules_url": RULES_URL,
    }


def challenge_detail(request: HttpRequest, challenge_id: int) -> HttpResponse:
    challenge = challenge_get(user=request.user, challenge_id=challenge_id)
    return challenge_page(request, challenge)


def challenge_page(
    request: HttpRequest, challenge: Challenge, *, interest_form: Form | None = None, status: int = 200
) -> HttpResponse:
    """The challenge's page; for a firm's member, with what the firm may do about it (raise its hand)."""
    return render(
        request,
        "frontend/public/challenge_detail.html",
        {
            "challenge": challenge,
            "status_badge": STATUS_BADGES.get(challenge.status, ""),
            "grid": challenge_grid_context(challenge),
            "interest": challenge_interest_panel(request, challenge, form=interest_form),
        },
        status=status,
    )


def challenge_search(request: HttpRequest) -> HttpResponse:
    form = ChallengeSearchForm(request.GET, request=request)
    firm = acting_firm(request)
    ineligible: set[int] = set()

    def mark_ineligible(results: SearchResults) -> None:
        # An SME still finds a challenge it cannot answer, marked as such (a mandatory requirement it fails).
        if firm is not None:
            ineligible.update(
                challenge_ids_ineligible(vendor=firm, challenge_ids=[item["id"] for item in results.results])
            )

    def hit(item: dict, *, labels: Mapping[str, Mapping[str, str]]) -> dict:
        return {**_challenge_hit(item, labels=labels), "ineligible": item["id"] in ineligible}

    return _search_page(
        request,
        form=form,
        run=people.challenge_search,
        legends=CHALLENGE_FACET_LEGENDS,
        hit=hit,
        on_results=mark_ineligible,
        page=SearchPage(
            heading=_("Opportunities"),
            lead=_(
                "Digital-transformation challenges published by Quebec ministries and public bodies. Your "
                "search, filters and page stay in the address, so you can bookmark or share it."
            ),
            search_label=_("Search opportunities"),
            url=reverse("frontend:challenge_search"),
            results="frontend/public/_challenge_results.html",
        ),
        save_url=_save_search_url(request),
    )


def _save_search_url(request: HttpRequest) -> str | None:
    """The saved-searches page, prefilled with this search (its page number left out), for a firm's own
    members: only they may save one there (a coordinator acting for a firm may not)."""
    if not is_vendor_member(request.user) or is_coordinator(request.user):
        return None
    query = request.GET.copy()
    query.pop("page", None)
    url = reverse("frontend:saved_searches")
    return f"{url}?{query.urlencode()}" if query else url


# Public like the vendor search API and the firms' pages: each firm shows its public sections only.
def vendor_directory(request: HttpRequest) -> HttpResponse:
    form = VendorSearchForm(request.GET, request=request)
    return _search_page(
        request,
        form=form,
        run=partial(people.vendor_search, visibility=ProfileVisibility(user=request.user)),
        legends=VENDOR_FACET_LEGENDS,
        hit=_vendor_hit,
        page=SearchPage(
            heading=_("Vendor directory"),
            lead=_(
                "Small and medium-sized businesses verified by the hub, with their expertise, regions and "
                "languages. Your search, filters and page stay in the address, so you can bookmark or share it."
            ),
            search_label=_("Search vendors"),
            url=reverse("frontend:vendor_directory"),
            results="frontend/public/_vendor_results.html",
        ),
        on_results=lambda results: vendor_search_exposure_record(
            reader=request.user, vendor_ids=[hit["id"] for hit in results.results]
        ),
    )


def vendor_detail(request: HttpRequest, vendor_id: int) -> HttpResponse:
    # Public like GET /api/v1/vendors/<id>/: the selector shows active vendors to everyone.
    # Only the sections the firm made public, unless the reader is one of its members or a coordinator.
    vendor = vendor_get(user=request.user, vendor_id=vendor_id)
    sections = vendor_profile_sections(vendor=vendor)
    return render(request, "frontend/public/vendor_detail.html", {"vendor": vendor, "sections": sections})


@dataclass(frozen=True)
class SearchPage:
    """What tells the opportunity search and the vendor directory apart on their shared page."""

    heading: str
    lead: str
    search_label: str
    url: str
    results: str  # The template of the results, refreshed alone by htmx.


def _search_page(
    request: HttpRequest,
    *,
    form: SearchForm,
    run,
    legends: Mapping[str, str],
    hit,
    page: SearchPage,
    on_results=None,
    save_url: str | None = None,
) -> HttpResponse:
    """Run a faceted search and render the whole page, or only its results for an htmx refresh.

    A refused parameter answers 400 and the search engine being away 503, each with the page and a
    message; htmx refreshes answer 200, because htmx leaves the page as it was on an error status."""
    results: SearchResults | None = None
    engine_down = False
    status = 200
    if form.is_valid():
        try:
            results = run(**form.search_arguments())
        except SearchUnavailable:
            engine_down = True
            status = 503
        else:
            if on_results is not None:
                on_results(results)
    else:
        status = 400
    labels = _labels(results) if results else {}
    context = {
        "form": form,
        "results": results,
        "engine_down": engine_down,
        "facets": _facet_groups(results, form=form, legends=legends) if results else [],
        "hits": [hit(item, labels=labels) for item in results.results] if results else [],
        "page_obj": _engine_page(results) if results else None,
        "active_filters": _active_filters(results, form=form, legends=legends) if results else [],
        "page": page,
        "save_url": save_url,
    }
    if request.htmx and not request.htmx.boosted:
        return render(request, page.results, context)
    return render(request, "frontend/public/search.html", context, status=status)


def _labels(results: SearchResults) -> dict[str, dict[str, str]]:
    """Labels of the codes in the hits (expertise, regions…), read from the facets, which hold every code shown."""
    return {
        name: {option["value"]: option["label"] for option in options}
        for name, options in results.facets.items()
    }


def _engine_page(results: SearchResults) -> Page:
    """A Django Page for the pagination include, over a range: nothing is loaded. The engine pages no
    deeper than its result window, so neither do the links."""
    reachable = min(results.count, MAX_RESULT_WINDOW)
    paginator = Paginator(range(reachable), results.page_size)
    return Page(range(0), results.page, paginator)


def _facet_groups(results: SearchResults, *, form: SearchForm, legends: Mapping[str, str]) -> list[dict]:
    groups = []
    for name in form.facet_names:
        selected = set(form.cleaned_data["filters"].get(name, []))
        options = [
            {
                **option,
                "selected": option["value"] in selected,
                "id": f"facet-{name}-{slugify(option['value']) or index}",
            }
            for index, option in enumerate(results.facets.get(name, []))
        ]
        if options:
            groups.append({"name": name, "legend": legends[name], "options": options})
    return groups


def _active_filters(results: SearchResults, *, form: SearchForm, legends: Mapping[str, str]) -> list[dict]:
    """The chosen facet values, each with a link that removes it: shown above the results."""
    labels = {
        (name, option["value"]): option["label"]
        for name, options in results.facets.items()
        for option in options
    }
    active = []
    for name in form.facet_names:
        for value in form.cleaned_data["filters"].get(name, []):
            remaining = form.data.copy()
            remaining.setlist(name, [kept for kept in remaining.getlist(name) if kept != value])
            remaining.pop("page", None)
            active.append(
                {
                    "legend": legends[name],
                    "label": labels.get((name, value), value),
                    "remove_url": f"?{remaining.urlencode()}",
                }
            )
    return active


def _highlighted(fragments: Sequence[str], fallback: str, *, separator: str = " … ") -> SafeString:
    """The engine's highlighted fragments as HTML, or the plain text escaped when nothing was highlighted.

    mark_safe is deliberate: the search runs with the highlighter's encoder="html" (matching.search.queries),
    so the engine HTML-escapes the indexed text itself and adds nothing but <mark> and </mark>."""
    if fragments:
        return mark_safe(separator.join(fragments))  # noqa: S308 (escaped by the engine, see above)
    return escape(fallback)


def _snippet(text: str, *, length: int = 240) -> str:
    return text if len(text) <= length else text[:length].rsplit(" ", 1)[0] + " …"


def _challenge_hit(item: dict, *, labels: Mapping[str, Mapping[str, str]]) -> dict:
    highlights = item.get("highlights", {})
    return {
        **item,
        "expertise_labels": [labels["expertise"].get(code, code) for code in item.get("expertise", [])],
        "region_labels": [labels["region"].get(code, code) for code in item.get("regions", [])],
        "organization_kind_label": labels["organization_kind"].get(item.get("organization_kind"), ""),
        "url": reverse("frontend:challenge_detail", kwargs={"challenge_id": item["id"]}),
        "title_html": _highlighted(highlights.get("title", []), item["title"]),
        "snippet_html": _highlighted(
            highlights.get("description", []), _snippet(item.get("description", ""))
        ),
        "deadline": datetime.date.fromisoformat(item["deadline"]) if item.get("deadline") else None,
        "published_at": parse_datetime(item["published_at"]) if item.get("published_at") else None,
    }


def _vendor_hit(item: dict, *, labels: Mapping[str, Mapping[str, str]]) -> dict:
    """A hidden section is None in the hit (matching.search.people): the template leaves its line out."""
    highlights = item.get("highlights", {})
    regions = item.get("regions", [])
    return {
        **item,
        "expertise_labels": [labels["expertise"].get(code, code) for code in item.get("expertise", [])],
        "region_labels": None if regions is None else [labels["region"].get(code, code) for code in regions],
        "language_labels": [labels["language"].get(code, code) for code in item.get("languages", [])],
        "url": reverse("frontend:vendor_detail", kwargs={"vendor_id": item["id"]}),
        "name_html": _highlighted(highlights.get("name", []), item["name"]),
        "snippet_html": _highlighted(
            highlights.get("description", []), _snippet(item.get("description") or "")
        ),
    }
