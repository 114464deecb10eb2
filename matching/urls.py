from django.urls import path

from matching import api

urlpatterns: list = [
    path("challenges/<int:challenge_id>/matches/", api.ChallengeMatchesApi.as_view(), name="challenge-matches"),
    path("vendors/<int:vendor_id>/opportunities/", api.VendorOpportunitiesApi.as_view(), name="vendor-opportunities"),
    path("exposures/", api.ExposureSummaryApi.as_view(), name="exposure-summary"),
    path("search/challenges/", api.ChallengeSearchApi.as_view(), name="challenge-search"),
    path("search/vendors/", api.VendorSearchApi.as_view(), name="vendor-search"),
    path("saved-searches/", api.SavedSearchListCreateApi.as_view(), name="saved-search-list"),
    path("saved-searches/<int:saved_search_id>/", api.SavedSearchDeleteApi.as_view(), name="saved-search-detail"),
]
