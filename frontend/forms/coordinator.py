"""Forms of the coordinator pages.

Each form parses what was typed, then hands it to the API's input serializer for the same operation,
so the pages and the API accept exactly the same input; the services check the rest (a rejection needs a
reason, a decided proposal cannot be decided again) and their errors land on the field they name."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from frontend.forms import SerializerCheckedForm
from hub.models import User
from marketplace.models import VendorVerification
from marketplace.selectors import expertise_list, organization_list, region_list
from marketplace.serializers import ChallengeTransitionInputSerializer, VendorVerificationInputSerializer
from matching.models import MatchProposal
from matching.selectors import proposal_list
from matching.serializers import (
    ProposalBulkApproveInputSerializer,
    ProposalListInputSerializer,
    ProposalRejectInputSerializer,
)


class ProposalQueueFilterForm(SerializerCheckedForm):
    """The queue's filters, the same as the API's proposal list (GET, so a filtered queue can be bookmarked)."""

    serializer_class = ProposalListInputSerializer

    # The queue holds what is still to decide; decided proposals are in the audit log.
    STATUSES = [
        (MatchProposal.Status.PENDING, MatchProposal.Status.PENDING.label),
        (MatchProposal.Status.ON_HOLD, MatchProposal.Status.ON_HOLD.label),
    ]
    AGES = [
        ("", _("Any age")),
        (1, _("Waiting 1 day or more")),
        (3, _("Waiting 3 days or more")),
        (7, _("Waiting a week or more")),
        (14, _("Waiting two weeks or more")),
    ]
    ORDERINGS = [
        ("created_at", _("Oldest first")),
        ("-score", _("Best score first")),
    ]

    status = forms.ChoiceField(label=_("Status"), choices=STATUSES, required=False)
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=organization_list(),
        required=False,
        empty_label=_("All organizations"),
    )
    expertise = forms.ModelChoiceField(
        label=_("Expertise"),
        queryset=expertise_list(),
        to_field_name="code",
        required=False,
        empty_label=_("All expertise"),
    )
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=region_list(),
        to_field_name="code",
        required=False,
        empty_label=_("All regions"),
    )
    older_than_days = forms.TypedChoiceField(
        label=_("Age"), choices=AGES, coerce=int, empty_value=None, required=False
    )
    ordering = forms.ChoiceField(label=_("Order"), choices=ORDERINGS, required=False)

    def serializer_input(self) -> dict:
        data = self.cleaned_data
        values = {
            "status": data.get("status") or MatchProposal.Status.PENDING,
            "ordering": data.get("ordering") or "created_at",
            "organization": data["organization"].pk if data.get("organization") else None,
            "expertise": data["expertise"].code if data.get("expertise") else None,
            "region": data["region"].code if data.get("region") else None,
            "older_than_days": data.get("older_than_days"),
        }
        return {name: value for name, value in values.items() if value is not None}

    def selector_filters(self) -> dict:
        """The arguments of matching.selectors.proposal_list for this form's filters."""
        data = self.validated_data
        return {
            "status": data["status"],
            "organization_id": data.get("organization"),
            "expertise": data["expertise"].code if data.get("expertise") else None,
            "region": data["region"].code if data.get("region") else None,
            "older_than_days": data.get("older_than_days"),
            "ordering": data["ordering"],
        }


class ServiceRequiredCharField(forms.CharField):
    """Shown as required, but left empty it goes to the service, which refuses it in its own words."""

    def validate(self, value: str) -> None:
        pass


class ProposalRejectForm(SerializerCheckedForm):
    serializer_class = ProposalRejectInputSerializer

    reason = ServiceRequiredCharField(
        label=_("Reason for rejecting"),
        help_text=_("Kept with the proposal and in the audit log. Nobody outside the hub sees it."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean(self) -> dict:
        if not self.cleaned_data.get("reason"):
            self.validated_data = {"reason": ""}  # Refused by proposal_reject, with its own message.
            return self.cleaned_data
        return super().clean()


class ProposalBulkApproveForm(SerializerCheckedForm):
    serializer_class = ProposalBulkApproveInputSerializer

    proposals = forms.ModelMultipleChoiceField(
        label=_("Proposals to approve"),
        queryset=MatchProposal.objects.none(),
        error_messages={
            "required": _("Tick the proposals to approve, then press “Approve the selected proposals”."),
            "invalid_choice": _("A proposal you ticked no longer exists. Reload the queue and try again."),
            "invalid_pk_value": _("A proposal you ticked no longer exists. Reload the queue and try again."),
        },
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proposals"].queryset = proposal_list(user=user)

    def serializer_input(self) -> dict:
        return {"proposals": [proposal.pk for proposal in self.cleaned_data["proposals"]]}


class ChallengeReturnForm(SerializerCheckedForm):
    """Send a submitted challenge back to its organization as a draft."""

    serializer_class = ChallengeTransitionInputSerializer

    note = forms.CharField(
        label=_("Note for the organization"),
        help_text=_(
            "Say what to change before the challenge is submitted again. It is kept in the audit log."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class VendorVerificationForm(SerializerCheckedForm):
    """Verify a firm or refuse it; the pressed button gives the decision. A refusal without a reason goes to the
    service, which refuses it in its own words."""

    serializer_class = VendorVerificationInputSerializer

    decision = forms.ChoiceField(
        choices=VendorVerification.Decision.choices,
        error_messages={"required": _("Choose to verify the firm or to refuse it.")},
    )
    reason = forms.CharField(
        label=_("Reason, to refuse"),
        help_text=_(
            "Required to refuse. The firm's members read it on their dashboard, to correct their profile."
        ),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    # The firm's last change when the page was drawn: a firm changed since is decided again, on what it is now.
    seen_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)

    def serializer_input(self) -> dict:
        return {"decision": self.cleaned_data["decision"], "reason": self.cleaned_data.get("reason", "")}
