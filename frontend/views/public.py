from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from marketplace.selectors import challenge_get, challenge_list_latest_published

HOME_CHALLENGE_COUNT = 6


def home(request: HttpRequest) -> HttpResponse:
    challenges = challenge_list_latest_published(limit=HOME_CHALLENGE_COUNT)
    return render(request, "frontend/home.html", {"challenges": challenges})


def challenge_detail(request: HttpRequest, challenge_id: int) -> HttpResponse:
    challenge = challenge_get(user=request.user, challenge_id=challenge_id)
    return render(request, "frontend/challenge_detail.html", {"challenge": challenge})
