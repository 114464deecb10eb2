"""The coordinators' pages through the Django test client: the queue, publication requests, the dashboard."""

import dataclasses
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from hub.models import AuditEntry, User
from marketplace.models import Challenge
from matching.models import Introduction, MatchProposal, VendorExposure
from matching.search.explain import Explanation
from tests import factories

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, language: str = "en", **kwargs) -> str:
    with override(language):
        return reverse(f"frontend:{name}", kwargs=kwargs)


def explanation(**changes) -> dict:
    values = {
        "score": 7.5,
        "expertise_matched": ["cloud"],
        "highlights": {"description": ["Nous hébergeons des applications dans l'<mark>infonuagique</mark>."]},
        "region_fit": True,
        "sme_eligible": True,
        **changes,
    }
    return dataclasses.asdict(Explanation(**values))


def pending_proposal(**kwargs) -> MatchProposal:
    kwargs.setdefault("status", MatchProposal.Status.PENDING)
    kwargs.setdefault("rank", 1)
    kwargs.setdefault("score", 7.5)
    kwargs.setdefault("explanation", explanation())
    return factories.MatchProposalFactory(**kwargs)


# Who may open the pages

COORDINATOR_PAGES = ["coordinator_queue", "coordinator_publication_requests", "coordinator_dashboard"]


@pytest.mark.parametrize("name", COORDINATOR_PAGES)
def test_coordinator_pages_send_anonymous_visitors_to_sign_in(client, name):
    response = client.get(url(name))

    assert response.status_code == 302
    assert response["Location"].startswith(url("login"))


@pytest.mark.parametrize("name", COORDINATOR_PAGES)
@pytest.mark.parametrize("member", ["ministry_member", "vendor_member"])
def test_coordinator_pages_refuse_members_of_organizations_and_vendors(client, request, name, member):
    client.force_login(request.getfixturevalue(member))

    response = client.get(url(name))

    assert response.status_code == 403


PROPOSAL_ACTIONS = [
    "coordinator_proposal_approve",
    "coordinator_proposal_hold",
    "coordinator_proposal_reject",
]


@pytest.mark.parametrize("name", PROPOSAL_ACTIONS)
def test_proposal_actions_refuse_a_ministry_member_and_change_nothing(client, ministry_member, name):
    proposal = pending_proposal()
    client.force_login(ministry_member)

    response = client.post(url(name, proposal_id=proposal.pk), {"reason": "Hors sujet."})

    assert response.status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == MatchProposal.Status.PENDING


def test_publish_refuses_a_vendor_member(client, vendor_member):
    challenge = factories.ChallengeFactory(submitted=True)
    client.force_login(vendor_member)

    response = client.post(url("coordinator_challenge_publish", challenge_id=challenge.pk))

    assert response.status_code == 403
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.SUBMITTED


def test_administrators_open_the_queue(client):
    client.force_login(factories.UserFactory(role=User.Role.ADMINISTRATOR))

    response = client.get(url("coordinator_queue"))

    assert response.status_code == 200


def test_proposal_actions_answer_405_to_get(coordinator_client):
    proposal = pending_proposal()

    response = coordinator_client.get(url("coordinator_proposal_approve", proposal_id=proposal.pk))

    assert response.status_code == 405


# The queue


def test_queue_groups_pending_proposals_under_their_challenge(coordinator_client):
    first = pending_proposal(challenge__title="Portail citoyen", rank=1)
    second = pending_proposal(challenge=first.challenge, rank=2)
    other = pending_proposal(challenge__title="Archives numériques")

    response = coordinator_client.get(url("coordinator_queue"))

    groups = response.context["groups"]
    assert [group.challenge for group in groups] == [first.challenge, other.challenge]
    assert [item.proposal for item in groups[0].items] == [first, second]


