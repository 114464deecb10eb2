from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from hub import roles
from hub.exceptions import Conflict
from hub.models import Notification, User
from hub.services import Behalf, audit_record, behalf_notify, notify
from marketplace.models import Challenge
from marketplace.services import (
    behalf_audit,
    challenge_transition,
    challenge_url,
    organization_behalf_check,
    vendor_behalf_check,
)
from matching.models import (
    Clarification,
    Engagement,
    Introduction,
)
from matching.services.common import (
    locked,
    organization_members,
    require_challenge_member,
    require_vendor_member,
    vendor_members,
)


def _introduction_move(
    *,
    introduction: Introduction,
    user: User,
    to_status: str,
    allowed_from: set[str],
    action: str,
    reason: str = "",
    changes: dict | None = None,
    behalf: Behalf | None = None,
) -> Introduction:
    """Move an introduction, locked, and apply `changes` (pitch, decline reason) to the locked row."""
    introduction = locked(introduction)
    if introduction.status not in allowed_from:
        raise Conflict(
            _("This introduction is %(status)s; that is no longer possible.")
            % {"status": introduction.get_status_display().lower()},
            code="introduction_invalid_transition",
        )
    from_status = introduction.status
    introduction.status = to_status
    for field, value in (changes or {}).items():
        setattr(introduction, field, value)
    introduction.save(update_fields=["status", "pitch", "decline_reason", "updated_at"])
    audit_record(
        actor=user,
        obj=introduction,
        action=action,
        from_state=from_status,
        to_state=to_status,
        **({"reason": reason} | behalf_audit(behalf)),
    )
    return introduction


@transaction.atomic
def introduction_express_interest(
    *, introduction: Introduction, user: User, pitch: str, reason: str = ""
) -> Introduction:
    """The vendor says it is interested, with a short pitch; the organization is told."""
    require_vendor_member(introduction.vendor, user)
    if not pitch.strip():
        raise ValidationError(
            {"pitch": _("Write a short pitch for the organization.")}, code="pitch_required"
        )
    behalf = vendor_behalf_check(vendor=introduction.vendor, user=user, reason=reason)
    introduction = _introduction_move(
        introduction=introduction,
        user=user,
        to_status=Introduction.Status.INTERESTED,
        allowed_from={Introduction.Status.INTRODUCED},
        action="express_interest",
        changes={"pitch": pitch.strip()},
        behalf=behalf,
    )
    challenge, vendor = introduction.challenge, introduction.vendor
    behalf_notify(
        behalf=behalf,
        actor=user,
        dedupe_key=f"on-behalf:interest:{introduction.pk}",
        what=lambda: (
            _("They told %(organization)s that your firm is interested in « %(title)s ».")
            % {"organization": challenge.organization.name, "title": challenge.title}
        ),
        url=challenge_url(challenge),
    )
    notify(
        users=organization_members(challenge),
        kind=Notification.Kind.INTEREST,
        dedupe_key=f"interest:{introduction.pk}",
        render=lambda: (
            _("%(vendor)s is interested") % {"vendor": vendor.name},
            _("%(vendor)s is interested in « %(title)s »: %(pitch)s")
            % {"vendor": vendor.name, "title": challenge.title, "pitch": introduction.pitch},
        ),
        url=challenge_url(challenge),
    )
    return introduction


@transaction.atomic
def introduction_decline(*, introduction: Introduction, user: User, reason: str) -> Introduction:
    require_vendor_member(introduction.vendor, user)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why your firm declines.")}, code="reason_required")
    # A coordinator declining for the firm gives the firm's reason, which is also why they act.
    behalf = vendor_behalf_check(vendor=introduction.vendor, user=user, reason=reason)
    introduction = _introduction_move(
        introduction=introduction,
        user=user,
        to_status=Introduction.Status.DECLINED,
        allowed_from={Introduction.Status.INTRODUCED, Introduction.Status.INTERESTED},
        action="decline",
        reason=reason.strip(),
        changes={"decline_reason": reason.strip()},
        behalf=behalf,
    )
    challenge, vendor = introduction.challenge, introduction.vendor
    behalf_notify(
        behalf=behalf,
        actor=user,
        dedupe_key=f"on-behalf:decline:{introduction.pk}",
        what=lambda: _("They declined « %(title)s » for your firm.") % {"title": challenge.title},
        url=challenge_url(challenge),
    )
    notify(
        users=organization_members(challenge),
        kind=Notification.Kind.DECLINE,
        dedupe_key=f"decline:{introduction.pk}",
        render=lambda: (
            _("%(vendor)s declined") % {"vendor": vendor.name},
            _("%(vendor)s will not answer « %(title)s ».")
            % {"vendor": vendor.name, "title": challenge.title},
        ),
        url=challenge_url(challenge),
    )
    return introduction


