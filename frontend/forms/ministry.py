"""Forms of the public-organization (ministry) pages.

A form parses what was typed (amounts written the French or the English way, ticked boxes, one
certification per line), then hands it to the API's input serializer for the same operation, so the pages
and the API accept exactly the same input; the services check the rest against the models and the
workflow, and their errors land on the field they name. What the user typed is kept."""

import re
from decimal import Decimal

from django import forms
from django.db.models import QuerySet
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils.formats import get_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from frontend.forms import SerializerCheckedForm, expertise_choices, region_choices
from hub.models import Organization
from marketplace.award_rules import K_MAX, K_MIN
from marketplace.models import (
    DEFAULT_MANDATORY_REQUIREMENTS,
    SME_MAX_EMPLOYEES,
    AwardMode,
    Challenge,
    Language,
    Requirement,
)
from marketplace.serializers import (
    MAX_CRITERIA,
    ChallengeGridAmendInputSerializer,
    ChallengeInputSerializer,
    ChallengeTransitionInputSerializer,
)
from matching.search.queries import ChallengeProfile
from matching.serializers import (
    ClarificationAnswerInputSerializer,
    ClarificationInputSerializer,
    EngagementAmendInputSerializer,
    MilestoneInputSerializer,
    PayoutCancelInputSerializer,
)

# Spaces people type between thousands ("150 000"), including the no-break ones French text uses.
GROUPING_SPACES = re.compile(r"[\s\u00a0\u202f]")


