"""From proposal to pilot, through the API, on the real database, broker path and search engine."""

import json
import threading
import time
from datetime import timedelta

import pytest
import responses
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from hub.models import AuditEntry, Notification, User
from marketplace.models import Challenge
from matching import payments
from matching.models import Engagement, Introduction, MatchProposal, Milestone
from matching.services import proposals_generate, proposals_refresh
from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.search]

TEXT = "Migration des applications vers l'infonuagique gouvernementale et hébergement sécurisé."


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def people(coordinator, indexed):
    ministry = factories.UserFactory(role=User.Role.MINISTRY_MEMBER, preferred_language="fr")
    organization = factories.OrganizationFactory(members=[ministry])
    vendor_users = [
        factories.UserFactory(role=User.Role.VENDOR_MEMBER, preferred_language=lang) for lang in ("fr", "en")
    ]
    vendors = [factories.VendorFactory(description=TEXT, members=[user]) for user in vendor_users]
    indexed(*vendors)
    challenge = factories.ChallengeFactory(organization=organization, description=TEXT, submitted=True)
    factories.grid_create(challenge)
    return {
        "coordinator": coordinator,
        "ministry": ministry,
        "vendor_users": vendor_users,
        "vendors": vendors,
        "challenge": challenge,
    }


def publish(people) -> Challenge:
    response = client_for(people["coordinator"]).post(
        reverse("challenge-publish", args=[people["challenge"].id])
    )
    assert response.status_code == 200, response.data
    return Challenge.objects.get(pk=people["challenge"].id)


def publish_without_grid(people) -> Challenge:
    """Publish, then drop the grid, as a catalogue imports a challenge: awarded to an interested firm rather than on
    proposals (whose award is tests/matching/test_evaluations.py's)."""
    challenge = publish(people)
    challenge.criteria.all().delete()
    Challenge.objects.filter(pk=challenge.pk).update(award_mode="", k_factor=None)
    return Challenge.objects.get(pk=challenge.pk)


def approve_all(people) -> list[Introduction]:
    coordinator = client_for(people["coordinator"])
    for proposal in MatchProposal.objects.filter(challenge=people["challenge"]):
        assert coordinator.post(reverse("proposal-approve", args=[proposal.id])).status_code == 200
    return list(Introduction.objects.filter(challenge=people["challenge"]).order_by("vendor_id"))


def test_publishing_a_challenge_records_the_matchers_proposals_with_their_explanation(people):
    publish(people)

    proposals = MatchProposal.objects.filter(challenge=people["challenge"]).order_by("rank")
    assert {p.vendor_id for p in proposals} == {v.id for v in people["vendors"]}
    assert [p.rank for p in proposals] == [1, 2]
    assert {p.status for p in proposals} == {MatchProposal.Status.PENDING}
    assert proposals[0].explanation["expertise_matched"] == ["cloud"]
    assert (
        Notification.objects.filter(
            user=people["coordinator"], kind=Notification.Kind.PROPOSALS_READY
        ).count()
        == 1
    )


def test_proposals_generate_again_duplicates_and_reorders_nothing(people):
    publish(people)
    first = MatchProposal.objects.filter(challenge=people["challenge"]).order_by("rank").first()
    client_for(people["coordinator"]).post(
        reverse("proposal-reject", args=[first.id]), {"reason": "Hors sujet."}
    )

    created = proposals_generate(challenge=people["challenge"])

    assert created == 0
    first.refresh_from_db()
    assert first.status == MatchProposal.Status.REJECTED and first.rank == 1


def test_nightly_refresh_proposes_vendors_who_joined_since(people, indexed):
    publish(people)
    newcomer = factories.VendorFactory(description=TEXT)
    indexed(newcomer)

    created = proposals_refresh(since=timezone.now() - timedelta(hours=1))

    assert created == 1
    assert MatchProposal.objects.filter(challenge=people["challenge"], vendor=newcomer).exists()


