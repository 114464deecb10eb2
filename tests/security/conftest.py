"""One world per test module, owned by two sides, with an API client signed in (by token) as each role.

Side A (the `vendor` and `ministry` roles) owns every object the tests aim at; side B (`other_vendor`,
`other_ministry`) owns the same kinds of objects and must never reach side A's. The world is built once
per module inside a transaction that is rolled back afterwards; each test runs in a savepoint within it,
so a test that changes the world leaves it unchanged for the next.
"""

import datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.utils import timezone
from elasticsearch_dsl import connections
from rest_framework.test import APIClient

from hub.models import Notification, User
from hub.services import api_token_create
from marketplace.models import AwardMode, Challenge
from matching.models import Introduction, MatchProposal, Milestone
from matching.search import indexing
from matching.search.kinds import INDEXED_KINDS
from tests import factories

ROLES = ("anonymous", "vendor", "other_vendor", "ministry", "other_ministry", "coordinator", "admin")


def _challenge(organization, status: str, **fields) -> Challenge:
    """A challenge with a valid evaluation grid, so that it may be submitted and published."""
    challenge = factories.ChallengeFactory(organization=organization, status=status, **fields)
    factories.grid_create(challenge)
    return challenge


def _introduction(challenge: Challenge, vendor, status: str) -> Introduction:
    proposal = factories.MatchProposalFactory(approved=True, challenge=challenge, vendor=vendor)
    return factories.IntroductionFactory(proposal=proposal, status=status)


def build_world() -> SimpleNamespace:
    users = {
        "vendor": factories.UserFactory(role=User.Role.VENDOR_MEMBER),
        "other_vendor": factories.UserFactory(role=User.Role.VENDOR_MEMBER),
        "ministry": factories.UserFactory(role=User.Role.MINISTRY_MEMBER),
        "other_ministry": factories.UserFactory(role=User.Role.MINISTRY_MEMBER),
        "coordinator": factories.UserFactory(role=User.Role.COORDINATOR),
        "admin": factories.UserFactory(role=User.Role.ADMINISTRATOR, is_staff=True, is_superuser=True),
    }
    api_tokens = {role: api_token_create(user=user, label=role) for role, user in users.items()}
    w = SimpleNamespace(
        users=users,
        tokens={role: key for role, (_token, key) in api_tokens.items()},
        token_ids={role: token.pk for role, (token, _key) in api_tokens.items()},
    )
    w.vendor_a = factories.VendorFactory(members=[users["vendor"]])
    w.vendor_b = factories.VendorFactory(members=[users["other_vendor"]])
    w.organization_a = factories.OrganizationFactory(members=[users["ministry"]])
    # other_vendor, a member of side B's firm, asks to join side A's: side A's members answer it, they withdraw it.
    w.join_request = factories.VendorJoinRequestFactory(requester=users["other_vendor"], vendor=w.vendor_a)
    w.organization_b = factories.OrganizationFactory(members=[users["other_ministry"]])
    w.vendor_to_verify = factories.VendorFactory(is_verified=False)
    w.organization_invitation = factories.OrganizationInvitationFactory(
        organization=w.organization_a, invited_by=users["ministry"]
    )
    w.vendor_invitation = factories.VendorInvitationFactory(vendor=w.vendor_a, invited_by=users["vendor"])

    w.draft_a = _challenge(w.organization_a, Challenge.Status.DRAFT, title="Brouillon confidentiel A")
    w.submitted_a = _challenge(w.organization_a, Challenge.Status.SUBMITTED)
    # Published challenges take proposals once their award mode is chosen (price only: no grid to answer).
    w.published_a = _challenge(w.organization_a, Challenge.Status.PUBLISHED, award_mode=AwardMode.PRICE)
    w.shortlisting_a = _challenge(w.organization_a, Challenge.Status.PUBLISHED, award_mode=AwardMode.PRICE)
    w.awarded_a = _challenge(w.organization_a, Challenge.Status.AWARDED)
    w.draft_b = _challenge(w.organization_b, Challenge.Status.DRAFT, title="Brouillon confidentiel B")
    w.published_b = _challenge(w.organization_b, Challenge.Status.PUBLISHED)

    # The coordinators' queue: vendor B proposed for challenge A, not decided yet.
    w.proposal = factories.MatchProposalFactory(
        challenge=w.published_a, vendor=w.vendor_b, status=MatchProposal.Status.PENDING
    )
    # Side A's firm, proposed for side B's open challenge: it may ask to be introduced (no engine needed).
    w.requestable = factories.MatchProposalFactory(
        challenge=w.published_b, vendor=w.vendor_a, status=MatchProposal.Status.PENDING
    )
    w.introduction = _introduction(w.published_a, w.vendor_a, Introduction.Status.INTRODUCED)
    w.interested_introduction = _introduction(w.shortlisting_a, w.vendor_a, Introduction.Status.INTERESTED)
    w.introduction_b = _introduction(w.published_b, w.vendor_b, Introduction.Status.INTRODUCED)
    # Side A's firm's proposals, sealed: a submitted one (with a PDF) and a complete draft.
    w.submission = factories.SubmissionFactory(introduction=w.introduction, submitted=True)
    w.attachment = factories.SubmissionAttachmentFactory(submission=w.submission)
    w.draft_submission = factories.SubmissionFactory(introduction=w.interested_introduction)
    w.clarification = factories.ClarificationFactory(
        challenge=w.published_a, asked_by=users["vendor"], question="Le code source sera-t-il ouvert ?"
    )
    w.engagement = factories.EngagementFactory(
        introduction=_introduction(w.awarded_a, w.vendor_a, Introduction.Status.AWARDED)
    )
    w.planned_milestone = factories.MilestoneFactory(engagement=w.engagement, status=Milestone.Status.PLANNED)
    w.delivered_milestone = factories.MilestoneFactory(
        engagement=w.engagement, status=Milestone.Status.DELIVERED, delivered_at=timezone.now()
    )
    w.payout = factories.PayoutFactory(
        milestone=factories.MilestoneFactory(engagement=w.engagement, status=Milestone.Status.ACCEPTED)
    )
    w.failed_payout = factories.PayoutFactory(
        milestone=factories.MilestoneFactory(engagement=w.engagement, status=Milestone.Status.ACCEPTED),
        failed=True,
    )
    w.saved_search = factories.SavedSearchFactory(
        user=users["vendor"], vendor=w.vendor_a, name="Infonuagique"
    )
    w.notification = factories.NotificationFactory(
        user=users["vendor"],
        kind=Notification.Kind.INTRODUCTION,
        title="Présentation",
        dedupe_key="security-test",
    )
    _evaluation(w)
    w.milestone_due = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    w.amount = str(Decimal("1500.00"))
    return w


