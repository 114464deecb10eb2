"""Pages of a challenge's evaluation and award: the organization names its selection committee, each member
scores the opened proposals, the secretary records the consensus, the organization reads the ranking step by
step and awards; each firm reads its debrief (docs/evaluation.md). Split from ministry.py, which was long enough.

Who may open each page is the selectors' and services' business, as in the API: a member of another
organization or firm gets a 404."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy

from frontend.views import page_for
from hub.roles import is_vendor_member
from matching import selectors

vendor_member_required = page_for(is_vendor_member, gettext_lazy("These pages are for members of a vendor."))


@vendor_member_required
def submission_debrief(request: HttpRequest, submission_id: int) -> HttpResponse:
    """The firm's debrief once its challenge is awarded; the winner sees the award and its engagement."""
    debrief = selectors.submission_debrief(user=request.user, submission_id=submission_id)
    return render(
        request,
        "frontend/evaluation/debrief.html",
        {"debrief": debrief, "challenge": debrief.submission.challenge},
    )
