"""Forms of the SME (vendor member) pages.

A form here only parses what was typed (text, whole numbers, ticked boxes, one certification per line);
the API's own input serializer then checks it, and the service checks it again against the model, so
every rule is written once and the pages answer with the API's words. The errors, wherever they come
from, land on the field they are about, and what the user typed is kept."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from frontend.forms import (
    SerializerCheckedForm,
    add_service_error,
    api_error_messages,
    expertise_choices,
    region_choices,
)
from hub.models import Organization
from marketplace.models import (
    MAX_REFERENCES,
    Language,
    ProfileSection,
    Vendor,
    VendorReference,
    default_public_profile,
    neq_validator,
)
from marketplace.serializers import VendorInputSerializer
from matching.search.queries import BudgetRange, DeadlineWindow
from matching.serializers import (
    ChallengeInterestInputSerializer,
    ClarificationInputSerializer,
    IntroductionDeclineInputSerializer,
    IntroductionInterestInputSerializer,
    SavedSearchCreateInputSerializer,
)


def _verbose_name(model: type, field: str) -> str:
    return capfirst(model._meta.get_field(field).verbose_name)


class LinesField(forms.CharField):
    """A list of texts typed one per line; blank lines are dropped."""

    widget = forms.Textarea(attrs={"rows": 4})

    def to_python(self, value: str | None) -> list[str]:
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]

    def prepare_value(self, value: Any) -> str:
        if isinstance(value, (list, tuple)):
            return "\n".join(value)
        return value


class VendorProfileForm(forms.Form):
    name = forms.CharField(label=_verbose_name(Vendor, "name"))
    neq = forms.CharField(
        label=_verbose_name(Vendor, "neq"),
        help_text=_("The 10 digits of your firm's number in the Quebec enterprise register."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    description = forms.CharField(
        label=_verbose_name(Vendor, "description"),
        help_text=_(
            "What your firm does and for whom, in your own words. The matcher compares this text with the "
            "challenges: a few precise paragraphs work best."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    languages = forms.MultipleChoiceField(
        label=_verbose_name(Vendor, "languages"),
        choices=Language.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    regions = forms.MultipleChoiceField(
        label=_verbose_name(Vendor, "regions"), choices=region_choices, widget=forms.CheckboxSelectMultiple
    )
    employees = forms.IntegerField(label=_verbose_name(Vendor, "employees"))
    founded = forms.IntegerField(label=_verbose_name(Vendor, "founded"))
    expertise = forms.MultipleChoiceField(
        label=_verbose_name(Vendor, "expertise"),
        choices=expertise_choices,
        widget=forms.CheckboxSelectMultiple,
    )
    certifications = LinesField(
        label=_verbose_name(Vendor, "certifications"),
        help_text=_("One per line, as written on the certificate, for example ISO 27001."),
        required=False,
    )
    contact_name = forms.CharField(label=_verbose_name(Vendor, "contact_name"), required=False)
    contact_email = forms.EmailField(label=_verbose_name(Vendor, "contact_email"), required=False)
    contact_phone = forms.CharField(
        label=_verbose_name(Vendor, "contact_phone"),
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    public_profile = forms.MultipleChoiceField(
        label=_("Sections anyone may see"),
        help_text=_(
            "Anyone can read the sections you tick, signed in or not. The others are seen only by your firm's "
            "members, the Centre's coordinators and the public bodies whose challenges you chose to answer."
        ),
        choices=ProfileSection.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A new firm starts from the model's privacy default: every section public but the contact person.
        self.fields["public_profile"].initial = default_public_profile()

    @staticmethod
    def initial_from(vendor: Vendor) -> dict:
        return {
            "name": vendor.name,
            "neq": vendor.neq,
            "description": vendor.description,
            "languages": list(vendor.languages),
            "regions": [region.code for region in vendor.regions.all()],
            "employees": vendor.employees,
            "founded": vendor.founded,
            "expertise": [item.code for item in vendor.expertise.all()],
            "certifications": list(vendor.certifications),
            "contact_name": vendor.contact_name,
            "contact_email": vendor.contact_email,
            "contact_phone": vendor.contact_phone,
            "public_profile": list(vendor.public_profile),
        }


class NeqLookupForm(forms.Form):
    """Registration's first step: the firm's number, which the enterprise register's extract is asked about."""

    neq = forms.CharField(
        label=_verbose_name(Vendor, "neq"),
        help_text=_(
            "The 10 digits of your firm's number in the Quebec enterprise register. We look it up before "
            "anything else: if your firm is already on Maillage, you ask to join it instead."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        validators=[neq_validator],
    )


class JoinRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Your message"),
        help_text=_(
            "For the firm's members: who you are and what you do at the firm, so that they recognize you."
        ),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class VendorReferenceForm(forms.Form):
    client = forms.CharField(label=_verbose_name(VendorReference, "client"))
    title = forms.CharField(label=_verbose_name(VendorReference, "title"))
    summary = forms.CharField(
        label=_verbose_name(VendorReference, "summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    year = forms.IntegerField(label=_verbose_name(VendorReference, "year"))


# One blank reference to start with; the page adds more, and removes any, in place (maillage.js): every
# form, new or not, has its "Remove" box, and a removed or untouched one is left out.
class BaseVendorReferenceFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields[DELETION_FIELD_NAME].label = _("Remove this reference")


VendorReferenceFormSet = forms.formset_factory(
    VendorReferenceForm, formset=BaseVendorReferenceFormSet, extra=1, can_delete=True, max_num=MAX_REFERENCES
)


@dataclass(frozen=True)
class FormError:
    """One line of an error summary: what the error is about, the message, and the id of the field to go to."""

    label: str
    message: str
    target: str


class VendorProfileForms:
    """The profile form and its references, checked together by the API's VendorInputSerializer."""

    def __init__(
        self, data: Any = None, *, vendor: Vendor | None = None, initial: dict | None = None
    ) -> None:
        """`initial`: a new firm's first values (its NEQ, the register's legal name)."""
        self.vendor = vendor
        if vendor is not None and data is None:
            initial = VendorProfileForm.initial_from(vendor)
        references = None
        if vendor is not None and data is None:
            references = [
                {name: getattr(reference, name) for name in VendorReferenceForm.base_fields}
                for reference in vendor.references.all()
            ]
        self.profile = VendorProfileForm(data, initial=initial)
        self.references = VendorReferenceFormSet(data, initial=references, prefix="references")
        self.validated_data: dict = {}

    def _kept_references(self) -> list[VendorReferenceForm]:
        return [form for form in self.references.forms if form.has_changed() and not _deleted(form)]

    def is_valid(self) -> bool:
        # The serializer checks whatever the form could parse, even when another field is refused, so that
        # one submit reports every field's error at once; a field the form refused keeps only its own error.
        profile_valid = self.profile.is_valid()
        references_valid = self.references.is_valid()
        kept = self._kept_references() if references_valid else []
        payload = dict(self.profile.cleaned_data)
        if references_valid:
            payload["references"] = [
                {name: form.cleaned_data[name] for name in VendorReferenceForm.base_fields} for form in kept
            ]
        serializer = VendorInputSerializer(self.vendor, data=payload)
        if serializer.is_valid():
            if not (profile_valid and references_valid):
                return False
            self.validated_data = dict(serializer.validated_data)
            return True
        for field, detail in serializer.errors.items():
            if field in self.profile.errors or (field == "references" and not references_valid):
                continue
            per_reference = _per_item(detail, len(kept)) if field == "references" else None
            if per_reference is None:
                self.profile.add_error(
                    field if field in self.profile.fields else None, api_error_messages(detail)
                )
                continue
            for form, form_detail in zip(kept, per_reference, strict=True):
                for name, messages in form_detail.items():
                    form.add_error(name if name in form.fields else None, api_error_messages(messages))
        return False

    def add_validation_error(self, error: ValidationError) -> None:
        add_service_error(self.profile, error)

    def error_summary(self) -> list[FormError]:
        references = [
            FormError(
                _("Reference %(number)s – %(field)s") % {"number": number, "field": error.label},
                error.message,
                error.target,
            )
            if error.label
            else error
            for number, form in enumerate(self.references.forms, start=1)
            if not _deleted(form)
            for error in _form_errors(form)
        ]
        tampered = [
            FormError("", str(message), "references") for message in self.references.non_form_errors()
        ]
        return [*_form_errors(self.profile), *references, *tampered]


def _per_item(detail: Any, count: int) -> list[dict] | None:
    """A list serializer's errors per item (DRF gives {index: errors} or a list), or None if they are about the list."""
    if isinstance(detail, dict) and all(isinstance(key, int) for key in detail):
        return [detail.get(index) or {} for index in range(count)]
    if isinstance(detail, list) and len(detail) == count and all(isinstance(item, dict) for item in detail):
        return detail
    return None


def _deleted(form: forms.Form) -> bool:
    """Whether the user removed this reference (ignored then, even if it is not valid)."""
    return bool(getattr(form, "cleaned_data", {}).get(DELETION_FIELD_NAME))


def _field_target(form: forms.Form, name: str) -> str:
    """The id to link to: the field itself, or the first box of a group of checkboxes."""
    field = form[name]
    if isinstance(field.field.widget, forms.CheckboxSelectMultiple):
        return f"{field.auto_id}_0"
    return field.id_for_label


def _form_errors(form: forms.Form) -> Iterator[FormError]:
    first_field = next(iter(form.fields))
    for message in form.non_field_errors():
        yield FormError("", message, _field_target(form, first_field))
    for name in form.fields:
        for message in form[name].errors:
            yield FormError(str(form[name].label), message, _field_target(form, name))


# Introductions and clarifications


class InterestForm(SerializerCheckedForm):
    serializer_class = IntroductionInterestInputSerializer

    pitch = forms.CharField(
        label=_("Your pitch"),
        help_text=_("In a few sentences, why your firm is a good fit. The organization reads it first."),
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ChallengeInterestForm(SerializerCheckedForm):
    """« Manifester notre intérêt »: the firm asks to be introduced to an open challenge."""

    serializer_class = ChallengeInterestInputSerializer

    note = forms.CharField(
        label=_("A note for the hub's coordinators"),
        max_length=1000,
        help_text=_(
            "In a few lines (1,000 characters at most), why your firm is a good partner for this challenge. "
            "The coordinators read it beside your profile before they decide."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, vendor_id: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.vendor_id = vendor_id

    def serializer_input(self) -> dict:
        return {**self.cleaned_data, "vendor": self.vendor_id}


class DeclineForm(SerializerCheckedForm):
    serializer_class = IntroductionDeclineInputSerializer

    reason = forms.CharField(
        label=_("Why your firm declines"),
        help_text=_("Only the organization and the hub read it."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ClarificationForm(SerializerCheckedForm):
    serializer_class = ClarificationInputSerializer

    question = forms.CharField(
        label=_("Your question"),
        help_text=_(
            "Once answered, the question and its answer are published to every introduced firm, without "
            "saying who asked."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )


# Saved searches


def _organization_kind_choices() -> list[tuple[str, str]]:
    return list(Organization.Kind.choices)


class SavedSearchForm(SerializerCheckedForm):
    """A name and the opportunity-search parameters, as the opportunity search page puts them in its URL."""

    serializer_class = SavedSearchCreateInputSerializer
    FILTERS = ("expertise", "region", "organization_kind", "language", "budget", "deadline")

    name = forms.CharField(
        label=_("Name of the search"), help_text=_("For example: Cloud projects in Quebec City.")
    )
    q = forms.CharField(label=_("Search words"), required=False)
    expertise = forms.MultipleChoiceField(
        label=_("Expertise"), choices=expertise_choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    region = forms.MultipleChoiceField(
        label=_("Regions"), choices=region_choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    organization_kind = forms.MultipleChoiceField(
        label=_("Kind of organization"),
        choices=_organization_kind_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    language = forms.MultipleChoiceField(
        label=_("Posting language"),
        choices=Language.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    budget = forms.MultipleChoiceField(
        label=_("Budget"), choices=BudgetRange.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    # Shown only when the search brought one: saved_search_create says why it cannot be kept.
    deadline = forms.MultipleChoiceField(
        label=_("Deadline"),
        choices=DeadlineWindow.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    @classmethod
    def initial_from_query(cls, query: Any) -> dict:
        """The opportunity search's parameters, from its query string (`?q=…&region=03&region=06`)."""
        initial = {name: [value for value in query.getlist(name) if value] for name in cls.FILTERS}
        initial["q"] = query.get("q", "")
        initial["name"] = query.get("name", "") or query.get("q", "")
        return initial

    def has_deadline(self) -> bool:
        return bool(self["deadline"].value())

    def serializer_input(self) -> dict:
        # The serializer refuses blank search words: a search without words leaves them out.
        return {key: value for key, value in self.cleaned_data.items() if value not in ("", [], None)}

    def search_parameters(self) -> tuple[str, str, dict[str, list[str]]]:
        """The name, the words and the filters, for saved_search_create (which refuses a deadline, and says why)."""
        filters = dict(self.validated_data)
        return filters.pop("name"), filters.pop("q", ""), filters

    def describe(self, filters: dict[str, list[str]]) -> list[tuple[str, str]]:
        """A saved search's filters in words, with this form's labels: [("Regions", "Capitale-Nationale")]."""
        return [
            (str(self.fields[name].label), ", ".join(_labelled(self.fields[name].choices, values)))
            for name, values in filters.items()
            if name in self.fields and values
        ]


def _labelled(choices: Iterable[tuple[str, str]], values: Iterable[str]) -> list[str]:
    labels = dict(choices)
    return [str(labels.get(value, value)) for value in values]
