"""How drf-spectacular describes our views in the OpenAPI schema."""
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework.pagination import BasePagination

from hub.pagination import PageNumberPagination


class AutoSchema(SpectacularAutoSchema):
    """A list response (`responses=X(many=True)`) comes in pages, as hub.pagination.paginated_response
    renders it, unless the view says `pagination_class = None`.

    drf-spectacular learns that a view pages its lists from the view's `pagination_class`, which a plain
    APIView does not have: without this, the schema promised bare arrays where the API answers pages."""

    def _get_paginator(self) -> BasePagination | None:
        pagination_class = getattr(self.view, "pagination_class", PageNumberPagination)
        return pagination_class() if pagination_class else None
