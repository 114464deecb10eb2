"""Payouts through a payment provider's REST API, over `requests`: no vendor SDK.

This module is the only one that knows the provider's wire format. The services speak to a
`PaymentProvider` (`payment_provider()` picks one from the settings) and never see HTTP.

The provider's API, as both providers here answer it:

- `POST {PAYMENT_API_URL}/payouts` with the headers `Authorization: Bearer <PAYMENT_API_KEY>` and
  `Idempotency-Key: <key>`, and the JSON body
  `{"amount": 123456, "currency": "CAD", "destination": "<vendor key>", "reference": "milestone-7",
  "metadata": {...}}`. Amounts travel as integer cents, so no float ever touches money. The same key
  sent again returns the payout created the first time instead of paying again: that is what makes
  a retry after a timeout safe.
- `GET {PAYMENT_API_URL}/payouts/<id>`.
- Both answer a payout: `{"id": "po_…", "status": "pending" | "paid" | "failed", "amount": 123456,
  "currency": "CAD", "updated": <unix seconds>, "failure_message": "…" | null}`.

Its webhooks (`POST /api/v1/payments/webhook/`) carry the raw JSON body
`{"id": "evt_…", "type": "payout.updated", "created": <unix seconds>, "data": <a payout as above>}`
signed in the header `Maillage-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`
with `PAYMENT_WEBHOOK_SECRET`. Several `v1=` values are accepted (the provider sends one per secret
while a secret is rotated). A signature more than five minutes away from our clock is refused, so a
captured request cannot be replayed later.
"""

import dataclasses
import datetime
import hashlib
import hmac
import json
import time
from decimal import Decimal
from typing import Protocol
from urllib.parse import quote

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.translation import gettext as _

CURRENCY = "CAD"
SIGNATURE_HEADER = "Maillage-Signature"
SIGNATURE_TOLERANCE_SECONDS = 5 * 60
CONNECT_TIMEOUT_SECONDS = 3.05


class ProviderStatus:
    """A payout's status in the provider's words: created and in flight, then paid or failed for good."""

    PENDING = "pending"
    PAID = "paid"
    FAILED = "failed"
    ALL = (PENDING, PAID, FAILED)


class PaymentProviderError(Exception):
    """The provider could not be used as asked: our configuration, or an answer we cannot read.

    Not retried on its own: the payout keeps its state and the periodic reconciliation tries again."""


class PaymentProviderUnavailable(PaymentProviderError):
    """Timeout, connection error, 429 or 5xx: the request may or may not have reached the provider.

    The only error tasks retry on; retrying is safe because the idempotency key is reused."""


class PaymentProviderRejected(PaymentProviderError):
    """The provider refused this payout for good (400, 402, 409, 422), e.g. an invalid destination."""


@dataclasses.dataclass(frozen=True)
class ProviderPayout:
    id: str
    status: str
    updated_at: datetime.datetime
    failure_message: str = ""


@dataclasses.dataclass(frozen=True)
class PayoutEvent:
    """A webhook's news about one payout, as of `occurred_at` on the provider's clock."""

    provider_id: str
    status: str
    occurred_at: datetime.datetime
    failure_message: str = ""


class PaymentProvider(Protocol):
    def create_payout(
        self,
        *,
        idempotency_key: str,
        amount: Decimal,
        currency: str,
        destination: str,
        reference: str,
        metadata: dict[str, str],
    ) -> ProviderPayout: ...

    def fetch_payout(self, provider_id: str) -> ProviderPayout: ...


def amount_to_cents(amount: Decimal) -> int:
    """CAD as integer cents; refuses floats and fractions of a cent rather than rounding money."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"Amounts are Decimal, not {type(amount).__name__}.")
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"{amount} is not a whole number of cents.")
    return int(cents)


def cents_to_amount(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def _timestamp(value: object) -> datetime.datetime:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError("a timestamp is a whole number of seconds")
    try:
        return datetime.datetime.fromtimestamp(value, tz=datetime.UTC)
    except (OverflowError, OSError) as error:
        raise ValueError(f"timestamp {value} is out of range") from error


def _provider_payout(data: object) -> ProviderPayout:
    """Read a payout in the provider's format; ValueError when it is not one."""
    if not isinstance(data, dict):
        raise ValueError("a payout is a JSON object")
    provider_id, status, failure_message = (
        data.get("id"),
        data.get("status"),
        data.get("failure_message") or "",
    )
    if not isinstance(provider_id, str) or not provider_id:
        raise ValueError("a payout has an id")
    if status not in ProviderStatus.ALL:
        raise ValueError(f"unknown payout status {status!r}")
    if not isinstance(failure_message, str):
        raise ValueError("failure_message is text")
    return ProviderPayout(
        id=provider_id,
        status=status,
        updated_at=_timestamp(data.get("updated")),
        failure_message=failure_message,
    )


