"""Coordinators may do what a firm or an organization normally does, on every endpoint where the party acts:
they must say why, the party is told, and the audit log names the party the move was done for."""

import pytest
from django.urls import reverse

from hub.models import AuditEntry, Notification
from tests.security.conftest import client_as
from tests.security.test_permissions import BODIES, TARGETS

pytestmark = pytest.mark.django_db

# (URL name, method) → whose move it is ("vendor": side A's firm, "ministry": side A's organization), and the
# field that carries the coordinator's reason.
ON_BEHALF = {
    ("vendor-detail", "PATCH"): ("vendor", "reason"),
    ("introduction-interest", "POST"): ("vendor", "reason"),
    ("introduction-decline", "POST"): ("vendor", "reason"),
    ("milestone-deliver", "POST"): ("vendor", "reason"),
    ("challenge-list", "POST"): ("ministry", "reason"),
    ("challenge-detail", "PATCH"): ("ministry", "reason"),
    ("challenge-detail", "DELETE"): ("ministry", "reason"),
    ("challenge-submit", "POST"): ("ministry", "note"),
    ("challenge-withdraw", "POST"): ("ministry", "note"),
    ("challenge-close", "POST"): ("ministry", "note"),
    ("challenge-cancel", "POST"): ("ministry", "note"),
    ("challenge-grid-amend", "POST"): ("ministry", "reason"),
    ("introduction-shortlist", "POST"): ("ministry", "reason"),
    ("clarification-answer", "POST"): ("ministry", "reason"),
    ("challenge-award", "POST"): ("ministry", "reason"),
    ("milestone-create", "POST"): ("ministry", "reason"),
    ("milestone-accept", "POST"): ("ministry", "reason"),
}
REASON = "La direction est absente cette semaine; elle nous a demandé d'agir."
# The party hears of these through the move's own notice, which carries the coordinator's reason.
TOLD_AS = {("challenge-withdraw", "POST"): Notification.Kind.CHALLENGE_RETURNED}


def _body(world, name: str, method: str, *, reason_field: str, reason: str) -> dict:
    body = dict(BODIES[(name, method)](world)) if (name, method) in BODIES else {}
    body.pop(reason_field, None)
    if name == "challenge-list":
        # A coordinator belongs to no organization: they name it.
        body["organization"] = world.organization_a.pk
    if reason:
        body[reason_field] = reason
    return body


def _act(world, name: str, method: str, *, reason: str):
    reason_field = ON_BEHALF[(name, method)][1]
    url = reverse(name, kwargs=TARGETS[name](world) if name in TARGETS else None)
    body = _body(world, name, method, reason_field=reason_field, reason=reason)
    return getattr(client_as(world, "coordinator"), method.lower())(url, body, format="json")


def _party(world, side: str) -> tuple[str, object]:
    if side == "vendor":
        return world.vendor_a.name, world.users["vendor"]
    return world.organization_a.name, world.users["ministry"]


@pytest.mark.parametrize(("name", "method"), list(ON_BEHALF))
def test_coordinator_acting_for_a_party_must_give_a_reason(world, name, method):
    entries_before = AuditEntry.objects.count()

    response = _act(world, name, method, reason="")

    reason_field = ON_BEHALF[(name, method)][1]
    assert response.status_code == 400, response.data
    assert reason_field in response.data
    assert AuditEntry.objects.count() == entries_before


@pytest.mark.parametrize(("name", "method"), list(ON_BEHALF))
def test_coordinator_acting_for_a_party_is_audited_as_done_on_its_behalf(world, name, method):
    party, _member = _party(world, ON_BEHALF[(name, method)][0])
    entries_before = set(AuditEntry.objects.values_list("pk", flat=True))

    response = _act(world, name, method, reason=REASON)

    assert response.status_code in (200, 201, 204), response.data
    new = AuditEntry.objects.exclude(pk__in=entries_before)
    assert new.exists()
    assert {(entry.actor, entry.on_behalf_of, entry.reason) for entry in new.filter(on_behalf_of=party)} == {
        (world.users["coordinator"], party, REASON)
    }


@pytest.mark.parametrize(("name", "method"), list(ON_BEHALF))
def test_coordinator_acting_for_a_party_tells_its_members(world, name, method):
    party, member = _party(world, ON_BEHALF[(name, method)][0])

    _act(world, name, method, reason=REASON)

    kind = TOLD_AS.get((name, method), Notification.Kind.ON_BEHALF)
    notification = Notification.objects.get(user=member, kind=kind)
    assert kind != Notification.Kind.ON_BEHALF or party in notification.title
    assert REASON in notification.body


def test_member_acting_for_their_own_firm_gives_no_reason_and_is_not_on_behalf(world):
    url = reverse("introduction-interest", kwargs=TARGETS["introduction-interest"](world))

    response = client_as(world, "vendor").post(url, {"pitch": "Nous l'avons déjà fait."}, format="json")

    assert response.status_code == 200, response.data
    entry = AuditEntry.objects.filter(object_type="introduction", action="express_interest").latest("id")
    assert (entry.actor, entry.on_behalf_of) == (world.users["vendor"], "")
    assert not Notification.objects.filter(kind=Notification.Kind.ON_BEHALF).exists()


def test_coordinator_verifying_a_firm_acts_in_their_own_name(world):
    url = reverse("vendor-detail", kwargs=TARGETS["vendor-detail"](world))

    response = client_as(world, "coordinator").patch(url, {"is_verified": False}, format="json")

    assert response.status_code == 200, response.data
    assert not Notification.objects.filter(kind=Notification.Kind.ON_BEHALF).exists()
