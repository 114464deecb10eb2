import datetime
import json
import logging
import time
from decimal import Decimal

import hypothesis
import pytest
import requests
import responses
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import strategies as st

from hub.models import AuditEntry, Notification, User
from matching import payments, services
from matching.models import Milestone, Payout
from matching.tasks import payout_submit_task, payouts_reconcile_task
from tests import factories

pytestmark = pytest.mark.django_db

API_URL = "https://payments.example.test/v1"
SECRET = "whsec_test_secret"
PAYOUTS_URL = f"{API_URL}/payouts"
WEBHOOK_URL = "/api/v1/payments/webhook/"


@pytest.fixture(autouse=True)
def _payment_settings(settings):
    settings.PAYMENT_PROVIDER = "http"
    settings.PAYMENT_API_URL = API_URL
    settings.PAYMENT_API_KEY = "sk_test_key"
    settings.PAYMENT_WEBHOOK_SECRET = SECRET


@pytest.fixture
def provider():
    """The payment provider's API, stubbed: an unexpected request fails the test, and so does an unused stub."""
    with responses.RequestsMock() as stub:
        yield stub


@pytest.fixture
def vendor_user():
    return factories.UserFactory(role=User.Role.VENDOR_MEMBER, preferred_language="en")


@pytest.fixture
def milestone(vendor_user, coordinator) -> Milestone:
    vendor = factories.VendorFactory(members=[vendor_user])
    return factories.MilestoneFactory(
        status=Milestone.Status.ACCEPTED,
        amount=Decimal("1234.56"),
        engagement__introduction__proposal__vendor=vendor,
        engagement__introduction__proposal__decided_by=coordinator,  # The hub's only coordinator.
    )


@pytest.fixture
def submitted_payout(milestone) -> Payout:
    return factories.PayoutFactory(milestone=milestone, status=Payout.Status.SUBMITTED, provider_id="po_123")


def provider_payout(
    provider_id: str = "po_123", status: str = "pending", *, updated: int | None = None, **extra
) -> dict:
    return {
        "id": provider_id,
        "status": status,
        "amount": 123456,
        "currency": "CAD",
        "updated": int(time.time()) if updated is None else updated,
        "failure_message": None,
        **extra,
    }


def event_body(
    provider_id: str = "po_123", status: str = "paid", *, created: int | None = None, **extra
) -> bytes:
    created = int(time.time()) if created is None else created
    return json.dumps(
        {
            "id": f"evt_{provider_id}_{status}_{created}",
            "type": "payout.updated",
            "created": created,
            "data": provider_payout(provider_id, status, updated=created, **extra),
        }
    ).encode()


