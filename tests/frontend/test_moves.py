"""The pages offer exactly the moves that matching.moves.allowed_moves (the services' own table) allows."""

import pytest
from django.urls import reverse

from hub.models import User
from marketplace.models import Challenge
from matching.models import Introduction, MatchProposal
from matching.moves import allowed_moves
from tests import factories

pytestmark = pytest.mark.django_db


def challenge_buttons(challenge: Challenge) -> dict[str, str]:
    """Each move of the challenge page, and the markup only its button has."""
    return {
        # A plain link to the preview stays; the submission is its button.
        Challenge.Status.SUBMITTED: f'class="qc-button qc-primary qc-compact" href="{reverse("frontend:challenge_preview", args=[challenge.pk])}"',
        Challenge.Status.DRAFT: 'value="withdraw"',
        Challenge.Status.CLOSED: reverse("frontend:challenge_close", args=[challenge.pk]),
        Challenge.Status.CANCELLED: reverse("frontend:challenge_cancel", args=[challenge.pk]),
        "edit": reverse("frontend:challenge_edit", args=[challenge.pk]),
    }


@pytest.mark.parametrize("status", Challenge.Status.values)
def test_challenge_manage_shows_exactly_the_buttons_allowed_moves_returns(client, ministry_member, status):
    organization = ministry_member.organizations.get()
    challenge = factories.ChallengeFactory(organization=organization, status=status)
    client.force_login(ministry_member)
    moves = allowed_moves(challenge, ministry_member)

    content = client.get(reverse("frontend:challenge_manage", args=[challenge.pk])).content.decode()

    shown = {move for move, markup in challenge_buttons(challenge).items() if markup in content}
    assert shown == moves & challenge_buttons(challenge).keys()


@pytest.mark.parametrize("status", Introduction.Status.values)
def test_vendor_introduction_shows_exactly_the_forms_allowed_moves_returns(client, vendor_member, status):
    challenge = factories.ChallengeFactory(status=Challenge.Status.PUBLISHED)
    proposal = factories.MatchProposalFactory(
        challenge=challenge, vendor=vendor_member.vendors.get(), status=MatchProposal.Status.APPROVED
    )
    introduction = factories.IntroductionFactory(proposal=proposal, status=status)
    client.force_login(vendor_member)
    moves = allowed_moves(introduction, vendor_member)

    content = client.get(
        reverse("frontend:vendor_introduction_detail", args=[introduction.pk])
    ).content.decode()

    forms = {
        Introduction.Status.INTERESTED: "interest",
        Introduction.Status.DECLINED: "decline",
        "ask": "ask",
    }
    shown = {move for move, action in forms.items() if f'name="action" value="{action}"' in content}
    assert shown == moves & forms.keys()


@pytest.mark.parametrize("status", [MatchProposal.Status.PENDING, MatchProposal.Status.ON_HOLD])
def test_coordinator_queue_shows_exactly_the_decisions_allowed_moves_returns(client, status):
    coordinator = factories.UserFactory(role=User.Role.COORDINATOR)
    proposal = factories.MatchProposalFactory(status=status)
    client.force_login(coordinator)
    moves = allowed_moves(proposal, coordinator)

    content = client.get(reverse("frontend:coordinator_queue"), {"status": status}).content.decode()

    decisions = {
        MatchProposal.Status.APPROVED: 'data-queue-action="approve"',
        MatchProposal.Status.ON_HOLD: 'data-queue-action="hold"',
        MatchProposal.Status.REJECTED: 'data-queue-action="reject"',
    }
    shown = {move for move, markup in decisions.items() if markup in content}
    assert shown == moves
