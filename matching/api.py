import logging
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hub.pagination import page_within_window, paginated_response
from hub.permissions import IsCoordinator, IsOrganizationMember, IsVendorMember
from marketplace.selectors import challenge_get, expertise_labels, vendor_get_for_member
from marketplace.visibility import ProfileVisibility
from matching import payments, selectors, services
from matching.models import SubmissionAttachment, VendorExposure
from matching.search import people
from matching.search.client import engine_errors
from matching.search.documents import MAX_RESULT_WINDOW
from matching.search.ranking import challenge_ranking, vendor_ranking
from matching.serializers import (
    AwardDecisionOutputSerializer,
    ChallengeAwardInputSerializer,
    ChallengeAwardSubmissionInputSerializer,
    ChallengeInterestInputSerializer,
    ChallengeInterestOutputSerializer,
    ChallengeMatchPageOutputSerializer,
    ChallengeSearchInputSerializer,
    ChallengeSearchOutputSerializer,
    ClarificationAnswerInputSerializer,
    ClarificationInputSerializer,
    ClarificationOutputSerializer,
    CommitteeMemberOutputSerializer,
    CommitteeSetInputSerializer,
    ConsensusRecordInputSerializer,
    ConsensusScoreOutputSerializer,
    DebriefOutputSerializer,
    EngagementAmendInputSerializer,
    EngagementAmendmentOutputSerializer,
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
    PayoutCancelInputSerializer,
    PayoutOutputSerializer,
    ProposalBulkApproveInputSerializer,
    ProposalBulkApproveOutputSerializer,
    ProposalCreateInputSerializer,
    ProposalDecisionInputSerializer,
    ProposalListInputSerializer,
    ProposalOutputSerializer,
    ProposalRejectInputSerializer,
    RankingRowOutputSerializer,
    SavedSearchCreateInputSerializer,
    SavedSearchOutputSerializer,
    ScoreSheetOutputSerializer,
    ScoreSheetSaveInputSerializer,
    ScoreSheetSubmitInputSerializer,
    SubmissionAttachmentAddInputSerializer,
    SubmissionAttachmentOutputSerializer,
    SubmissionMoveInputSerializer,
    SubmissionOutputSerializer,
    SubmissionSaveInputSerializer,
    VendorMatchPageOutputSerializer,
    VendorSearchInputSerializer,
    VendorSearchOutputSerializer,
    scores_from,
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


class EngagementAmendApi(APIView):
    """A hub coordinator records an amendment (« avenant »): a new price ceiling, a new end date, or both."""

    permission_classes = [IsCoordinator]

    @extend_schema(
        request=EngagementAmendInputSerializer, responses={201: EngagementAmendmentOutputSerializer}
    )
    def post(self, request: Request, engagement_id: int) -> Response:
        engagement = selectors.engagement_get(user=request.user, engagement_id=engagement_id)
        serializer = EngagementAmendInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        amendment = services.engagement_amend(
            engagement=engagement, user=request.user, **serializer.validated_data
        )
        return Response(EngagementAmendmentOutputSerializer(amendment).data, status=status.HTTP_201_CREATED)


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


# Proposals, sealed until the deadline (the selectors decide who reads one, and audit the openings)


class SubmissionSaveApi(APIView):
    """Create the firm's proposal for this introduction, or change it: only the fields sent change. A submitted
    proposal stays submitted."""

    permission_classes = [IsVendorMember]

    @extend_schema(request=SubmissionSaveInputSerializer, responses=SubmissionOutputSerializer)
    def post(self, request: Request, introduction_id: int) -> Response:
        introduction = selectors.introduction_get(user=request.user, introduction_id=introduction_id)
        serializer = SubmissionSaveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        reason = data.pop("reason", "")
        submission = services.submission_save(
            introduction=introduction, user=request.user, data=data, reason=reason
        )
        return Response(SubmissionOutputSerializer(submission).data)


class SubmissionListApi(APIView):
    """The firm's own proposals; an organization's, once its challenges' deadlines opened them."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("challenge", OpenApiTypes.INT, description="Only this challenge's.")],
        responses=SubmissionOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        challenge_id = None
        if request.query_params.get("challenge"):
            try:
                challenge_id = int(request.query_params["challenge"])
            except ValueError:
                raise ValidationError({"challenge": _("Give a challenge's number.")}) from None
        submissions = selectors.submission_list_read(user=request.user, challenge_id=challenge_id)
        return paginated_response(request, self, submissions, SubmissionOutputSerializer)


class SubmissionDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=SubmissionOutputSerializer)
    def get(self, request: Request, submission_id: int) -> Response:
        submission = selectors.submission_get(user=request.user, submission_id=submission_id)
        return Response(SubmissionOutputSerializer(submission).data)


class SubmissionSubmitApi(APIView):
    """Submit a complete proposal (400 with what is missing otherwise)."""

    permission_classes = [IsVendorMember]

    @extend_schema(request=SubmissionMoveInputSerializer, responses=SubmissionOutputSerializer)
    def post(self, request: Request, submission_id: int) -> Response:
        submission = selectors.submission_get(user=request.user, submission_id=submission_id)
        serializer = SubmissionMoveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        submission = services.submission_submit(
            submission=submission, user=request.user, **serializer.validated_data
        )
        return Response(SubmissionOutputSerializer(submission).data)


class SubmissionWithdrawApi(APIView):
    permission_classes = [IsVendorMember]

    @extend_schema(request=SubmissionMoveInputSerializer, responses=SubmissionOutputSerializer)
    def post(self, request: Request, submission_id: int) -> Response:
        submission = selectors.submission_get(user=request.user, submission_id=submission_id)
        serializer = SubmissionMoveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        submission = services.submission_withdraw(
            submission=submission, user=request.user, **serializer.validated_data
        )
        return Response(SubmissionOutputSerializer(submission).data)


class SubmissionAttachmentAddApi(APIView):
    """Join a PDF (multipart/form-data), checked by its content and its size."""

    permission_classes = [IsVendorMember]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": SubmissionAttachmentAddInputSerializer},
        responses={201: SubmissionAttachmentOutputSerializer},
    )
    def post(self, request: Request, submission_id: int) -> Response:
        submission = selectors.submission_get(user=request.user, submission_id=submission_id)
        serializer = SubmissionAttachmentAddInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = services.submission_attachment_add(
            submission=submission, user=request.user, **serializer.validated_data
        )
        return Response(SubmissionAttachmentOutputSerializer(attachment).data, status=status.HTTP_201_CREATED)


class SubmissionAttachmentRemoveApi(APIView):
    permission_classes = [IsVendorMember]

    @extend_schema(request=SubmissionMoveInputSerializer, responses={204: None})
    def delete(self, request: Request, attachment_id: int) -> Response:
        attachment = selectors.submission_attachment_get(user=request.user, attachment_id=attachment_id)
        serializer = SubmissionMoveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.submission_attachment_remove(
            attachment=attachment, user=request.user, **serializer.validated_data
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class SubmissionAttachmentDownloadApi(APIView):
    """The PDF itself, streamed through the storage API to whoever may read the proposal (never a public URL)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request: Request, attachment_id: int) -> FileResponse:
        attachment = selectors.submission_attachment_get(user=request.user, attachment_id=attachment_id)
        return attachment_response(attachment)


