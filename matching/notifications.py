"""What the matching workflow tells people, in one place: each event's kind, deduplication key and texts.

A service says whom to tell of which event, about which challenge (`tell(INTEREST, users=…, challenge=…,
introduction=…)`); every notification links to the challenge's page. Texts are functions, called in each
recipient's language. The payouts and the saved-search alerts write one notification per user
themselves, with the texts of this module."""

from collections.abc import Iterable

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hub.formats import long_date, money
from hub.models import Notification, User
from hub.services import Behalf
from marketplace.models import Challenge, Vendor
from marketplace.notifications import BehalfEvent, Event, send, send_behalf
from marketplace.services import challenge_url
from matching.models import (
    Clarification,
    CommitteeMember,
    EngagementAmendment,
    Introduction,
    MatchProposal,
    Milestone,
    Payout,
    Submission,
)


def tell(
    event: Event, *, users: Iterable[User], challenge: Challenge, stamp: str = "", **objects: object
) -> int:
    """Tell each user of an event about this challenge, in their language, with a link to its page."""
    return send(event, users=users, url=challenge_url(challenge), stamp=stamp, challenge=challenge, **objects)


def tell_behalf(
    event: BehalfEvent, *, behalf: Behalf | None, actor: User, challenge: Challenge, **objects: object
) -> None:
    """Tell the party what a coordinator did for it on this challenge, and why; nothing when it acted itself."""
    send_behalf(
        event, behalf=behalf, actor=actor, url=challenge_url(challenge), challenge=challenge, **objects
    )


# Proposals


def _proposals_ready(*, challenge: Challenge, count: int) -> tuple[str, str]:
    return (
        _("Proposals to review: %(title)s") % {"title": challenge.title},
        ngettext(
            "The matcher proposed %(count)s vendor for this challenge.",
            "The matcher proposed %(count)s vendors for this challenge.",
            count,
        )
        % {"count": count},
    )


PROPOSALS_READY = Event(
    Notification.Kind.PROPOSALS_READY, "proposals-ready:{challenge.pk}:{stamp}", _proposals_ready
)


def _introduced_to_vendor(*, challenge: Challenge, introduction: Introduction) -> tuple[str, str]:
    return (
        _("Introduced to a challenge: %(title)s") % {"title": challenge.title},
        _(
            "The hub introduced your firm to %(organization)s for this challenge. Tell them whether you are "
            "interested."
        )
        % {"organization": challenge.organization.name},
    )


def _introduced_to_organization(*, challenge: Challenge, introduction: Introduction) -> tuple[str, str]:
    vendor = introduction.vendor
    return (
        _("A vendor for your challenge: %(vendor)s") % {"vendor": vendor.name},
        _("The hub introduced %(vendor)s for “%(title)s”. You will hear from them if they are interested.")
        % {"vendor": vendor.name, "title": challenge.title},
    )


def _introduction_requested(*, challenge: Challenge, proposal: MatchProposal) -> tuple[str, str]:
    return (
        _("A firm asks to be introduced: %(vendor)s") % {"vendor": proposal.vendor.name},
        _("%(vendor)s asks to be introduced to “%(title)s”: %(note)s")
        % {"vendor": proposal.vendor.name, "title": challenge.title, "note": proposal.request_note},
    )


def _introduction_request_rejected(*, challenge: Challenge, proposal: MatchProposal) -> tuple[str, str]:
    return (
        _("Not introduced: %(title)s") % {"title": challenge.title},
        _("The hub decided not to introduce your firm to this challenge, for this reason: %(reason)s")
        % {"reason": proposal.reason},
    )


INTRODUCTION_REQUESTED = Event(
    Notification.Kind.INTRODUCTION_REQUESTED, "introduction-requested:{proposal.pk}", _introduction_requested
)
INTRODUCTION_REQUEST_REJECTED = Event(
    Notification.Kind.INTRODUCTION_REQUEST_REJECTED,
    "introduction-request-rejected:{proposal.pk}",
    _introduction_request_rejected,
)

