import logging
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hub.pagination import page_within_window, paginated_response
from hub.permissions import IsCoordinator, IsOrganizationMember, IsVendorMember
from marketplace.selectors import challenge_get, expertise_labels, vendor_get_for_member
from marketplace.visibility import ProfileVisibility
from matching import payments, selectors, services
from matching.models import VendorExposure
from matching.search import people
from matching.search.client import engine_errors
from matching.search.documents import MAX_RESULT_WINDOW
from matching.search.ranking import challenge_ranking, vendor_ranking
from matching.serializers import (
    ChallengeAwardInputSerializer,
    ChallengeInterestInputSerializer,
    ChallengeInterestOutputSerializer,
    ChallengeMatchPageOutputSerializer,
    ChallengeSearchInputSerializer,
    ChallengeSearchOutputSerializer,
    ClarificationAnswerInputSerializer,
    ClarificationInputSerializer,
    ClarificationOutputSerializer,
    EngagementOutputSerializer,
    ExposureSummaryInputSerializer,
    ExposureSummaryOutputSerializer,
    IntroductionDeclineInputSerializer,
    IntroductionInterestInputSerializer,
    IntroductionOutputSerializer,
    IntroductionShortlistInputSerializer,
    MilestoneInputSerializer,
    MilestoneMoveInputSerializer,
    MilestoneOutputSerializer,
    ProposalBulkApproveInputSerializer,
    ProposalBulkApproveOutputSerializer,
    ProposalCreateInputSerializer,
    ProposalDecisionInputSerializer,
    ProposalListInputSerializer,
    ProposalOutputSerializer,
    ProposalRejectInputSerializer,
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
        parameters=[ChallengeSearchInputSerializer, *PAGE_PARAMETERS],
        responses=ChallengeSearchOutputSerializer,
    )
    def get(self, request: Request) -> Response:
        def answer() -> dict:
            page, page_size = page_within_window(request, window=MAX_RESULT_WINDOW)
            q, sort, filters = search_params(ChallengeSearchInputSerializer, request)
            results = people.challenge_search(q=q, filters=filters, sort=sort, page=page, page_size=page_size)
            return ChallengeSearchOutputSerializer(results).data

        # Only answers are kept: a refused parameter raises before anything is kept.
        params = urlencode(sorted(request.query_params.lists()), doseq=True)
        return Response(people.opportunity_search_cached(params=params, answer=answer))