class AmountField(forms.DecimalField):
    """An amount in dollars as people type it in French or English: "150 000", "1 234,56", "$1,234.56"."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("localize", True)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = GROUPING_SPACES.sub("", value).replace("$", "")
            # In English a comma groups thousands; so does one before a point ("1,234.56") in any language.
            comma_groups = "," in value and "." in value and value.index(",") < value.index(".")
            if get_format("DECIMAL_SEPARATOR") == "." or comma_groups:
                value = value.replace(",", "")
        return super().to_python(value)

    def prepare_value(self, value):
        # Budgets are round figures: show "150000", not "150000,00".
        if isinstance(value, Decimal) and value == value.to_integral_value():
            value = int(value)
        return super().prepare_value(value)


class LinesField(forms.CharField):
    """A list of short texts, one per line (certifications)."""

    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value) -> list[str]:
        lines = [line.strip() for line in (value or "").splitlines()]
        return list(dict.fromkeys(line for line in lines if line))

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return "\n".join(value)
        return value


# One line each, beside the award mode's name (docs/evaluation.md).
AWARD_MODE_EXPLANATIONS = {
    AwardMode.PRICE: _("No quality evaluation: the lowest price wins."),
    AwardMode.QUALITY_THEN_PRICE: _(
        "Every criterion must reach 70 out of 100; the lowest price among those proposals wins."
    ),
    AwardMode.ADJUSTED_PRICE: _(
        "Each acceptable proposal's price is divided by a factor that grows with its quality score, up to 1 + K: "
        "the lowest adjusted price wins."
    ),
    AwardMode.QUALITY: _("The highest final quality score wins; price does not compete."),
}


def award_mode_choices() -> list[tuple[str, str]]:
    return [
        (
            mode.value,
            format_lazy(
                "{label} — {explanation}", label=mode.label, explanation=AWARD_MODE_EXPLANATIONS[mode]
            ),
        )
        for mode in AwardMode
    ]


class CriterionForm(forms.Form):
    title = forms.CharField(label=_("Criterion"), max_length=255)
    description = forms.CharField(
        label=_("What the committee looks for"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What an acceptable answer (70 out of 100) shows."),
    )
    weight = forms.IntegerField(
        label=_("Weight (%)"),
        min_value=1,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "data-weight": ""}),
    )
    has_minimum = forms.BooleanField(
        label=_("A score under 70 on this criterion rejects the proposal"), required=False
    )


# The rows typed so far plus one blank; the page adds and removes rows in place (maillage.js). Without
# JavaScript, each row has its "Remove" box, a blank row is left out, and saving gives a new blank row.
class BaseCriterionFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields[DELETION_FIELD_NAME].label = _("Remove this criterion")

    def kept(self) -> list[dict]:
        """The criteria as the API takes them: rows changed and not removed, in order."""
        return [
            {name: form.cleaned_data.get(name) for name in CriterionForm.base_fields}
            for form in self.forms
            if form.has_changed() and not form.cleaned_data.get(DELETION_FIELD_NAME)
        ]

    def weights_total(self) -> int:
        """The total of the weights typed in the rows kept (shown beside the rows; the rules want 100)."""
        total = 0
        for form in self.forms:
            if self.is_bound:
                deleted = form[DELETION_FIELD_NAME].value()
                weight = form["weight"].value()
            else:
                deleted, weight = False, form.initial.get("weight")
            if deleted:
                continue
            try:
                total += int(weight or 0)
            except (TypeError, ValueError):
                continue
        return total


CriterionFormSet = forms.formset_factory(
    CriterionForm, formset=BaseCriterionFormSet, extra=1, can_delete=True, max_num=MAX_CRITERIA
)
CRITERIA_PREFIX = "criteria"


class GridFormMixin:
    """The award mode, K factor and criteria rows of a form (the challenge form and the addendum form)."""

    def _grid_init(self, data, criteria: list[dict] | None) -> None:
        # Sent only by pages that show the rows: a request without them leaves the criteria as they are.
        self.criteria_sent = data is not None and f"{CRITERIA_PREFIX}-TOTAL_FORMS" in data
        self.criteria = CriterionFormSet(
            data if self.criteria_sent else None, initial=criteria, prefix=CRITERIA_PREFIX
        )

    def _grid_input(self, cleaned: dict) -> dict:
        grid = {}
        if "award_mode" in self.data or not self.is_bound:
            grid["award_mode"] = cleaned.get("award_mode") or ""
        if "k_factor" in self.data:
            # K belongs to the adjusted price only: a value left in the field under another mode is dropped.
            adjusted = cleaned.get("award_mode") == AwardMode.ADJUSTED_PRICE
            grid["k_factor"] = cleaned.get("k_factor") if adjusted else None
        if self.criteria_sent and self.criteria.is_valid():
            grid["criteria"] = self.criteria.kept()
        return grid

    def grid_is_valid(self) -> bool:
        return not self.criteria_sent or self.criteria.is_valid()


def award_mode_field(*, required: bool) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Award mode"),
        choices=award_mode_choices,
        widget=forms.RadioSelect,
        required=required,
        help_text=_(
            "How proposals are compared, as Quebec's public bodies do. The grid is public once published."
        ),
    )


def k_factor_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("K factor (%)"),
        required=False,
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        help_text=format_lazy(
            _(
                "Lowest adjusted price only: how much more, from {min} to {max}%, you would pay for a proposal scoring 100 rather than 70."
            ),
            min=K_MIN,
            max=K_MAX,
        ),
    )


class ChallengeForm(GridFormMixin, SerializerCheckedForm):
    """The guided challenge form, in the five steps its template shows; checked like POST /api/v1/challenges/."""

    serializer_class = ChallengeInputSerializer
    check_all_at_once = True
    STEPS = [
        ("need", _("What you need"), ["organization", "title", "description", "language"]),
        ("scope", _("Expertise and regions"), ["expertise", "regions"]),
        ("budget", _("Budget and deadline"), ["budget_min", "budget_max", "deadline"]),
        (
            "requirements",
            _("Requirements"),
            [
                "required_languages",
                "required_certifications",
                "max_employees",
                "mandatory_requirements",
                "on_site",
            ],
        ),
        ("grid", _("How proposals are evaluated"), ["award_mode", "k_factor"]),
    ]

    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.none(),
        help_text=_("You are a member of several organizations: choose the one that posts this challenge."),
    )
    title = forms.CharField(
        label=_("Title"), help_text=_("A short name for the need, as vendors will see it in their results.")
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_(
            "The problem to solve, who it serves, what exists today and what success looks like. "
            "The matcher compares this text with the vendors' descriptions and references."
        ),
    )
    language = forms.ChoiceField(
        label=_("Posting language"),
        choices=Language.choices,
        widget=forms.RadioSelect,
        help_text=_("The language the title and description are written in."),
    )
    expertise = forms.MultipleChoiceField(
        label=_("Expertise needed"),
        choices=expertise_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose every area the work calls for. Vendors with one of them rank higher."),
    )
    regions = forms.MultipleChoiceField(
        label=_("Regions of the work"),
        choices=region_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Leave every box empty if the work can be done from anywhere in Quebec."),
    )
    budget_min = AmountField(label=_("Minimum budget (CAD)"), help_text=_("In dollars, for example 50 000."))
    budget_max = AmountField(label=_("Maximum budget (CAD)"))
    deadline = forms.DateField(
        label=_("Deadline"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        help_text=_("The last day vendors can say they are interested."),
    )
    required_languages = forms.MultipleChoiceField(
        label=_("Required delivery languages"),
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The languages the vendor must be able to work and deliver in."),
    )
    required_certifications = LinesField(
        label=_("Required certifications"),
        required=False,
        help_text=_("One per line, written as vendors write them on their profiles, for example ISO 27001."),
    )
    max_employees = forms.IntegerField(
        label=_("SME ceiling (employees)"),
        required=False,
        help_text=_("Only firms with at most this many employees are proposed. Leave empty for no ceiling."),
    )
    mandatory_requirements = forms.MultipleChoiceField(
        label=_("Requirements that are mandatory"),
        choices=Requirement.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "A checked requirement is a filter: a firm that fails it is never proposed and cannot ask to be "
            "introduced. An unchecked one is only preferred: a firm that misses it ranks lower, and the gap "
            "is shown. Delivery languages are checked by default, since the Charter of the French language "
            "binds the public administration; uncheck them only if another language will really do."
        ),
    )
    on_site = forms.BooleanField(label=_("The work must be done on site"), required=False)
    award_mode = award_mode_field(required=False)
    k_factor = k_factor_field()

    def __init__(
        self,
        *args,
        organizations: QuerySet[Organization] | None = None,
        criteria: list[dict] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._grid_init(self.data if self.is_bound else None, criteria)
        self.organizations = list(organizations or [])
        # Asked only of members of several organizations; a challenge never moves to another one.
        if len(self.organizations) > 1:
            self.fields["organization"].queryset = organizations
        else:
            del self.fields["organization"]

    @classmethod
    def for_new(cls, data=None, *, organizations: QuerySet[Organization]) -> "ChallengeForm":
        initial = {
            "language": Language.FRENCH,
            "max_employees": SME_MAX_EMPLOYEES,
            "required_languages": [Language.FRENCH],
            "mandatory_requirements": list(DEFAULT_MANDATORY_REQUIREMENTS),
        }
        return cls(data, organizations=organizations, initial=initial)

    @classmethod
    def for_challenge(cls, challenge: Challenge, data=None) -> "ChallengeForm":
        initial = {
            "title": challenge.title,
            "description": challenge.description,
            "language": challenge.language,
            "expertise": [item.code for item in challenge.expertise.all()],
            "regions": [region.code for region in challenge.regions.all()],
            "budget_min": challenge.budget_min,
            "budget_max": challenge.budget_max,
            "deadline": challenge.deadline,
            "required_languages": challenge.required_languages,
            "required_certifications": challenge.required_certifications,
            "max_employees": challenge.max_employees,
            "mandatory_requirements": challenge.mandatory_requirements,
            "on_site": challenge.on_site,
            "award_mode": challenge.award_mode,
            "k_factor": challenge.k_factor,
        }
        return cls(data, initial=initial, criteria=criteria_initial(challenge))

    def steps(self) -> list[dict]:
        steps = []
        for slug, title, names in self.STEPS:
            fields = [self[name] for name in names if name in self.fields]
            steps.append(
                {"slug": slug, "title": title, "fields": fields, "has_errors": any(f.errors for f in fields)}
            )
        return steps

    def is_valid(self) -> bool:
        # Both, always: each reports its own errors.
        return all([super().is_valid(), self.grid_is_valid()])

    def serializer_input(self) -> dict:
        data = {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("organization", "award_mode", "k_factor")
        }
        return {**data, **self._grid_input(self.cleaned_data)}

    def chosen_organization(self) -> Organization:
        return self.cleaned_data.get("organization") or self.organizations[0]

    def challenge_data(self) -> dict:
        """The serializer's validated data, as challenge_create and challenge_update take it (like the API)."""
        return self.validated_data

    def reach_profile(self) -> ChallengeProfile:
        """What the matcher would know of the draft so far: the fields that can be read, the others empty."""
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        else:
            data = {name: self.get_initial_for_field(field, name) for name, field in self.fields.items()}
        max_employees = data.get("max_employees")
        return ChallengeProfile(
            title=data.get("title") or "",
            description=data.get("description") or "",
            expertise=list(data.get("expertise") or []),
            regions=list(data.get("regions") or []),
            required_languages=list(data.get("required_languages") or []),
            required_certifications=list(data.get("required_certifications") or []),
            # A ceiling the API would refuse counts as none.
            max_employees=max_employees if max_employees and max_employees > 0 else None,
            on_site=bool(data.get("on_site")),
            mandatory=frozenset(data.get("mandatory_requirements") or []),
        )