INTRODUCED_TO_VENDOR = Event(
    Notification.Kind.INTRODUCTION, "introduction:{introduction.pk}", _introduced_to_vendor
)
INTRODUCED_TO_ORGANIZATION = Event(
    Notification.Kind.INTRODUCTION, "introduction:{introduction.pk}", _introduced_to_organization
)


# Introductions


def _interest(*, challenge: Challenge, introduction: Introduction) -> tuple[str, str]:
    vendor = introduction.vendor
    return (
        _("%(vendor)s is interested") % {"vendor": vendor.name},
        _("%(vendor)s is interested in “%(title)s”: %(pitch)s")
        % {"vendor": vendor.name, "title": challenge.title, "pitch": introduction.pitch},
    )


def _decline(*, challenge: Challenge, introduction: Introduction) -> tuple[str, str]:
    vendor = introduction.vendor
    return (
        _("%(vendor)s declined") % {"vendor": vendor.name},
        _("%(vendor)s will not answer “%(title)s”.") % {"vendor": vendor.name, "title": challenge.title},
    )


def _shortlisted(*, challenge: Challenge, introduction: Introduction) -> tuple[str, str]:
    return (
        _("Shortlisted: %(title)s") % {"title": challenge.title},
        _("%(organization)s shortlisted your firm for this challenge.")
        % {"organization": challenge.organization.name},
    )


def _not_selected(*, challenge: Challenge, introduction: Introduction) -> tuple[str, str]:
    return (
        _("“%(title)s” has been awarded") % {"title": challenge.title},
        _(
            "Thank you for your interest in this challenge. %(organization)s has chosen another firm this "
            "time. We hope to introduce you to other opportunities soon."
        )
        % {"organization": challenge.organization.name},
    )


def _awarded(*, challenge: Challenge, introduction: Introduction) -> tuple[str, str]:
    return (
        _("Awarded: %(title)s") % {"title": challenge.title},
        _("%(organization)s awarded this challenge to your firm. The pilot's milestones will follow.")
        % {"organization": challenge.organization.name},
    )


INTEREST = Event(Notification.Kind.INTEREST, "interest:{introduction.pk}", _interest)
DECLINE = Event(Notification.Kind.DECLINE, "decline:{introduction.pk}", _decline)
SHORTLISTED = Event(Notification.Kind.SHORTLISTED, "shortlisted:{introduction.pk}", _shortlisted)
NOT_SELECTED = Event(Notification.Kind.NOT_SELECTED, "not-selected:{introduction.pk}", _not_selected)
AWARDED = Event(Notification.Kind.AWARDED, "awarded:{introduction.pk}", _awarded)


def _challenge_ended_body(sentence: str, note: str) -> str:
    if not note:
        return sentence
    return f"{sentence} " + _("Their note: %(note)s") % {"note": note}


def _challenge_closed(*, challenge: Challenge, note: str) -> tuple[str, str]:
    return (
        _("Closed: %(title)s") % {"title": challenge.title},
        _challenge_ended_body(
            _("%(organization)s closed “%(title)s”: it takes no more proposals.")
            % {"organization": challenge.organization.name, "title": challenge.title},
            note,
        ),
    )


def _challenge_cancelled(*, challenge: Challenge, note: str) -> tuple[str, str]:
    return (
        _("Cancelled: %(title)s") % {"title": challenge.title},
        _challenge_ended_body(
            _("%(organization)s cancelled “%(title)s”: it will not be awarded.")
            % {"organization": challenge.organization.name, "title": challenge.title},
            note,
        ),
    )


# To every firm introduced to the challenge (but those that declined).
CHALLENGE_CLOSED = Event(
    Notification.Kind.CHALLENGE_CLOSED, "challenge-closed:{challenge.pk}", _challenge_closed
)
CHALLENGE_CANCELLED = Event(
    Notification.Kind.CHALLENGE_CANCELLED, "challenge-cancelled:{challenge.pk}", _challenge_cancelled
)


# Clarifications


def _question_asked(*, challenge: Challenge, clarification: Clarification) -> tuple[str, str]:
    return _("A question about “%(title)s”") % {"title": challenge.title}, clarification.question