def test_coordinator_queue_filters_pending_proposals(people):
    publish(people)
    other = factories.ChallengeFactory(published=True, description=TEXT)
    proposals_generate(challenge=other)

    response = client_for(people["coordinator"]).get(
        reverse("proposal-list"), {"status": "pending", "organization": people["challenge"].organization_id}
    )

    assert response.status_code == 200
    assert {item["challenge"]["id"] for item in response.data["results"]} == {people["challenge"].id}


@pytest.mark.parametrize("role", ["ministry", "vendor"])
def test_coordinator_queue_is_closed_to_others(people, role):
    user = people["ministry"] if role == "ministry" else people["vendor_users"][0]

    assert client_for(user).get(reverse("proposal-list")).status_code == 403


def test_proposal_approve_introduces_both_sides_in_their_languages(people):
    publish(people)

    introductions = approve_all(people)

    assert len(introductions) == 2
    french, english = people["vendor_users"]
    assert Notification.objects.get(user=french, kind=Notification.Kind.INTRODUCTION).title.startswith(
        "Présentée"
    )
    assert Notification.objects.get(user=english, kind=Notification.Kind.INTRODUCTION).title.startswith(
        "Introduced"
    )
    assert (
        Notification.objects.filter(user=people["ministry"], kind=Notification.Kind.INTRODUCTION).count() == 2
    )


def test_proposal_reject_requires_a_reason(people):
    publish(people)
    proposal = MatchProposal.objects.filter(challenge=people["challenge"]).first()

    response = client_for(people["coordinator"]).post(reverse("proposal-reject", args=[proposal.id]), {})

    assert response.status_code == 400
    assert "reason" in response.data


