from django.urls import path

from marketplace import api

urlpatterns = [
    path("regions/", api.RegionListApi.as_view(), name="region-list"),
    path("expertise/", api.ExpertiseListApi.as_view(), name="expertise-list"),
    path("organizations/", api.OrganizationListCreateApi.as_view(), name="organization-list"),
    path(
        "organizations/<int:organization_id>/",
        api.OrganizationDetailApi.as_view(),
        name="organization-detail",
    ),
    path(
        "organizations/<int:party_id>/invitations/",
        api.OrganizationInvitationListCreateApi.as_view(),
        name="organization-invitation-list",
    ),
    path(
        "organizations/<int:party_id>/invitations/<int:invitation_id>/",
        api.OrganizationInvitationRevokeApi.as_view(),
        name="organization-invitation-detail",
    ),
    path("vendors/", api.VendorListCreateApi.as_view(), name="vendor-list"),
    path("vendors/<int:vendor_id>/", api.VendorDetailApi.as_view(), name="vendor-detail"),
    path(
        "vendors/<int:vendor_id>/join-requests/",
        api.VendorJoinRequestListApi.as_view(),
        name="vendor-join-request-list",
    ),
    path("join-requests/", api.JoinRequestListCreateApi.as_view(), name="join-request-list"),
    path(
        "join-requests/<int:join_request_id>/decide/",
        api.JoinRequestDecideApi.as_view(),
        name="join-request-decide",
    ),
    path(
        "join-requests/<int:join_request_id>/withdraw/",
        api.JoinRequestWithdrawApi.as_view(),
        name="join-request-withdraw",
    ),
    path(
        "vendors/<int:vendor_id>/verification/",
        api.VendorVerificationApi.as_view(),
        name="vendor-verification",
    ),
    path(
        "vendors/<int:party_id>/invitations/",
        api.VendorInvitationListCreateApi.as_view(),
        name="vendor-invitation-list",
    ),
    path(
        "vendors/<int:party_id>/invitations/<int:invitation_id>/",
        api.VendorInvitationRevokeApi.as_view(),
        name="vendor-invitation-detail",
    ),
    path("challenges/", api.ChallengeListCreateApi.as_view(), name="challenge-list"),
    path("challenges/<int:challenge_id>/", api.ChallengeDetailApi.as_view(), name="challenge-detail"),
    path("challenges/<int:challenge_id>/submit/", api.ChallengeSubmitApi.as_view(), name="challenge-submit"),
    path(
        "challenges/<int:challenge_id>/withdraw/",
        api.ChallengeWithdrawApi.as_view(),
        name="challenge-withdraw",
    ),
    path(
        "challenges/<int:challenge_id>/publish/", api.ChallengePublishApi.as_view(), name="challenge-publish"
    ),
    path("challenges/<int:challenge_id>/close/", api.ChallengeCloseApi.as_view(), name="challenge-close"),
    path(
        "challenges/<int:challenge_id>/grid-amend/",
        api.ChallengeGridAmendApi.as_view(),
        name="challenge-grid-amend",
    ),
    path("challenges/<int:challenge_id>/cancel/", api.ChallengeCancelApi.as_view(), name="challenge-cancel"),
]
