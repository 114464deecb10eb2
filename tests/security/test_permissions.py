"""Who may call which API endpoint on which object: every endpoint × every method × every role.

The expected statuses are in tests/security/matrix.py. A new endpoint under /api/v1/ without a row there
fails `test_matrix_covers_every_api_endpoint`.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from drf_spectacular.generators import SchemaGenerator

from marketplace.models import Challenge, Vendor
from tests.security.conftest import ROLES, client_as
from tests.security.matrix import MATRIX, PRIVILEGED_SAMPLES, REQUEST_FIELDS

pytestmark = pytest.mark.django_db

PASSWORD = "Un-mot-de-passe-solide-42"  # Every factory user's.

# The object each URL aims at (always side A's), as URL keyword arguments.
TARGETS = {
    "challenge-detail": lambda w: {"challenge_id": w.draft_a.pk},
    "challenge-submit": lambda w: {"challenge_id": w.draft_a.pk},
    "challenge-withdraw": lambda w: {"challenge_id": w.submitted_a.pk},
    "challenge-publish": lambda w: {"challenge_id": w.submitted_a.pk},
    "challenge-close": lambda w: {"challenge_id": w.published_a.pk},
    "challenge-cancel": lambda w: {"challenge_id": w.published_a.pk},
    "challenge-grid-amend": lambda w: {"challenge_id": w.published_a.pk},
    "challenge-matches": lambda w: {"challenge_id": w.published_a.pk},
    "challenge-award": lambda w: {"challenge_id": w.legacy_a.pk},
    "challenge-interest": lambda w: {"challenge_id": w.published_b.pk},
    "clarification-list": lambda w: {"challenge_id": w.published_a.pk},
    "clarification-answer": lambda w: {"clarification_id": w.clarification.pk},
    "organization-detail": lambda w: {"organization_id": w.organization_a.pk},
    "vendor-detail": lambda w: {"vendor_id": w.vendor_a.pk},
    "vendor-verification": lambda w: {"vendor_id": w.vendor_to_verify.pk},
    "organization-invitation-list": lambda w: {"party_id": w.organization_a.pk},
    "organization-invitation-detail": lambda w: {
        "party_id": w.organization_a.pk,
        "invitation_id": w.organization_invitation.pk,
    },
    "vendor-invitation-list": lambda w: {"party_id": w.vendor_a.pk},
    "vendor-invitation-detail": lambda w: {
        "party_id": w.vendor_a.pk,
        "invitation_id": w.vendor_invitation.pk,
    },
    "vendor-opportunities": lambda w: {"vendor_id": w.vendor_a.pk},
    "vendor-join-request-list": lambda w: {"vendor_id": w.vendor_a.pk},
    "join-request-decide": lambda w: {"join_request_id": w.join_request.pk},
    "join-request-withdraw": lambda w: {"join_request_id": w.join_request.pk},
    "saved-search-detail": lambda w: {"saved_search_id": w.saved_search.pk},
    "notification-read": lambda w: {"notification_id": w.notification.pk},
    "token-detail": lambda w: {"token_id": w.token_ids["vendor"]},
    "proposal-approve": lambda w: {"proposal_id": w.proposal.pk},
    "proposal-reject": lambda w: {"proposal_id": w.proposal.pk},
    "proposal-hold": lambda w: {"proposal_id": w.proposal.pk},
    "introduction-detail": lambda w: {"introduction_id": w.introduction.pk},
    "introduction-interest": lambda w: {"introduction_id": w.introduction.pk},
    "introduction-decline": lambda w: {"introduction_id": w.introduction.pk},
    "introduction-shortlist": lambda w: {"introduction_id": w.interested_introduction.pk},
    "engagement-detail": lambda w: {"engagement_id": w.engagement.pk},
    "milestone-create": lambda w: {"engagement_id": w.engagement.pk},
    "milestone-deliver": lambda w: {"milestone_id": w.planned_milestone.pk},
    "milestone-accept": lambda w: {"milestone_id": w.delivered_milestone.pk},
    "submission-save": lambda w: {"introduction_id": w.introduction.pk},
    "submission-detail": lambda w: {"submission_id": w.submission.pk},
    "submission-submit": lambda w: {"submission_id": w.draft_submission.pk},
    "submission-withdraw": lambda w: {"submission_id": w.submission.pk},
    "submission-attachment-add": lambda w: {"submission_id": w.submission.pk},
    "submission-attachment-remove": lambda w: {"attachment_id": w.attachment.pk},
    "submission-attachment-download": lambda w: {"attachment_id": w.attachment.pk},
    "engagement-amend": lambda w: {"engagement_id": w.engagement.pk},
    "payout-retry": lambda w: {"payout_id": w.failed_payout.pk},
    "payout-cancel": lambda w: {"payout_id": w.failed_payout.pk},
    "committee-detail": lambda w: {"challenge_id": w.evaluating_a.pk},
    "score-sheet-detail": lambda w: {"submission_id": w.evaluated_submission.pk},
    "score-sheet-submit": lambda w: {"submission_id": w.evaluated_submission.pk},
    "consensus-detail": lambda w: {"submission_id": w.scored_submission.pk},
    "challenge-ranking": lambda w: {"challenge_id": w.scored_a.pk},
    "challenge-award-submission": lambda w: {"challenge_id": w.scored_a.pk},
    "submission-debrief": lambda w: {"submission_id": w.debriefed_submission.pk},
}

# Why a coordinator acts for the firm or the organization (tests/security/test_on_behalf.py); members may send it.
BEHALF = "Demandé par la partie, absente cette semaine."


def _scores(criteria) -> list[dict]:
    return [{"criterion": criterion.pk, "score": 80, "comment": "Solide."} for criterion in criteria]


# A valid body for each write, so that a role allowed through gets the success status.
BODIES = {
    ("organization-list", "POST"): lambda w: {"name": "Nouvel organisme", "kind": "agency"},
    ("organization-detail", "PATCH"): lambda w: {"name": "Organisme renommé"},
    # Side B's firm: the vendor role may ask to join it; other_vendor, already a member, may not.
    ("join-request-list", "POST"): lambda w: {"neq": w.vendor_b.neq, "message": "Nouvelle recrue."},
    ("join-request-decide", "POST"): lambda w: {"decision": "accept"},
    ("vendor-list", "POST"): lambda w: {
        "name": "Nouvelle firme inc.",
        "neq": "1199999999",
        "description": "Services infonuagiques.",
        "languages": ["fr"],
        "regions": ["03"],
        "employees": 12,
        "founded": 2015,
        "expertise": ["cloud"],
    },
    ("vendor-detail", "PATCH"): lambda w: {
        "description": "Nous migrons des applications vers le nuage.",
        "reason": BEHALF,
    },
    ("challenge-list", "POST"): lambda w: {
        "title": "Nouveau défi",
        "description": "Un portail citoyen.",
        "language": "fr",
        "expertise": ["cloud"],
        "budget_min": "10000",
        "budget_max": "20000",
        "deadline": w.milestone_due,
    },
    ("challenge-detail", "PATCH"): lambda w: {"title": "Brouillon renommé", "reason": BEHALF},
    ("challenge-detail", "DELETE"): lambda w: {"reason": BEHALF},
    ("challenge-submit", "POST"): lambda w: {"note": BEHALF},
    ("challenge-withdraw", "POST"): lambda w: {"note": BEHALF},
    ("challenge-close", "POST"): lambda w: {"note": BEHALF},
    ("challenge-cancel", "POST"): lambda w: {"note": BEHALF},
    ("challenge-grid-amend", "POST"): lambda w: {
        "award_mode": "quality",
        "criteria": [
            {"title": "Démarche", "weight": 50},
            {"title": "Équipe", "weight": 30},
            {"title": "Échéancier", "weight": 20},
        ],
        "summary": "La qualité seule départage les soumissions.",
        "reason": BEHALF,
    },
    ("saved-search-list", "POST"): lambda w: {"name": "Nuage", "q": "infonuagique"},
    ("proposal-list", "POST"): lambda w: {"challenge": w.shortlisting_a.pk, "vendor": w.vendor_b.pk},
    ("proposal-bulk-approve", "POST"): lambda w: {"proposals": [w.proposal.pk]},
    ("proposal-reject", "POST"): lambda w: {"reason": "Hors sujet."},
    ("introduction-interest", "POST"): lambda w: {
        "pitch": "Nous avons fait la même chose ailleurs.",
        "reason": BEHALF,
    },
    ("introduction-shortlist", "POST"): lambda w: {"reason": BEHALF},
    ("challenge-interest", "POST"): lambda w: {
        "vendor": w.vendor_a.pk,
        "note": "Nous avons mené trois migrations semblables.",
        "reason": BEHALF,
    },
    ("introduction-decline", "POST"): lambda w: {"reason": "Pas disponibles."},
    ("clarification-list", "POST"): lambda w: {"question": "Quelle est la date de début ?"},
    ("clarification-answer", "POST"): lambda w: {"answer": "Oui, sous licence libre.", "reason": BEHALF},
    ("challenge-award", "POST"): lambda w: {"introduction": w.legacy_interested.pk, "reason": BEHALF},
    ("milestone-create", "POST"): lambda w: {
        "title": "Prototype",
        "amount": w.amount,
        "due_date": w.milestone_due,
        "reason": BEHALF,
    },
    ("milestone-deliver", "POST"): lambda w: {"reason": BEHALF},
    ("milestone-accept", "POST"): lambda w: {"reason": BEHALF},
    ("submission-save", "POST"): lambda w: {"price": "95000.00", "reason": BEHALF},
    ("submission-submit", "POST"): lambda w: {"reason": BEHALF},
    ("submission-withdraw", "POST"): lambda w: {"reason": BEHALF},
    ("submission-attachment-remove", "DELETE"): lambda w: {"reason": BEHALF},
    ("engagement-amend", "POST"): lambda w: {"reason": "Travaux supplémentaires.", "price": "500000"},
    ("payout-cancel", "POST"): lambda w: {"reason": "Payé par chèque."},
    ("committee-detail", "PUT"): lambda w: {
        "members": [user.pk for user in w.committee],
        "secretary": w.colleagues[2].pk,
        "reason": BEHALF,
    },
    ("score-sheet-detail", "PUT"): lambda w: {"scores": _scores(w.evaluating_criteria)},
    ("score-sheet-submit", "POST"): lambda w: {"scores": _scores(w.evaluating_criteria)},
    ("consensus-detail", "PUT"): lambda w: {"scores": _scores(w.scored_criteria)},
    ("challenge-award-submission", "POST"): lambda w: {
        "submission": w.scored_submission.pk,
        "rationale": "La seule soumission acceptable.",
        "reason": BEHALF,
    },
    ("vendor-verification", "POST"): lambda w: {"decision": "refused", "reason": "Absente du registre."},
    ("organization-invitation-list", "POST"): lambda w: {"email": "collegue@example.qc.ca"},
    ("vendor-invitation-list", "POST"): lambda w: {"email": "collegue@example.qc.ca"},
    ("me-preferences", "PATCH"): lambda w: {"email_frequency": "off"},
    ("me-consents", "POST"): lambda w: {"kind": "terms", "granted": True},
    ("me-delete", "POST"): lambda w: {"password": PASSWORD},
    ("token-create", "POST"): lambda w: {"username": w.users["vendor"].username, "password": PASSWORD},
}


def _api_endpoints() -> set[tuple[str, str]]:
    """(URL name, method) of every view under /api/v1/, from Django's URL resolver."""
    found = set()

    def walk(patterns: list, prefix: str) -> None:
        for pattern in patterns:
            path = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, path)
            elif isinstance(pattern, URLPattern) and path.startswith("api/v1/"):
                view_class = pattern.callback.view_class
                for method in ("get", "post", "put", "patch", "delete"):
                    if hasattr(view_class, method):
                        found.add((pattern.name, method.upper()))

    walk(get_resolver().url_patterns, "")
    return found