def test_queue_says_a_proposal_made_under_a_minute_ago_was_proposed_just_now(coordinator_client):
    pending_proposal()

    content = coordinator_client.get(url("coordinator_queue", "fr")).content.decode()

    assert "proposée à l’instant" in content
    assert "0\xa0minute" not in content and "0 minute" not in content


def test_queue_says_how_long_ago_an_older_proposal_was_made(coordinator_client):
    proposal = pending_proposal()
    MatchProposal.objects.filter(pk=proposal.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=3)
    )

    content = coordinator_client.get(url("coordinator_queue", "fr")).content.decode()

    assert "proposée il y a 3\xa0heures" in content


def test_queue_shows_the_challenge_next_to_its_proposals(coordinator_client):
    proposal = pending_proposal(
        challenge__title="Portail citoyen", challenge__required_certifications=["ISO 27001"]
    )

    content = coordinator_client.get(url("coordinator_queue")).content.decode()

    assert "Portail citoyen" in content
    assert proposal.challenge.organization.name in content
    assert "ISO 27001" in content
    assert "$50,000 to $150,000" in content
    assert proposal.vendor.name in content


def test_queue_leaves_out_decided_proposals(coordinator_client):
    pending_proposal(vendor__name="Firme en attente")
    pending_proposal(vendor__name="Firme approuvée", status=MatchProposal.Status.APPROVED)

    content = coordinator_client.get(url("coordinator_queue")).content.decode()

    assert "Firme en attente" in content
    assert "Firme approuvée" not in content


def test_queue_explains_each_proposal_with_the_frozen_reasons(coordinator_client):
    pending_proposal()

    content = coordinator_client.get(url("coordinator_queue")).content.decode()

    assert "Shared expertise: Cloud computing." in content
    assert "Present in the region of the work." in content


def test_queue_lists_gaps_apart_from_the_reasons(coordinator_client):
    pending_proposal(explanation=explanation(certifications_missing=["SOC 2"]))

    content = coordinator_client.get(url("coordinator_queue")).content.decode()

    reasons, gaps = content.split("What is missing")
    assert "Shared expertise: Cloud computing." in reasons
    assert "Certifications missing: SOC 2." in gaps and "Certifications missing" not in reasons


def test_queue_says_how_strong_a_match_is_in_words_instead_of_a_raw_score(coordinator_client):
    # Best possible for this challenge: text 2 + one expertise 2 + region 0.5 = 4.5; 2.82 is 63 % of it.
    pending_proposal(score=2.82, explanation=explanation(score=2.82))

    content = coordinator_client.get(url("coordinator_queue")).content.decode()

    assert "Strong match" in content
    assert "2.82" not in content


def test_queue_keeps_the_engines_mark_tags_in_highlights(coordinator_client):
    pending_proposal()

    content = coordinator_client.get(url("coordinator_queue")).content.decode()

    assert "l'<mark>infonuagique</mark>." in content


def test_queue_shows_other_markup_in_highlights_as_text(coordinator_client):
    pending_proposal(
        explanation=explanation(highlights={"description": ["<script>alert(1)</script><mark>x</mark>"]})
    )

    content = coordinator_client.get(url("coordinator_queue")).content.decode()

    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_queue_says_a_manual_proposal_has_no_explanation(coordinator_client):
    pending_proposal(explanation={}, source=MatchProposal.Source.MANUAL, rank=None, score=None)

    content = coordinator_client.get(url("coordinator_queue")).content.decode()

    assert "the matcher gave no explanation" in content


def test_queue_filters_on_hold_proposals(coordinator_client):
    pending_proposal(vendor__name="Firme en attente")
    pending_proposal(vendor__name="Firme en suspens", status=MatchProposal.Status.ON_HOLD)

    content = coordinator_client.get(url("coordinator_queue"), {"status": "on_hold"}).content.decode()

    assert "Firme en suspens" in content
    assert "Firme en attente" not in content


