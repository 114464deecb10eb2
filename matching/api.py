from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hub.pagination import PageNumberPagination
from hub.permissions import IsOrganizationMember
from matching import search
from matching.models import VendorExposure
from matching.search import MAX_RESULT_WINDOW, engine_errors
from matching.serializers import (
    ChallengeSearchInputSerializer,
    ChallengeSearchOutputSerializer,
    VendorSearchInputSerializer,
    VendorSearchOutputSerializer,
)
from matching.services import vendor_exposure_record

PAGE_PARAMETERS = [
    OpenApiParameter("page", OpenApiTypes.INT, description="Page number, from 1."),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="Results per page, at most 100."),
]


def search_page(request: Request) -> tuple[int, int]:
    """`page` and `page_size`, checked as everywhere in the API; the engine pages no deeper than its window."""
    paginator = PageNumberPagination()
    page_size = paginator.get_page_size(request)
    page = paginator.get_page_number(request, paginator)
    if page * page_size > MAX_RESULT_WINDOW:
        raise ValidationError(
            {
                "page": [
                    _("Only the first %(max)s results can be shown. Add words or filters to narrow the search.")
                    % {"max": MAX_RESULT_WINDOW}
                ]
            }
        )
    return page, page_size


def search_params(serializer_class: type, request: Request) -> tuple[str, str, dict]:
    """The words, the sort order and the filters of a search request."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    filters = dict(serializer.validated_data)
    return filters.pop("q", ""), filters.pop("sort", ""), filters


class ChallengeSearchApi(APIView):
    """Published challenges, for SMEs browsing opportunities."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[ChallengeSearchInputSerializer, *PAGE_PARAMETERS], responses=ChallengeSearchOutputSerializer
    )
    def get(self, request: Request) -> Response:
        page, page_size = search_page(request)
        q, sort, filters = search_params(ChallengeSearchInputSerializer, request)
        with engine_errors():
            results = search.challenge_search(q=q, filters=filters, sort=sort, page=page, page_size=page_size)
        return Response(ChallengeSearchOutputSerializer(results).data)


class VendorSearchApi(APIView):
    """The directory of active, verified vendors, for public organizations and coordinators."""

    permission_classes = [IsOrganizationMember]

    @extend_schema(parameters=[VendorSearchInputSerializer, *PAGE_PARAMETERS], responses=VendorSearchOutputSerializer)
    def get(self, request: Request) -> Response:
        page, page_size = search_page(request)
        q, sort, filters = search_params(VendorSearchInputSerializer, request)
        with engine_errors():
            results = search.vendor_search(q=q, filters=filters, sort=sort, page=page, page_size=page_size)
        vendor_exposure_record(
            vendor_ids=[hit["id"] for hit in results.results], channel=VendorExposure.Channel.SEARCH
        )
        return Response(VendorSearchOutputSerializer(results).data)