def post_webhook(
    api_client, body: bytes, *, signature: str | None = None, secret: str = SECRET, signed_at=None
):
    if signature is None:
        signature = payments.webhook_signature(
            secret=secret, timestamp=int(time.time()) if signed_at is None else signed_at, body=body
        )
    return api_client.post(
        WEBHOOK_URL,
        data=body,
        content_type="application/json",
        HTTP_MAILLAGE_SIGNATURE=signature,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def payout_audit(payout: Payout) -> list[tuple[str, str, str]]:
    entries = AuditEntry.objects.filter(object_type="payout", object_id=payout.pk).order_by("id")
    return [(entry.action, entry.from_state, entry.to_state) for entry in entries]


def milestone_audit(milestone: Milestone) -> list[tuple[str, str]]:
    entries = AuditEntry.objects.filter(object_type="milestone", object_id=milestone.pk).order_by("id")
    return [(entry.from_state, entry.to_state) for entry in entries]


def assert_unchanged(payout: Payout) -> None:
    before = (payout.status, payout.last_event_at, payout.milestone.status)
    payout.refresh_from_db()
    payout.milestone.refresh_from_db()
    assert (payout.status, payout.last_event_at, payout.milestone.status) == before
    assert payout_audit(payout) == []
    assert not Notification.objects.exists()


# The provider client


def test_http_provider_sends_the_amount_in_integer_cents_with_the_idempotency_key(provider):
    provider.add(responses.POST, PAYOUTS_URL, json=provider_payout("po_1"), status=201)
    client = payments.payment_provider()

    answer = client.create_payout(
        idempotency_key="key-1",
        amount=Decimal("1234.56"),
        currency="CAD",
        destination="v-0001",
        reference="milestone-1",
        metadata={"payout": "1"},
    )

    request = provider.calls[0].request
    assert json.loads(request.body) == {
        "amount": 123456,
        "currency": "CAD",
        "destination": "v-0001",
        "reference": "milestone-1",
        "metadata": {"payout": "1"},
    }
    assert request.headers["Idempotency-Key"] == "key-1"
    assert request.headers["Authorization"] == "Bearer sk_test_key"
    assert (answer.id, answer.status) == ("po_1", "pending")


def test_amounts_are_exact_cents_never_rounded():
    assert payments.amount_to_cents(Decimal("0.10")) == 10
    assert payments.amount_to_cents(Decimal("9999999999.99")) == 999999999999
    assert payments.cents_to_amount(123456) == Decimal("1234.56")
    with pytest.raises(ValueError):
        payments.amount_to_cents(Decimal("10.005"))
    with pytest.raises(TypeError):
        payments.amount_to_cents(10.1)


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ({"body": requests.exceptions.ConnectTimeout("too slow")}, payments.PaymentProviderUnavailable),
        ({"body": requests.exceptions.ConnectionError("refused")}, payments.PaymentProviderUnavailable),
        ({"status": 503, "json": {"error": "maintenance"}}, payments.PaymentProviderUnavailable),
        ({"status": 429, "json": {"error": "slow down"}}, payments.PaymentProviderUnavailable),
        (
            {"status": 422, "json": {"error": {"message": "Unknown destination."}}},
            payments.PaymentProviderRejected,
        ),
        ({"status": 401, "json": {"error": "bad key"}}, payments.PaymentProviderError),
        ({"status": 200, "body": "<html>proxy</html>"}, payments.PaymentProviderError),
    ],
)
def test_http_provider_names_each_kind_of_error(provider, answer, error):
    provider.add(responses.GET, f"{PAYOUTS_URL}/po_1", **answer)

    with pytest.raises(error) as raised:
        payments.payment_provider().fetch_payout("po_1")

    # Only timeouts, connection errors, 429 and 5xx are worth retrying.
    assert isinstance(raised.value, payments.PaymentProviderUnavailable) == (
        error is payments.PaymentProviderUnavailable
    )


# Requesting and sending a payout


def test_payout_request_creates_one_payout_of_the_milestone_amount(milestone):
    first = services.payout_request(milestone=milestone)
    second = services.payout_request(milestone=milestone)

    assert second.pk == first.pk
    assert Payout.objects.filter(milestone=milestone).count() == 1
    first.refresh_from_db()
    assert (first.amount, first.currency, first.status) == (Decimal("1234.56"), "CAD", Payout.Status.PENDING)
    assert payout_audit(first) == [("request", "", "pending")]


def test_payout_request_refuses_a_milestone_not_accepted():
    milestone = factories.MilestoneFactory(status=Milestone.Status.DELIVERED)

    with pytest.raises(ValidationError) as raised:
        services.payout_request(milestone=milestone)

    assert raised.value.code == "milestone_not_accepted"
    assert not Payout.objects.exists()


def test_payout_request_sends_the_payout_after_commit(
    provider, milestone, django_capture_on_commit_callbacks
):
    provider.add(responses.POST, PAYOUTS_URL, json=provider_payout("po_77"), status=201)

    with django_capture_on_commit_callbacks(execute=True):
        payout = services.payout_request(milestone=milestone)

    payout.refresh_from_db()
    assert (payout.status, payout.provider_id, payout.attempts) == (Payout.Status.SUBMITTED, "po_77", 1)
    body = json.loads(provider.calls[0].request.body)
    assert (body["amount"], body["currency"]) == (123456, "CAD")
    assert provider.calls[0].request.headers["Idempotency-Key"] == str(payout.idempotency_key)
    assert payout_audit(payout) == [("request", "", "pending"), ("submitted", "pending", "submitted")]


