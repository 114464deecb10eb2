from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hub.pagination import PageNumberPagination
from hub.permissions import IsCoordinator, IsOrganizationMember, IsVendorMember
from marketplace.selectors import challenge_get, expertise_list, vendor_get_for_member
from matching import search, selectors, services
from matching.models import VendorExposure
from matching.search import MAX_RESULT_WINDOW, engine_errors
from matching.serializers import (
    ChallengeMatchPageOutputSerializer,
    ChallengeSearchInputSerializer,
    ChallengeSearchOutputSerializer,
    ExposureSummaryInputSerializer,
    ExposureSummaryOutputSerializer,
    SavedSearchCreateInputSerializer,
    SavedSearchOutputSerializer,
    VendorMatchPageOutputSerializer,
    VendorSearchInputSerializer,
    VendorSearchOutputSerializer,
)

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
        services.vendor_exposure_record(
            vendor_ids=[hit["id"] for hit in results.results], channel=VendorExposure.Channel.SEARCH
        )
        return Response(VendorSearchOutputSerializer(results).data)


class SavedSearchListCreateApi(APIView):
    """A vendor member's saved challenge searches; each alerts its owner when a new challenge matches."""

    permission_classes = [IsVendorMember]
    pagination_class = PageNumberPagination

    @extend_schema(responses=SavedSearchOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.saved_search_list(user=request.user), request, view=self)
        return paginator.get_paginated_response(SavedSearchOutputSerializer(page, many=True).data)

    @extend_schema(request=SavedSearchCreateInputSerializer, responses={201: SavedSearchOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = SavedSearchCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        name, q, vendor = data.pop("name"), data.pop("q", ""), data.pop("vendor", None)
        with engine_errors():
            saved_search = services.saved_search_create(user=request.user, name=name, q=q, filters=data, vendor=vendor)
        return Response(SavedSearchOutputSerializer(saved_search).data, status=status.HTTP_201_CREATED)


class SavedSearchDeleteApi(APIView):
    permission_classes = [IsVendorMember]

    @extend_schema(responses={204: None})
    def delete(self, request: Request, saved_search_id: int) -> Response:
        saved_search = selectors.saved_search_get(user=request.user, saved_search_id=saved_search_id)
        services.saved_search_delete(saved_search=saved_search, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# The matcher


def _match_page(page: int, page_size: int, total: int, results: list[dict]) -> dict:
    return {"count": total, "page": page, "page_size": page_size, "results": results}


def _explanation_context() -> dict:
    return {"expertise_labels": {item.code: item.label for item in expertise_list()}}


class ChallengeMatchesApi(APIView):
    """Vendors ranked for a challenge, each with its explanation: the coordinators' tool."""

    permission_classes = [IsCoordinator]

    @extend_schema(parameters=PAGE_PARAMETERS, responses=VendorMatchPageOutputSerializer)
    def get(self, request: Request, challenge_id: int) -> Response:
        challenge = challenge_get(user=request.user, challenge_id=challenge_id)
        page, page_size = search_page(request)
        total, hits = selectors.vendor_ranking(challenge=challenge, offset=(page - 1) * page_size, size=page_size)
        services.vendor_exposure_record(vendor_ids=[hit.id for hit in hits], channel=VendorExposure.Channel.MATCHES)
        results = [
            {"rank": (page - 1) * page_size + n, "score": hit.explanation.score,
             "vendor": {"id": hit.id, **hit.source}, "explanation": hit.explanation}
            for n, hit in enumerate(hits, start=1)
        ]
        data = VendorMatchPageOutputSerializer(
            _match_page(page, page_size, total, results), context=_explanation_context()
        ).data
        return Response(data)


class VendorOpportunitiesApi(APIView):
    """Open challenges ranked for a vendor, each with its explanation: for the vendor's members."""

    permission_classes = [IsVendorMember]

    @extend_schema(parameters=PAGE_PARAMETERS, responses=ChallengeMatchPageOutputSerializer)
    def get(self, request: Request, vendor_id: int) -> Response:
        vendor = vendor_get_for_member(user=request.user, vendor_id=vendor_id)
        page, page_size = search_page(request)
        total, hits = selectors.challenge_ranking(vendor=vendor, offset=(page - 1) * page_size, size=page_size)
        results = [
            {"rank": (page - 1) * page_size + n, "score": hit.explanation.score,
             "challenge": {"id": hit.id, **hit.source}, "explanation": hit.explanation}
            for n, hit in enumerate(hits, start=1)
        ]
        data = ChallengeMatchPageOutputSerializer(
            _match_page(page, page_size, total, results), context=_explanation_context()
        ).data
        return Response(data)


class ExposureSummaryApi(APIView):
    """How the matcher's and the directory's attention is spread over vendors."""

    permission_classes = [IsCoordinator]

    @extend_schema(parameters=[ExposureSummaryInputSerializer], responses=ExposureSummaryOutputSerializer)
    def get(self, request: Request) -> Response:
        serializer = ExposureSummaryInputSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        summary = selectors.vendor_exposure_summary(**serializer.validated_data)
        return Response(ExposureSummaryOutputSerializer(summary).data)