def test_queue_filters_by_organization(coordinator_client):
    kept = pending_proposal(vendor__name="Firme retenue")
    pending_proposal(vendor__name="Firme écartée")

    response = coordinator_client.get(
        url("coordinator_queue"), {"organization": kept.challenge.organization_id}
    )

    assert [item.proposal for group in response.context["groups"] for item in group.items] == [kept]


def test_queue_filters_by_age(coordinator_client):
    old = pending_proposal(vendor__name="Firme ancienne")
    pending_proposal(vendor__name="Firme récente")
    MatchProposal.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))

    response = coordinator_client.get(url("coordinator_queue"), {"older_than_days": 7})

    assert [item.proposal for group in response.context["groups"] for item in group.items] == [old]


def test_queue_ignores_unknown_filters_and_says_so(coordinator_client):
    pending_proposal()

    response = coordinator_client.get(url("coordinator_queue"), {"expertise": "nope"})

    assert response.status_code == 200
    assert len(response.context["groups"]) == 1
    assert "Some filters were not understood" in response.content.decode()


def test_queue_pages_long_queues_and_keeps_the_filters_in_the_page_links(coordinator_client, monkeypatch):
    monkeypatch.setattr("frontend.views.coordinator.PROPOSALS_PER_PAGE", 2)
    for _ in range(3):
        pending_proposal()

    response = coordinator_client.get(url("coordinator_queue"), {"ordering": "-score", "page": 2})

    assert sum(len(group.items) for group in response.context["groups"]) == 1
    assert 'href="?ordering=-score&amp;page=1"' in response.content.decode()


def test_queue_documents_the_keyboard_shortcuts(coordinator_client):
    pending_proposal()

    content = coordinator_client.get(url("coordinator_queue")).content.decode()

    assert "Keyboard shortcuts" in content
    assert 'aria-keyshortcuts="a"' in content
    assert 'aria-keyshortcuts="r"' in content
    assert 'aria-keyshortcuts="h"' in content
    assert "coordinator-queue.js" in content


# Deciding: approve, reject, hold


def test_approve_introduces_the_vendor_and_returns_to_the_filtered_queue(coordinator_client, coordinator):
    proposal = pending_proposal()
    next_url = url("coordinator_queue") + "?status=pending&ordering=-score"

    response = coordinator_client.post(
        url("coordinator_proposal_approve", proposal_id=proposal.pk), {"next": next_url}
    )

    assert response.status_code == 302
    assert response["Location"] == next_url
    proposal.refresh_from_db()
    assert proposal.status == MatchProposal.Status.APPROVED
    assert proposal.decided_by == coordinator
    assert Introduction.objects.filter(proposal=proposal).exists()


def test_approve_says_who_was_introduced(coordinator_client):
    proposal = pending_proposal(vendor__name="Nuage Boréal inc.")

    response = coordinator_client.post(
        url("coordinator_proposal_approve", proposal_id=proposal.pk), follow=True
    )

    assert "Approved: Nuage Boréal inc. is introduced to" in response.content.decode()


def test_approve_never_redirects_outside_the_site(coordinator_client):
    proposal = pending_proposal()

    response = coordinator_client.post(
        url("coordinator_proposal_approve", proposal_id=proposal.pk), {"next": "https://example.com/"}
    )

    assert response["Location"] == url("coordinator_queue")