class HttpPaymentProvider:
    """The provider's REST API over `requests`, with the wire format described in this module's docstring."""

    def __init__(
        self, *, base_url: str, api_key: str, timeout: float, session: requests.Session | None = None
    ):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.session = session or requests.Session()

    def create_payout(
        self,
        *,
        idempotency_key: str,
        amount: Decimal,
        currency: str,
        destination: str,
        reference: str,
        metadata: dict[str, str],
    ) -> ProviderPayout:
        body = {
            "amount": amount_to_cents(amount),
            "currency": currency,
            "destination": destination,
            "reference": reference,
            "metadata": metadata,
        }
        return self._request("POST", "/payouts", json=body, headers={"Idempotency-Key": idempotency_key})

    def fetch_payout(self, provider_id: str) -> ProviderPayout:
        return self._request("GET", f"/payouts/{quote(provider_id, safe='')}")

    def _request(
        self, method: str, path: str, *, json: dict | None = None, headers: dict | None = None
    ) -> ProviderPayout:
        try:
            response = self.session.request(
                method,
                f"{self.base_url}{path}",
                json=json,
                headers={
                    "Authorization": f"Bearer {self.api_key}",
                    "Accept": "application/json",
                    **(headers or {}),
                },
                timeout=(CONNECT_TIMEOUT_SECONDS, self.timeout),
            )
        except (requests.Timeout, requests.ConnectionError) as error:
            raise PaymentProviderUnavailable(f"{method} {path}: {error}") from error
        if response.status_code == 429 or response.status_code >= 500:
            raise PaymentProviderUnavailable(f"{method} {path}: HTTP {response.status_code}")
        if response.status_code in {400, 402, 409, 422}:
            raise PaymentProviderRejected(f"HTTP {response.status_code}: {_error_message(response)}")
        if response.status_code >= 300:
            # 401, 403, 404…: our key or URL is wrong, not the payout. Failing the payout would be wrong.
            raise PaymentProviderError(
                f"{method} {path}: HTTP {response.status_code}: {_error_message(response)}"
            )
        try:
            return _provider_payout(response.json())
        except ValueError as error:
            raise PaymentProviderError(f"{method} {path}: unreadable answer: {error}") from error


def _error_message(response: requests.Response) -> str:
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        error = None
    if isinstance(error, dict):
        error = error.get("message")
    return str(error) if error else response.text[:200]


class SandboxPaymentProvider:
    """Answers like the provider without leaving the machine, for `make run` and demonstrations.

    Stateless, so the web process and a worker agree: a payout's id is derived from its idempotency
    key (a retry gets the same payout back), a payout is created pending and reported paid when
    fetched, except amounts ending in 13 cents, which are reported failed so the failure path can be
    tried too."""

    PREFIX = "po_sandbox_"
    FAILING_PREFIX = "po_sandbox_fail_"
    FAILING_CENTS = 13

    def create_payout(
        self,
        *,
        idempotency_key: str,
        amount: Decimal,
        currency: str,
        destination: str,
        reference: str,
        metadata: dict[str, str],
    ) -> ProviderPayout:
        cents = amount_to_cents(amount)
        if cents <= 0 or currency != CURRENCY or not destination:
            raise PaymentProviderRejected(f"Invalid payout: {cents} {currency} to {destination!r}.")
        digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:24]
        prefix = self.FAILING_PREFIX if cents % 100 == self.FAILING_CENTS else self.PREFIX
        return ProviderPayout(id=f"{prefix}{digest}", status=ProviderStatus.PENDING, updated_at=_now())

    def fetch_payout(self, provider_id: str) -> ProviderPayout:
        if provider_id.startswith(self.FAILING_PREFIX):
            return ProviderPayout(
                id=provider_id,
                status=ProviderStatus.FAILED,
                updated_at=_now(),
                failure_message="Sandbox: the bank refused the transfer.",
            )
        if provider_id.startswith(self.PREFIX):
            return ProviderPayout(id=provider_id, status=ProviderStatus.PAID, updated_at=_now())
        raise PaymentProviderError(f"GET /payouts/{provider_id}: HTTP 404: no such payout")