def test_proposal_approve_refuses_a_rejected_proposal_with_a_conflict(people):
    publish(people)
    proposal = MatchProposal.objects.filter(challenge=people["challenge"]).first()
    coordinator = client_for(people["coordinator"])
    coordinator.post(reverse("proposal-reject", args=[proposal.id]), {"reason": "Hors sujet."})

    response = coordinator.post(reverse("proposal-approve", args=[proposal.id]), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 409
    assert "already rejected" in response.data["non_field_errors"][0]
    assert not Introduction.objects.exists()


def test_proposal_hold_then_approve(people):
    publish(people)
    proposal = MatchProposal.objects.filter(challenge=people["challenge"]).first()
    coordinator = client_for(people["coordinator"])

    assert (
        coordinator.post(reverse("proposal-hold", args=[proposal.id]), {"reason": "À valider."}).status_code
        == 200
    )
    assert coordinator.post(reverse("proposal-approve", args=[proposal.id])).status_code == 200


def test_proposals_bulk_approve_reports_those_already_decided(people):
    publish(people)
    first, second = MatchProposal.objects.filter(challenge=people["challenge"]).order_by("rank")
    coordinator = client_for(people["coordinator"])
    coordinator.post(reverse("proposal-reject", args=[first.id]), {"reason": "Hors sujet."})

    response = coordinator.post(
        reverse("proposal-bulk-approve"), {"proposals": [first.id, second.id]}, format="json"
    )

    assert response.status_code == 200
    assert [item["id"] for item in response.data["approved"]] == [second.id]
    assert str(first.id) in response.data["refused"]


def test_proposal_add_manual_records_a_vendor_the_matcher_missed(people):
    publish(people)
    outsider = factories.VendorFactory(description="Impression d'affiches.")

    response = client_for(people["coordinator"]).post(
        reverse("proposal-list"), {"challenge": people["challenge"].id, "vendor": outsider.id}
    )
    again = client_for(people["coordinator"]).post(
        reverse("proposal-list"), {"challenge": people["challenge"].id, "vendor": outsider.id}
    )

    assert response.status_code == 201 and response.data["source"] == "manual"
    assert again.status_code == 409


def test_two_coordinators_approving_at_once_one_wins_and_nothing_is_recorded_twice(people):
    publish(people)
    proposal = MatchProposal.objects.filter(challenge=people["challenge"]).first()
    second_coordinator = factories.UserFactory(role=User.Role.COORDINATOR)
    barrier = threading.Barrier(2)
    statuses = []

    def approve(user):
        try:
            barrier.wait()
            statuses.append(
                client_for(user).post(reverse("proposal-approve", args=[proposal.id])).status_code
            )
        finally:
            connection.close()

    threads = [
        threading.Thread(target=approve, args=(user,)) for user in (people["coordinator"], second_coordinator)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(statuses) == [200, 409]
    assert Introduction.objects.filter(proposal=proposal).count() == 1
    assert (
        AuditEntry.objects.filter(
            object_type="matchproposal", object_id=proposal.id, action="approved"
        ).count()
        == 1
    )


def test_vendor_expresses_interest_and_the_organization_is_told(people):
    publish(people)
    introduction = approve_all(people)[0]
    vendor_user = introduction.vendor.members.get()

    response = client_for(vendor_user).post(
        reverse("introduction-interest", args=[introduction.id]),
        {"pitch": "Nous l'avons fait pour trois villes."},
    )

    assert response.status_code == 200 and response.data["status"] == "interested"
    assert Introduction.objects.get(pk=introduction.pk).pitch == "Nous l'avons fait pour trois villes."
    assert Notification.objects.filter(user=people["ministry"], kind=Notification.Kind.INTEREST).count() == 1


def test_vendor_cannot_answer_for_another_firm(people):
    publish(people)
    first, second = approve_all(people)
    other_member = second.vendor.members.get()

    response = client_for(other_member).post(
        reverse("introduction-interest", args=[first.id]), {"pitch": "Moi."}
    )

    assert response.status_code == 404


def test_vendor_declines_with_a_reason(people):
    publish(people)
    introduction = approve_all(people)[0]
    member = introduction.vendor.members.get()

    missing = client_for(member).post(reverse("introduction-decline", args=[introduction.id]), {})
    declined = client_for(member).post(
        reverse("introduction-decline", args=[introduction.id]), {"reason": "Carnet plein."}
    )

    assert missing.status_code == 400
    assert declined.status_code == 200 and declined.data["status"] == "declined"
    assert Introduction.objects.get(pk=introduction.pk).decline_reason == "Carnet plein."


def test_clarification_is_published_to_every_introduced_vendor_without_the_askers_identity(people):
    publish(people)
    first, second = approve_all(people)
    asker, other = first.vendor.members.get(), second.vendor.members.get()

    asked = client_for(asker).post(
        reverse("clarification-list", args=[people["challenge"].id]), {"question": "Le code sera-t-il libre?"}
    )
    unseen = client_for(other).get(reverse("clarification-list", args=[people["challenge"].id]))
    answered = client_for(people["ministry"]).post(
        reverse("clarification-answer", args=[asked.data["id"]]), {"answer": "Oui, sous licence LGPL."}
    )
    seen = client_for(other).get(reverse("clarification-list", args=[people["challenge"].id]))

    assert asked.status_code == 201 and answered.status_code == 200
    assert unseen.data["count"] == 0
    assert seen.data["results"][0]["answer"] == "Oui, sous licence LGPL."
    assert set(seen.data["results"][0]) == {"id", "question", "answer", "answered_at", "created_at"}
    assert Notification.objects.filter(user=other, kind=Notification.Kind.CLARIFICATION).count() == 1


def test_clarification_is_refused_to_a_vendor_never_introduced(people):
    publish(people)
    outsider = factories.UserFactory(role=User.Role.VENDOR_MEMBER)
    factories.VendorFactory(members=[outsider])

    response = client_for(outsider).post(
        reverse("clarification-list", args=[people["challenge"].id]), {"question": "Et nous?"}
    )

    assert response.status_code == 403


def interested_and_shortlisted(people) -> tuple[Introduction, Introduction]:
    first, second = approve_all(people)
    for introduction in (first, second):
        client_for(introduction.vendor.members.get()).post(
            reverse("introduction-interest", args=[introduction.id]), {"pitch": "Intéressés."}
        )
    assert (
        client_for(people["ministry"]).post(reverse("introduction-shortlist", args=[first.id])).status_code
        == 200
    )
    return first, second


def test_award_opens_an_engagement_and_closes_the_others_courteously(people):
    publish_without_grid(people)
    winner, other = interested_and_shortlisted(people)

    response = client_for(people["ministry"]).post(
        reverse("challenge-award", args=[people["challenge"].id]), {"introduction": winner.id}
    )

    assert response.status_code == 201
    assert Challenge.objects.get(pk=people["challenge"].id).status == Challenge.Status.AWARDED
    other.refresh_from_db()
    assert other.status == Introduction.Status.NOT_SELECTED
    english_member = other.vendor.members.get()
    note = Notification.objects.get(user=english_member, kind=Notification.Kind.NOT_SELECTED)
    assert "Thank you for your interest" in note.body or "Merci de votre intérêt" in note.body
    assert Engagement.objects.get(challenge=people["challenge"]).vendor == winner.vendor


def test_award_refuses_a_challenge_already_awarded(people):
    publish_without_grid(people)
    winner, other = interested_and_shortlisted(people)
    ministry = client_for(people["ministry"])
    ministry.post(reverse("challenge-award", args=[people["challenge"].id]), {"introduction": winner.id})

    response = ministry.post(
        reverse("challenge-award", args=[people["challenge"].id]), {"introduction": winner.id}
    )

    assert response.status_code == 409
    assert Engagement.objects.count() == 1


def test_award_refuses_a_cancelled_challenge(people):
    publish(people)
    winner, _other = interested_and_shortlisted(people)
    ministry = client_for(people["ministry"])
    ministry.post(reverse("challenge-cancel", args=[people["challenge"].id]))

    response = ministry.post(
        reverse("challenge-award", args=[people["challenge"].id]), {"introduction": winner.id}
    )

    assert response.status_code == 409


def test_award_is_refused_to_another_organization(people):
    publish(people)
    winner, _other = interested_and_shortlisted(people)
    stranger = factories.UserFactory(role=User.Role.MINISTRY_MEMBER)
    factories.OrganizationFactory(members=[stranger])

    response = client_for(stranger).post(
        reverse("challenge-award", args=[people["challenge"].id]), {"introduction": winner.id}
    )

    assert response.status_code in (403, 404)
    assert not Engagement.objects.exists()


@pytest.fixture
def engagement(people) -> Engagement:
    publish_without_grid(people)
    winner, _other = interested_and_shortlisted(people)
    client_for(people["ministry"]).post(
        reverse("challenge-award", args=[people["challenge"].id]), {"introduction": winner.id}
    )
    return Engagement.objects.get(challenge=people["challenge"])


def test_milestone_deliver_refuses_a_milestone_not_planned(people, engagement):
    ministry, vendor = client_for(people["ministry"]), client_for(engagement.vendor.members.get())
    created = ministry.post(
        reverse("milestone-create", args=[engagement.id]),
        {"title": "Preuve de concept", "amount": "12500.50", "due_date": "2027-03-31"},
    )
    deliver = reverse("milestone-deliver", args=[created.data["id"]])

    assert vendor.post(deliver).status_code == 200
    assert vendor.post(deliver).status_code == 409


def test_milestone_accept_refuses_an_undelivered_milestone(people, engagement):
    ministry = client_for(people["ministry"])
    created = ministry.post(
        reverse("milestone-create", args=[engagement.id]),
        {"title": "Preuve de concept", "amount": "12500.50", "due_date": "2027-03-31"},
    )

    response = ministry.post(reverse("milestone-accept", args=[created.data["id"]]))

    assert response.status_code == 409
    assert Milestone.objects.get(pk=created.data["id"]).status == Milestone.Status.PLANNED


def test_milestone_create_refuses_a_zero_amount(people, engagement):
    response = client_for(people["ministry"]).post(
        reverse("milestone-create", args=[engagement.id]),
        {"title": "Rien", "amount": "0", "due_date": "2027-03-31"},
    )

    assert response.status_code == 400
    assert "amount" in response.data


PROVIDER = "https://payments.example.test/v1"
WEBHOOK_SECRET = "whsec-test"


@responses.activate
def test_the_whole_path_from_publication_to_a_paid_milestone(people, settings, mailoutbox):
    settings.PAYMENT_PROVIDER = "http"
    settings.PAYMENT_API_URL = PROVIDER
    settings.PAYMENT_API_KEY = "key"
    settings.PAYMENT_WEBHOOK_SECRET = WEBHOOK_SECRET
    challenge = publish_without_grid(people)
    first, _second = approve_all(people)
    vendor_member = first.vendor.members.get()
    ministry, vendor = client_for(people["ministry"]), client_for(vendor_member)
    assert (
        vendor.post(reverse("introduction-interest", args=[first.id]), {"pitch": "Déjà fait."}).status_code
        == 200
    )
    asked = vendor.post(
        reverse("clarification-list", args=[challenge.id]), {"question": "Hébergement au Québec?"}
    )
    assert (
        ministry.post(
            reverse("clarification-answer", args=[asked.data["id"]]), {"answer": "Oui."}
        ).status_code
        == 200
    )
    assert ministry.post(reverse("introduction-shortlist", args=[first.id])).status_code == 200
    engagement_id = ministry.post(
        reverse("challenge-award", args=[challenge.id]), {"introduction": first.id}
    ).data["id"]
    milestone_id = ministry.post(
        reverse("milestone-create", args=[engagement_id]),
        {"title": "Preuve de concept", "amount": "1234.56", "due_date": "2027-03-31"},
    ).data["id"]
    assert vendor.post(reverse("milestone-deliver", args=[milestone_id])).status_code == 200
    responses.add(
        responses.POST,
        f"{PROVIDER}/payouts",
        json={
            "id": "po_1",
            "status": "pending",
            "amount": 123456,
            "currency": "CAD",
            "updated": int(time.time()),
        },
    )

    accepted = ministry.post(reverse("milestone-accept", args=[milestone_id]))
    body = json.dumps(
        {
            "type": "payout.updated",
            "created": int(time.time()),
            "data": {
                "id": "po_1",
                "status": "paid",
                "amount": 123456,
                "currency": "CAD",
                "updated": int(time.time()),
            },
        }
    ).encode()
    signature = payments.webhook_signature(secret=WEBHOOK_SECRET, timestamp=int(time.time()), body=body)
    webhook = APIClient().post(
        reverse("payment-webhook"),
        data=body,
        content_type="application/json",
        HTTP_MAILLAGE_SIGNATURE=signature,
    )

    assert accepted.status_code == 200 and webhook.status_code == 200
    assert Milestone.objects.get(pk=milestone_id).status == Milestone.Status.PAID
    assert json.loads(responses.calls[0].request.body)["amount"] == 123456
    assert Notification.objects.filter(user=vendor_member, kind=Notification.Kind.PAYOUT_PAID).count() == 1
    audited = set(AuditEntry.objects.values_list("object_type", flat=True))
    assert {"challenge", "matchproposal", "introduction", "engagement", "milestone", "payout"} <= audited
    subjects = [message.subject for message in mailoutbox]
    assert any("Présentée" in subject for subject in subjects)  # The French vendor member.
    assert any("Payment sent" in subject or "Versement" in subject for subject in subjects)
