"""An engagement's milestones fit its price and dates, unless a hub coordinator records an amendment."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from hub.models import AuditEntry, Notification
from matching import selectors, services
from matching.models import EngagementAmendment, Milestone
from tests import factories

pytestmark = pytest.mark.django_db

START = datetime.date(2027, 1, 1)
END = datetime.date(2027, 6, 30)


@pytest.fixture
def engagement(ministry_member, vendor_member):
    organization = factories.OrganizationFactory(members=[ministry_member])
    vendor = factories.VendorFactory(members=[vendor_member])
    return factories.EngagementFactory(
        price=Decimal("200000"),
        starts_on=START,
        ends_on=END,
        introduction__proposal__challenge__organization=organization,
        introduction__proposal__vendor=vendor,
    )


def plan(engagement, user, *, amount: str = "50000", due_date: datetime.date = datetime.date(2027, 3, 31)):
    return services.milestone_create(
        engagement=engagement, user=user, title="Prototype", amount=Decimal(amount), due_date=due_date
    )


def test_milestone_create_accepts_milestones_up_to_the_price(engagement, ministry_member):
    plan(engagement, ministry_member, amount="150000")

    plan(engagement, ministry_member, amount="50000")

    assert selectors.engagement_terms(engagement=engagement).remaining == Decimal("0")


def test_milestone_create_refuses_an_amount_over_what_remains(engagement, ministry_member):
    plan(engagement, ministry_member, amount="187500")

    with pytest.raises(ValidationError) as error:
        plan(engagement, ministry_member, amount="9999999")

    assert error.value.error_dict["amount"][0].code == "milestone_over_price"
    assert "Il reste 12\xa0500,00\xa0$ à planifier" in error.value.error_dict["amount"][0].messages[0]
    assert "avenant" in error.value.error_dict["amount"][0].messages[0]
    assert engagement.milestones.count() == 1


def test_milestone_create_refuses_a_date_before_the_start(engagement, ministry_member):
    with pytest.raises(ValidationError) as error:
        plan(engagement, ministry_member, due_date=datetime.date(2026, 12, 31))

    assert error.value.error_dict["due_date"][0].code == "milestone_before_start"
    assert not engagement.milestones.exists()


def test_milestone_create_refuses_a_date_after_the_end(engagement, ministry_member):
    with pytest.raises(ValidationError) as error:
        plan(engagement, ministry_member, due_date=datetime.date(2027, 7, 1))

    assert error.value.error_dict["due_date"][0].code == "milestone_after_end"
    assert not engagement.milestones.exists()


def test_milestone_create_without_a_price_is_capped_by_the_challenge_budget(ministry_member):
    organization = factories.OrganizationFactory(members=[ministry_member])
    engagement = factories.EngagementFactory(
        introduction__proposal__challenge__organization=organization,
        introduction__proposal__challenge__budget_max=Decimal("100000"),
    )

    with pytest.raises(ValidationError) as error:
        plan(engagement, ministry_member, amount="100000.01", due_date=datetime.date(2030, 1, 1))

    assert error.value.error_dict["amount"][0].code == "milestone_over_price"


def test_engagement_amend_raises_the_ceiling_for_the_next_milestone(engagement, ministry_member, coordinator):
    plan(engagement, ministry_member, amount="200000")

    services.engagement_amend(
        engagement=engagement, user=coordinator, reason="Travaux supplémentaires.", price=Decimal("250000")
    )
    plan(engagement, ministry_member, amount="50000")

    assert engagement.milestones.count() == 2


def test_engagement_amend_extends_the_end_date(engagement, ministry_member, coordinator):
    services.engagement_amend(
        engagement=engagement,
        user=coordinator,
        reason="Retard du fournisseur.",
        ends_on=datetime.date(2027, 9, 30),
    )

    plan(engagement, ministry_member, due_date=datetime.date(2027, 9, 30))

    assert selectors.engagement_terms(engagement=engagement).ends_on == datetime.date(2027, 9, 30)


def test_engagement_amend_keeps_the_latest_price_in_force(engagement, coordinator):
    services.engagement_amend(engagement=engagement, user=coordinator, reason="Un.", price=Decimal("250000"))
    services.engagement_amend(
        engagement=engagement, user=coordinator, reason="Deux.", ends_on=datetime.date(2027, 8, 1)
    )
    services.engagement_amend(
        engagement=engagement, user=coordinator, reason="Trois.", price=Decimal("220000")
    )

    terms = selectors.engagement_terms(engagement=engagement)

    assert (terms.price, terms.ends_on) == (Decimal("220000"), datetime.date(2027, 8, 1))


def test_engagement_amend_is_audited_and_told_to_both_parties(
    engagement, coordinator, ministry_member, vendor_member
):
    amendment = services.engagement_amend(
        engagement=engagement, user=coordinator, reason="Travaux supplémentaires.", price=Decimal("250000")
    )

    entry = AuditEntry.objects.get(object_type="engagementamendment", object_id=amendment.pk)
    assert (entry.actor, entry.action, entry.reason) == (coordinator, "amend", "Travaux supplémentaires.")
    told = Notification.objects.filter(kind=Notification.Kind.ENGAGEMENT_AMENDED)
    assert set(told.values_list("user", flat=True)) == {ministry_member.pk, vendor_member.pk}
    assert "Travaux supplémentaires." in told.get(user=vendor_member).body


def test_engagement_amend_refuses_a_missing_reason(engagement, coordinator):
    with pytest.raises(ValidationError) as error:
        services.engagement_amend(
            engagement=engagement, user=coordinator, reason="  ", price=Decimal("250000")
        )

    assert error.value.error_dict["reason"][0].code == "amendment_reason_required"
    assert not EngagementAmendment.objects.exists()


def test_engagement_amend_refuses_an_amendment_that_changes_nothing(engagement, coordinator):
    with pytest.raises(ValidationError) as error:
        services.engagement_amend(engagement=engagement, user=coordinator, reason="Rien.")

    assert error.value.error_dict["price"][0].code == "amendment_empty"


def test_engagement_amend_refuses_a_price_below_the_planned_milestones(
    engagement, ministry_member, coordinator
):
    plan(engagement, ministry_member, amount="150000")

    with pytest.raises(ValidationError) as error:
        services.engagement_amend(
            engagement=engagement, user=coordinator, reason="Coupe.", price=Decimal("100000")
        )

    assert error.value.error_dict["price"][0].code == "amendment_price_below_planned"
    assert not EngagementAmendment.objects.exists()


def test_engagement_amend_refuses_an_organization_member(engagement, ministry_member):
    with pytest.raises(PermissionDenied):
        services.engagement_amend(
            engagement=engagement, user=ministry_member, reason="Plus.", price=Decimal("300000")
        )

    assert not EngagementAmendment.objects.exists()


# API


def client_for(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def test_milestone_create_api_says_what_remains(api_client, engagement, ministry_member):
    response = client_for(api_client, ministry_member).post(
        reverse("milestone-create", args=[engagement.pk]),
        {"title": "Tout", "amount": "9999999", "due_date": "2027-03-31"},
    )

    assert response.status_code == 400
    assert response.data["amount"][0].startswith("Il reste 200\xa0000,00\xa0$ à planifier")
    assert not Milestone.objects.exists()


def test_milestone_create_api_refuses_a_date_outside_the_engagement(api_client, engagement, ministry_member):
    response = client_for(api_client, ministry_member).post(
        reverse("milestone-create", args=[engagement.pk]),
        {"title": "Trop tôt", "amount": "1000", "due_date": "2026-06-01"},
    )

    assert response.status_code == 400
    assert "due_date" in response.data


def test_engagement_amend_api_records_the_amendment(api_client, engagement, coordinator):
    response = client_for(api_client, coordinator).post(
        reverse("engagement-amend", args=[engagement.pk]),
        {"reason": "Travaux supplémentaires.", "price": "250000", "ends_on": "2027-09-30"},
    )

    assert response.status_code == 201
    assert response.data["price"] == "250000.00"
    detail = client_for(api_client, coordinator).get(reverse("engagement-detail", args=[engagement.pk]))
    assert detail.data["terms"]["price"] == "250000.00"
    assert detail.data["terms"]["ends_on"] == "2027-09-30"


def test_engagement_amend_api_refuses_a_missing_reason(api_client, engagement, coordinator):
    response = client_for(api_client, coordinator).post(
        reverse("engagement-amend", args=[engagement.pk]), {"price": "250000"}
    )

    assert response.status_code == 400
    assert "reason" in response.data


def test_engagement_amend_api_refuses_an_organization_member(api_client, engagement, ministry_member):
    response = client_for(api_client, ministry_member).post(
        reverse("engagement-amend", args=[engagement.pk]), {"reason": "Plus.", "price": "300000"}
    )

    assert response.status_code == 403
    assert not EngagementAmendment.objects.exists()