def criteria_initial(challenge: Challenge) -> list[dict]:
    return [
        {name: getattr(criterion, name) for name in CriterionForm.base_fields}
        for criterion in challenge.criteria.order_by("position", "id")
    ]


class GridAmendForm(GridFormMixin, SerializerCheckedForm):
    """An addendum to a published challenge's grid; checked like POST /api/v1/challenges/<id>/grid-amend/."""

    serializer_class = ChallengeGridAmendInputSerializer
    check_all_at_once = True

    award_mode = award_mode_field(required=True)
    k_factor = k_factor_field()
    summary = forms.CharField(
        label=_("What changes and why"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        help_text=_("Every firm introduced to the challenge receives it with a link to the new grid."),
    )

    def __init__(self, data=None, *, challenge: Challenge) -> None:
        initial = {"award_mode": challenge.award_mode, "k_factor": challenge.k_factor}
        super().__init__(data, initial=initial)
        self._grid_init(data, criteria_initial(challenge))

    def is_valid(self) -> bool:
        return all([super().is_valid(), self.grid_is_valid()])

    def serializer_input(self) -> dict:
        grid = self._grid_input(self.cleaned_data)
        return {"summary": self.cleaned_data.get("summary", ""), "criteria": [], **grid}


class TransitionNoteForm(SerializerCheckedForm):
    serializer_class = ChallengeTransitionInputSerializer
    check_all_at_once = True

    note = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the challenge's history."),
    )


