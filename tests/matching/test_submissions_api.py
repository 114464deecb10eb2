"""The proposal endpoints: a firm writes, submits and attaches; the organization reads nothing before the deadline."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from hub.models import User
from matching.models import Submission, SubmissionAttachment
from tests.factories import ChallengeFactory, IntroductionFactory, UserFactory, grid_create

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"


@pytest.fixture
def introduction():
    challenge = ChallengeFactory(published=True)
    grid_create(challenge)
    introduction = IntroductionFactory(proposal__challenge=challenge, interested=True)
    introduction.vendor.members.add(UserFactory())
    return introduction


def _member(introduction):
    return introduction.vendor.members.get()


def _body(introduction) -> dict:
    return {
        "approach": "Des itérations courtes.",
        "team": [{"role": "Architecte"}],
        "schedule": [{"title": "Prototype", "week": 4, "amount": "20000.00"}],
        "price": "80000.00",
        "answers": {
            str(criterion.pk): "Notre réponse." for criterion in introduction.challenge.criteria.all()
        },
    }


def test_submission_save_api_saves_a_draft_with_taxes_shown_apart(api_client, introduction):
    api_client.force_authenticate(_member(introduction))

    response = api_client.post(
        reverse("submission-save", args=[introduction.pk]), _body(introduction), format="json"
    )

    assert response.status_code == 200, response.data
    assert response.data["status"] == "draft"
    assert (response.data["gst"], response.data["qst"], response.data["total"]) == (
        "4000.00",
        "7980.00",
        "91980.00",
    )


def test_submission_save_api_refuses_a_negative_price_with_a_clear_message(api_client, introduction):
    api_client.force_authenticate(_member(introduction))

    response = api_client.post(
        reverse("submission-save", args=[introduction.pk]), {"price": "-100"}, format="json"
    )

    assert response.status_code == 400
    assert "price" in response.data
    assert not Submission.objects.exists()


def test_submission_submit_api_lists_what_is_missing(api_client, introduction):
    member = _member(introduction)
    api_client.force_authenticate(member)
    api_client.post(reverse("submission-save", args=[introduction.pk]), {"approach": "Oui."}, format="json")

    response = api_client.post(
        reverse("submission-submit", args=[Submission.objects.get().pk]), {}, format="json"
    )

    assert response.status_code == 400
    assert Submission.objects.get().status == Submission.Status.DRAFT


def test_submission_attachment_add_api_takes_a_pdf_and_serves_it_to_the_firm_only(api_client, introduction):
    member = _member(introduction)
    api_client.force_authenticate(member)
    api_client.post(reverse("submission-save", args=[introduction.pk]), _body(introduction), format="json")
    submission = Submission.objects.get()

    response = api_client.post(
        reverse("submission-attachment-add", args=[submission.pk]),
        {"file": SimpleUploadedFile("offre.txt", PDF, content_type="text/plain")},
        format="multipart",
    )

    assert response.status_code == 201, response.data
    download = api_client.get(reverse("submission-attachment-download", args=[response.data["id"]]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    ministry = UserFactory(role=User.Role.MINISTRY_MEMBER)
    introduction.challenge.organization.members.add(ministry)
    api_client.force_authenticate(ministry)
    assert (
        api_client.get(reverse("submission-attachment-download", args=[response.data["id"]])).status_code
        == 404
    )


def test_submission_attachment_add_api_refuses_a_renamed_executable(api_client, introduction):
    api_client.force_authenticate(_member(introduction))
    api_client.post(reverse("submission-save", args=[introduction.pk]), {"approach": "Oui."}, format="json")

    response = api_client.post(
        reverse("submission-attachment-add", args=[Submission.objects.get().pk]),
        {"file": SimpleUploadedFile("offre.pdf", b"MZ\x90\x00\x03", content_type="application/pdf")},
        format="multipart",
    )

    assert response.status_code == 400
    assert "file" in response.data
    assert not SubmissionAttachment.objects.exists()


def test_submission_detail_api_opens_to_the_organization_after_the_deadline(api_client, introduction):
    member = _member(introduction)
    api_client.force_authenticate(member)
    api_client.post(reverse("submission-save", args=[introduction.pk]), _body(introduction), format="json")
    submission = Submission.objects.get()
    api_client.post(reverse("submission-submit", args=[submission.pk]), {}, format="json")
    ministry = UserFactory(role=User.Role.MINISTRY_MEMBER)
    introduction.challenge.organization.members.add(ministry)
    api_client.force_authenticate(ministry)
    assert api_client.get(reverse("submission-detail", args=[submission.pk])).status_code == 404
    introduction.challenge.deadline = timezone.localdate() - datetime.timedelta(days=1)
    introduction.challenge.save(update_fields=["deadline"])

    response = api_client.get(reverse("submission-detail", args=[submission.pk]))

    assert response.status_code == 200
    assert response.data["price"] == "80000.00"


def test_submission_save_api_refuses_after_the_deadline(api_client, introduction):
    api_client.force_authenticate(_member(introduction))
    introduction.challenge.deadline = timezone.localdate() - datetime.timedelta(days=1)
    introduction.challenge.save(update_fields=["deadline"])

    response = api_client.post(
        reverse("submission-save", args=[introduction.pk]), _body(introduction), format="json"
    )

    assert response.status_code == 409
    assert not Submission.objects.exists()