def test_payout_submit_task_retried_after_a_timeout_reuses_the_idempotency_key(provider, milestone):
    payout = factories.PayoutFactory(milestone=milestone)
    provider.add(responses.POST, PAYOUTS_URL, body=requests.exceptions.ReadTimeout("no answer in time"))
    provider.add(responses.POST, PAYOUTS_URL, json=provider_payout("po_9"), status=201)

    result = payout_submit_task.apply(args=(payout.pk,), throw=False)  # Runs the retries in-process.

    assert result.successful()
    keys = [call.request.headers["Idempotency-Key"] for call in provider.calls]
    assert keys == [str(payout.idempotency_key)] * 2
    assert json.loads(provider.calls[0].request.body) == json.loads(provider.calls[1].request.body)
    assert Payout.objects.count() == 1
    payout.refresh_from_db()
    assert (payout.status, payout.provider_id, payout.attempts) == (Payout.Status.SUBMITTED, "po_9", 2)


def test_payout_submit_task_retries_after_a_provider_error_500(provider, milestone):
    payout = factories.PayoutFactory(milestone=milestone)
    provider.add(responses.POST, PAYOUTS_URL, status=500, json={"error": "internal"})
    provider.add(responses.POST, PAYOUTS_URL, json=provider_payout("po_9"), status=201)

    result = payout_submit_task.apply(args=(payout.pk,), throw=False)

    assert result.successful()
    payout.refresh_from_db()
    assert (payout.status, payout.provider_id) == (Payout.Status.SUBMITTED, "po_9")
    assert payout.last_error == "POST /payouts: HTTP 500"  # Kept for whoever looks at it later.


def test_payout_submit_task_does_not_retry_when_our_configuration_is_wrong(provider, milestone):
    payout = factories.PayoutFactory(milestone=milestone)
    provider.add(responses.POST, PAYOUTS_URL, status=401, json={"error": "Invalid API key."})

    result = payout_submit_task.apply(args=(payout.pk,), throw=False)

    assert isinstance(result.result, payments.PaymentProviderError)
    assert len(provider.calls) == 1
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PENDING  # Reconciliation sends it once the key is fixed.
    assert "Invalid API key." in payout.last_error


def test_payout_submit_does_not_send_a_payout_already_sent(provider, submitted_payout):
    services.payout_submit(payout=submitted_payout)  # The stub has no answer: any request would fail.

    assert len(provider.calls) == 0


def test_payout_submit_marks_failed_a_payout_the_provider_refuses(provider, milestone, coordinator):
    payout = factories.PayoutFactory(milestone=milestone)
    provider.add(responses.POST, PAYOUTS_URL, status=422, json={"error": {"message": "Unknown destination."}})

    services.payout_submit(payout=payout)

    payout.refresh_from_db()
    milestone.refresh_from_db()
    assert payout.status == Payout.Status.FAILED
    assert "Unknown destination." in payout.last_error
    assert milestone.status == Milestone.Status.ACCEPTED
    assert list(Notification.objects.values_list("user", "kind")) == [
        (coordinator.pk, Notification.Kind.PAYOUT_FAILED)
    ]


@pytest.mark.parametrize(
    "administrator",
    [{"role": User.Role.ADMINISTRATOR}, {"role": User.Role.VENDOR_MEMBER, "is_superuser": True}],
    ids=["administrator", "superuser"],
)
def test_payout_failure_is_told_to_administrators_too(provider, milestone, coordinator, administrator):
    administrator = factories.UserFactory(**administrator)
    payout = factories.PayoutFactory(milestone=milestone)
    provider.add(responses.POST, PAYOUTS_URL, status=422, json={"error": {"message": "Unknown destination."}})

    services.payout_submit(payout=payout)

    told = set(
        Notification.objects.filter(kind=Notification.Kind.PAYOUT_FAILED).values_list("user", flat=True)
    )
    assert told == {coordinator.pk, administrator.pk}


# The webhook


def test_payment_webhook_marks_the_payout_and_the_milestone_paid(api_client, submitted_payout, vendor_user):
    response = post_webhook(api_client, event_body("po_123", "paid"))

    assert response.status_code == 200
    submitted_payout.refresh_from_db()
    milestone = submitted_payout.milestone
    milestone.refresh_from_db()
    assert submitted_payout.status == Payout.Status.PAID
    assert milestone.status == Milestone.Status.PAID
    assert payout_audit(submitted_payout) == [("paid", "submitted", "paid")]
    assert milestone_audit(milestone) == [("accepted", "paid")]
    notification = Notification.objects.get()
    assert (notification.user, notification.kind) == (vendor_user, Notification.Kind.PAYOUT_PAID)
    assert notification.dedupe_key == f"payout-paid:{submitted_payout.pk}"
    assert notification.title == f"Payment sent: {milestone.title}"  # In the member's language, English.
    assert "$1,234.56" in notification.body


