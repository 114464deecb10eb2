import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import timezone

from hub.exceptions import Conflict
from hub.models import AuditEntry, Notification, User
from marketplace.award_rules import taxes
from marketplace.models import AwardMode, Challenge
from matching.models import Introduction, Submission, SubmissionAttachment
from matching.moves import allowed_moves
from matching.selectors import submission_get, submission_list, submission_list_read
from matching.services import (
    challenge_deadline_close,
    submission_attachment_add,
    submission_attachment_remove,
    submission_save,
    submission_submit,
    submission_withdraw,
)
from matching.tasks import challenges_deadline_close_task
from tests.factories import (
    ChallengeFactory,
    IntroductionFactory,
    SubmissionFactory,
    UserFactory,
    grid_create,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _introduced(**challenge_fields) -> tuple[Introduction, User]:
    challenge = ChallengeFactory(published=True, **challenge_fields)
    criteria = grid_create(challenge)
    introduction = IntroductionFactory(proposal__challenge=challenge, interested=True)
    member = UserFactory()
    introduction.vendor.members.add(member)
    introduction.criteria = criteria
    return introduction, member


def _complete(introduction: Introduction) -> dict:
    return {
        "approach": "Des itérations de deux semaines.",
        "team": [{"role": "Chargée de projet", "name": ""}],
        "schedule": [{"title": "Prototype", "week": 6, "amount": "40000"}],
        "price": "100000",
        "answers": {
            str(criterion.pk): "Notre réponse." for criterion in introduction.challenge.criteria.all()
        },
    }


def _submitted(introduction: Introduction, member: User) -> Submission:
    submission = submission_save(introduction=introduction, user=member, data=_complete(introduction))
    return submission_submit(submission=submission, user=member)


def _past(challenge: Challenge) -> Challenge:
    challenge.deadline = timezone.localdate() - datetime.timedelta(days=1)
    challenge.save(update_fields=["deadline"])
    return challenge


def _pdf(content: bytes = PDF, name: str = "offre.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


# Taxes and price


@pytest.mark.parametrize("price", ["-5", "0", "12.345", "abc", "1e3x", "99999999999", True, "NaN"])
def test_submission_save_refuses_a_price_that_is_not_a_positive_cad_amount(price):
    introduction, member = _introduced()

    with pytest.raises(ValidationError) as error:
        submission_save(introduction=introduction, user=member, data={"price": price})

    assert "price" in error.value.message_dict
    assert not Submission.objects.exists()


@pytest.mark.parametrize("price", ["125000,50", "125 000,5", "125000,50 $"])
def test_submission_save_reads_a_decimal_comma_as_french_writes_it(price):
    introduction, member = _introduced()

    submission = submission_save(introduction=introduction, user=member, data={"price": price})

    assert submission.price in (Decimal("125000.50"), Decimal("125000.5"))


def test_submission_save_refuses_a_comma_before_three_digits_as_ambiguous():
    introduction, member = _introduced()

    with pytest.raises(ValidationError) as error:
        submission_save(introduction=introduction, user=member, data={"price": "125,000"})

    assert "price" in error.value.message_dict
    assert not Submission.objects.exists()


def test_submission_save_creates_a_draft_and_audits_it():
    introduction, member = _introduced()

    submission = submission_save(introduction=introduction, user=member, data=_complete(introduction))

    assert submission.status == Submission.Status.DRAFT
    assert submission.price == Decimal("100000.00")
    assert submission.answers.count() == 3
    assert AuditEntry.objects.filter(
        object_type="submission", object_id=submission.pk, action="create"
    ).exists()


def test_submission_save_keeps_team_names_optional_and_roles_required():
    introduction, member = _introduced()

    with pytest.raises(ValidationError) as error:
        submission_save(introduction=introduction, user=member, data={"team": [{"role": "", "name": "Léa"}]})

    assert "team" in error.value.message_dict


def test_submission_save_refuses_a_criterion_of_another_challenge():
    introduction, member = _introduced()
    other = grid_create(ChallengeFactory(published=True))[0]

    with pytest.raises(ValidationError) as error:
        submission_save(introduction=introduction, user=member, data={"answers": {str(other.pk): "Oui."}})

    assert "answers" in error.value.message_dict


# Who and when


def test_submission_save_refuses_a_firm_not_introduced():
    introduction, _member = _introduced()
    stranger = UserFactory()

    with pytest.raises(PermissionDenied):
        submission_save(introduction=introduction, user=stranger, data={"approach": "Oui."})

    assert not Submission.objects.exists()


def test_submission_save_refuses_a_declined_introduction():
    introduction, member = _introduced()
    Introduction.objects.filter(pk=introduction.pk).update(status=Introduction.Status.DECLINED)
    introduction.refresh_from_db()

    with pytest.raises(Conflict):
        submission_save(introduction=introduction, user=member, data={"approach": "Oui."})


def test_submission_save_refuses_after_the_deadline():
    introduction, member = _introduced()
    _past(introduction.challenge)

    with pytest.raises(Conflict) as error:
        submission_save(introduction=introduction, user=member, data={"approach": "Oui."})

    assert error.value.code == "deadline_passed"
    assert not Submission.objects.exists()


def test_submission_save_accepts_the_deadline_day_itself():
    introduction, member = _introduced(deadline=timezone.localdate())

    submission = submission_save(introduction=introduction, user=member, data={"approach": "Oui."})

    assert submission.pk


def test_submission_save_refuses_before_the_award_mode_is_chosen():
    introduction, member = _introduced()
    Challenge.objects.filter(pk=introduction.challenge_id).update(award_mode="")
    introduction.challenge.refresh_from_db()

    with pytest.raises(Conflict) as error:
        submission_save(introduction=introduction, user=member, data={"approach": "Oui."})

    assert error.value.code == "award_mode_missing"


def test_submission_save_by_a_coordinator_needs_a_reason():
    introduction, _member = _introduced()
    coordinator = UserFactory(role=User.Role.COORDINATOR)

    with pytest.raises(ValidationError):
        submission_save(introduction=introduction, user=coordinator, data={"approach": "Oui."})

    submission = submission_save(
        introduction=introduction, user=coordinator, data={"approach": "Oui."}, reason="Au téléphone."
    )
    assert (
        AuditEntry.objects.get(object_id=submission.pk, action="create").on_behalf_of
        == introduction.vendor.name
    )


# Submit, edit, withdraw


def test_submission_submit_refuses_an_incomplete_proposal_with_what_is_missing():
    introduction, member = _introduced()
    submission = submission_save(introduction=introduction, user=member, data={"approach": "Oui."})

    with pytest.raises(ValidationError) as error:
        submission_submit(submission=submission, user=member)

    assert error.value.error_list[0].code == "submission_incomplete"
    assert introduction.challenge.criteria.first().title in " ".join(error.value.messages)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.DRAFT


def test_submission_submit_refuses_a_schedule_above_the_price():
    introduction, member = _introduced()
    data = _complete(introduction) | {"schedule": [{"title": "Tout", "week": 4, "amount": "150000"}]}
    submission = submission_save(introduction=introduction, user=member, data=data)

    with pytest.raises(ValidationError):
        submission_submit(submission=submission, user=member)


def test_submission_submit_submits_a_complete_proposal():
    introduction, member = _introduced()

    submission = _submitted(introduction, member)

    assert submission.status == Submission.Status.SUBMITTED
    assert submission.submitted_at is not None


def test_submission_save_keeps_a_submitted_proposal_submitted_and_audits_the_change():
    introduction, member = _introduced()
    submission = _submitted(introduction, member)

    submission = submission_save(introduction=introduction, user=member, data={"price": "95000.50"})

    assert submission.status == Submission.Status.SUBMITTED
    assert submission.price == Decimal("95000.50")
    assert AuditEntry.objects.get(object_id=submission.pk, action="update").reason == "price"


def test_submission_save_refuses_to_make_a_submitted_proposal_incomplete():
    introduction, member = _introduced()
    _submitted(introduction, member)

    with pytest.raises(ValidationError):
        submission_save(introduction=introduction, user=member, data={"approach": ""})

    assert Submission.objects.get().approach


def test_submission_withdraw_withdraws_a_submitted_proposal():
    introduction, member = _introduced()
    submission = _submitted(introduction, member)

    submission = submission_withdraw(submission=submission, user=member)

    assert submission.status == Submission.Status.WITHDRAWN
    assert AuditEntry.objects.filter(object_id=submission.pk, action="withdraw").exists()


def test_submission_withdraw_refuses_a_draft():
    introduction, member = _introduced()
    submission = submission_save(introduction=introduction, user=member, data={"approach": "Oui."})

    with pytest.raises(Conflict):
        submission_withdraw(submission=submission, user=member)


def test_allowed_moves_offers_nothing_after_the_deadline():
    introduction, member = _introduced()
    submission = submission_save(introduction=introduction, user=member, data={"approach": "Oui."})
    _past(introduction.challenge)
    submission.refresh_from_db()

    assert allowed_moves(submission, member) == set()


# Attachments


def test_submission_attachment_add_stores_a_pdf_with_its_size_and_sha256():
    introduction, member = _introduced()
    submission = submission_save(introduction=introduction, user=member, data={"approach": "Oui."})

    attachment = submission_attachment_add(
        submission=submission, user=member, file=_pdf(name="../../offre.pdf")
    )

    assert attachment.name == "offre.pdf"
    assert attachment.size == len(PDF)
    assert len(attachment.sha256) == 64
    with default_storage.open(attachment.file.name, "rb") as stored:
        assert stored.read() == PDF


def test_submission_attachment_add_refuses_a_file_that_is_not_a_pdf_whatever_its_name():
    introduction, member = _introduced()
    submission = submission_save(introduction=introduction, user=member, data={"approach": "Oui."})

    with pytest.raises(ValidationError) as error:
        submission_attachment_add(
            submission=submission, user=member, file=_pdf(b"MZ\x90\x00 not a pdf at all", name="offre.pdf")
        )

    assert error.value.error_dict["file"][0].code == "attachment_not_pdf"
    assert not SubmissionAttachment.objects.exists()


def test_submission_attachment_add_refuses_an_empty_file():
    introduction, member = _introduced()
    submission = submission_save(introduction=introduction, user=member, data={"approach": "Oui."})

    with pytest.raises(ValidationError) as error:
        submission_attachment_add(submission=submission, user=member, file=_pdf(b""))

    assert error.value.error_dict["file"][0].code == "attachment_empty"


def test_submission_attachment_add_refuses_a_file_over_the_limit(settings):
    settings.SUBMISSION_ATTACHMENT_MAX_BYTES = 100
    introduction, member = _introduced()
    submission = submission_save(introduction=introduction, user=member, data={"approach": "Oui."})

    with pytest.raises(ValidationError) as error:
        submission_attachment_add(submission=submission, user=member, file=_pdf(PDF + b" " * 200))

    assert error.value.error_dict["file"][0].code == "attachment_too_large"
    assert not SubmissionAttachment.objects.exists()


def test_submission_attachment_add_refuses_more_than_the_count_limit(settings):
    settings.SUBMISSION_ATTACHMENTS_MAX = 1
    introduction, member = _introduced()
    submission = submission_save(introduction=introduction, user=member, data={"approach": "Oui."})
    submission_attachment_add(submission=submission, user=member, file=_pdf())

    with pytest.raises(ValidationError):
        submission_attachment_add(submission=submission, user=member, file=_pdf())

    assert SubmissionAttachment.objects.count() == 1


def test_submission_attachment_remove_deletes_the_row_and_the_file(django_capture_on_commit_callbacks):
    introduction, member = _introduced()
    submission = submission_save(introduction=introduction, user=member, data={"approach": "Oui."})
    attachment = submission_attachment_add(submission=submission, user=member, file=_pdf())
    stored = attachment.file.name

    with django_capture_on_commit_callbacks(execute=True):
        submission_attachment_remove(attachment=attachment, user=member)

    assert not SubmissionAttachment.objects.exists()
    assert not default_storage.exists(stored)


# Sealing


def test_submission_list_hides_every_proposal_from_the_organization_before_the_deadline():
    introduction, member = _introduced()
    _submitted(introduction, member)
    ministry = UserFactory(role=User.Role.MINISTRY_MEMBER)
    introduction.challenge.organization.members.add(ministry)

    assert not submission_list(user=ministry, challenge=introduction.challenge).exists()


def test_submission_get_is_a_404_for_the_organization_before_the_deadline():
    introduction, member = _introduced()
    submission = _submitted(introduction, member)
    ministry = UserFactory(role=User.Role.MINISTRY_MEMBER)
    introduction.challenge.organization.members.add(ministry)

    with pytest.raises(Http404):
        submission_get(user=ministry, submission_id=submission.pk)


def test_submission_get_opens_a_proposal_to_the_organization_once_the_deadline_passed_without_the_worker():
    introduction, member = _introduced()
    submission = _submitted(introduction, member)
    ministry = UserFactory(role=User.Role.MINISTRY_MEMBER)
    introduction.challenge.organization.members.add(ministry)
    _past(introduction.challenge)

    assert submission_get(user=ministry, submission_id=submission.pk) == submission
    assert Challenge.objects.get().status == Challenge.Status.EVALUATION


def test_submission_get_audits_an_opening_once_per_person():
    introduction, member = _introduced()
    submission = _submitted(introduction, member)
    ministry = UserFactory(role=User.Role.MINISTRY_MEMBER)
    introduction.challenge.organization.members.add(ministry)
    _past(introduction.challenge)

    submission_get(user=ministry, submission_id=submission.pk)
    submission_list_read(user=ministry, challenge=introduction.challenge)

    assert AuditEntry.objects.filter(actor=ministry, object_id=submission.pk, action="open").count() == 1


def test_submission_list_never_opens_drafts_to_the_organization():
    introduction, member = _introduced()
    submission_save(introduction=introduction, user=member, data={"approach": "Oui."})
    ministry = UserFactory(role=User.Role.MINISTRY_MEMBER)
    introduction.challenge.organization.members.add(ministry)
    _past(introduction.challenge)

    assert not submission_list(user=ministry, challenge=introduction.challenge).exists()


def test_submission_list_shows_the_firm_its_own_proposal_only():
    introduction, member = _introduced()
    _submitted(introduction, member)
    other = SubmissionFactory(introduction__proposal__challenge=introduction.challenge)

    assert list(submission_list(user=member)) == [Submission.objects.get(introduction=introduction)]
    assert other.pk not in submission_list(user=member).values_list("pk", flat=True)


# The deadline's closing


def test_challenge_deadline_close_leaves_a_challenge_before_its_deadline_published():
    introduction, member = _introduced()
    _submitted(introduction, member)

    challenge = challenge_deadline_close(challenge=introduction.challenge)

    assert challenge.status == Challenge.Status.PUBLISHED
    assert challenge.proposals_opened_at is None


def test_challenge_deadline_close_moves_to_evaluation_and_tells_everyone():
    introduction, member = _introduced()
    _submitted(introduction, member)
    ministry = UserFactory(role=User.Role.MINISTRY_MEMBER, preferred_language="en")
    introduction.challenge.organization.members.add(ministry)
    _past(introduction.challenge)

    challenge = challenge_deadline_close(challenge=introduction.challenge)

    assert challenge.status == Challenge.Status.EVALUATION
    assert challenge.proposals_opened_at is not None
    received = Notification.objects.get(user=ministry, kind=Notification.Kind.PROPOSALS_RECEIVED)
    assert "received 1 proposal" in received.body
    told = Notification.objects.get(user=member, kind=Notification.Kind.DEADLINE_PASSED)
    assert "reçue" in told.body


def test_challenge_deadline_close_closes_a_challenge_without_submitted_proposals():
    introduction, member = _introduced()
    submission_save(introduction=introduction, user=member, data={"approach": "Brouillon."})
    _past(introduction.challenge)

    challenge = challenge_deadline_close(challenge=introduction.challenge)

    assert challenge.status == Challenge.Status.CLOSED
    assert Submission.objects.get().status == Submission.Status.DRAFT
    assert Notification.objects.filter(user=member, kind=Notification.Kind.DEADLINE_PASSED).exists()


def test_challenge_deadline_close_is_idempotent():
    introduction, member = _introduced()
    _submitted(introduction, member)
    _past(introduction.challenge)
    challenge_deadline_close(challenge=introduction.challenge)

    challenge_deadline_close(challenge=introduction.challenge)

    assert AuditEntry.objects.filter(object_type="challenge", action="deadline_close").count() == 1
    assert Notification.objects.filter(user=member, kind=Notification.Kind.DEADLINE_PASSED).count() == 1


def test_challenges_deadline_close_task_closes_every_due_challenge_only():
    due = _past(ChallengeFactory(published=True))
    grid_create(due, mode=AwardMode.PRICE, weights=())
    later = ChallengeFactory(published=True)

    closed = challenges_deadline_close_task()

    assert closed == 1
    assert Challenge.objects.get(pk=due.pk).status == Challenge.Status.CLOSED
    assert Challenge.objects.get(pk=later.pk).status == Challenge.Status.PUBLISHED


def test_beat_schedule_runs_the_deadline_closing_task(settings):
    from hub.celery import app

    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert "matching.challenges_deadline_close" in scheduled
    assert "matching.challenges_deadline_close" in app.tasks


def test_taxes_round_half_a_cent_up():
    assert taxes(Decimal("0.10")) == (Decimal("0.01"), Decimal("0.01"))
