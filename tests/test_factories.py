"""Every model of hub, marketplace and matching has a factory, and a factory's default object is in its
model's first state: a new model without a factory, or a factory that starts further along, fails here."""

import inspect

import factory
import pytest
from django.apps import apps
from django.db import models

from tests import factories

APPS = ("hub", "marketplace", "matching")

FACTORIES = {
    candidate._meta.model: candidate
    for candidate in vars(factories).values()
    if inspect.isclass(candidate)
    and issubclass(candidate, factory.django.DjangoModelFactory)
    and candidate._meta.model is not None
}

MODELS = [
    model
    for app in APPS
    for model in apps.get_app_config(app).get_models()
    if not model._meta.abstract and not model._meta.proxy
]


def test_factories_exist_for_every_model():
    missing = [model._meta.label for model in MODELS if model not in FACTORIES]

    assert missing == []


def _progress_dates(model) -> list[models.Field]:
    """The dates a later step sets (read_at, decided_at, answered_at…): empty in a first state."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.DateField)
        and field.null
        and field.name.endswith("_at")
        and field.name != "occurred_at"  # When an incident happened: known or not from the start.
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_factory_starts_in_the_first_state(model):
    instance = FACTORIES[model]()

    status = next((field for field in model._meta.concrete_fields if field.name == "status"), None)
    if status is not None:
        assert instance.status == status.get_default()
    assert {field.name: getattr(instance, field.name) for field in _progress_dates(model)} == {
        field.name: None for field in _progress_dates(model)
    }