def test_payment_webhook_notifies_coordinators_of_a_failed_payout(api_client, submitted_payout, coordinator):
    response = post_webhook(api_client, event_body("po_123", "failed", failure_message="Account closed."))

    assert response.status_code == 200
    submitted_payout.refresh_from_db()
    assert (submitted_payout.status, submitted_payout.last_error) == (Payout.Status.FAILED, "Account closed.")
    assert payout_audit(submitted_payout) == [("failed", "submitted", "failed")]
    notification = Notification.objects.get()
    assert (notification.user, notification.kind) == (coordinator, Notification.Kind.PAYOUT_FAILED)
    assert "Account closed." in notification.body


def test_payment_webhook_refuses_a_bad_signature(api_client, submitted_payout, caplog):
    with caplog.at_level(logging.WARNING, logger="matching.api"):
        response = post_webhook(api_client, event_body("po_123", "paid"), secret="not-the-shared-secret")

    assert response.status_code == 400
    assert "signature does not match" in response.json()["non_field_errors"][0]
    assert "Payment webhook refused" in caplog.text
    assert_unchanged(submitted_payout)


def test_payment_webhook_refuses_a_signature_older_than_five_minutes(api_client, submitted_payout, caplog):
    body = event_body("po_123", "paid")

    with caplog.at_level(logging.WARNING, logger="matching.api"):
        response = post_webhook(api_client, body, signed_at=int(time.time()) - 5 * 60 - 1)

    assert response.status_code == 400
    assert "more than five minutes old" in response.json()["non_field_errors"][0]
    assert "Payment webhook refused" in caplog.text
    assert_unchanged(submitted_payout)


@pytest.mark.parametrize("signature", ["", "v1=abc", "t=now,v1=abc", "t=1700000000"])
def test_payment_webhook_refuses_a_missing_or_malformed_signature(api_client, submitted_payout, signature):
    response = post_webhook(api_client, event_body("po_123", "paid"), signature=signature)

    assert response.status_code == 400
    assert "Maillage-Signature header is missing or malformed" in response.json()["non_field_errors"][0]
    assert_unchanged(submitted_payout)


# Characters outside ASCII in either part once made the check crash (int("²"), compare_digest("é")): a 500.
@pytest.mark.parametrize(
    "signature", ["t=²,v1=abc", "t={now},v1=é", "t=١٧٠٠٠٠٠٠٠٠,v1=abc", "t={now},v1=abc,v1=ñ"]
)
def test_payment_webhook_refuses_a_signature_with_non_ascii_characters(
    api_client, submitted_payout, signature
):
    response = post_webhook(
        api_client, event_body("po_123", "paid"), signature=signature.format(now=int(time.time()))
    )

    assert response.status_code == 400
    assert "Maillage-Signature header is missing or malformed" in response.json()["non_field_errors"][0]
    assert_unchanged(submitted_payout)


@hypothesis.settings(max_examples=300, derandomize=True, deadline=None)
@hypothesis.given(
    header=st.one_of(
        st.text(),
        st.builds("t={},v1={}".format, st.text(), st.text()),
        st.builds(
            "t={},v1={}".format, st.integers().map(str), st.text(alphabet="0123456789abcdefé²", max_size=70)
        ),
    )
)
def test_webhook_signature_verify_refuses_any_odd_header_with_a_validation_error(header):
    with pytest.raises(ValidationError):
        payments.webhook_signature_verify(header=header, body=b"{}", secret=SECRET)


def test_payment_webhook_refuses_everything_while_no_secret_is_configured(
    api_client, submitted_payout, settings
):
    body = event_body("po_123", "paid")
    signature = payments.webhook_signature(secret="", timestamp=int(time.time()), body=body)
    settings.PAYMENT_WEBHOOK_SECRET = ""

    response = post_webhook(api_client, body, signature=signature)

    assert response.status_code == 400
    assert_unchanged(submitted_payout)


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"\xff\xfe",
        b"[]",
        json.dumps({"type": "payout.updated", "created": 1700000000}).encode(),
        json.dumps({"type": "payout.updated", "created": "yesterday", "data": provider_payout()}).encode(),
        json.dumps(
            {"type": "payout.updated", "created": 1700000000, "data": provider_payout(status="lost")}
        ).encode(),
    ],
)
def test_payment_webhook_refuses_a_malformed_body(api_client, submitted_payout, body, caplog):
    with caplog.at_level(logging.WARNING, logger="matching.api"):
        response = post_webhook(api_client, body)

    assert response.status_code == 400
    assert "not a payout event" in response.json()["non_field_errors"][0]
    assert "Payment webhook refused" in caplog.text
    assert_unchanged(submitted_payout)


