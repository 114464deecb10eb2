"""Every list an input serializer takes has a maximum: one request can only ask for so much work (each value
of a list becomes a query clause, a row or an aggregation). A new list input without one fails here."""

import inspect

import pytest
from rest_framework import serializers

from hub import serializers as hub_serializers
from marketplace import serializers as marketplace_serializers
from matching import serializers as matching_serializers

MODULES = (hub_serializers, marketplace_serializers, matching_serializers)


def _input_serializers() -> list[type[serializers.Serializer]]:
    return [
        cls
        for module in MODULES
        for name, cls in inspect.getmembers(module, inspect.isclass)
        if name.endswith("InputSerializer") and cls.__module__ == module.__name__
    ]


def _list_fields(serializer: serializers.Serializer, prefix: str = ""):
    for name, field in serializer.fields.items():
        if isinstance(
            field, (serializers.ListField, serializers.ManyRelatedField, serializers.ListSerializer)
        ):
            yield prefix + name, field
            child = getattr(field, "child", None)
            if isinstance(child, serializers.Serializer):
                yield from _list_fields(child, f"{prefix}{name}[].")
        elif isinstance(field, serializers.Serializer):
            yield from _list_fields(field, f"{prefix}{name}.")


def test_there_are_input_serializers_to_check():
    assert len(_input_serializers()) > 10


@pytest.mark.parametrize("serializer_class", _input_serializers(), ids=lambda cls: cls.__name__)
def test_every_list_input_has_a_maximum(serializer_class):
    uncapped = [
        name for name, field in _list_fields(serializer_class()) if getattr(field, "max_length", None) is None
    ]

    assert not uncapped, f"{serializer_class.__name__}: list inputs without max_length: {uncapped}"
