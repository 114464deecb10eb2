from django.urls import path

from matching import api

urlpatterns: list = [
    path(
        "challenges/<int:challenge_id>/matches/", api.ChallengeMatchesApi.as_view(), name="challenge-matches"
    ),
    path(
        "vendors/<int:vendor_id>/opportunities/",
        api.VendorOpportunitiesApi.as_view(),
        name="vendor-opportunities",
    ),
    path("exposures/", api.ExposureSummaryApi.as_view(), name="exposure-summary"),
    path("search/challenges/", api.ChallengeSearchApi.as_view(), name="challenge-search"),
    path("search/vendors/", api.VendorSearchApi.as_view(), name="vendor-search"),
    path("saved-searches/", api.SavedSearchListCreateApi.as_view(), name="saved-search-list"),
    path(
        "saved-searches/<int:saved_search_id>/",
        api.SavedSearchDeleteApi.as_view(),
        name="saved-search-detail",
    ),
    path("proposals/", api.ProposalListCreateApi.as_view(), name="proposal-list"),
    path("proposals/bulk-approve/", api.ProposalBulkApproveApi.as_view(), name="proposal-bulk-approve"),
    path("proposals/<int:proposal_id>/approve/", api.ProposalApproveApi.as_view(), name="proposal-approve"),
    path("proposals/<int:proposal_id>/reject/", api.ProposalRejectApi.as_view(), name="proposal-reject"),
    path("proposals/<int:proposal_id>/hold/", api.ProposalHoldApi.as_view(), name="proposal-hold"),
    path("introductions/", api.IntroductionListApi.as_view(), name="introduction-list"),
    path(
        "introductions/<int:introduction_id>/",
        api.IntroductionDetailApi.as_view(),
        name="introduction-detail",
    ),
    path(
        "introductions/<int:introduction_id>/interest/",
        api.IntroductionInterestApi.as_view(),
        name="introduction-interest",
    ),
    path(
        "introductions/<int:introduction_id>/decline/",
        api.IntroductionDeclineApi.as_view(),
        name="introduction-decline",
    ),
    path(
        "introductions/<int:introduction_id>/shortlist/",
        api.IntroductionShortlistApi.as_view(),
        name="introduction-shortlist",
    ),
    path(
        "challenges/<int:challenge_id>/clarifications/",
        api.ClarificationListCreateApi.as_view(),
        name="clarification-list",
    ),
    path(
        "clarifications/<int:clarification_id>/answer/",
        api.ClarificationAnswerApi.as_view(),
        name="clarification-answer",
    ),
    path(
        "challenges/<int:challenge_id>/interest/",
        api.ChallengeInterestApi.as_view(),
        name="challenge-interest",
    ),
    path("challenges/<int:challenge_id>/award/", api.ChallengeAwardApi.as_view(), name="challenge-award"),
    path(
        "challenges/<int:challenge_id>/committee/", api.CommitteeDetailApi.as_view(), name="committee-detail"
    ),
    path(
        "submissions/<int:submission_id>/score-sheet/",
        api.ScoreSheetDetailApi.as_view(),
        name="score-sheet-detail",
    ),
    path(
        "submissions/<int:submission_id>/score-sheet/submit/",
        api.ScoreSheetSubmitApi.as_view(),
        name="score-sheet-submit",
    ),
    path(
        "submissions/<int:submission_id>/consensus/",
        api.ConsensusDetailApi.as_view(),
        name="consensus-detail",
    ),
    path(
        "challenges/<int:challenge_id>/ranking/", api.ChallengeRankingApi.as_view(), name="challenge-ranking"
    ),
    path(
        "challenges/<int:challenge_id>/award-submission/",
        api.ChallengeAwardSubmissionApi.as_view(),
        name="challenge-award-submission",
    ),
    path(
        "submissions/<int:submission_id>/debrief/",
        api.SubmissionDebriefApi.as_view(),
        name="submission-debrief",
    ),
    path("engagements/", api.EngagementListApi.as_view(), name="engagement-list"),
    path("engagements/<int:engagement_id>/", api.EngagementDetailApi.as_view(), name="engagement-detail"),
    path(
        "engagements/<int:engagement_id>/milestones/",
        api.MilestoneCreateApi.as_view(),
        name="milestone-create",
    ),
    path(
        "engagements/<int:engagement_id>/amendments/",
        api.EngagementAmendApi.as_view(),
        name="engagement-amend",
    ),
    path(
        "milestones/<int:milestone_id>/deliver/", api.MilestoneDeliverApi.as_view(), name="milestone-deliver"
    ),
    path("milestones/<int:milestone_id>/accept/", api.MilestoneAcceptApi.as_view(), name="milestone-accept"),
    path(
        "introductions/<int:introduction_id>/submission/",
        api.SubmissionSaveApi.as_view(),
        name="submission-save",
    ),
    path("submissions/", api.SubmissionListApi.as_view(), name="submission-list"),
    path("submissions/<int:submission_id>/", api.SubmissionDetailApi.as_view(), name="submission-detail"),
    path(
        "submissions/<int:submission_id>/submit/", api.SubmissionSubmitApi.as_view(), name="submission-submit"
    ),
    path(
        "submissions/<int:submission_id>/withdraw/",
        api.SubmissionWithdrawApi.as_view(),
        name="submission-withdraw",
    ),
    path(
        "submissions/<int:submission_id>/attachments/",
        api.SubmissionAttachmentAddApi.as_view(),
        name="submission-attachment-add",
    ),
    path(
        "submission-attachments/<int:attachment_id>/",
        api.SubmissionAttachmentRemoveApi.as_view(),
        name="submission-attachment-remove",
    ),
    path(
        "submission-attachments/<int:attachment_id>/download/",
        api.SubmissionAttachmentDownloadApi.as_view(),
        name="submission-attachment-download",
    ),
    path("payouts/<int:payout_id>/retry/", api.PayoutRetryApi.as_view(), name="payout-retry"),
    path("payouts/<int:payout_id>/cancel/", api.PayoutCancelApi.as_view(), name="payout-cancel"),
    path("payments/webhook/", api.PaymentWebhookApi.as_view(), name="payment-webhook"),
]