class ClarificationAnswerForm(SerializerCheckedForm):
    serializer_class = ClarificationAnswerInputSerializer
    check_all_at_once = True

    answer = forms.CharField(
        label=_("Answer"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Published to every introduced vendor, without saying who asked."),
    )


class ClarificationPublishForm(SerializerCheckedForm):
    """A clarification the organization publishes itself: a topic and the answer, at once."""

    serializer_class = ClarificationInputSerializer
    check_all_at_once = True

    question = forms.CharField(
        label=_("Topic or question"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: Can the pilot use the ministry's existing cloud tenant?"),
    )
    answer = forms.CharField(
        label=_("Clarification"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Published to every introduced vendor."),
    )


class MilestoneForm(SerializerCheckedForm):
    serializer_class = MilestoneInputSerializer
    check_all_at_once = True

    title = forms.CharField(
        label=_("Title"), help_text=_("What the vendor delivers, for example: Working prototype.")
    )
    amount = AmountField(
        label=_("Amount (CAD)"), help_text=_("Paid to the vendor once you accept it, for example 12 500.")
    )
    due_date = forms.DateField(
        label=_("Due date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
    )


class EngagementAmendForm(SerializerCheckedForm):
    """A hub coordinator's amendment (« avenant ») to an engagement."""

    serializer_class = EngagementAmendInputSerializer
    check_all_at_once = True

    price = AmountField(
        label=_("New price before taxes (CAD)"),
        required=False,
        help_text=_("Leave empty to keep the price. The milestones may add up to this amount."),
    )
    ends_on = forms.DateField(
        label=_("New end date"),
        required=False,
        help_text=_("Leave empty to keep the end date."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
    )
    reason = forms.CharField(
        label=_("Reason for the amendment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the amendment; the organization and the firm are told."),
    )


class PayoutCancelForm(SerializerCheckedForm):
    serializer_class = PayoutCancelInputSerializer

    reason = forms.CharField(
        label=_("Reason for cancelling"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The firm and the organization are told."),
    )