def _evaluation(w: SimpleNamespace) -> None:
    """The evaluation (issue 17): a challenge under evaluation where `ministry` scores with two colleagues (a
    third is the secretary); one where `ministry` is the secretary, the sheets and the consensus in; and an
    awarded challenge whose debrief vendor A reads."""
    opened = {"proposals_opened_at": timezone.now()}
    w.colleagues = factories.UserFactory.create_batch(4, role=User.Role.MINISTRY_MEMBER)
    w.organization_a.members.add(*w.colleagues)

    w.evaluating_a = _challenge(w.organization_a, Challenge.Status.EVALUATION, **opened)
    w.evaluating_criteria = list(w.evaluating_a.criteria.order_by("position"))  # _challenge made the grid.
    w.committee = [w.users["ministry"], *w.colleagues[:2]]
    for user in w.committee:
        factories.CommitteeMemberFactory(challenge=w.evaluating_a, user=user)
    factories.CommitteeMemberFactory(challenge=w.evaluating_a, user=w.colleagues[2], secretary=True)
    w.evaluated_submission = factories.SubmissionFactory(
        submitted=True, introduction=_introduction(w.evaluating_a, w.vendor_a, Introduction.Status.INTERESTED)
    )

    w.scored_a = _challenge(w.organization_a, Challenge.Status.EVALUATION, **opened)
    w.scored_criteria = list(w.scored_a.criteria.order_by("position"))
    factories.CommitteeMemberFactory(challenge=w.scored_a, user=w.users["ministry"], secretary=True)
    w.scored_submission = factories.SubmissionFactory(
        submitted=True, introduction=_introduction(w.scored_a, w.vendor_a, Introduction.Status.INTERESTED)
    )
    for user in w.colleagues[:3]:
        seat = factories.CommitteeMemberFactory(challenge=w.scored_a, user=user)
        sheet = factories.ScoreSheetFactory(
            member=seat, submission=w.scored_submission, submitted_at=timezone.now()
        )
        for criterion in w.scored_criteria:
            factories.ScoreFactory(sheet=sheet, criterion=criterion, score=80)
    for criterion in w.scored_criteria:
        factories.ConsensusScoreFactory(submission=w.scored_submission, criterion=criterion, score=80)

    w.debriefed_a = _challenge(w.organization_a, Challenge.Status.AWARDED, **opened)
    w.debriefed_submission = factories.SubmissionFactory(
        submitted=True, introduction=_introduction(w.debriefed_a, w.vendor_a, Introduction.Status.AWARDED)
    )
    factories.AwardDecisionFactory(submission=w.debriefed_submission)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, search_indexes):
    """Built once per module in a transaction that is rolled back at the end of the module."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def search_indexes(django_db_setup, django_db_blocker):
    """Empty indexes for the module: the search endpoints answer from them (nothing is indexed)."""
    from django.conf import settings

    client = connections.get_connection()
    pattern = f"{settings.SEARCH_INDEX_PREFIX}-*"
    client.indices.delete(index=pattern, ignore_unavailable=True)
    with django_db_blocker.unblock():
        for kind in INDEXED_KINDS:
            indexing.index_ensure(kind)
    yield
    client.indices.delete(index=pattern, ignore_unavailable=True)


def client_as(world: SimpleNamespace, role: str) -> APIClient:
    client = APIClient()
    if role != "anonymous":
        client.credentials(HTTP_AUTHORIZATION=f"Token {world.tokens[role]}")
    return client
