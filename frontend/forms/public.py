"""Forms of the public pages: the opportunity search and the vendor directory.

A search form checks its query string with the API's own input serializer and page rules, so a page
and `GET /api/v1/…/search/` accept and refuse exactly the same parameters, with the same messages."""

from collections.abc import Iterable

from django import forms
from django.http import HttpRequest, QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request

from frontend.forms import api_error_messages
from hub.pagination import page_within_window
from matching.search.documents import MAX_RESULT_WINDOW
from matching.search.queries import ChallengeSort, VendorSort
from matching.serializers import ChallengeSearchInputSerializer, VendorSearchInputSerializer


class SearchForm(forms.Form):
    """Words, sort order, facet values and page of a search, all from the query string.

    Only `q` and `sort` are rendered from this form; the facet checkboxes are drawn from the engine's
    facet counts. Validation is the API's: the input serializer, then `page_within_window`."""

    serializer_class: type[serializers.Serializer]
    facet_names: tuple[str, ...]
    sort_choices: Iterable[tuple[str, str]]

    q = forms.CharField(
        label=_("Search words"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off", "enterkeyhint": "search"}),
    )
    sort = forms.CharField(label=_("Sort by"), required=False, widget=forms.Select)

    def __init__(self, data: QueryDict, *, request: HttpRequest) -> None:
        super().__init__(data)
        self.request = request
        self.fields["sort"].widget.choices = [("", _("Default order")), *self.sort_choices]

    def clean(self) -> dict:
        params = self.data.copy()
        # An empty search box means "no words": the API refuses q="" but browses everything without q.
        if not params.get("q", "").strip():
            params.pop("q", None)
        serializer = self.serializer_class(data=params)
        if not serializer.is_valid():
            for name, detail in serializer.errors.items():
                for message in api_error_messages(detail):
                    self.add_error(name if name in self.fields else None, message)
            return self.cleaned_data
        try:
            page, page_size = page_within_window(Request(self.request), window=MAX_RESULT_WINDOW)
        except ApiValidationError as error:
            for message in api_error_messages(error.detail):
                self.add_error(None, message)
            return self.cleaned_data
        filters = dict(serializer.validated_data)
        self.cleaned_data.update(
            q=filters.pop("q", ""),
            sort=filters.pop("sort", ""),
            filters=filters,
            page=page,
            page_size=page_size,
        )
        return self.cleaned_data

    def search_arguments(self) -> dict:
        """The keyword arguments of matching.search.people's challenge_search / vendor_search."""
        return {name: self.cleaned_data[name] for name in ("q", "filters", "sort", "page", "page_size")}

    def selected(self, facet: str) -> list[str]:
        """The values of a facet in the query string, valid or not, to keep the boxes the user ticked."""
        return [value for value in self.data.getlist(facet) if value]


class ChallengeSearchForm(SearchForm):
    serializer_class = ChallengeSearchInputSerializer
    facet_names = ("expertise", "region", "organization_kind", "language", "budget", "deadline")
    sort_choices = ChallengeSort.choices


class VendorSearchForm(SearchForm):
    serializer_class = VendorSearchInputSerializer
    facet_names = ("expertise", "region", "language", "size", "certification")
    sort_choices = VendorSort.choices
