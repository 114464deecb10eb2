"""A payment provider that times out, answers 500, or sends its webhooks twice (or never): no milestone is paid
twice, and the reconciliation job settles every payout.

The provider is stubbed with `responses`, but statefully, like the real one: a request that timed out or
failed with a 500 may still have created the payout, and a second request with the same idempotency key
gets that payout back instead of a new one. Unit tests of each piece are in tests/matching/test_payments.py."""

import collections
import datetime
import json
import re
import time
from decimal import Decimal

import pytest
import requests
import responses
from django.utils import timezone

from hub.celery import app
from hub.exceptions import Conflict
from hub.models import Notification, User
from matching import payments, services
from matching.models import Milestone, Payout
from matching.tasks import payout_submit_task, payouts_reconcile_task
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.reliability]

API_URL = "https://payments.example.test/v1"
SECRET = "whsec_reliability"

# Per milestone: what the provider does with each successive create request ("ok" once the list is used up).
# "timeout" and "500" happen after the payout was created: the request reached the provider.
CREATE_FAULTS = [
    [],
    ["timeout"],
    ["500"],
    ["timeout", "timeout"],
    ["500", "timeout"],
    ["timeout"] * 9,  # More than the task's retries: left pending for the reconciliation.
    ["connection"],  # Refused before reaching the provider.
    [],
]
# Per milestone: how many times the provider's "paid" webhook arrives (0: lost).
WEBHOOK_DELIVERIES = [2, 2, 1, 0, 0, 0, 1, 3]


class FlakyProvider:
    """The provider's payouts API with faults, keeping its own ledger of payouts by idempotency key."""

    def __init__(self) -> None:
        self.by_key: dict[str, dict] = {}
        self.create_requests: collections.Counter = collections.Counter()
        self.faults: dict[str, list[str]] = {}

    def create(self, request) -> tuple[int, dict, str]:
        key, body = request.headers["Idempotency-Key"], json.loads(request.body)
        self.create_requests[key] += 1
        faults = self.faults.get(body["reference"], [])
        fault = faults.pop(0) if faults else "ok"
        if fault == "connection":
            raise requests.exceptions.ConnectionError("connection refused")
        created = key not in self.by_key
        payout = self.by_key.setdefault(
            key,
            {
                "id": f"po_{len(self.by_key) + 1}",
                "status": "pending",
                "amount": body["amount"],
                "currency": "CAD",
                "updated": int(time.time()),
                "failure_message": None,
            },
        )
        if fault == "timeout":
            raise requests.exceptions.ReadTimeout("read timed out")
        if fault == "500":
            return 500, {}, json.dumps({"error": "internal"})
        return (201 if created else 200), {}, json.dumps(payout)

    def fetch(self, request) -> tuple[int, dict, str]:
        provider_id = request.url.rsplit("/", 1)[1]
        payout = next((p for p in self.by_key.values() if p["id"] == provider_id), None)
        return (200, {}, json.dumps(payout)) if payout else (404, {}, json.dumps({"error": "no such payout"}))

    def settle_all(self) -> None:
        """The bank transfers go through, a little later."""
        for payout in self.by_key.values():
            payout.update(status="paid", updated=int(time.time()) + 1)


@pytest.fixture
def provider(settings):
    settings.PAYMENT_PROVIDER, settings.PAYMENT_API_URL, settings.PAYMENT_API_KEY = "http", API_URL, "sk_test"
    settings.PAYMENT_WEBHOOK_SECRET = SECRET
    # Retries run in-process, one inside the other; as on a worker, a failed attempt must not escape.
    propagates, app.conf.task_eager_propagates = app.conf.task_eager_propagates, False
    flaky = FlakyProvider()
    try:
        with responses.RequestsMock(assert_all_requests_are_fired=False) as stub:
            stub.add_callback(responses.POST, f"{API_URL}/payouts", callback=flaky.create)
            stub.add_callback(
                responses.GET, re.compile(rf"{re.escape(API_URL)}/payouts/po_\d+"), callback=flaky.fetch
            )
            yield flaky
    finally:
        app.conf.task_eager_propagates = propagates


