from django.urls import path

from matching import api

urlpatterns: list = [
    path("search/challenges/", api.ChallengeSearchApi.as_view(), name="challenge-search"),
    path("search/vendors/", api.VendorSearchApi.as_view(), name="vendor-search"),
]