def test_approve_with_htmx_swaps_the_proposal_for_its_outcome(coordinator_client):
    proposal = pending_proposal(vendor__name="Nuage Boréal inc.")

    response = coordinator_client.post(url("coordinator_proposal_approve", proposal_id=proposal.pk), **HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert f'id="proposal-{proposal.pk}"' in content
    assert "data-queue-item-done" in content
    assert 'hx-swap-oob="innerHTML:#queue-announcer"' in content
    assert "Approved: Nuage Boréal inc." in content
    assert "<html" not in content


def test_approve_with_htmx_updates_the_count_of_the_queue_as_filtered(coordinator_client):
    proposal = pending_proposal()
    pending_proposal()
    pending_proposal(status=MatchProposal.Status.ON_HOLD)
    next_url = url("coordinator_queue") + "?status=pending"

    response = coordinator_client.post(
        url("coordinator_proposal_approve", proposal_id=proposal.pk), {"next": next_url}, **HTMX
    )

    assert '<h2 id="queue-results-title" hx-swap-oob="innerHTML">1 proposal</h2>' in response.content.decode()


def test_reject_with_a_reason_records_it(coordinator_client):
    proposal = pending_proposal()

    response = coordinator_client.post(
        url("coordinator_proposal_reject", proposal_id=proposal.pk), {"reason": "  Trop loin du besoin.  "}
    )

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == MatchProposal.Status.REJECTED
    assert proposal.reason == "Trop loin du besoin."
    assert AuditEntry.objects.filter(
        object_type="matchproposal", object_id=proposal.pk, to_state="rejected"
    ).exists()


def test_reject_without_a_reason_keeps_the_form_with_the_error(coordinator_client):
    proposal = pending_proposal()
    next_url = url("coordinator_queue") + "?status=pending"

    response = coordinator_client.post(
        url("coordinator_proposal_reject", proposal_id=proposal.pk), {"reason": "   ", "next": next_url}
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in content
    assert 'class="error-summary"' in content
    assert f'href="#id_reject_{proposal.pk}_reason"' in content
    assert "Say why the proposal is rejected." in content
    assert "open>" in content  # The reason field is shown, not folded away.
    proposal.refresh_from_db()
    assert proposal.status == MatchProposal.Status.PENDING


def test_reject_with_a_reason_too_long_keeps_what_was_typed(coordinator_client):
    proposal = pending_proposal()
    reason = "Trop long. " * 200

    response = coordinator_client.post(
        url("coordinator_proposal_reject", proposal_id=proposal.pk), {"reason": reason}
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Ensure this field has no more than 2000 characters." in content
    assert "Trop long. Trop long." in content


def test_reject_without_a_reason_with_htmx_returns_the_proposal_with_the_error(coordinator_client):
    proposal = pending_proposal()

    reject_url = url("coordinator_proposal_reject", proposal_id=proposal.pk)

    response = coordinator_client.post(reject_url, {"reason": ""}, **HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert "data-queue-item " in content
    assert "Say why the proposal is rejected." in content
    assert 'aria-invalid="true"' in content


def test_hold_puts_the_proposal_on_hold(coordinator_client):
    proposal = pending_proposal()

    response = coordinator_client.post(url("coordinator_proposal_hold", proposal_id=proposal.pk))

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == MatchProposal.Status.ON_HOLD


def test_an_on_hold_proposal_offers_no_hold_button(coordinator_client):
    proposal = pending_proposal(status=MatchProposal.Status.ON_HOLD)

    content = coordinator_client.get(url("coordinator_queue"), {"status": "on_hold"}).content.decode()

    assert url("coordinator_proposal_approve", proposal_id=proposal.pk) in content
    assert url("coordinator_proposal_hold", proposal_id=proposal.pk) not in content


def test_approving_a_proposal_someone_else_decided_says_so(coordinator_client):
    proposal = pending_proposal(status=MatchProposal.Status.REJECTED)

    response = coordinator_client.post(
        url("coordinator_proposal_approve", proposal_id=proposal.pk), follow=True
    )

    content = response.content.decode()
    assert "This proposal is already rejected; refresh the queue to see its current state." in content
    assert "message--error" in content
    proposal.refresh_from_db()
    assert proposal.status == MatchProposal.Status.REJECTED


def test_a_conflict_with_htmx_replaces_the_proposal_with_the_message(coordinator_client):
    proposal = pending_proposal(status=MatchProposal.Status.APPROVED)

    response = coordinator_client.post(url("coordinator_proposal_hold", proposal_id=proposal.pk), **HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert "queue-item--conflict" in content
    assert "This proposal is already approved" in content


def test_rejecting_a_proposal_someone_else_decided_says_so(coordinator_client):
    proposal = pending_proposal(status=MatchProposal.Status.APPROVED)

    response = coordinator_client.post(
        url("coordinator_proposal_reject", proposal_id=proposal.pk), {"reason": "Hors sujet."}, follow=True
    )

    assert "This proposal is already approved" in response.content.decode()


def test_approving_for_a_closed_challenge_keeps_the_proposal_with_the_message(coordinator_client):
    proposal = pending_proposal(challenge__status=Challenge.Status.CLOSED)

    response = coordinator_client.post(url("coordinator_proposal_approve", proposal_id=proposal.pk), **HTMX)

    content = response.content.decode()
    assert "data-queue-item " in content
    assert "The challenge is no longer open" in content


# Bulk approval


def test_bulk_approve_approves_the_ticked_proposals(coordinator_client):
    proposals = [pending_proposal(), pending_proposal()]

    response = coordinator_client.post(
        url("coordinator_proposals_bulk_approve"), {"proposals": [p.pk for p in proposals]}, follow=True
    )

    assert "2 proposals approved" in response.content.decode()
    assert set(MatchProposal.objects.values_list("status", flat=True)) == {MatchProposal.Status.APPROVED}


def test_bulk_approve_lists_what_it_refused_and_why(coordinator_client):
    approved = pending_proposal()
    refused = pending_proposal(vendor__name="Firme déjà refusée", status=MatchProposal.Status.REJECTED)

    response = coordinator_client.post(
        url("coordinator_proposals_bulk_approve"), {"proposals": [approved.pk, refused.pk]}, follow=True
    )

    content = response.content.decode()
    assert "1 proposal approved" in content
    assert "Not approved: Firme déjà refusée" in content
    assert "This proposal is already rejected" in content
    approved.refresh_from_db()
    assert approved.status == MatchProposal.Status.APPROVED


def test_bulk_approve_with_nothing_ticked_explains_what_to_do(coordinator_client):
    pending_proposal()

    response = coordinator_client.post(url("coordinator_proposals_bulk_approve"), {})

    content = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in content
    assert 'href="#bulk-approve-proposals"' in content
    assert 'id="bulk-approve-proposals"' in content
    assert "Tick the proposals to approve" in content


def test_bulk_approve_with_an_unknown_proposal_approves_nothing(coordinator_client):
    proposal = pending_proposal()

    response = coordinator_client.post(
        url("coordinator_proposals_bulk_approve"), {"proposals": [proposal.pk, 999999]}
    )

    assert response.status_code == 200
    assert "no longer exists" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == MatchProposal.Status.PENDING


# Publication requests


def test_publication_requests_list_submitted_challenges_only(coordinator_client):
    factories.ChallengeFactory(title="Demande soumise", submitted=True)
    factories.ChallengeFactory(title="Brouillon")
    factories.ChallengeFactory(published=True, title="Déjà publié")

    content = coordinator_client.get(url("coordinator_publication_requests")).content.decode()

    assert "Demande soumise" in content
    assert "Brouillon" not in content
    assert "Déjà publié" not in content


def test_publish_publishes_the_challenge(coordinator_client, coordinator):
    challenge = factories.ChallengeFactory(title="Demande soumise", submitted=True)
    factories.grid_create(challenge)

    response = coordinator_client.post(
        url("coordinator_challenge_publish", challenge_id=challenge.pk), follow=True
    )

    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.PUBLISHED
    assert challenge.published_at is not None
    assert "Published: “Demande soumise”" in response.content.decode()


def test_publishing_a_challenge_already_published_says_so(coordinator_client):
    challenge = factories.ChallengeFactory(published=True)

    response = coordinator_client.post(
        url("coordinator_challenge_publish", challenge_id=challenge.pk), follow=True
    )

    assert "A challenge that is published cannot become published." in response.content.decode()


def test_return_to_draft_records_the_note(coordinator_client, coordinator):
    challenge = factories.ChallengeFactory(submitted=True)

    response = coordinator_client.post(
        url("coordinator_challenge_return", challenge_id=challenge.pk), {"note": "Précisez le budget."}
    )

    assert response.status_code == 302
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.DRAFT
    entry = AuditEntry.objects.get(object_type="challenge", object_id=challenge.pk, to_state="draft")
    assert entry.reason == "Précisez le budget."
    assert entry.actor == coordinator


def test_return_to_draft_with_a_note_too_long_keeps_it_with_the_error(coordinator_client):
    challenge = factories.ChallengeFactory(submitted=True)

    response = coordinator_client.post(
        url("coordinator_challenge_return", challenge_id=challenge.pk), {"note": "Trop long. " * 200}
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert f'href="#id_return_{challenge.pk}_note"' in content
    assert "Trop long. Trop long." in content
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.SUBMITTED


# The dashboard


def _created(obj, *, days_ago: float) -> None:
    type(obj).objects.filter(pk=obj.pk).update(created_at=timezone.now() - datetime.timedelta(days=days_ago))


def test_dashboard_counts_proposals_by_week_and_status(coordinator_client):
    pending_proposal()
    for status in (MatchProposal.Status.APPROVED, MatchProposal.Status.REJECTED):
        _created(pending_proposal(status=status), days_ago=7)
    _created(pending_proposal(), days_ago=70)  # Older than the 8 weeks shown.

    response = coordinator_client.get(url("coordinator_dashboard"))

    rows = response.context["week_rows"]
    assert len(rows) == 8
    statuses = MatchProposal.Status.values
    this_week, last_week = (
        dict(zip(statuses, rows[-1][1], strict=True)),
        dict(zip(statuses, rows[-2][1], strict=True)),
    )
    assert this_week == {"pending": 1, "approved": 0, "rejected": 0, "on_hold": 0}
    assert last_week == {"pending": 0, "approved": 1, "rejected": 1, "on_hold": 0}
    assert sum(total for _week, _counts, total in rows) == 3


def test_dashboard_measures_the_time_to_the_first_introduction(coordinator_client):
    now = timezone.now()
    for published_days_ago, introductions_days_ago in ((10, [8, 3]), (5, [1]), (12, [3])):
        challenge = factories.ChallengeFactory(
            published=True, published_at=now - datetime.timedelta(days=published_days_ago)
        )
        for days_ago in introductions_days_ago:
            _created(
                factories.IntroductionFactory(
                    proposal__challenge=challenge, status=Introduction.Status.INTRODUCED
                ),
                days_ago=days_ago,
            )
    factories.ChallengeFactory(published=True)  # Published, nobody introduced yet.

    response = coordinator_client.get(url("coordinator_dashboard"))

    delays = response.context["delays"]
    assert delays.median_days == 4.0  # 2, 4 and 9 days.
    assert delays.challenge_count == 3
    assert delays.waiting == 1
    assert "4.0 days" in response.content.decode()
    assert [days for _challenge, days in response.context["delay_rows"]] == ["4.0", "2.0", "9.0"]


def test_dashboard_says_a_median_under_a_day_as_less_than_a_day(coordinator_client):
    challenge = factories.ChallengeFactory(
        published=True, published_at=timezone.now() - datetime.timedelta(hours=2)
    )
    factories.IntroductionFactory(proposal__challenge=challenge, status=Introduction.Status.INTRODUCED)

    content = coordinator_client.get(url("coordinator_dashboard", "fr")).content.decode()

    assert "<dd>Moins d’un jour</dd>" in content
    assert "0,0\xa0jours" not in content and "0,0 jours" not in content


def test_dashboard_counts_published_challenges_by_region(coordinator_client):
    montreal = factories.RegionFactory(code="06", label_fr="Montréal", label_en="Montreal")
    factories.ChallengeFactory(published=True, regions=[montreal])
    factories.ChallengeFactory(regions=[montreal], status=Challenge.Status.AWARDED)
    factories.ChallengeFactory(regions=[montreal])
    factories.ChallengeFactory(published=True, regions=[])

    response = coordinator_client.get(url("coordinator_dashboard"))

    assert response.context["region_rows"] == [("Montreal", 2), ("Anywhere in Quebec", 1)]
    assert '<th scope="row">Montreal</th><td class="number">2</td>' in response.content.decode()


def test_dashboard_counts_proposals_by_expertise(coordinator_client):
    data = factories.ExpertiseFactory(code="data", label_fr="Données", label_en="Data")
    challenge = factories.ChallengeFactory(published=True, expertise=[data])
    pending_proposal(challenge=challenge)
    pending_proposal(challenge=challenge, status=MatchProposal.Status.APPROVED)
    pending_proposal()  # Cloud computing, the factories' default.

    response = coordinator_client.get(url("coordinator_dashboard"))

    counts = {
        item.code: (item.proposal_count, item.approved_count) for item in response.context["by_expertise"]
    }
    assert counts == {"data": (2, 1), "cloud": (1, 0)}


def test_dashboard_shows_how_exposure_is_spread(coordinator_client):
    vendor = factories.VendorFactory(name="Firme très vue")
    factories.VendorExposureFactory(
        vendor=vendor, day=timezone.localdate(), channel=VendorExposure.Channel.SEARCH, count=9
    )
    factories.VendorExposureFactory(
        vendor=factories.VendorFactory(),
        day=timezone.localdate(),
        channel=VendorExposure.Channel.SEARCH,
        count=1,
    )

    response = coordinator_client.get(url("coordinator_dashboard"))

    content = response.content.decode()
    assert response.context["exposure"].total == 10
    assert response.context["top_decile_share"] == "90%"
    assert "Firme très vue" in content


def test_dashboard_charts_are_labelled_images_with_their_values(coordinator_client):
    pending_proposal()

    content = coordinator_client.get(url("coordinator_dashboard")).content.decode()

    assert 'role="img" aria-labelledby="chart-expertise-title chart-expertise-desc"' in content
    assert '<title id="chart-expertise-title">Proposals by expertise of the challenge</title>' in content
    assert '<text class="chart__value"' in content


def test_dashboard_writes_svg_coordinates_with_a_dot_in_french(coordinator_client):
    pending_proposal()

    content = coordinator_client.get(url("coordinator_dashboard", language="fr")).content.decode()

    assert 'width="7,5%"' not in content
    assert 'x="2.5%"' in content  # The first of 8 weekly bars starts at a fifth of its 12.5 % slot.


def test_dashboard_says_a_challenges_delay_under_a_day_as_less_than_a_day(coordinator_client):
    challenge = factories.ChallengeFactory(
        published=True, published_at=timezone.now() - datetime.timedelta(hours=2)
    )
    factories.IntroductionFactory(proposal__challenge=challenge, status=Introduction.Status.INTRODUCED)

    response = coordinator_client.get(url("coordinator_dashboard", "fr"))

    assert [days for _challenge, days in response.context["delay_rows"]] == ["Moins d’un jour"]
    assert '<td class="number">Moins d’un jour</td>' in response.content.decode()


def test_queue_marks_a_proposal_the_firm_asked_for_with_its_note(coordinator_client):
    pending_proposal(
        requested_at=timezone.now(),
        request_note="Nous avons migré trois ministères.",
        explanation=explanation(not_proposed="below_top"),
    )

    content = coordinator_client.get(url("coordinator_queue", "fr")).content.decode()

    assert "Demandé par l'entreprise" in content
    assert "Nous avons migré trois ministères." in content
    assert "moteur de jumelage" in content