class VendorSearchApi(APIView):
    """The directory of active, verified vendors: public, like their pages; each shows its public sections."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[VendorSearchInputSerializer, *PAGE_PARAMETERS], responses=VendorSearchOutputSerializer
    )
    def get(self, request: Request) -> Response:
        page, page_size = page_within_window(request, window=MAX_RESULT_WINDOW)
        q, sort, filters = search_params(VendorSearchInputSerializer, request)
        results = people.vendor_search(
            visibility=ProfileVisibility(user=request.user),
            q=q,
            filters=filters,
            sort=sort,
            page=page,
            page_size=page_size,
        )
        services.vendor_search_exposure_record(
            reader=request.user, vendor_ids=[hit["id"] for hit in results.results]
        )
        return Response(VendorSearchOutputSerializer(results).data)


class SavedSearchListCreateApi(APIView):
    """A vendor member's saved challenge searches; each alerts its owner when a new challenge matches."""

    permission_classes = [IsVendorMember]

    @extend_schema(responses=SavedSearchOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        return paginated_response(
            request, self, selectors.saved_search_list(user=request.user), SavedSearchOutputSerializer
        )

    @extend_schema(request=SavedSearchCreateInputSerializer, responses={201: SavedSearchOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = SavedSearchCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        name, q, vendor = data.pop("name"), data.pop("q", ""), data.pop("vendor", None)
        with engine_errors():
            saved_search = services.saved_search_create(
                user=request.user, name=name, q=q, filters=data, vendor=vendor
            )
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
    return {"expertise_labels": expertise_labels()}


class ChallengeMatchesApi(APIView):
    """Vendors ranked for a challenge, each with its explanation: the coordinators' tool."""

    permission_classes = [IsCoordinator]

    @extend_schema(parameters=PAGE_PARAMETERS, responses=VendorMatchPageOutputSerializer)
    def get(self, request: Request, challenge_id: int) -> Response:
        challenge = challenge_get(user=request.user, challenge_id=challenge_id)
        page, page_size = page_within_window(request, window=MAX_RESULT_WINDOW)
        total, hits = vendor_ranking(challenge=challenge, offset=(page - 1) * page_size, size=page_size)
        services.vendor_exposure_record(
            vendor_ids=[hit.id for hit in hits], channel=VendorExposure.Channel.MATCHES
        )
        results = [
            {
                "rank": (page - 1) * page_size + n,
                "score": hit.explanation.score,
                "vendor": {"id": hit.id, **hit.source},
                "explanation": hit.explanation,
            }
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
        page, page_size = page_within_window(request, window=MAX_RESULT_WINDOW)
        total, hits = challenge_ranking(vendor=vendor, offset=(page - 1) * page_size, size=page_size)
        results = [
            {
                "rank": (page - 1) * page_size + n,
                "score": hit.explanation.score,
                "challenge": {"id": hit.id, **hit.source},
                "explanation": hit.explanation,
            }
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


# The workflow


class ProposalListCreateApi(APIView):
    """The coordinators' queue of proposals; a coordinator may add a vendor the matcher did not propose."""

    permission_classes = [IsCoordinator]

    @extend_schema(parameters=[ProposalListInputSerializer], responses=ProposalOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        serializer = ProposalListInputSerializer(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        filters = serializer.validated_data
        proposals = selectors.proposal_list(
            user=request.user,
            status=filters.get("status"),
            organization_id=filters.get("organization"),
            expertise=filters["expertise"].code if filters.get("expertise") else None,
            region=filters["region"].code if filters.get("region") else None,
            older_than_days=filters.get("older_than_days"),
            ordering=filters["ordering"],
        )
        return paginated_response(request, self, proposals, ProposalOutputSerializer)

    @extend_schema(request=ProposalCreateInputSerializer, responses={201: ProposalOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = ProposalCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        proposal = services.proposal_add_manual(user=request.user, **serializer.validated_data)
        return Response(ProposalOutputSerializer(proposal).data, status=status.HTTP_201_CREATED)


class ProposalApproveApi(APIView):
    permission_classes = [IsCoordinator]

    @extend_schema(request=None, responses=ProposalOutputSerializer)
    def post(self, request: Request, proposal_id: int) -> Response:
        proposal = selectors.proposal_get(user=request.user, proposal_id=proposal_id)
        proposal = services.proposal_approve(proposal=proposal, user=request.user)
        return Response(ProposalOutputSerializer(proposal).data)


class ProposalRejectApi(APIView):
    permission_classes = [IsCoordinator]

    @extend_schema(request=ProposalRejectInputSerializer, responses=ProposalOutputSerializer)
    def post(self, request: Request, proposal_id: int) -> Response:
        proposal = selectors.proposal_get(user=request.user, proposal_id=proposal_id)
        serializer = ProposalRejectInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        proposal = services.proposal_reject(proposal=proposal, user=request.user, **serializer.validated_data)
        return Response(ProposalOutputSerializer(proposal).data)


class ProposalHoldApi(APIView):
    permission_classes = [IsCoordinator]

    @extend_schema(request=ProposalDecisionInputSerializer, responses=ProposalOutputSerializer)
    def post(self, request: Request, proposal_id: int) -> Response:
        proposal = selectors.proposal_get(user=request.user, proposal_id=proposal_id)
        serializer = ProposalDecisionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        proposal = services.proposal_hold(proposal=proposal, user=request.user, **serializer.validated_data)
        return Response(ProposalOutputSerializer(proposal).data)


class ProposalBulkApproveApi(APIView):
    permission_classes = [IsCoordinator]

    @extend_schema(request=ProposalBulkApproveInputSerializer, responses=ProposalBulkApproveOutputSerializer)
    def post(self, request: Request) -> Response:
        serializer = ProposalBulkApproveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = serializer.validated_data["proposals"]
        proposals = list(selectors.proposal_list(user=request.user).filter(pk__in=ids))
        unknown = set(ids) - {proposal.pk for proposal in proposals}
        if unknown:
            raise ValidationError(
                {
                    "proposals": [
                        _("Unknown proposals: %(ids)s.") % {"ids": ", ".join(map(str, sorted(unknown)))}
                    ]
                }
            )
        approved, refused = services.proposals_bulk_approve(proposals=proposals, user=request.user)
        return Response(ProposalBulkApproveOutputSerializer({"approved": approved, "refused": refused}).data)


class ChallengeInterestApi(APIView):
    """A firm asks to be introduced to an open challenge it is eligible for; coordinators decide."""

    permission_classes = [IsVendorMember]

    @extend_schema(
        request=ChallengeInterestInputSerializer, responses={201: ChallengeInterestOutputSerializer}
    )
    def post(self, request: Request, challenge_id: int) -> Response:
        challenge = challenge_get(user=request.user, challenge_id=challenge_id)
        serializer = ChallengeInterestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        vendor = vendor_get_for_member(user=request.user, vendor_id=data["vendor"])
        proposal = services.proposal_request(
            challenge=challenge,
            vendor=vendor,
            user=request.user,
            note=data["note"],
            reason=data.get("reason", ""),
        )
        return Response(ChallengeInterestOutputSerializer(proposal).data, status=status.HTTP_201_CREATED)


class IntroductionListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=IntroductionOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        return paginated_response(
            request, self, selectors.introduction_list(user=request.user), IntroductionOutputSerializer
        )


class IntroductionDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=IntroductionOutputSerializer)
    def get(self, request: Request, introduction_id: int) -> Response:
        introduction = selectors.introduction_get(user=request.user, introduction_id=introduction_id)
        return Response(IntroductionOutputSerializer(introduction).data)


class IntroductionInterestApi(APIView):
    permission_classes = [IsVendorMember]

    @extend_schema(request=IntroductionInterestInputSerializer, responses=IntroductionOutputSerializer)
    def post(self, request: Request, introduction_id: int) -> Response:
        introduction = selectors.introduction_get(user=request.user, introduction_id=introduction_id)
        serializer = IntroductionInterestInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        introduction = services.introduction_express_interest(
            introduction=introduction, user=request.user, **serializer.validated_data
        )
        return Response(IntroductionOutputSerializer(introduction).data)


class IntroductionDeclineApi(APIView):
    permission_classes = [IsVendorMember]

    @extend_schema(request=IntroductionDeclineInputSerializer, responses=IntroductionOutputSerializer)
    def post(self, request: Request, introduction_id: int) -> Response:
        introduction = selectors.introduction_get(user=request.user, introduction_id=introduction_id)
        serializer = IntroductionDeclineInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        introduction = services.introduction_decline(
            introduction=introduction, user=request.user, **serializer.validated_data
        )
        return Response(IntroductionOutputSerializer(introduction).data)


class IntroductionShortlistApi(APIView):
    permission_classes = [IsOrganizationMember]

    @extend_schema(request=IntroductionShortlistInputSerializer, responses=IntroductionOutputSerializer)
    def post(self, request: Request, introduction_id: int) -> Response:
        introduction = selectors.introduction_get(user=request.user, introduction_id=introduction_id)
        serializer = IntroductionShortlistInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        introduction = services.introduction_shortlist(
            introduction=introduction, user=request.user, **serializer.validated_data
        )
        return Response(IntroductionOutputSerializer(introduction).data)


class ClarificationListCreateApi(APIView):
    """Questions about a challenge and their answers; who asked is never shown."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ClarificationOutputSerializer(many=True))
    def get(self, request: Request, challenge_id: int) -> Response:
        challenge = challenge_get(user=request.user, challenge_id=challenge_id)
        clarifications = selectors.clarification_list(user=request.user, challenge=challenge)
        return paginated_response(request, self, clarifications, ClarificationOutputSerializer)

    @extend_schema(request=ClarificationInputSerializer, responses={201: ClarificationOutputSerializer})
    def post(self, request: Request, challenge_id: int) -> Response:
        challenge = challenge_get(user=request.user, challenge_id=challenge_id)
        serializer = ClarificationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        clarification = services.clarification_ask(
            challenge=challenge, user=request.user, **serializer.validated_data
        )
        return Response(ClarificationOutputSerializer(clarification).data, status=status.HTTP_201_CREATED)


class ClarificationAnswerApi(APIView):
    permission_classes = [IsOrganizationMember]

    @extend_schema(request=ClarificationAnswerInputSerializer, responses=ClarificationOutputSerializer)
    def post(self, request: Request, clarification_id: int) -> Response:
        clarification = selectors.clarification_get(user=request.user, clarification_id=clarification_id)
        serializer = ClarificationAnswerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        clarification = services.clarification_answer(
            clarification=clarification, user=request.user, **serializer.validated_data
        )
        return Response(ClarificationOutputSerializer(clarification).data)


class ChallengeAwardApi(APIView):
    """Award a challenge to an interested vendor; the other introduced vendors are told courteously."""

    permission_classes = [IsOrganizationMember]

    @extend_schema(request=ChallengeAwardInputSerializer, responses={201: EngagementOutputSerializer})
    def post(self, request: Request, challenge_id: int) -> Response:
        challenge = challenge_get(user=request.user, challenge_id=challenge_id)
        serializer = ChallengeAwardInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        introduction = selectors.introduction_get(
            user=request.user, introduction_id=serializer.validated_data["introduction"]
        )
        engagement = services.challenge_award(
            challenge=challenge,
            introduction=introduction,
            user=request.user,
            reason=serializer.validated_data.get("reason", ""),
        )
        return Response(EngagementOutputSerializer(engagement).data, status=status.HTTP_201_CREATED)


class EngagementListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=EngagementOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        return paginated_response(
            request, self, selectors.engagement_list(user=request.user), EngagementOutputSerializer
        )


class EngagementDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=EngagementOutputSerializer)
    def get(self, request: Request, engagement_id: int) -> Response:
        engagement = selectors.engagement_get(user=request.user, engagement_id=engagement_id)
        return Response(EngagementOutputSerializer(engagement).data)


class MilestoneCreateApi(APIView):
    permission_classes = [IsOrganizationMember]

    @extend_schema(request=MilestoneInputSerializer, responses={201: MilestoneOutputSerializer})
    def post(self, request: Request, engagement_id: int) -> Response:
        engagement = selectors.engagement_get(user=request.user, engagement_id=engagement_id)
        serializer = MilestoneInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        milestone = services.milestone_create(
            engagement=engagement, user=request.user, **serializer.validated_data
        )
        return Response(MilestoneOutputSerializer(milestone).data, status=status.HTTP_201_CREATED)


class MilestoneDeliverApi(APIView):
    permission_classes = [IsVendorMember]

    @extend_schema(request=MilestoneMoveInputSerializer, responses=MilestoneOutputSerializer)
    def post(self, request: Request, milestone_id: int) -> Response:
        milestone = selectors.milestone_get(user=request.user, milestone_id=milestone_id)
        serializer = MilestoneMoveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        milestone = services.milestone_deliver(
            milestone=milestone, user=request.user, **serializer.validated_data
        )
        return Response(MilestoneOutputSerializer(milestone).data)


class MilestoneAcceptApi(APIView):
    permission_classes = [IsOrganizationMember]

    @extend_schema(request=MilestoneMoveInputSerializer, responses=MilestoneOutputSerializer)
    def post(self, request: Request, milestone_id: int) -> Response:
        milestone = selectors.milestone_get(user=request.user, milestone_id=milestone_id)
        serializer = MilestoneMoveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        milestone = services.milestone_accept(
            milestone=milestone, user=request.user, **serializer.validated_data
        )
        return Response(MilestoneOutputSerializer(milestone).data)


# Payments

webhook_logger = logging.getLogger(__name__)


class PaymentWebhookApi(APIView):
    """The payment provider's news about our payouts: open to anyone, believed only when signed.

    The signature covers the raw body, so it is checked before anything parses it. A refusal (bad,
    missing or old signature, malformed body, unknown payout) is a 400, logged, that changes nothing;
    the provider sends the event again later. Events about anything but payouts are acknowledged and ignored."""

    authentication_classes: list = []  # No session, hence no CSRF check: the signature authenticates.
    permission_classes = [AllowAny]

    @extend_schema(
        request=OpenApiTypes.OBJECT,
        parameters=[
            OpenApiParameter(
                payments.SIGNATURE_HEADER,
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                description="t=<unix time>,v1=<hex HMAC-SHA256 of '<t>.<raw body>' with the shared secret>",
            )
        ],
        responses={200: None, 400: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        body = request.body
        try:
            payments.webhook_signature_verify(
                header=request.headers.get(payments.SIGNATURE_HEADER, ""),
                body=body,
                secret=settings.PAYMENT_WEBHOOK_SECRET,
            )
            event = payments.webhook_event_parse(body)
            if event is not None:
                services.payout_apply_event(
                    provider_id=event.provider_id,
                    status=event.status,
                    occurred_at=event.occurred_at,
                    failure_message=event.failure_message,
                )
        except DjangoValidationError as error:
            webhook_logger.warning("Payment webhook refused: %s", " ".join(error.messages))
            raise
        return Response(status=status.HTTP_200_OK)