def _clarification_published(*, challenge: Challenge, clarification: Clarification) -> tuple[str, str]:
    return (
        _("Clarification published: %(title)s") % {"title": challenge.title},
        _("Question: %(question)s\nAnswer: %(answer)s")
        % {"question": clarification.question, "answer": clarification.answer},
    )


# Waiting for the organization's answer, not yet published: filed apart (hub/migrations/0013 moved the old ones).
QUESTION_ASKED = Event(
    Notification.Kind.QUESTION_ASKED, "clarification-asked:{clarification.pk}", _question_asked
)
CLARIFICATION_PUBLISHED = Event(
    Notification.Kind.CLARIFICATION, "clarification:{clarification.pk}", _clarification_published
)


# The deadline's closing (services/submissions.py)


def _proposals_received(*, challenge: Challenge, count: int) -> tuple[str, str]:
    if not count:
        return (
            _("No proposal received: %(title)s") % {"title": challenge.title},
            _(
                "The deadline of “%(title)s” passed on %(deadline)s without any proposal. The challenge is "
                "closed."
            )
            % {"title": challenge.title, "deadline": long_date(challenge.deadline)},
        )
    return (
        _("Proposals received: %(title)s") % {"title": challenge.title},
        ngettext(
            "The deadline of “%(title)s” passed on %(deadline)s: your organization received %(count)s "
            "proposal. It is open to your selection committee.",
            "The deadline of “%(title)s” passed on %(deadline)s: your organization received %(count)s "
            "proposals. They are open to your selection committee.",
            count,
        )
        % {"title": challenge.title, "deadline": long_date(challenge.deadline), "count": count},
    )


def _deadline_passed(*, challenge: Challenge, introduction: Introduction, submitted: bool) -> tuple[str, str]:
    values = {"title": challenge.title, "deadline": long_date(challenge.deadline)}
    return (
        _("Deadline passed: %(title)s") % values,
        _(
            "The deadline of “%(title)s” passed on %(deadline)s and the challenge takes no more proposals. "
            "Your firm's proposal was received; you will hear the outcome of the evaluation."
        )
        % values
        if submitted
        else _(
            "The deadline of “%(title)s” passed on %(deadline)s and the challenge takes no more proposals. "
            "Your firm did not submit one."
        )
        % values,
    )


PROPOSALS_RECEIVED = Event(
    Notification.Kind.PROPOSALS_RECEIVED, "proposals-received:{challenge.pk}", _proposals_received
)
DEADLINE_PASSED = Event(
    Notification.Kind.DEADLINE_PASSED, "deadline-passed:{introduction.pk}", _deadline_passed
)


# Milestones


def _milestone_delivered(*, challenge: Challenge, milestone: Milestone, vendor: Vendor) -> tuple[str, str]:
    return (
        _("Milestone delivered: %(title)s") % {"title": milestone.title},
        _("%(vendor)s delivered “%(title)s”. Review it and accept it to release the payment.")
        % {"vendor": vendor.name, "title": milestone.title},
    )


def _milestone_accepted(*, challenge: Challenge, milestone: Milestone, vendor: Vendor) -> tuple[str, str]:
    return (
        _("Milestone accepted: %(title)s") % {"title": milestone.title},
        _("%(organization)s accepted “%(title)s”. The payment of %(amount)s is on its way.")
        % {
            "organization": challenge.organization.name,
            "title": milestone.title,
            "amount": money(milestone.amount),
        },
    )


MILESTONE_DELIVERED = Event(
    Notification.Kind.MILESTONE_DELIVERED, "milestone-delivered:{milestone.pk}", _milestone_delivered
)
MILESTONE_ACCEPTED = Event(
    Notification.Kind.MILESTONE_ACCEPTED, "milestone-accepted:{milestone.pk}", _milestone_accepted
)


# Engagements