def test_payment_webhook_refuses_an_unknown_payout(api_client, submitted_payout, caplog):
    with caplog.at_level(logging.WARNING, logger="matching.api"):
        response = post_webhook(api_client, event_body("po_unknown", "paid"))

    assert response.status_code == 400
    assert "No payout has the provider id po_unknown" in response.json()["non_field_errors"][0]
    assert "Payment webhook refused" in caplog.text
    assert_unchanged(submitted_payout)


def test_payment_webhook_acknowledges_and_ignores_events_about_other_things(api_client, submitted_payout):
    body = json.dumps({"type": "balance.available", "created": int(time.time()), "data": {}}).encode()

    response = post_webhook(api_client, body)

    assert response.status_code == 200
    assert_unchanged(submitted_payout)


def test_payment_webhook_duplicated_event_changes_nothing_the_second_time(api_client, submitted_payout):
    body = event_body("po_123", "paid")
    post_webhook(api_client, body)

    response = post_webhook(api_client, body, signed_at=int(time.time()) + 1)  # Delivered again, signed anew.

    assert response.status_code == 200
    submitted_payout.refresh_from_db()
    assert submitted_payout.status == Payout.Status.PAID
    assert payout_audit(submitted_payout) == [("paid", "submitted", "paid")]
    assert milestone_audit(submitted_payout.milestone) == [("accepted", "paid")]
    assert Notification.objects.count() == 1


def test_payment_webhook_replayed_request_changes_nothing(api_client, submitted_payout):
    body = event_body("po_123", "paid")
    signature = payments.webhook_signature(secret=SECRET, timestamp=int(time.time()), body=body)
    post_webhook(api_client, body, signature=signature)

    response = post_webhook(api_client, body, signature=signature)

    assert response.status_code == 200
    assert payout_audit(submitted_payout) == [("paid", "submitted", "paid")]
    assert milestone_audit(submitted_payout.milestone) == [("accepted", "paid")]
    assert Notification.objects.count() == 1


def test_payment_webhook_keeps_paid_when_an_older_pending_event_arrives_late(api_client, submitted_payout):
    now = int(time.time())
    post_webhook(api_client, event_body("po_123", "paid", created=now))

    response = post_webhook(api_client, event_body("po_123", "pending", created=now - 60))

    assert response.status_code == 200
    submitted_payout.refresh_from_db()
    assert submitted_payout.status == Payout.Status.PAID
    assert submitted_payout.last_event_at == datetime.datetime.fromtimestamp(now, tz=datetime.UTC)
    assert payout_audit(submitted_payout) == [("paid", "submitted", "paid")]


def test_payout_apply_event_ignores_an_event_older_than_the_last_one_applied(submitted_payout):
    now = timezone.now()
    services.payout_apply_event(provider_id="po_123", status="pending", occurred_at=now)

    services.payout_apply_event(
        provider_id="po_123", status="failed", occurred_at=now - datetime.timedelta(minutes=1)
    )

    submitted_payout.refresh_from_db()
    assert submitted_payout.status == Payout.Status.SUBMITTED
    assert payout_audit(submitted_payout) == []


def test_payout_apply_event_never_turns_a_paid_payout_failed(submitted_payout):
    now = timezone.now()
    services.payout_apply_event(provider_id="po_123", status="paid", occurred_at=now)

    services.payout_apply_event(
        provider_id="po_123", status="failed", occurred_at=now + datetime.timedelta(minutes=1)
    )

    submitted_payout.refresh_from_db()
    assert submitted_payout.status == Payout.Status.PAID


# Reconciliation


def make_old(payout: Payout) -> None:
    Payout.objects.filter(pk=payout.pk).update(created_at=timezone.now() - datetime.timedelta(hours=1))


