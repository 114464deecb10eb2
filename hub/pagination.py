from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError


class PageNumberPagination(pagination.PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_number(self, request, paginator) -> int:
        return self._positive_int(request, self.page_query_param, default=1)

    def get_page_size(self, request) -> int:
        if self.page_size_query_param not in request.query_params:
            return self.page_size
        size = self._positive_int(request, self.page_size_query_param, default=self.page_size)
        if size > self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("The page size cannot exceed %(max)s.") % {"max": self.max_page_size}
                    ]
                }
            )
        return size

    @staticmethod
    def _positive_int(request, name: str, *, default: int) -> int:
        raw = request.query_params.get(name)
        if raw is None or raw == "":
            return default
        if not raw.isdigit() or int(raw) < 1:
            raise ValidationError({name: [_("Enter a whole number greater than or equal to 1.")]})
        return int(raw)


def paginated_response(request, view, queryset, serializer_class):
    """One page of `queryset`, rendered by `serializer_class`, with the count and the neighbours' links."""
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(queryset, request, view=view)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


def page_within_window(request, *, window: int) -> tuple[int, int]:
    """`page` and `page_size`, checked as everywhere in the API; a search pages no deeper than `window` results.

    For a search engine's pages (which are not querysets): the API and the search pages' forms both ask it."""
    paginator = PageNumberPagination()
    page_size = paginator.get_page_size(request)
    page = paginator.get_page_number(request, paginator)
    if page * page_size > window:
        raise ValidationError(
            {
                "page": [
                    _(
                        "Only the first %(max)s results can be shown. Add words or filters to narrow the search."
                    )
                    % {"max": window}
                ]
            }
        )
    return page, page_size