@transaction.atomic
def introduction_shortlist(*, introduction: Introduction, user: User, reason: str = "") -> Introduction:
    require_challenge_member(introduction.challenge, user)
    behalf = organization_behalf_check(
        organization=introduction.challenge.organization, user=user, reason=reason
    )
    introduction = _introduction_move(
        introduction=introduction,
        user=user,
        to_status=Introduction.Status.SHORTLISTED,
        allowed_from={Introduction.Status.INTERESTED},
        action="shortlist",
        behalf=behalf,
    )
    challenge = introduction.challenge
    behalf_notify(
        behalf=behalf,
        actor=user,
        dedupe_key=f"on-behalf:shortlist:{introduction.pk}",
        what=lambda: (
            _("They shortlisted %(vendor)s for « %(title)s ».")
            % {"vendor": introduction.vendor.name, "title": challenge.title}
        ),
        url=challenge_url(challenge),
    )
    notify(
        users=vendor_members(introduction.vendor),
        kind=Notification.Kind.SHORTLISTED,
        dedupe_key=f"shortlisted:{introduction.pk}",
        render=lambda: (
            _("Shortlisted: %(title)s") % {"title": challenge.title},
            _("%(organization)s shortlisted your firm for this challenge.")
            % {"organization": challenge.organization.name},
        ),
        url=challenge_url(challenge),
    )
    return introduction


def _introduced_vendor_members(challenge: Challenge) -> QuerySet[User]:
    return (
        User.objects.filter(
            is_active=True,
            vendors__introductions__challenge=challenge,
        )
        .exclude(vendors__introductions__status=Introduction.Status.DECLINED)
        .distinct()
    )


@transaction.atomic
def clarification_ask(
    *, challenge: Challenge, user: User, question: str, answer: str = "", reason: str = ""
) -> Clarification:
    """A question from an introduced vendor, or a clarification the organization publishes itself.

    An answered clarification is published to every introduced vendor, never saying who asked."""
    is_member = roles.is_organization_member(user, challenge.organization)
    introduced = challenge.introductions.filter(vendor__members=user).exclude(
        status=Introduction.Status.DECLINED
    )
    if not (is_member or introduced.exists()):
        raise PermissionDenied(
            _("Only introduced vendors and the organization can ask about this challenge.")
        )
    if challenge.status != Challenge.Status.PUBLISHED:
        raise Conflict(_("Questions are closed: the challenge is no longer open."), code="challenge_not_open")
    if not question.strip():
        raise ValidationError({"question": _("Write the question.")}, code="question_required")
    if answer.strip() and not is_member:
        raise PermissionDenied(_("Only the organization answers questions."))
    clarification = Clarification.objects.create(
        challenge=challenge, asked_by=user, question=question.strip()
    )
    audit_record(actor=user, obj=clarification, action="ask", to_state="asked")
    if answer.strip():
        clarification_answer(clarification=clarification, user=user, answer=answer, reason=reason)
    else:
        notify(
            users=organization_members(challenge),
            kind=Notification.Kind.CLARIFICATION,
            dedupe_key=f"clarification-asked:{clarification.pk}",
            render=lambda: (
                _("A question about « %(title)s »") % {"title": challenge.title},
                clarification.question,
            ),
            url=challenge_url(challenge),
        )
    return clarification