def test_payouts_reconcile_settles_a_stuck_payout_the_provider_reports_paid(
    provider, submitted_payout, vendor_user
):
    make_old(submitted_payout)
    provider.add(responses.GET, f"{PAYOUTS_URL}/po_123", json=provider_payout("po_123", "paid"))

    changed = payouts_reconcile_task.delay().get()

    assert changed == 1
    submitted_payout.refresh_from_db()
    submitted_payout.milestone.refresh_from_db()
    assert submitted_payout.status == Payout.Status.PAID
    assert submitted_payout.milestone.status == Milestone.Status.PAID
    assert list(Notification.objects.values_list("user", "kind")) == [
        (vendor_user.pk, Notification.Kind.PAYOUT_PAID)
    ]


def test_payouts_reconcile_marks_failed_a_payout_the_provider_reports_failed(
    provider, submitted_payout, coordinator
):
    make_old(submitted_payout)
    answer = provider_payout("po_123", "failed", failure_message="Bank refused.")
    provider.add(responses.GET, f"{PAYOUTS_URL}/po_123", json=answer)

    changed = services.payouts_reconcile()

    assert changed == 1
    submitted_payout.refresh_from_db()
    assert (submitted_payout.status, submitted_payout.last_error) == (Payout.Status.FAILED, "Bank refused.")
    assert submitted_payout.milestone.status == Milestone.Status.ACCEPTED
    assert list(Notification.objects.values_list("user", "kind")) == [
        (coordinator.pk, Notification.Kind.PAYOUT_FAILED)
    ]


def test_payouts_reconcile_sends_again_a_payout_never_sent(provider, milestone):
    # Its send was lost: broker down, retries exhausted.
    payout = factories.PayoutFactory(milestone=milestone)
    make_old(payout)
    provider.add(responses.POST, PAYOUTS_URL, json=provider_payout("po_5"), status=201)

    services.payouts_reconcile()

    assert provider.calls[0].request.headers["Idempotency-Key"] == str(payout.idempotency_key)
    payout.refresh_from_db()
    assert (payout.status, payout.provider_id) == (Payout.Status.SUBMITTED, "po_5")


def test_payouts_reconcile_leaves_recent_payouts_to_their_webhooks(provider, submitted_payout):
    changed = services.payouts_reconcile()  # The stub has no answer: any request would fail.

    assert changed == 0
    assert len(provider.calls) == 0


def test_payouts_reconcile_stops_while_the_provider_is_unavailable(provider, milestone, submitted_payout):
    other = factories.PayoutFactory(status=Payout.Status.SUBMITTED, provider_id="po_456")
    make_old(submitted_payout)
    make_old(other)
    provider.add(responses.GET, f"{PAYOUTS_URL}/po_123", status=503)

    changed = services.payouts_reconcile()

    assert changed == 0
    assert [call.request.url for call in provider.calls] == [f"{PAYOUTS_URL}/po_123"]
    submitted_payout.refresh_from_db()
    assert submitted_payout.status == Payout.Status.SUBMITTED
    assert submitted_payout.last_error == "GET /payouts/po_123: HTTP 503"


# The sandbox provider, for `make run`


def test_sandbox_provider_pays_on_the_first_check_and_answers_a_retry_with_the_same_payout(
    settings, milestone, django_capture_on_commit_callbacks
):
    settings.PAYMENT_PROVIDER = "sandbox"
    with django_capture_on_commit_callbacks(execute=True):
        payout = services.payout_request(milestone=milestone)
    payout.refresh_from_db()
    retried = payments.payment_provider().create_payout(
        idempotency_key=str(payout.idempotency_key),
        amount=payout.amount,
        currency="CAD",
        destination="v-1",
        reference="milestone",
        metadata={},
    )

    changed = services.payouts_reconcile(older_than=datetime.timedelta(0))

    assert payout.status == Payout.Status.SUBMITTED
    assert retried.id == payout.provider_id
    assert changed == 1
    payout.refresh_from_db()
    payout.milestone.refresh_from_db()
    assert (payout.status, payout.milestone.status) == (Payout.Status.PAID, Milestone.Status.PAID)


def test_sandbox_provider_fails_amounts_ending_in_13_cents(settings):
    settings.PAYMENT_PROVIDER = "sandbox"
    sandbox = payments.payment_provider()

    created = sandbox.create_payout(
        idempotency_key="k",
        amount=Decimal("100.13"),
        currency="CAD",
        destination="v-1",
        reference="r",
        metadata={},
    )

    assert created.status == payments.ProviderStatus.PENDING
    assert sandbox.fetch_payout(created.id).status == payments.ProviderStatus.FAILED