def _engagement_amended(*, challenge: Challenge, amendment: EngagementAmendment) -> tuple[str, str]:
    changes = []
    if amendment.price is not None:
        changes.append(_("The price is now %(price)s.") % {"price": money(amendment.price)})
    if amendment.ends_on is not None:
        changes.append(_("The engagement now ends on %(date)s.") % {"date": long_date(amendment.ends_on)})
    return (
        _("Engagement amended: %(title)s") % {"title": challenge.title},
        " ".join(
            [
                _("A hub coordinator recorded an amendment to the engagement for “%(title)s”.")
                % {"title": challenge.title},
                *changes,
                _("Reason given: %(reason)s") % {"reason": amendment.reason},
            ]
        ),
    )


ENGAGEMENT_AMENDED = Event(
    Notification.Kind.ENGAGEMENT_AMENDED, "engagement-amended:{amendment.pk}", _engagement_amended
)


# Payouts and saved-search alerts (written per user by their services, in the user's language)


def payout_texts(payout: Payout) -> tuple[str, str]:
    """Paid, to the vendor's members; failed, to the coordinators."""
    milestone = payout.milestone
    engagement = milestone.engagement
    values = {
        "amount": money(payout.amount),
        "vendor": engagement.vendor.name,
        "title": milestone.title,
        "challenge": engagement.challenge.title,
        "error": payout.last_error,
    }
    if payout.status == Payout.Status.PAID:
        return (
            _("Payment sent: %(title)s") % values,
            _(
                "%(amount)s was sent to %(vendor)s for the milestone “%(title)s” "
                "of the challenge “%(challenge)s”."
            )
            % values,
        )
    return (
        _("Payment failed: %(title)s") % values,
        _(
            "The payment of %(amount)s to %(vendor)s for the milestone “%(title)s” failed (%(error)s). "
            "Check the vendor's payment details with the payment provider, then contact the vendor."
        )
        % values,
    )


def _payout_cancelled(*, challenge: Challenge, payout: Payout) -> tuple[str, str]:
    milestone = payout.milestone
    return (
        _("Payment cancelled: %(title)s") % {"title": milestone.title},
        _(
            "The hub cancelled the payment of %(amount)s to %(vendor)s for the milestone “%(title)s” of the "
            "challenge “%(challenge)s”. The milestone stays accepted. Reason given: %(reason)s"
        )
        % {
            "amount": money(payout.amount),
            "vendor": milestone.engagement.vendor.name,
            "title": milestone.title,
            "challenge": challenge.title,
            "reason": payout.cancel_reason,
        },
    )


PAYOUT_CANCELLED = Event(
    Notification.Kind.PAYOUT_CANCELLED, "payout-cancelled:{payout.pk}", _payout_cancelled
)


def challenge_match_texts(*, challenge: Challenge, search_names: list[str]) -> tuple[str, str]:
    """To a vendor member whose saved searches match a newly published challenge."""
    return (
        _("New challenge: %(title)s") % {"title": challenge.title},
        ngettext(
            "%(organization)s published a challenge that matches your saved search %(searches)s. "
            "Deadline: %(deadline)s.",
            "%(organization)s published a challenge that matches your saved searches %(searches)s. "
            "Deadline: %(deadline)s.",
            len(search_names),
        )
        % {
            "organization": challenge.organization.name,
            "searches": ", ".join(_("“%(name)s”") % {"name": name} for name in search_names),
            "deadline": long_date(challenge.deadline),
        },
    )


# What a coordinator did on a party's behalf


def _behalf_interest(*, challenge: Challenge, introduction: Introduction) -> str:
    return _("They told %(organization)s that your firm is interested in “%(title)s”.") % {
        "organization": challenge.organization.name,
        "title": challenge.title,
    }


def _behalf_decline(*, challenge: Challenge, introduction: Introduction) -> str:
    return _("They declined “%(title)s” for your firm.") % {"title": challenge.title}


def _behalf_shortlist(*, challenge: Challenge, introduction: Introduction) -> str:
    return _("They shortlisted %(vendor)s for “%(title)s”.") % {
        "vendor": introduction.vendor.name,
        "title": challenge.title,
    }


