from django.urls import path

from matching import api

urlpatterns: list = [
    path("search/challenges/", api.ChallengeSearchApi.as_view(), name="challenge-search"),
    path("search/vendors/", api.VendorSearchApi.as_view(), name="vendor-search"),
    path("saved-searches/", api.SavedSearchListCreateApi.as_view(), name="saved-search-list"),
    path("saved-searches/<int:saved_search_id>/", api.SavedSearchDeleteApi.as_view(), name="saved-search-detail"),
]
