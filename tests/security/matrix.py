"""The permission matrix: what each role gets from each API endpoint, aimed at side A's objects.

Read by tests/security/test_permissions.py (which checks every cell) and by test_schemathesis.py (which
fuzzes only what a role gets through to). Roles are in the order of ROLES (tests/security/conftest.py).
2xx, or a 4xx from a state or input check, means the role got through; 403 means the endpoint refused
the role (DRF answers 403, not 401, to anonymous callers: session authentication comes first); 404 means
the object is hidden from this role, as if it did not exist.
"""

# fmt: off
MATRIX: dict[tuple[str, str], tuple[int, ...]] = {
    #                                          anonymous vendor other_v ministry other_m coord admin
    # Accounts
    ("token-create", "POST"):                   (200,    200,   200,    200,     200,    200,  200),
    ("token-list", "GET"):                      (403,    200,   200,    200,     200,    200,  200),
    ("token-detail", "DELETE"):                 (403,    204,   404,    404,     404,    404,  404),
    ("me", "GET"):                              (403,    200,   200,    200,     200,    200,  200),
    ("me-preferences", "GET"):                  (403,    200,   200,    200,     200,    200,  200),
    ("me-preferences", "PATCH"):                (403,    200,   200,    200,     200,    200,  200),
    ("notification-list", "GET"):               (403,    200,   200,    200,     200,    200,  200),
    ("notification-read", "POST"):              (403,    200,   404,    404,     404,    404,  404),
    ("me-data", "GET"):                         (403,    200,   200,    200,     200,    200,  200),
    ("me-consents", "GET"):                     (403,    200,   200,    200,     200,    200,  200),
    ("me-consents", "POST"):                    (403,    201,   201,    201,     201,    201,  201),
    ("me-delete", "POST"):                      (403,    204,   204,    204,     204,    204,  204),
    ("audit-list", "GET"):                      (403,    403,   403,    403,     403,    200,  200),
    ("audit-export", "GET"):                    (403,    403,   403,    403,     403,    200,  200),
    ("confidentiality-incident-export", "GET"): (403,    403,   403,    403,     403,    403,  200),
    # Catalogue
    ("region-list", "GET"):                     (200,    200,   200,    200,     200,    200,  200),
    ("expertise-list", "GET"):                  (200,    200,   200,    200,     200,    200,  200),
    ("organization-list", "GET"):               (200,    200,   200,    200,     200,    200,  200),
    ("organization-list", "POST"):              (403,    403,   403,    403,     403,    201,  201),
    ("organization-detail", "GET"):             (200,    200,   200,    200,     200,    200,  200),
    ("organization-detail", "PATCH"):           (403,    403,   403,    403,     403,    200,  200),
    ("vendor-list", "GET"):                     (200,    200,   200,    200,     200,    200,  200),
    ("vendor-list", "POST"):                    (403,    201,   201,    403,     403,    201,  201),
    ("vendor-detail", "GET"):                   (200,    200,   200,    200,     200,    200,  200),
    ("vendor-detail", "PATCH"):                 (403,    200,   403,    403,     403,    200,  200),
    ("vendor-detail", "DELETE"):                (403,    403,   403,    403,     403,    400,  400),
    # Requests to join a firm (aimed at other_vendor's pending request to join side A's firm)
    ("vendor-join-request-list", "GET"):        (403,    200,   404,    403,     403,    200,  200),
    ("join-request-list", "GET"):               (403,    200,   200,    403,     403,    200,  200),
    ("join-request-list", "POST"):              (403,    201,   400,    403,     403,    403,  403),
    ("join-request-decide", "POST"):            (403,    200,   404,    403,     403,    200,  200),
    ("join-request-withdraw", "POST"):          (403,    404,   200,    403,     403,    404,  404),
    ("vendor-verification", "POST"):            (403,    403,   403,    403,     403,    201,  201),
    # Invitations: the party's members and the coordinators
    ("organization-invitation-list", "GET"):    (403,    403,   403,    200,     404,    200,  200),
    ("organization-invitation-list", "POST"):   (403,    403,   403,    201,     404,    201,  201),
    ("organization-invitation-detail", "DELETE"): (403,  403,   403,    204,     404,    204,  204),
    ("vendor-invitation-list", "GET"):          (403,    200,   404,    403,     403,    200,  200),
    ("vendor-invitation-list", "POST"):         (403,    201,   404,    403,     403,    201,  201),
    ("vendor-invitation-detail", "DELETE"):     (403,    204,   404,    403,     403,    204,  204),
    # Challenges (aimed at side A's draft, or at the challenge in the state each move starts from)
    ("challenge-list", "GET"):                  (200,    200,   200,    200,     200,    200,  200),
    ("challenge-list", "POST"):                 (403,    403,   403,    201,     201,    400,  400),
    ("challenge-detail", "GET"):                (404,    404,   404,    200,     404,    200,  200),
    ("challenge-detail", "PATCH"):              (403,    403,   403,    200,     404,    200,  200),
    ("challenge-detail", "DELETE"):             (403,    403,   403,    204,     404,    204,  204),
    ("challenge-submit", "POST"):               (403,    403,   403,    200,     404,    200,  200),
    ("challenge-withdraw", "POST"):             (403,    403,   403,    200,     404,    200,  200),
    ("challenge-publish", "POST"):              (403,    403,   403,    403,     403,    200,  200),
    ("challenge-close", "POST"):                (403,    403,   403,    200,     403,    200,  200),
    ("challenge-cancel", "POST"):               (403,    403,   403,    200,     403,    200,  200),
    ("challenge-grid-amend", "POST"):           (403,    403,   403,    201,     403,    201,  201),
    # Search and the matcher
    ("challenge-search", "GET"):                (200,    200,   200,    200,     200,    200,  200),
    ("vendor-search", "GET"):                   (200,    200,   200,    200,     200,    200,  200),
    ("challenge-matches", "GET"):               (403,    403,   403,    403,     403,    200,  200),
    ("vendor-opportunities", "GET"):            (403,    200,   404,    403,     403,    200,  200),
    ("exposure-summary", "GET"):                (403,    403,   403,    403,     403,    200,  200),
    ("saved-search-list", "GET"):               (403,    200,   200,    403,     403,    200,  200),
    ("saved-search-list", "POST"):              (403,    201,   201,    403,     403,    403,  403),
    ("saved-search-detail", "DELETE"):          (403,    204,   404,    403,     403,    404,  404),
    # Proposals: the coordinators' queue, nobody else's business
    ("proposal-list", "GET"):                   (403,    403,   403,    403,     403,    200,  200),
    ("proposal-list", "POST"):                  (403,    403,   403,    403,     403,    201,  201),
    ("proposal-bulk-approve", "POST"):          (403,    403,   403,    403,     403,    200,  200),
    ("proposal-approve", "POST"):               (403,    403,   403,    403,     403,    200,  200),
    ("proposal-reject", "POST"):                (403,    403,   403,    403,     403,    200,  200),
    ("proposal-hold", "POST"):                  (403,    403,   403,    403,     403,    200,  200),
    # A firm asks to be introduced (side A's firm, to an open challenge)
    ("challenge-interest", "POST"):             (403,    201,   404,    403,     403,    201,  201),
    # Introductions, questions, award
    ("introduction-list", "GET"):               (403,    200,   200,    200,     200,    200,  200),
    ("introduction-detail", "GET"):             (403,    200,   404,    200,     404,    200,  200),
    ("introduction-interest", "POST"):          (403,    200,   404,    403,     403,    200,  200),
    ("introduction-decline", "POST"):           (403,    200,   404,    403,     403,    200,  200),
    ("introduction-shortlist", "POST"):         (403,    403,   403,    200,     404,    200,  200),
    ("clarification-list", "GET"):              (403,    200,   200,    200,     200,    200,  200),
    ("clarification-list", "POST"):             (403,    201,   403,    201,     403,    201,  201),
    ("clarification-answer", "POST"):           (403,    403,   403,    200,     404,    200,  200),
    ("challenge-award", "POST"):                (403,    403,   403,    201,     404,    201,  201),
    # Engagements, milestones and payouts (coordinators amend engagements and retry or cancel failed payouts;
    # the provider's news comes through its signed webhook)
    # The evaluation (issue 17): the organization's committee scores, its secretary records the consensus
    ("committee-detail", "GET"):                (403,    403,   403,    200,     404,    200,  200),
    ("committee-detail", "PUT"):                (403,    403,   403,    200,     404,    200,  200),
    ("score-sheet-detail", "GET"):              (403,    403,   403,    200,     404,    200,  200),
    ("score-sheet-detail", "PUT"):              (403,    403,   403,    200,     404,    403,  403),
    ("score-sheet-submit", "POST"):             (403,    403,   403,    200,     404,    403,  403),
    ("consensus-detail", "GET"):                (403,    403,   403,    200,     404,    200,  200),
    ("consensus-detail", "PUT"):                (403,    403,   403,    200,     404,    403,  403),
    ("challenge-ranking", "GET"):               (403,    403,   403,    200,     404,    200,  200),
    ("challenge-award-submission", "POST"):     (403,    403,   403,    201,     404,    201,  201),
    ("submission-debrief", "GET"):              (403,    200,   404,    403,     403,    200,  200),
    # Engagements, milestones and payouts (payouts have no endpoint but the provider's signed webhook)
    ("engagement-list", "GET"):                 (403,    200,   200,    200,     200,    200,  200),
    ("engagement-detail", "GET"):               (403,    200,   404,    200,     404,    200,  200),
    ("milestone-create", "POST"):               (403,    403,   403,    201,     404,    201,  201),
    ("milestone-deliver", "POST"):              (403,    200,   404,    403,     403,    200,  200),
    ("milestone-accept", "POST"):               (403,    403,   403,    200,     404,    200,  200),
    # Proposals: the firm's own, sealed from the organization until the deadline (aimed at side A's firm's)
    ("submission-save", "POST"):                (403,    200,   404,    403,     403,    200,  200),
    ("submission-list", "GET"):                 (403,    200,   200,    200,     200,    200,  200),
    ("submission-detail", "GET"):               (403,    200,   404,    404,     404,    200,  200),
    ("submission-submit", "POST"):              (403,    200,   404,    403,     403,    200,  200),
    ("submission-withdraw", "POST"):            (403,    200,   404,    403,     403,    200,  200),
    # Multipart only: the JSON body the matrix sends is refused as such (415) once through.
    ("submission-attachment-add", "POST"):      (403,    415,   404,    403,     403,    415,  415),
    ("submission-attachment-remove", "DELETE"): (403,    204,   404,    403,     403,    204,  204),
    ("submission-attachment-download", "GET"):  (403,    200,   404,    404,     404,    200,  200),
    ("engagement-amend", "POST"):               (403,    403,   403,    403,     403,    201,  201),
    ("payout-retry", "POST"):                   (403,    403,   403,    403,     403,    200,  200),
    ("payout-cancel", "POST"):                  (403,    403,   403,    403,     403,    200,  200),
    ("payment-webhook", "POST"):                (400,    400,   400,    400,     400,    400,  400),
}
# fmt: on