def _now() -> datetime.datetime:
    return datetime.datetime.now(tz=datetime.UTC)


def payment_provider() -> PaymentProvider:
    """The provider chosen by `PAYMENT_PROVIDER`: "sandbox" (the default under DEBUG) or "http"."""
    if settings.PAYMENT_PROVIDER == "sandbox":
        return SandboxPaymentProvider()
    if settings.PAYMENT_PROVIDER == "http":
        if not settings.PAYMENT_API_URL or not settings.PAYMENT_API_KEY:
            raise ImproperlyConfigured("PAYMENT_PROVIDER=http needs PAYMENT_API_URL and PAYMENT_API_KEY.")
        return HttpPaymentProvider(
            base_url=settings.PAYMENT_API_URL,
            api_key=settings.PAYMENT_API_KEY,
            timeout=settings.PAYMENT_TIMEOUT,
        )
    raise ImproperlyConfigured(f'PAYMENT_PROVIDER is "sandbox" or "http", not {settings.PAYMENT_PROVIDER!r}.')


# Webhooks


def webhook_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The `Maillage-Signature` header value the provider sends with `body` at `timestamp`."""
    return f"t={timestamp},v1={_signature_digest(secret=secret, timestamp=str(timestamp), body=body)}"


def _signature_digest(*, secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def webhook_signature_verify(*, header: str, body: bytes, secret: str, now: float | None = None) -> None:
    """Raise ValidationError unless `header` signs the raw `body` with `secret` within the last five minutes."""
    if not secret:
        # Never accept events with an empty secret: anyone could sign them.
        raise ValidationError(
            _("Payment webhooks are not configured on this server. Set PAYMENT_WEBHOOK_SECRET."),
            code="webhook_not_configured",
        )
    timestamp, signatures = "", []
    for item in header.split(","):
        name, _separator, value = item.strip().partition("=")
        if name == "t":
            timestamp = value
        elif name == "v1":
            signatures.append(value)
    # ASCII only: int() reads "²" or Arabic-Indic digits, and compare_digest() refuses non-ASCII text (a 500).
    if (
        not (timestamp.isascii() and timestamp.isdigit())
        or not signatures
        or not all(map(str.isascii, signatures))
    ):
        raise ValidationError(
            _("The %(header)s header is missing or malformed. Send t=<unix time>,v1=<signature>.")
            % {"header": SIGNATURE_HEADER},
            code="webhook_signature_missing",
        )
    if abs((time.time() if now is None else now) - int(timestamp)) > SIGNATURE_TOLERANCE_SECONDS:
        raise ValidationError(
            _(
                "The webhook signature is more than five minutes old. Send the event again with a new signature."
            ),
            code="webhook_signature_expired",
        )
    expected = _signature_digest(secret=secret, timestamp=timestamp, body=body)
    # Every candidate is compared, in constant time, so timing reveals nothing about the secret.
    if not any([hmac.compare_digest(expected, signature) for signature in signatures]):
        raise ValidationError(
            _("The webhook signature does not match its body. Sign the raw body with the shared secret."),
            code="webhook_signature_invalid",
        )


def webhook_event_parse(body: bytes) -> PayoutEvent | None:
    """The payout news in a verified webhook body; None for events about something other than payouts."""
    try:
        event = json.loads(body)
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            raise ValueError("an event is a JSON object with a type")
        if not event["type"].startswith("payout."):
            return None
        payout = _provider_payout(event.get("data"))
        occurred_at = _timestamp(event.get("created"))
    except ValueError as error:  # json.JSONDecodeError and UnicodeDecodeError included.
        raise ValidationError(
            _(
                "The webhook body is not a payout event (%(problem)s). Send the event as the provider documents it."
            )
            % {"problem": error},
            code="webhook_malformed",
        ) from error
    return PayoutEvent(
        provider_id=payout.id,
        status=payout.status,
        occurred_at=occurred_at,
        failure_message=payout.failure_message,
    )