def test_matrix_covers_every_api_endpoint():
    endpoints = _api_endpoints()

    missing, stale = endpoints - MATRIX.keys(), MATRIX.keys() - endpoints

    assert not missing, f"API endpoints without a row in the permission matrix: {sorted(missing)}"
    assert not stale, f"Permission matrix rows for endpoints that no longer exist: {sorted(stale)}"


def _request(world, role: str, name: str, method: str):
    url = reverse(name, kwargs=TARGETS[name](world) if name in TARGETS else None)
    body = BODIES[(name, method)](world) if (name, method) in BODIES else {}
    return getattr(client_as(world, role), method.lower())(url, body, format="json")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "method"), list(MATRIX))
def test_permission_matrix(world, role, name, method):
    expected = MATRIX[(name, method)][ROLES.index(role)]

    response = _request(world, role, name, method)

    assert response.status_code == expected, (
        f"{method} {name} as {role}: expected {expected}, got {response.status_code}: "
        f"{getattr(response, 'data', response.content[:300])}"
    )


# Privileged fields: every field of every request body has a row in REQUEST_FIELDS (matrix.py).


def _request_bodies() -> dict[tuple[str, str], tuple[str, set[str]]]:
    """(URL name, method) → (input serializer, its fields), for every request body the OpenAPI schema documents."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    bodies = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            ref = (
                operation.get("requestBody", {})
                .get("content", {})
                .get("application/json", {})
                .get("schema", {})
            )
            if "$ref" not in ref:
                continue  # The payment webhook: a signed provider event, no serializer.
            component = ref["$ref"].rsplit("/", 1)[1]
            name = resolve(re.sub(r"\{[^}]+\}", "1", path)).url_name
            fields = set(schema["components"]["schemas"][component].get("properties", {}))
            bodies[(name, method.upper())] = (
                component.removeprefix("Patched").removesuffix("Request"),
                fields,
            )
    return bodies


REQUEST_BODIES = _request_bodies()


def test_every_request_field_has_a_row_saying_who_may_set_it():
    missing = {
        f"{serializer}.{field}"
        for serializer, fields in REQUEST_BODIES.values()
        for field in fields - REQUEST_FIELDS.get(serializer, {}).keys()
    }
    documented = {(serializer, field) for serializer, fields in REQUEST_BODIES.values() for field in fields}
    stale = {f"{s}.{f}" for s, fields in REQUEST_FIELDS.items() for f in fields if (s, f) not in documented}

    assert not missing, (
        f"Request fields without a row in REQUEST_FIELDS (tests/security/matrix.py): {sorted(missing)}"
    )
    assert not stale, f"REQUEST_FIELDS rows for fields no request takes any more: {sorted(stale)}"


def _let_through(name: str, method: str, role: str) -> bool:
    """Whether the endpoint lets the role through to its input checks (the matrix expects neither 403 nor 404)."""
    return MATRIX[(name, method)][ROLES.index(role)] not in (403, 404)


PRIVILEGED_CASES = [
    (name, method, field, role)
    for (name, method), (serializer, fields) in sorted(REQUEST_BODIES.items())
    for field in sorted(fields)
    if REQUEST_FIELDS.get(serializer, {}).get(field)
    for role in ROLES
    if _let_through(name, method, role)
]


def _written(world) -> tuple:
    """What a refused write must leave as it was: the rows and the side A objects the writes aim at."""
    return (
        Vendor.objects.count(),
        Challenge.objects.count(),
        Vendor.objects.filter(pk=world.vendor_a.pk)
        .values_list("updated_at", "is_active", "is_verified")
        .get(),
    )


def test_privileged_fields_are_tried_by_some_role():
    assert any(role not in REQUEST_FIELDS["VendorInput"]["is_verified"] for *_rest, role in PRIVILEGED_CASES)


@pytest.mark.parametrize(("name", "method", "field", "role"), PRIVILEGED_CASES)
def test_privileged_field_is_refused_to_the_roles_not_allowed_to_set_it(world, name, method, field, role):
    allowed = REQUEST_FIELDS[REQUEST_BODIES[(name, method)][0]][field]
    url = reverse(name, kwargs=TARGETS[name](world) if name in TARGETS else None)
    body = {
        **(BODIES[(name, method)](world) if (name, method) in BODIES else {}),
        field: PRIVILEGED_SAMPLES[field],
    }
    before = _written(world)

    response = getattr(client_as(world, role), method.lower())(url, body, format="json")

    if role in allowed:
        assert response.status_code < 300, response.data
    else:
        assert response.status_code == 403, response.data
        assert _written(world) == before


# Lists answer 200 to everyone signed in, so what matters is what they hold: never side A's objects for side B.
LISTS = {
    "challenge-list": lambda w: w.draft_a.pk,
    "introduction-list": lambda w: w.introduction.pk,
    "engagement-list": lambda w: w.engagement.pk,
    "notification-list": lambda w: w.notification.pk,
    "saved-search-list": lambda w: w.saved_search.pk,
    "submission-list": lambda w: w.submission.pk,
}


@pytest.mark.parametrize("role", ["anonymous", "other_vendor", "other_ministry"])
@pytest.mark.parametrize("name", list(LISTS))
def test_lists_never_show_another_organizations_objects(world, role, name):
    response = _request(world, role, name, "GET")

    ids = [item["id"] for item in response.data["results"]] if response.status_code == 200 else []
    assert LISTS[name](world) not in ids


@pytest.mark.parametrize("role", ["anonymous", "other_vendor", "other_ministry"])
def test_clarifications_of_a_challenge_are_hidden_from_those_not_introduced(world, role):
    response = _request(world, role, "clarification-list", "GET")

    assert response.status_code in (200, 403)
    assert response.status_code == 403 or response.data["results"] == []


def test_proposals_are_sealed_from_their_own_organization_before_the_deadline(world):
    response = _request(world, "ministry", "submission-list", "GET")

    sealed = {world.submission.pk, world.draft_submission.pk}
    assert [row["id"] for row in response.data["results"] if row["id"] in sealed] == []


@pytest.mark.parametrize("role", ["vendor", "ministry", "coordinator"])
def test_lists_show_the_owners_their_objects(world, role):
    """The other side of the leak tests: the same lists do hold the objects for those who may see them."""
    visible = {
        "vendor": [
            "introduction-list",
            "engagement-list",
            "notification-list",
            "saved-search-list",
            "submission-list",
        ],
        "ministry": ["challenge-list", "introduction-list", "engagement-list"],
        "coordinator": ["challenge-list", "introduction-list", "engagement-list"],
    }[role]

    for name in visible:
        response = _request(world, role, name, "GET")
        assert LISTS[name](world) in [item["id"] for item in response.data["results"]], name


def test_payment_webhook_refuses_an_unsigned_event_and_changes_nothing(world, settings):
    settings.PAYMENT_WEBHOOK_SECRET = "whsec-test"
    body = {"type": "payout.paid", "data": {"id": "po_123", "status": "paid"}}

    response = client_as(world, "anonymous").post("/api/v1/payments/webhook/", body, format="json")

    assert response.status_code == 400
    world.payout.refresh_from_db()
    assert world.payout.status == "pending"