# Who may set each field of each request body, by input serializer (its OpenAPI component, without "Patched" and
# "Request"): ANYONE means every role the endpoint lets through; otherwise only the roles listed, and every other
# role the endpoint lets through is refused (403) when it sends the field, on create and on update, with nothing
# written (test_permissions.py). A request field without a row here fails the suite. A field whose allowed
# *values* depend on the caller (a challenge's organization, a saved search's firm) is ANYONE: the service
# checks the value (tests/marketplace, tests/matching).
ANYONE: tuple[str, ...] = ()
COORDINATORS = ("coordinator", "admin")


def _anyone(*fields: str) -> dict[str, tuple[str, ...]]:
    return dict.fromkeys(fields, ANYONE)


REQUEST_FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    # Accounts
    "TokenInput": _anyone("username", "password", "code", "label"),
    "ConsentCreateInput": _anyone("kind", "granted", "version"),
    "UserDeleteInput": _anyone("password", "email"),
    "UserPreferencesUpdateInput": _anyone("email_frequency", "preferred_language"),
    # Catalogue
    "OrganizationInput": _anyone("name", "kind", "region"),
    "VendorInput": {
        **_anyone(
            "name",
            "neq",
            "description",
            "languages",
            "regions",
            "employees",
            "founded",
            "expertise",
            "certifications",
            "references",
            "contact_name",
            "contact_email",
            "contact_phone",
            "public_profile",
            "reason",
        ),
        "is_active": COORDINATORS,
        "is_verified": COORDINATORS,
    },
    "JoinRequestCreateInput": _anyone("neq", "message"),
    "JoinRequestDecideInput": _anyone("decision", "reason"),
    "ChallengeInput": _anyone(
        "organization",
        "title",
        "description",
        "language",
        "expertise",
        "regions",
        "budget_min",
        "budget_max",
        "deadline",
        "required_languages",
        "required_certifications",
        "max_employees",
        "mandatory_requirements",
        "on_site",
        "award_mode",
        "k_factor",
        "criteria",
        "reason",
    ),
    "ChallengeTransitionInput": _anyone("note"),
    "ChallengeGridAmendInput": _anyone("award_mode", "k_factor", "criteria", "summary", "reason"),
    "VendorVerificationInput": _anyone("decision", "reason"),
    "InvitationCreateInput": _anyone("email"),
    # Search
    "SavedSearchCreateInput": _anyone(
        "name", "q", "vendor", "expertise", "region", "organization_kind", "language", "budget", "deadline"
    ),
    # Workflow
    "ProposalCreateInput": _anyone("challenge", "vendor"),
    "ProposalDecisionInput": _anyone("reason"),
    "ProposalRejectInput": _anyone("reason"),
    "ProposalBulkApproveInput": _anyone("proposals"),
    "ChallengeInterestInput": _anyone("vendor", "note", "reason"),
    "IntroductionInterestInput": _anyone("pitch", "reason"),
    "IntroductionDeclineInput": _anyone("reason"),
    "IntroductionShortlistInput": _anyone("reason"),
    "ClarificationInput": _anyone("question", "answer", "reason"),
    "ClarificationAnswerInput": _anyone("answer", "reason"),
    "ChallengeAwardInput": _anyone("introduction", "reason"),
    "MilestoneInput": _anyone("title", "amount", "due_date", "reason"),
    "MilestoneMoveInput": _anyone("reason"),
    "SubmissionSaveInput": _anyone("approach", "team", "schedule", "price", "answers", "reason"),
    "SubmissionMoveInput": _anyone("reason"),
    "EngagementAmendInput": _anyone("reason", "price", "ends_on"),
    "PayoutCancelInput": _anyone("reason"),
    # The evaluation
    "CommitteeSetInput": _anyone("members", "secretary", "reason"),
    "ScoreSheetSaveInput": _anyone("scores"),
    "ScoreSheetSubmitInput": _anyone("scores"),
    "ConsensusRecordInput": _anyone("scores"),
    "ChallengeAwardSubmissionInput": _anyone("submission", "rationale", "reason"),
}

# A value each privileged field is sent with (any value: sending the field at all is refused).
PRIVILEGED_SAMPLES = {"is_active": True, "is_verified": True}