def attachment_response(attachment: SubmissionAttachment) -> FileResponse:
    """A proposal's PDF as a download, whatever the storage (the pages use it too)."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# Payments


class PayoutRetryApi(APIView):
    """A hub coordinator sends a failed payout again, under the same idempotency key."""

    permission_classes = [IsCoordinator]

    @extend_schema(request=None, responses=PayoutOutputSerializer)
    def post(self, request: Request, payout_id: int) -> Response:
        payout = selectors.payout_get(user=request.user, payout_id=payout_id)
        payout = services.payout_retry(payout=payout, user=request.user)
        return Response(PayoutOutputSerializer(payout).data)


class PayoutCancelApi(APIView):
    """A hub coordinator gives up on a failed payout, with the reason; the milestone stays accepted."""

    permission_classes = [IsCoordinator]

    @extend_schema(request=PayoutCancelInputSerializer, responses=PayoutOutputSerializer)
    def post(self, request: Request, payout_id: int) -> Response:
        payout = selectors.payout_get(user=request.user, payout_id=payout_id)
        serializer = PayoutCancelInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        payout = services.payout_cancel(payout=payout, user=request.user, **serializer.validated_data)
        return Response(PayoutOutputSerializer(payout).data)


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


# The evaluation and the award (services/evaluations.py, docs/evaluation.md)


class CommitteeDetailApi(APIView):
    """A challenge's selection committee: read it, or name it (at least three scoring members and a secretary
    who does not score, all members of the organization) until a score sheet is submitted."""

    permission_classes = [IsOrganizationMember]

    @extend_schema(responses=CommitteeMemberOutputSerializer(many=True))
    def get(self, request: Request, challenge_id: int) -> Response:
        challenge = challenge_get(user=request.user, challenge_id=challenge_id)
        committee = selectors.committee_list(challenge=challenge, user=request.user)
        return Response(CommitteeMemberOutputSerializer(committee, many=True).data)

    @extend_schema(request=CommitteeSetInputSerializer, responses=CommitteeMemberOutputSerializer(many=True))
    def put(self, request: Request, challenge_id: int) -> Response:
        challenge = challenge_get(user=request.user, challenge_id=challenge_id)
        serializer = CommitteeSetInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        candidates = {
            user.pk: user
            for user in selectors.committee_candidate_list(challenge=challenge, user=request.user)
        }
        unknown = [pk for pk in [*data["members"], data["secretary"]] if pk not in candidates]
        if unknown:
            raise ValidationError(
                {
                    "members": _(
                        "Users %(ids)s are not active members of the organization: name its members only."
                    )
                    % {"ids": ", ".join(str(pk) for pk in unknown)}
                }
            )
        services.committee_set(
            challenge=challenge,
            user=request.user,
            members=[candidates[pk] for pk in data["members"]],
            secretary=candidates[data["secretary"]],
            reason=data.get("reason", ""),
        )
        committee = selectors.committee_list(challenge=challenge, user=request.user)
        return Response(CommitteeMemberOutputSerializer(committee, many=True).data)


class ScoreSheetDetailApi(APIView):
    """A proposal's score sheets as the caller may read them (a member sees the others' only once they
    submitted their own), or save the caller's own scores without submitting them."""

    permission_classes = [IsOrganizationMember]

    @extend_schema(responses=ScoreSheetOutputSerializer(many=True))
    def get(self, request: Request, submission_id: int) -> Response:
        submission = selectors.submission_get_opened(user=request.user, submission_id=submission_id)
        sheets = selectors.score_sheet_list(submission=submission, user=request.user)
        return Response(ScoreSheetOutputSerializer(sheets, many=True).data)

    @extend_schema(request=ScoreSheetSaveInputSerializer, responses=ScoreSheetOutputSerializer)
    def put(self, request: Request, submission_id: int) -> Response:
        submission = selectors.submission_get_opened(user=request.user, submission_id=submission_id)
        serializer = ScoreSheetSaveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sheet = services.score_sheet_save(
            submission=submission, user=request.user, scores=scores_from(serializer.validated_data["scores"])
        )
        return Response(ScoreSheetOutputSerializer(sheet).data)


