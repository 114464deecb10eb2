"""How drf-spectacular describes our views in the OpenAPI schema."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import build_bearer_security_scheme_object
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


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """`Authorization: Token <key>` (hub/authentication.py), declared when this module is loaded as the schema class."""

    target_class = "hub.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: SpectacularAutoSchema) -> dict:
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix=self.target.keyword
        )