def _behalf_answer(*, challenge: Challenge, clarification: Clarification) -> str:
    return _("They published an answer to a question about “%(title)s”: %(answer)s") % {
        "title": challenge.title,
        "answer": clarification.answer,
    }


def _behalf_plan(*, challenge: Challenge, milestone: Milestone) -> str:
    return _("They planned the milestone “%(title)s” (%(amount)s).") % {
        "title": milestone.title,
        "amount": money(milestone.amount),
    }


def _behalf_milestone_move(*, challenge: Challenge, milestone: Milestone) -> str:
    return _("The milestone “%(title)s” is now %(status)s.") % {
        "title": milestone.title,
        "status": milestone.get_status_display().lower(),
    }


def _behalf_request(*, challenge: Challenge, proposal: MatchProposal) -> str:
    return _("They asked, for your firm, to be introduced to “%(title)s”.") % {"title": challenge.title}


BEHALF_REQUEST = BehalfEvent("on-behalf:request:{proposal.pk}", _behalf_request)
BEHALF_INTEREST = BehalfEvent("on-behalf:interest:{introduction.pk}", _behalf_interest)
BEHALF_DECLINE = BehalfEvent("on-behalf:decline:{introduction.pk}", _behalf_decline)
BEHALF_SHORTLIST = BehalfEvent("on-behalf:shortlist:{introduction.pk}", _behalf_shortlist)
BEHALF_ANSWER = BehalfEvent("on-behalf:answer:{clarification.pk}", _behalf_answer)
BEHALF_PLAN = BehalfEvent("on-behalf:plan:{milestone.pk}", _behalf_plan)
BEHALF_MILESTONE_MOVE = BehalfEvent(
    "on-behalf:milestone-{milestone.status}:{milestone.pk}", _behalf_milestone_move
)

# A party's own move on an introduction: what the other party is told, and what the party is told when a
# coordinator made the move for it. The award tells everyone itself (services/introductions.py).
INTRODUCTION_EVENTS: dict[str, tuple[Event, BehalfEvent]] = {
    Introduction.Status.INTERESTED: (INTEREST, BEHALF_INTEREST),
    Introduction.Status.DECLINED: (DECLINE, BEHALF_DECLINE),
    Introduction.Status.SHORTLISTED: (SHORTLISTED, BEHALF_SHORTLIST),
}

# A party's move on a milestone: what the other party is told.
MILESTONE_EVENTS: dict[str, Event] = {
    Milestone.Status.DELIVERED: MILESTONE_DELIVERED,
    Milestone.Status.ACCEPTED: MILESTONE_ACCEPTED,
}


# The evaluation (services/evaluations.py)


def _committee_named(*, challenge: Challenge, member: CommitteeMember) -> tuple[str, str]:
    if member.role == CommitteeMember.Role.SECRETARY:
        body = _(
            "%(organization)s named you secretary of the selection committee for “%(title)s”. You coordinate "
            "the committee and record its consensus; you do not score."
        )
    else:
        body = _(
            "%(organization)s named you to the selection committee for “%(title)s”. Once the proposals are "
            "opened, score each of them on each criterion, then submit your score sheet."
        )
    return (
        _("Selection committee: %(title)s") % {"title": challenge.title},
        body % {"organization": challenge.organization.name, "title": challenge.title},
    )


def _debrief(*, challenge: Challenge, submission: Submission) -> tuple[str, str]:
    return (
        _("“%(title)s” has been awarded: your debrief") % {"title": challenge.title},
        _(
            "Thank you for your proposal. %(organization)s awarded this challenge to another firm. Your "
            "debrief shows your scores per criterion, your rank, the winning proposal's final score and price, "
            "and the committee's comments for your firm."
        )
        % {"organization": challenge.organization.name},
    )


# The committee may be named again before scoring starts: a person named twice is told each time ({stamp}).
COMMITTEE_NAMED = Event(
    Notification.Kind.COMMITTEE_NAMED, "committee:{challenge.pk}:{member.user_id}:{stamp}", _committee_named
)
DEBRIEF = Event(Notification.Kind.DEBRIEF, "debrief:{submission.pk}", _debrief)