class ScoreSheetSubmitApi(APIView):
    """Submit the caller's score sheet for a proposal, every criterion scored; it cannot change afterwards."""

    permission_classes = [IsOrganizationMember]

    @extend_schema(request=ScoreSheetSubmitInputSerializer, responses=ScoreSheetOutputSerializer)
    def post(self, request: Request, submission_id: int) -> Response:
        submission = selectors.submission_get_opened(user=request.user, submission_id=submission_id)
        serializer = ScoreSheetSubmitInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        sheet = services.score_sheet_submit(
            submission=submission, user=request.user, scores=scores_from(serializer.validated_data["scores"])
        )
        return Response(ScoreSheetOutputSerializer(sheet).data)


class ConsensusDetailApi(APIView):
    """A proposal's consensus scores, or the secretary's record of them (every criterion, with the comment
    meant for the firm), once every scoring member submitted their sheet; correctable until the award."""

    permission_classes = [IsOrganizationMember]

    @extend_schema(responses=ConsensusScoreOutputSerializer(many=True))
    def get(self, request: Request, submission_id: int) -> Response:
        submission = selectors.submission_get_opened(user=request.user, submission_id=submission_id)
        consensus = selectors.consensus_list(submission=submission, user=request.user)
        return Response(ConsensusScoreOutputSerializer(consensus, many=True).data)

    @extend_schema(
        request=ConsensusRecordInputSerializer, responses=ConsensusScoreOutputSerializer(many=True)
    )
    def put(self, request: Request, submission_id: int) -> Response:
        submission = selectors.submission_get_opened(user=request.user, submission_id=submission_id)
        serializer = ConsensusRecordInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.consensus_record(
            submission=submission, user=request.user, scores=scores_from(serializer.validated_data["scores"])
        )
        consensus = selectors.consensus_list(submission=submission, user=request.user)
        return Response(ConsensusScoreOutputSerializer(consensus, many=True).data)


class ChallengeRankingApi(APIView):
    """The proposals ranked by the challenge's award mode, with the computation step by step (409 while a
    consensus is missing)."""

    permission_classes = [IsOrganizationMember]

    @extend_schema(responses=RankingRowOutputSerializer(many=True))
    def get(self, request: Request, challenge_id: int) -> Response:
        challenge = challenge_get(user=request.user, challenge_id=challenge_id)
        ranking = selectors.challenge_ranking(challenge=challenge, user=request.user)
        return Response(RankingRowOutputSerializer(ranking, many=True).data)


class ChallengeAwardSubmissionApi(APIView):
    """Award the challenge to its top-ranked proposal, with the rationale: the engagement opens from the
    proposal's price and schedule, and every other firm is sent its debrief."""

    permission_classes = [IsOrganizationMember]

    @extend_schema(
        request=ChallengeAwardSubmissionInputSerializer, responses={201: AwardDecisionOutputSerializer}
    )
    def post(self, request: Request, challenge_id: int) -> Response:
        challenge = challenge_get(user=request.user, challenge_id=challenge_id)
        serializer = ChallengeAwardSubmissionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        submission = selectors.submission_get_opened(user=request.user, submission_id=data["submission"])
        decision = services.challenge_award_submission(
            challenge=challenge,
            user=request.user,
            submission=submission,
            rationale=data["rationale"],
            reason=data.get("reason", ""),
        )
        return Response(AwardDecisionOutputSerializer(decision).data, status=status.HTTP_201_CREATED)


class SubmissionDebriefApi(APIView):
    """A firm's debrief once the challenge is awarded: its scores per criterion, its rank and rejection reasons,
    the winner's final score and price, and the committee's comments for it."""

    permission_classes = [IsVendorMember]

    @extend_schema(responses=DebriefOutputSerializer)
    def get(self, request: Request, submission_id: int) -> Response:
        debrief = selectors.submission_debrief(user=request.user, submission_id=submission_id)
        return Response(DebriefOutputSerializer(debrief).data)
