"""The SME's proposal form and the organization's received proposals."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from hub.models import AuditEntry, User
from matching.models import Submission
from tests.factories import ChallengeFactory, IntroductionFactory, UserFactory, grid_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def introduction():
    challenge = ChallengeFactory(published=True, deadline=timezone.localdate() + datetime.timedelta(days=3))
    grid_create(challenge)
    introduction = IntroductionFactory(proposal__challenge=challenge, interested=True)
    introduction.vendor.members.add(UserFactory())
    return introduction


def _form(introduction) -> dict:
    data = {
        "approach": "Des itérations courtes.",
        "team_role_0": "Architecte",
        "team_name_0": "",
        "schedule_title_0": "Prototype",
        "schedule_week_0": "4",
        "schedule_amount_0": "20000",
        "price": "80000",
    }
    for criterion in introduction.challenge.criteria.all():
        data[f"answer_{criterion.pk}"] = "Notre réponse."
    return data


def _url(introduction) -> str:
    return reverse("frontend:vendor_submission", kwargs={"introduction_id": introduction.pk})


def test_vendor_submission_shows_the_countdown_and_each_criterion(client, introduction):
    client.force_login(introduction.vendor.members.get())

    response = client.get(_url(introduction))

    content = response.content.decode()
    assert response.status_code == 200
    assert "dans 3 jours" in content
    assert "23\u00a0h\u00a059" in content
    for criterion in introduction.challenge.criteria.all():
        assert criterion.title in content


def test_vendor_submission_saves_a_draft_then_submits_it_with_taxes_shown(client, introduction):
    client.force_login(introduction.vendor.members.get())

    client.post(_url(introduction), _form(introduction) | {"action": "save"})
    response = client.post(_url(introduction), _form(introduction) | {"action": "submit"}, follow=True)

    assert Submission.objects.get().status == Submission.Status.SUBMITTED
    content = response.content.decode()
    assert "4\u00a0000,00\u00a0$" in content  # GST
    assert "7\u00a0980,00\u00a0$" in content  # QST


def test_vendor_submission_submits_the_price_as_the_french_form_shows_it_after_a_draft(client, introduction):
    """The saved price comes back in French as « 80000,00 »: posted again unchanged, it is read, not refused."""
    client.force_login(introduction.vendor.members.get())
    client.post(_url(introduction), _form(introduction) | {"action": "save"})
    shown = client.get(_url(introduction)).content.decode()
    assert 'name="price" value="80000,00"' in shown

    response = client.post(
        _url(introduction), _form(introduction) | {"price": "80000,00", "action": "submit"}
    )

    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.status == Submission.Status.SUBMITTED and str(submission.price) == "80000.00"


def test_vendor_submission_refuses_a_price_that_is_not_positive_and_writes_nothing(client, introduction):
    client.force_login(introduction.vendor.members.get())

    response = client.post(_url(introduction), _form(introduction) | {"price": "-5", "action": "save"})

    assert response.status_code == 400
    assert not Submission.objects.exists()


def test_vendor_submission_adds_a_pdf(client, introduction):
    client.force_login(introduction.vendor.members.get())
    client.post(_url(introduction), _form(introduction) | {"action": "save"})

    client.post(
        _url(introduction),
        {"action": "attach", "file": SimpleUploadedFile("offre.pdf", b"%PDF-1.4\n%%EOF\n")},
    )

    assert Submission.objects.get().attachments.count() == 1


def test_vendor_submission_is_read_only_after_the_deadline(client, introduction):
    member = introduction.vendor.members.get()
    client.force_login(member)
    client.post(_url(introduction), _form(introduction) | {"action": "save"})
    introduction.challenge.deadline = timezone.localdate() - datetime.timedelta(days=1)
    introduction.challenge.save(update_fields=["deadline"])

    response = client.get(_url(introduction))

    assert 'name="action" value="save"' not in response.content.decode()


def test_organization_proposals_shows_nothing_before_the_deadline_then_the_proposals(client, introduction):
    member = introduction.vendor.members.get()
    client.force_login(member)
    client.post(_url(introduction), _form(introduction) | {"action": "submit"})
    ministry = UserFactory(role=User.Role.MINISTRY_MEMBER)
    introduction.challenge.organization.members.add(ministry)
    client.force_login(ministry)
    url = reverse("frontend:ministry_proposals", kwargs={"challenge_id": introduction.challenge.pk})

    before = client.get(url)
    introduction.challenge.deadline = timezone.localdate() - datetime.timedelta(days=1)
    introduction.challenge.save(update_fields=["deadline"])
    after = client.get(url)

    assert introduction.vendor.name not in before.content.decode()
    assert introduction.vendor.name in after.content.decode()
    assert AuditEntry.objects.filter(actor=ministry, action="open").count() == 1


def test_ministry_dashboard_lists_a_challenge_whose_deadline_closed_it(client, introduction):
    client.force_login(introduction.vendor.members.get())
    client.post(_url(introduction), _form(introduction) | {"action": "submit"})
    ministry = UserFactory(role=User.Role.MINISTRY_MEMBER)
    introduction.challenge.organization.members.add(ministry)
    introduction.challenge.deadline = timezone.localdate() - datetime.timedelta(days=1)
    introduction.challenge.save(update_fields=["deadline"])
    client.force_login(ministry)

    response = client.get(reverse("frontend:ministry_dashboard"))

    assert response.status_code == 200
    assert "En évaluation" in response.content.decode()


@pytest.mark.search
def test_challenge_preview_warns_about_a_past_deadline(client):
    ministry = UserFactory(role=User.Role.MINISTRY_MEMBER)
    challenge = ChallengeFactory(deadline=timezone.localdate() - datetime.timedelta(days=2))
    challenge.organization.members.add(ministry)
    client.force_login(ministry)

    response = client.get(reverse("frontend:challenge_preview", kwargs={"challenge_id": challenge.pk}))

    content = response.content.decode()
    assert "est déjà passée" in content
    assert "Soumettre pour publication" not in content


def test_publication_requests_warn_about_a_past_deadline(coordinator_client):
    ChallengeFactory(submitted=True, deadline=timezone.localdate() - datetime.timedelta(days=2))

    response = coordinator_client.get(reverse("frontend:coordinator_publication_requests"))

    assert "ne peut pas être publié" in response.content.decode()


def test_vendor_submission_read_by_a_coordinator_is_audited_as_a_sealed_opening(client, introduction):
    client.force_login(introduction.vendor.members.get())
    client.post(_url(introduction), _form(introduction) | {"action": "save"})
    coordinator = UserFactory(role=User.Role.COORDINATOR)
    client.force_login(coordinator)

    client.get(_url(introduction))

    entry = AuditEntry.objects.get(actor=coordinator, action="open")
    assert entry.from_state == "sealed"


def test_vendor_submission_offers_a_live_countdown_to_the_end_of_the_deadline_day(client, introduction):
    client.force_login(introduction.vendor.members.get())

    response = client.get(_url(introduction))

    content = response.content.decode()
    closes_at = timezone.localtime(response.context["closes_at"])
    assert (closes_at.date(), closes_at.hour) == (
        introduction.challenge.deadline + datetime.timedelta(days=1),
        0,
    )
    assert 'role="timer"' in content
    assert "Temps restant\u00a0: {days}\u00a0j" in content