@pytest.mark.parametrize(("language", "amount"), [("fr", "12\u00a0500,00\u00a0$"), ("en", "$12,500.00")])
def test_payout_paid_notification_and_email_write_the_amount_in_the_members_language(
    submitted_payout, vendor_user, mailoutbox, django_capture_on_commit_callbacks, language, amount
):
    vendor_user.preferred_language = language
    vendor_user.save(update_fields=["preferred_language"])
    Payout.objects.filter(pk=submitted_payout.pk).update(amount=Decimal("12500.00"))

    with django_capture_on_commit_callbacks(execute=True):
        services.payout_apply_event(provider_id="po_123", status="paid", occurred_at=timezone.now())

    notification = Notification.objects.get(user=vendor_user, kind=Notification.Kind.PAYOUT_PAID)
    [email] = [message for message in mailoutbox if message.to == [vendor_user.email]]
    assert amount in notification.body
    assert amount in email.body and amount in email.alternatives[0][0]


# A failed payout: a coordinator sends it again or cancels it


@pytest.fixture
def failed_payout(provider, milestone) -> Payout:
    """Refused by the provider on its first send (the firm's bank details were wrong)."""
    payout = factories.PayoutFactory(milestone=milestone)
    provider.add(responses.POST, PAYOUTS_URL, status=422, json={"error": {"message": "Unknown destination."}})
    services.payout_submit(payout=payout)
    payout.refresh_from_db()
    assert payout.status == Payout.Status.FAILED
    return payout


def test_payout_retry_sends_the_payout_again_under_the_same_idempotency_key(
    provider, failed_payout, coordinator, django_capture_on_commit_callbacks
):
    provider.add(responses.POST, PAYOUTS_URL, json=provider_payout("po_2"), status=201)

    with django_capture_on_commit_callbacks(execute=True):
        services.payout_retry(payout=failed_payout, user=coordinator)

    keys = [call.request.headers["Idempotency-Key"] for call in provider.calls]
    assert keys == [str(failed_payout.idempotency_key)] * 2
    failed_payout.refresh_from_db()
    assert (failed_payout.status, failed_payout.provider_id, failed_payout.attempts) == (
        Payout.Status.SUBMITTED,
        "po_2",
        2,
    )
    assert payout_audit(failed_payout)[-2:] == [
        ("retry", "failed", "pending"),
        ("submitted", "pending", "submitted"),
    ]


def test_payout_retry_that_fails_again_tells_the_coordinators_again(
    provider, failed_payout, coordinator, django_capture_on_commit_callbacks
):
    provider.add(responses.POST, PAYOUTS_URL, status=422, json={"error": {"message": "Still unknown."}})

    with django_capture_on_commit_callbacks(execute=True):
        services.payout_retry(payout=failed_payout, user=coordinator)

    failed_payout.refresh_from_db()
    assert failed_payout.status == Payout.Status.FAILED
    assert Notification.objects.filter(user=coordinator, kind=Notification.Kind.PAYOUT_FAILED).count() == 2


def test_payout_retry_refuses_a_payout_that_has_not_failed(provider, submitted_payout, coordinator):
    with pytest.raises(ValidationError) as error:
        services.payout_retry(payout=submitted_payout, user=coordinator)

    assert error.value.code == "payout_not_failed"
    submitted_payout.refresh_from_db()
    assert submitted_payout.status == Payout.Status.SUBMITTED
    assert len(provider.calls) == 0


def test_payout_retry_refuses_anyone_but_a_coordinator(failed_payout):
    ministry_member = failed_payout.milestone.engagement.challenge.organization.members.first() or (
        factories.UserFactory(role=User.Role.MINISTRY_MEMBER)
    )

    with pytest.raises(PermissionDenied):
        services.payout_retry(payout=failed_payout, user=ministry_member)

    failed_payout.refresh_from_db()
    assert failed_payout.status == Payout.Status.FAILED


