"""The engagement's page: its price and dates in force, the amendments a coordinator records, and what a
coordinator does with a failed payout."""

import datetime
from decimal import Decimal

import pytest

from hub.models import User
from matching.models import EngagementAmendment, Milestone, Payout
from matching.services import engagement_amend, payout_cancel
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def engagement(ministry_member):
    return factories.EngagementFactory(
        price=Decimal("200000"),
        starts_on=datetime.date(2027, 1, 1),
        ends_on=datetime.date(2027, 6, 30),
        introduction__proposal__challenge__organization=ministry_member.organizations.get(),
    )


@pytest.fixture
def failed_payout(engagement):
    return factories.PayoutFactory(
        milestone=factories.MilestoneFactory(
            engagement=engagement, accepted=True, amount=Decimal("50000"), due_date=datetime.date(2027, 3, 1)
        ),
        failed=True,
        last_error="Unknown destination.",
    )


def url(engagement, language: str = "fr") -> str:
    return f"/{language}/organization/engagements/{engagement.pk}/"


def test_engagement_manage_shows_the_price_and_what_is_left_to_plan(client, ministry_member, engagement):
    factories.MilestoneFactory(
        engagement=engagement, amount=Decimal("187500"), due_date=datetime.date(2027, 3, 1)
    )
    client.force_login(ministry_member)

    content = client.get(url(engagement)).content.decode()

    assert "200\xa0000,00\xa0$" in content
    assert "Il reste 12\xa0500,00\xa0$ à planifier." in content
    assert "Consigner un avenant" not in content  # Members do not amend.


def test_engagement_manage_says_what_remains_when_a_milestone_exceeds_the_price(
    client, ministry_member, engagement
):
    client.force_login(ministry_member)

    response = client.post(
        url(engagement),
        {
            "action": "add_milestone",
            "milestone-title": "Tout",
            "milestone-amount": "9 999 999",
            "milestone-due_date": "2027-03-01",
        },
    )

    assert response.status_code == 200
    assert "Il reste 200\xa0000,00\xa0$ à planifier" in response.content.decode()
    assert not Milestone.objects.exists()


def test_engagement_manage_lets_a_coordinator_record_an_amendment(client, coordinator, engagement):
    client.force_login(coordinator)

    response = client.post(
        url(engagement),
        {
            "action": "amend",
            "amend-price": "250 000",
            "amend-ends_on": "2027-09-30",
            "amend-reason": "Travaux supplémentaires.",
        },
    )

    assert response.status_code == 302
    amendment = EngagementAmendment.objects.get()
    assert (amendment.price, amendment.ends_on, amendment.created_by) == (
        Decimal("250000"),
        datetime.date(2027, 9, 30),
        coordinator,
    )
    assert "Travaux supplémentaires." in client.get(url(engagement)).content.decode()


def test_engagement_manage_refuses_an_amendment_without_reason(client, coordinator, engagement):
    client.force_login(coordinator)

    response = client.post(
        url(engagement, "en"), {"action": "amend", "amend-price": "250000", "amend-reason": ""}
    )

    assert response.status_code == 200
    assert 'href="#id_amend-reason"' in response.content.decode()
    assert not EngagementAmendment.objects.exists()


def test_engagement_manage_offers_retry_and_cancel_of_a_failed_payout_to_coordinators(
    client, coordinator, failed_payout
):
    client.force_login(coordinator)

    content = client.get(url(failed_payout.milestone.engagement)).content.decode()

    assert "Réessayer" in content
    assert "Annuler le versement" in content


def test_engagement_manage_offers_no_payout_button_to_members(client, ministry_member, failed_payout):
    client.force_login(ministry_member)

    content = client.get(url(failed_payout.milestone.engagement)).content.decode()

    assert "Réessayer" not in content


def test_engagement_manage_cancels_a_failed_payout_with_its_reason(client, coordinator, failed_payout):
    client.force_login(coordinator)

    response = client.post(
        url(failed_payout.milestone.engagement),
        {
            "action": "payout_cancel",
            "payout": failed_payout.pk,
            f"cancel-{failed_payout.pk}-reason": "Payé par chèque.",
        },
    )

    assert response.status_code == 302
    failed_payout.refresh_from_db()
    assert (failed_payout.status, failed_payout.cancel_reason) == (
        Payout.Status.CANCELLED,
        "Payé par chèque.",
    )


def test_engagement_manage_refuses_to_cancel_a_payout_without_reason(client, coordinator, failed_payout):
    client.force_login(coordinator)

    response = client.post(
        url(failed_payout.milestone.engagement, "en"),
        {"action": "payout_cancel", "payout": failed_payout.pk, f"cancel-{failed_payout.pk}-reason": ""},
    )

    assert response.status_code == 200
    assert f'href="#id_cancel-{failed_payout.pk}-reason"' in response.content.decode()
    failed_payout.refresh_from_db()
    assert failed_payout.status == Payout.Status.FAILED


def test_engagement_manage_refuses_to_retry_a_payout_that_has_not_failed(client, coordinator, failed_payout):
    Payout.objects.filter(pk=failed_payout.pk).update(status=Payout.Status.PAID)
    client.force_login(coordinator)

    response = client.post(
        url(failed_payout.milestone.engagement, "en"),
        {"action": "payout_retry", "payout": failed_payout.pk},
        follow=True,
    )

    assert "only a failed payout can be sent again" in response.content.decode()
    failed_payout.refresh_from_db()
    assert failed_payout.status == Payout.Status.PAID


def test_vendor_engagement_says_the_payment_was_cancelled(client, failed_payout, coordinator):
    member = factories.UserFactory(role=User.Role.VENDOR_MEMBER)
    failed_payout.milestone.engagement.vendor.members.add(member)
    payout_cancel(payout=failed_payout, user=coordinator, reason="Payé par chèque.")
    client.force_login(member)

    content = client.get(f"/fr/sme/engagements/{failed_payout.milestone.engagement.pk}/").content.decode()

    assert "Versement annulé par le Centre. Motif donné\xa0: Payé par chèque." in content


def test_coordinator_dashboard_lists_the_failed_payments_with_a_link_to_their_engagement(
    client, coordinator, failed_payout
):
    client.force_login(coordinator)

    content = client.get("/fr/coordination/dashboard/").content.decode()

    assert "Versements échoués" in content
    assert f"/fr/organization/engagements/{failed_payout.milestone.engagement.pk}/#milestones" in content
    assert "Unknown destination." in content


def test_vendor_engagement_shows_the_price_in_force_and_the_amendments(client, engagement, coordinator):
    member = factories.UserFactory(role=User.Role.VENDOR_MEMBER, preferred_language="en")
    engagement.vendor.members.add(member)
    engagement_amend(engagement=engagement, user=coordinator, reason="More work.", price=Decimal("250000"))
    client.force_login(member)

    content = client.get(f"/en/sme/engagements/{engagement.pk}/").content.decode()

    assert "Price before taxes: $250,000.00." in content
    assert "More work." in content
