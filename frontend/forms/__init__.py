"""Forms of the pages, one module per audience. They validate with the models' validators and the services, like the API.

What every audience's forms share is here: a form hands what it parsed to the API's input serializer for
the same operation, so the pages and the API accept exactly the same input, and errors from the
serializer or a service land on the field they name."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from rest_framework import serializers

from marketplace.selectors import expertise_labels, region_labels


def expertise_choices() -> list[tuple[str, str]]:
    """The taxonomy as choices, read when a form is drawn: codes added since start-up are offered too."""
    return list(expertise_labels().items())


def region_choices() -> list[tuple[str, str]]:
    return list(region_labels().items())


def api_error_messages(detail: Any) -> list[str]:
    """The plain messages of a DRF error detail, however nested (a list field's errors are keyed by index)."""
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in api_error_messages(value)]
    if isinstance(detail, (list, tuple)):
        return [message for value in detail for message in api_error_messages(value)]
    return [str(detail)]


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Show a service's ValidationError on the fields it names, and above the form otherwise."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, [m for item in errors for m in item.messages])


class SerializerCheckedForm(forms.Form):
    """After its own parsing, the form's data goes through the API's input serializer."""

    serializer_class: type[serializers.Serializer]
    validated_data: dict
    # False: what could not even be read is reported first, alone. True: the serializer checks the rest
    # too, so that every problem is listed at once (long forms).
    check_all_at_once = False

    def serializer_input(self) -> dict:
        return self.cleaned_data

    def clean(self) -> dict:
        cleaned_data = super().clean()
        if self._errors and not self.check_all_at_once:
            return cleaned_data
        serializer = self.serializer_class(data=self.serializer_input())
        if serializer.is_valid():
            self.validated_data = dict(serializer.validated_data)
            return cleaned_data
        for field, detail in serializer.errors.items():
            if field not in self._errors:  # A field that could not be read has said so already.
                self.add_error(field if field in self.fields else None, api_error_messages(detail))
        return cleaned_data