@transaction.atomic
def clarification_answer(
    *, clarification: Clarification, user: User, answer: str, reason: str = ""
) -> Clarification:
    challenge = clarification.challenge
    require_challenge_member(challenge, user)
    if not answer.strip():
        raise ValidationError({"answer": _("Write the answer.")}, code="answer_required")
    behalf = organization_behalf_check(organization=challenge.organization, user=user, reason=reason)
    clarification = locked(clarification)
    if clarification.answered_at is not None:
        raise Conflict(_("This question has already been answered."), code="clarification_answered")
    clarification.answer = answer.strip()
    clarification.answered_by = user
    clarification.answered_at = timezone.now()
    clarification.save(update_fields=["answer", "answered_by", "answered_at"])
    audit_record(
        actor=user,
        obj=clarification,
        action="answer",
        from_state="asked",
        to_state="published",
        **behalf_audit(behalf),
    )
    behalf_notify(
        behalf=behalf,
        actor=user,
        dedupe_key=f"on-behalf:answer:{clarification.pk}",
        what=lambda: (
            _("They published an answer to a question about « %(title)s »: %(answer)s")
            % {"title": challenge.title, "answer": clarification.answer}
        ),
        url=challenge_url(challenge),
    )
    notify(
        users=_introduced_vendor_members(challenge),
        kind=Notification.Kind.CLARIFICATION,
        dedupe_key=f"clarification:{clarification.pk}",
        render=lambda: (
            _("Clarification published: %(title)s") % {"title": challenge.title},
            _("Question: %(question)s\nAnswer: %(answer)s")
            % {"question": clarification.question, "answer": clarification.answer},
        ),
        url=challenge_url(challenge),
    )
    return clarification


@transaction.atomic
def challenge_award(
    *, challenge: Challenge, introduction: Introduction, user: User, reason: str = ""
) -> Engagement:
    """Award the challenge to an interested vendor: the others are closed courteously, an engagement opens.

    A coordinator awarding for the organization gives a reason; the organization is told by challenge_transition."""
    require_challenge_member(challenge, user)
    behalf = organization_behalf_check(organization=challenge.organization, user=user, reason=reason)
    challenge = locked(challenge)
    if introduction.challenge_id != challenge.pk:
        raise ValidationError(
            {"introduction": _("This introduction belongs to another challenge.")}, code="mismatch"
        )
    if challenge.status not in (Challenge.Status.PUBLISHED, Challenge.Status.CLOSED):
        raise Conflict(
            _("A challenge that is %(status)s cannot be awarded.")
            % {"status": challenge.get_status_display().lower()},
            code="challenge_not_awardable",
        )
    introduction = _introduction_move(
        introduction=introduction,
        user=user,
        to_status=Introduction.Status.AWARDED,
        allowed_from={Introduction.Status.INTERESTED, Introduction.Status.SHORTLISTED},
        action="award",
        behalf=behalf,
    )
    challenge_transition(
        challenge=challenge,
        user=user,
        to_status=Challenge.Status.AWARDED,
        awarded_vendor=introduction.vendor,
        note=reason,
    )
    engagement = Engagement.objects.create(
        challenge=challenge, vendor=introduction.vendor, introduction=introduction
    )
    audit_record(
        actor=user, obj=engagement, action="open", to_state=engagement.status, **behalf_audit(behalf)
    )
    others = challenge.introductions.exclude(pk=introduction.pk).exclude(
        status__in=[Introduction.Status.DECLINED, Introduction.Status.NOT_SELECTED]
    )
    for other in others:
        _introduction_move(
            introduction=other,
            user=user,
            to_status=Introduction.Status.NOT_SELECTED,
            allowed_from={
                Introduction.Status.INTRODUCED,
                Introduction.Status.INTERESTED,
                Introduction.Status.SHORTLISTED,
            },
            action="close",
            behalf=behalf,
        )
        notify(
            users=vendor_members(other.vendor),
            kind=Notification.Kind.NOT_SELECTED,
            dedupe_key=f"not-selected:{other.pk}",
            render=lambda: (
                _("« %(title)s » has been awarded") % {"title": challenge.title},
                _(
                    "Thank you for your interest in this challenge. %(organization)s has chosen another firm this "
                    "time. We hope to introduce you to other opportunities soon."
                )
                % {"organization": challenge.organization.name},
            ),
            url=challenge_url(challenge),
        )
    notify(
        users=vendor_members(introduction.vendor),
        kind=Notification.Kind.AWARDED,
        dedupe_key=f"awarded:{introduction.pk}",
        render=lambda: (
            _("Awarded: %(title)s") % {"title": challenge.title},
            _("%(organization)s awarded this challenge to your firm. The pilot's milestones will follow.")
            % {"organization": challenge.organization.name},
        ),
        url=challenge_url(challenge),
    )
    return engagement