def deliver_webhook(api_client, payout: dict) -> int:
    body = json.dumps(
        {"id": f"evt_{payout['id']}", "type": "payout.updated", "created": payout["updated"], "data": payout}
    ).encode()
    signature = payments.webhook_signature(secret=SECRET, timestamp=int(time.time()), body=body)
    response = api_client.post(
        "/api/v1/payments/webhook/",
        data=body,
        content_type="application/json",
        HTTP_MAILLAGE_SIGNATURE=signature,
    )
    return response.status_code


def test_faulty_provider_pays_each_milestone_once_and_reconciliation_settles_every_payout(
    api_client, provider, capsys
):
    vendor_user = factories.UserFactory(role=User.Role.VENDOR_MEMBER)
    vendor = factories.VendorFactory(members=[vendor_user])
    engagement = factories.EngagementFactory(introduction__proposal__vendor=vendor)
    ministry_member = factories.UserFactory(role=User.Role.MINISTRY_MEMBER)
    engagement.challenge.organization.members.add(ministry_member)
    milestones = [
        factories.MilestoneFactory(
            engagement=engagement, status=Milestone.Status.DELIVERED, amount=Decimal(f"{1000 + n}.50")
        )
        for n in range(len(CREATE_FAULTS))
    ]
    for milestone, faults in zip(milestones, CREATE_FAULTS, strict=True):
        provider.faults[f"milestone-{milestone.pk}"] = list(faults)

    for milestone in milestones:
        services.milestone_accept(milestone=milestone, user=ministry_member)
        # Accepted twice (a double click, two people): refused, no second payout.
        with pytest.raises(Conflict):
            services.milestone_accept(milestone=milestone, user=ministry_member)
        payout_submit_task.apply(
            args=(milestone.payout.pk,), throw=False
        )  # What the worker runs after commit.
    provider.settle_all()
    for milestone, deliveries in zip(milestones, WEBHOOK_DELIVERIES, strict=True):
        payout = provider.by_key.get(str(milestone.payout.idempotency_key))
        for _delivery in range(deliveries if payout else 0):
            assert deliver_webhook(api_client, payout) == 200
    # Webhooks had their chance.
    Payout.objects.update(created_at=timezone.now() - datetime.timedelta(hours=1))
    runs = 0
    while Payout.objects.exclude(status=Payout.Status.PAID).exists() and runs < 5:
        payouts_reconcile_task.delay()  # Every 5 minutes under Celery beat.
        runs += 1

    payouts = list(Payout.objects.select_related("milestone"))
    assert len(payouts) == len(milestones)
    assert {payout.status for payout in payouts} == {Payout.Status.PAID}
    assert {payout.milestone.status for payout in payouts} == {Milestone.Status.PAID}
    # The provider holds exactly one payout per milestone, whatever the retries: nothing is paid twice.
    assert len(provider.by_key) == len(milestones)
    assert sorted(p["amount"] for p in provider.by_key.values()) == sorted(
        int(m.amount * 100) for m in milestones
    )
    assert {payout.provider_id for payout in payouts} == {p["id"] for p in provider.by_key.values()}
    # Each retry reused its payout's key: the task's retries, then one more send by the reconciliation
    # for the payout whose retries all timed out.
    requests_per_milestone = [provider.create_requests[str(m.payout.idempotency_key)] for m in milestones]
    assert requests_per_milestone == [1, 2, 2, 3, 3, 10, 2, 1]
    paid_notices = Notification.objects.filter(user=vendor_user, kind=Notification.Kind.PAYOUT_PAID)
    assert paid_notices.count() == len(milestones)
    assert runs == 1
    with capsys.disabled():
        print(
            f"\n[reliability] payment provider faults: {len(milestones)} milestones, "
            f"{sum(requests_per_milestone)} create requests (timeouts, 500s, refused), "
            f"{sum(WEBHOOK_DELIVERIES)} webhooks (duplicates, {WEBHOOK_DELIVERIES.count(0)} lost): "
            f"{len(provider.by_key)} payouts at the provider, 0 paid twice, all settled after {runs} reconciliation run."
        )
