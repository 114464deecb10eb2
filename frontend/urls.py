from allauth.account import views as allauth_views
from django.urls import path

from frontend.views import about, account, coordinator, evaluation, members, ministry, public, vendor

app_name = "frontend"

urlpatterns = [
    path("", public.home, name="home"),
    path("opportunities/", public.challenge_search, name="challenge_search"),
    path("challenges/<int:challenge_id>/", public.challenge_detail, name="challenge_detail"),
    path(
        "challenges/<int:challenge_id>/interest/",
        vendor.vendor_challenge_interest,
        name="vendor_challenge_interest",
    ),
    path("vendors/", public.vendor_directory, name="vendor_directory"),
    path("vendors/<int:vendor_id>/", public.vendor_detail, name="vendor_detail"),
    # The footer's pages
    path("accessibility/", about.accessibility, name="accessibility"),
    path("privacy/", about.privacy_policy, name="privacy_policy"),
    path("terms/", about.terms_of_use, name="terms_of_use"),
    path("contact/", about.contact, name="contact"),
    # Account
    # allauth's sign-in and sign-out (also at /accounts/login/ and /accounts/logout/): the addresses that
    # LOGIN_URL, our pages and their links have always used. Its form refuses locked-out usernames and
    # addresses and says when to retry (frontend/forms/signin.py, hub/security.py).
    path("login/", allauth_views.LoginView.as_view(), name="login"),
    # A POST signs out; a GET only shows the button, so a link or a prefetch cannot sign anyone out.
    path("logout/", allauth_views.LogoutView.as_view(), name="logout"),
    # « With my organization »: on to its own OpenID Connect provider (docs/oidc.md).
    path("login/organization/", account.organization_sign_in, name="organization_sign_in"),
    path("notifications/", account.notifications, name="notifications"),
    path("notifications/<int:notification_id>/read/", account.notification_read, name="notification_read"),
    path("notifications/read-all/", account.notifications_read_all, name="notifications_read_all"),
    path("account/", account.account, name="account"),
    path("account/password/", account.PasswordChangeView.as_view(), name="password_change"),
    path("account/email/confirm/<str:key>/", account.email_confirm, name="email_confirm"),
    path("account/data/", account.account_data, name="account_data"),
    path("account/delete/", account.account_delete, name="account_delete"),
    path("account/consents/", account.consent_update, name="consent_update"),
    path("account/tokens/", account.api_tokens, name="api_tokens"),
    path("account/tokens/<int:token_id>/revoke/", account.api_token_revoke, name="api_token_revoke"),
    path("invitations/<str:key>/", members.invitation_accept, name="invitation_accept"),
    path("password-reset/", account.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", account.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        account.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password-reset/done/", account.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    # SME (vendor member) pages
    path("sme/", vendor.vendor_dashboard, name="vendor_dashboard"),
    path("sme/register/", vendor.vendor_register, name="vendor_register"),
    path("sme/register/check/", vendor.vendor_register_check, name="vendor_register_check"),
    path("sme/<int:vendor_id>/members/", members.vendor_members, name="vendor_members"),
    path("sme/profile/", vendor.vendor_profile_edit, name="vendor_profile_edit"),
    path("sme/opportunities/", vendor.vendor_recommendations, name="vendor_recommendations"),
    path("sme/saved-searches/", vendor.saved_searches, name="saved_searches"),
    path("sme/introductions/", vendor.vendor_introductions, name="vendor_introductions"),
    path(
        "sme/introductions/<int:introduction_id>/",
        vendor.vendor_introduction_detail,
        name="vendor_introduction_detail",
    ),
    path("sme/engagements/<int:engagement_id>/", vendor.vendor_engagement, name="vendor_engagement"),
    path(
        "sme/introductions/<int:introduction_id>/proposal/",
        vendor.vendor_submission,
        name="vendor_submission",
    ),
    path(
        "sme/proposal-documents/<int:attachment_id>/",
        vendor.vendor_submission_attachment,
        name="vendor_submission_attachment",
    ),
    path(
        "sme/submissions/<int:submission_id>/debrief/",
        evaluation.submission_debrief,
        name="submission_debrief",
    ),
    # Coordinators
    path("coordination/", coordinator.queue, name="coordinator_queue"),
    path(
        "coordination/proposals/<int:proposal_id>/approve/",
        coordinator.proposal_approve,
        name="coordinator_proposal_approve",
    ),
    path(
        "coordination/proposals/<int:proposal_id>/reject/",
        coordinator.proposal_reject,
        name="coordinator_proposal_reject",
    ),
    path(
        "coordination/proposals/<int:proposal_id>/hold/",
        coordinator.proposal_hold,
        name="coordinator_proposal_hold",
    ),
    path(
        "coordination/proposals/approve/",
        coordinator.proposals_bulk_approve,
        name="coordinator_proposals_bulk_approve",
    ),
    path(
        "coordination/publication/", coordinator.publication_requests, name="coordinator_publication_requests"
    ),
    path(
        "coordination/publication/<int:challenge_id>/publish/",
        coordinator.challenge_publish,
        name="coordinator_challenge_publish",
    ),
    path(
        "coordination/publication/<int:challenge_id>/return/",
        coordinator.challenge_return,
        name="coordinator_challenge_return",
    ),
    path("coordination/verifications/", coordinator.verifications, name="coordinator_verifications"),
    path(
        "coordination/verifications/<int:vendor_id>/decide/",
        coordinator.vendor_verification_decide,
        name="coordinator_vendor_verification_decide",
    ),
    path("coordination/organizations/new/", members.organization_register, name="organization_register"),
    path(
        "coordination/organizations/<int:organization_id>/sign-in/",
        members.organization_sign_in_configure,
        name="organization_sign_in_configure",
    ),
    path("coordination/dashboard/", coordinator.dashboard, name="coordinator_dashboard"),
    # Public-organization (ministry) pages
    path("organization/", ministry.ministry_dashboard, name="ministry_dashboard"),
    path(
        "organization/<int:organization_id>/members/",
        members.organization_members,
        name="organization_members",
    ),
    path("organization/challenges/new/", ministry.challenge_create, name="challenge_create"),
    path("organization/challenges/reach/", ministry.challenge_reach, name="challenge_reach"),
    path("organization/challenges/<int:challenge_id>/", ministry.challenge_manage, name="challenge_manage"),
    # The evaluation and the award (frontend/views/evaluation.py)
    path("organization/challenges/<int:challenge_id>/committee/", evaluation.committee, name="committee"),
    path("organization/challenges/<int:challenge_id>/evaluation/", evaluation.evaluation, name="evaluation"),
    path("organization/challenges/<int:challenge_id>/ranking/", evaluation.ranking, name="ranking"),
    path("organization/proposals/<int:submission_id>/score/", evaluation.score_sheet, name="score_sheet"),
    path("organization/proposals/<int:submission_id>/consensus/", evaluation.consensus, name="consensus"),
    path("organization/challenges/<int:challenge_id>/edit/", ministry.challenge_edit, name="challenge_edit"),
    path(
        "organization/challenges/<int:challenge_id>/proposals/",
        ministry.challenge_proposals,
        name="ministry_proposals",
    ),
    path(
        "organization/proposal-documents/<int:attachment_id>/",
        ministry.proposal_attachment,
        name="ministry_proposal_attachment",
    ),
    path(
        "organization/challenges/<int:challenge_id>/grid/",
        ministry.challenge_grid_amend,
        name="challenge_grid_amend",
    ),
    path(
        "organization/challenges/<int:challenge_id>/preview/",
        ministry.challenge_preview,
        name="challenge_preview",
    ),
    path(
        "organization/challenges/<int:challenge_id>/close/", ministry.challenge_close, name="challenge_close"
    ),
    path(
        "organization/challenges/<int:challenge_id>/cancel/",
        ministry.challenge_cancel,
        name="challenge_cancel",
    ),
    path(
        "organization/challenges/<int:challenge_id>/award/<int:introduction_id>/",
        ministry.challenge_award,
        name="challenge_award",
    ),
    path(
        "organization/engagements/<int:engagement_id>/", ministry.engagement_manage, name="engagement_manage"
    ),
]