def test_payout_cancel_keeps_the_milestone_accepted_and_tells_both_parties(
    failed_payout, coordinator, vendor_user
):
    ministry_member = factories.UserFactory(role=User.Role.MINISTRY_MEMBER)
    failed_payout.milestone.engagement.challenge.organization.members.add(ministry_member)

    services.payout_cancel(payout=failed_payout, user=coordinator, reason="Payé par chèque hors plateforme.")

    failed_payout.refresh_from_db()
    assert (failed_payout.status, failed_payout.cancel_reason) == (
        Payout.Status.CANCELLED,
        "Payé par chèque hors plateforme.",
    )
    assert Milestone.objects.get(pk=failed_payout.milestone_id).status == Milestone.Status.ACCEPTED
    entry = AuditEntry.objects.filter(object_type="payout", object_id=failed_payout.pk).order_by("id").last()
    assert (entry.action, entry.actor, entry.reason) == (
        "cancel",
        coordinator,
        "Payé par chèque hors plateforme.",
    )
    told = Notification.objects.filter(kind=Notification.Kind.PAYOUT_CANCELLED)
    assert set(told.values_list("user", flat=True)) == {vendor_user.pk, ministry_member.pk}
    assert "Payment cancelled" in told.get(user=vendor_user).title  # In the firm member's language.


def test_payout_cancel_refuses_a_missing_reason(failed_payout, coordinator):
    with pytest.raises(ValidationError) as error:
        services.payout_cancel(payout=failed_payout, user=coordinator, reason=" ")

    assert error.value.error_dict["reason"][0].code == "payout_cancel_reason_required"
    failed_payout.refresh_from_db()
    assert failed_payout.status == Payout.Status.FAILED


def test_payout_cancel_refuses_a_payout_that_has_not_failed(submitted_payout, coordinator):
    with pytest.raises(ValidationError) as error:
        services.payout_cancel(payout=submitted_payout, user=coordinator, reason="Erreur.")

    assert error.value.code == "payout_not_failed"
    submitted_payout.refresh_from_db()
    assert submitted_payout.status == Payout.Status.SUBMITTED


def test_payment_webhook_leaves_a_cancelled_payout_cancelled(api_client, failed_payout, coordinator, caplog):
    failed_payout.provider_id = "po_123"
    failed_payout.save(update_fields=["provider_id"])
    services.payout_cancel(payout=failed_payout, user=coordinator, reason="Payé autrement.")

    response = post_webhook(api_client, event_body("po_123", "paid"))

    assert response.status_code == 200
    failed_payout.refresh_from_db()
    assert failed_payout.status == Payout.Status.CANCELLED
    assert "was cancelled by a coordinator" in caplog.text


def test_payout_retry_api_sends_it_again(
    api_client, provider, failed_payout, coordinator, django_capture_on_commit_callbacks
):
    provider.add(responses.POST, PAYOUTS_URL, json=provider_payout("po_2"), status=201)
    api_client.force_authenticate(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(f"/api/v1/payouts/{failed_payout.pk}/retry/")

    assert response.status_code == 200
    assert response.data["status"] == Payout.Status.PENDING  # The provider's answer comes after commit.
    failed_payout.refresh_from_db()
    assert failed_payout.status == Payout.Status.SUBMITTED


def test_payout_retry_api_refuses_a_payout_that_has_not_failed(api_client, submitted_payout, coordinator):
    api_client.force_authenticate(coordinator)

    response = api_client.post(f"/api/v1/payouts/{submitted_payout.pk}/retry/")

    assert response.status_code == 409


def test_payout_cancel_api_refuses_a_missing_reason(api_client, failed_payout, coordinator):
    api_client.force_authenticate(coordinator)

    response = api_client.post(f"/api/v1/payouts/{failed_payout.pk}/cancel/", {})

    assert response.status_code == 400
    assert "reason" in response.data


def test_payout_cancel_api_cancels_with_the_reason(api_client, failed_payout, coordinator):
    api_client.force_authenticate(coordinator)

    response = api_client.post(f"/api/v1/payouts/{failed_payout.pk}/cancel/", {"reason": "Payé autrement."})

    assert response.status_code == 200
    assert (response.data["status"], response.data["cancel_reason"]) == ("cancelled", "Payé autrement.")


def test_payout_cancel_api_refuses_a_firm_member(api_client, failed_payout, vendor_user):
    api_client.force_authenticate(vendor_user)

    response = api_client.post(f"/api/v1/payouts/{failed_payout.pk}/cancel/", {"reason": "Non."})

    assert response.status_code == 403
