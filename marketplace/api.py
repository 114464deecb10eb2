from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hub import roles
from hub.models import Invitation, OrganizationInvitation, User
from hub.pagination import paginated_response
from hub.permissions import IsCoordinator, IsOrganizationMember, IsVendorMember
from hub.selectors import invitation_get, invitation_pending_list
from hub.serializers import InvitationCreateInputSerializer, InvitationOutputSerializer
from hub.services import invitation_revoke, invitation_send
from marketplace import selectors, services
from marketplace.filters import ChallengeFilter, VendorFilter
from marketplace.models import Challenge, VendorInvitation
from marketplace.serializers import (
    ChallengeAddendumOutputSerializer,
    ChallengeDeleteInputSerializer,
    ChallengeGridAmendInputSerializer,
    ChallengeInputSerializer,
    ChallengeOutputSerializer,
    ChallengeTransitionInputSerializer,
    JoinRequestCreateInputSerializer,
    JoinRequestDecideInputSerializer,
    JoinRequestOutputSerializer,
    LabelOutputSerializer,
    OrganizationInputSerializer,
    OrganizationOutputSerializer,
    VendorInputSerializer,
    VendorOutputSerializer,
    VendorVerificationInputSerializer,
    VendorVerificationOutputSerializer,
)


class MethodPermissionsMixin:
    """Permission classes per HTTP method: reading a collection and writing to it differ."""

    permissions_by_method: dict[str, list] = {}

    def get_permissions(self) -> list:
        classes = self.permissions_by_method.get(self.request.method, self.permission_classes)
        return [permission() for permission in classes]


def filtered(filterset_class, request: Request, queryset: QuerySet) -> QuerySet:
    filterset = filterset_class(request.query_params, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    # No blanket distinct(): over whole rows (descriptions included) it is costly on long lists
    # (docs/benchmarks.md). The many-to-many filters (expertise, region), which can repeat a row,
    # apply it themselves when used (django-filter's MultipleChoiceFilter distinct=True).
    return filterset.qs


class RegionListApi(APIView):
    permission_classes = [AllowAny]
    pagination_class = None

    @extend_schema(responses=LabelOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(LabelOutputSerializer(selectors.region_list(), many=True).data)


class ExpertiseListApi(APIView):
    permission_classes = [AllowAny]
    pagination_class = None

    @extend_schema(responses=LabelOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(LabelOutputSerializer(selectors.expertise_list(), many=True).data)


class OrganizationListCreateApi(MethodPermissionsMixin, APIView):
    permissions_by_method = {"GET": [AllowAny], "POST": [IsCoordinator]}

    @extend_schema(responses=OrganizationOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        return paginated_response(request, self, selectors.organization_list(), OrganizationOutputSerializer)

    @extend_schema(request=OrganizationInputSerializer, responses={201: OrganizationOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = OrganizationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        organization = services.organization_create(user=request.user, data=serializer.validated_data)
        return Response(OrganizationOutputSerializer(organization).data, status=status.HTTP_201_CREATED)


class OrganizationDetailApi(MethodPermissionsMixin, APIView):
    permissions_by_method = {"GET": [AllowAny], "PATCH": [IsCoordinator]}

    @extend_schema(responses=OrganizationOutputSerializer)
    def get(self, request: Request, organization_id: int) -> Response:
        organization = selectors.organization_get(organization_id=organization_id)
        return Response(OrganizationOutputSerializer(organization).data)

    @extend_schema(request=OrganizationInputSerializer, responses=OrganizationOutputSerializer)
    def patch(self, request: Request, organization_id: int) -> Response:
        organization = selectors.organization_get(organization_id=organization_id)
        serializer = OrganizationInputSerializer(organization, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        organization = services.organization_update(
            organization=organization, user=request.user, data=serializer.validated_data
        )
        return Response(OrganizationOutputSerializer(organization).data)


class VendorListCreateApi(MethodPermissionsMixin, APIView):
    permissions_by_method = {"GET": [AllowAny], "POST": [IsVendorMember]}

    @extend_schema(responses=VendorOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        vendors = filtered(VendorFilter, request, selectors.vendor_list(user=request.user))
        return paginated_response(request, self, vendors, VendorOutputSerializer)

    @extend_schema(request=VendorInputSerializer, responses={201: VendorOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = VendorInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        vendor = services.vendor_create(user=request.user, data=serializer.validated_data)
        # Read back through the selector, which knows the creator may see the whole profile.
        vendor = selectors.vendor_get(user=request.user, vendor_id=vendor.pk)
        return Response(VendorOutputSerializer(vendor).data, status=status.HTTP_201_CREATED)


class VendorDetailApi(MethodPermissionsMixin, APIView):
    permissions_by_method = {"GET": [AllowAny], "PATCH": [IsAuthenticated], "DELETE": [IsCoordinator]}

    @extend_schema(responses=VendorOutputSerializer)
    def get(self, request: Request, vendor_id: int) -> Response:
        vendor = selectors.vendor_get(user=request.user, vendor_id=vendor_id)
        return Response(VendorOutputSerializer(vendor).data)

    @extend_schema(request=VendorInputSerializer, responses=VendorOutputSerializer)
    def patch(self, request: Request, vendor_id: int) -> Response:
        vendor = selectors.vendor_get(user=request.user, vendor_id=vendor_id)
        serializer = VendorInputSerializer(vendor, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        vendor = services.vendor_update(vendor=vendor, user=request.user, data=serializer.validated_data)
        return Response(
            VendorOutputSerializer(selectors.vendor_get(user=request.user, vendor_id=vendor.pk)).data
        )

    @extend_schema(responses={204: None})
    def delete(self, request: Request, vendor_id: int) -> Response:
        services.vendor_delete(
            vendor=selectors.vendor_get(user=request.user, vendor_id=vendor_id), user=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class VendorVerificationApi(APIView):
    """A coordinator verifies a firm, or refuses it with a reason (the same decision as the verification queue's
    page). A firm already decided, by someone else meanwhile, is refused with 400 and nothing changes."""

    permission_classes = [IsCoordinator]

    @extend_schema(
        request=VendorVerificationInputSerializer, responses={201: VendorVerificationOutputSerializer}
    )
    def post(self, request: Request, vendor_id: int) -> Response:
        vendor = selectors.vendor_get(user=request.user, vendor_id=vendor_id)
        serializer = VendorVerificationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        verification = services.vendor_verification_decide(
            vendor=vendor, user=request.user, **serializer.validated_data
        )
        return Response(VendorVerificationOutputSerializer(verification).data, status=status.HTTP_201_CREATED)


class ChallengeListCreateApi(MethodPermissionsMixin, APIView):
    permissions_by_method = {"GET": [AllowAny], "POST": [IsOrganizationMember]}

    @extend_schema(responses=ChallengeOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        challenges = filtered(ChallengeFilter, request, selectors.challenge_list(user=request.user))
        return paginated_response(request, self, challenges, ChallengeOutputSerializer)

    @extend_schema(request=ChallengeInputSerializer, responses={201: ChallengeOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = ChallengeInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        organization = data.pop("organization", None) or _single_organization(request.user)
        challenge = services.challenge_create(user=request.user, organization=organization, data=data)
        return Response(ChallengeOutputSerializer(challenge).data, status=status.HTTP_201_CREATED)


def _single_organization(user: User):
    organizations = list(selectors.organization_list_for_member(user=user)[:2])
    if len(organizations) != 1:
        raise ValidationError({"organization": [_("Choose the organization this challenge is posted for.")]})
    return organizations[0]


class ChallengeDetailApi(MethodPermissionsMixin, APIView):
    permissions_by_method = {
        "GET": [AllowAny],
        "PATCH": [IsOrganizationMember],
        "DELETE": [IsOrganizationMember],
    }

    @extend_schema(responses=ChallengeOutputSerializer)
    def get(self, request: Request, challenge_id: int) -> Response:
        challenge = selectors.challenge_get(user=request.user, challenge_id=challenge_id)
        return Response(ChallengeOutputSerializer(challenge).data)

    @extend_schema(request=ChallengeInputSerializer, responses=ChallengeOutputSerializer)
    def patch(self, request: Request, challenge_id: int) -> Response:
        challenge = selectors.challenge_get(user=request.user, challenge_id=challenge_id)
        serializer = ChallengeInputSerializer(challenge, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "organization" in data and data["organization"] != challenge.organization:
            raise ValidationError({"organization": [_("A challenge cannot move to another organization.")]})
        data.pop("organization", None)
        services.challenge_update(challenge=challenge, user=request.user, data=data)
        return Response(
            ChallengeOutputSerializer(
                selectors.challenge_get(user=request.user, challenge_id=challenge_id)
            ).data
        )

    @extend_schema(request=ChallengeDeleteInputSerializer, responses={204: None})
    def delete(self, request: Request, challenge_id: int) -> Response:
        challenge = selectors.challenge_get(user=request.user, challenge_id=challenge_id)
        serializer = ChallengeDeleteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.challenge_delete(challenge=challenge, user=request.user, **serializer.validated_data)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ChallengeTransitionApi(APIView):
    """One endpoint per lifecycle move; `to_status` is fixed by the URL."""

    permission_classes = [IsOrganizationMember]
    to_status: str = ""

    @extend_schema(request=ChallengeTransitionInputSerializer, responses=ChallengeOutputSerializer)
    def post(self, request: Request, challenge_id: int) -> Response:
        challenge = selectors.challenge_get(user=request.user, challenge_id=challenge_id)
        serializer = ChallengeTransitionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.challenge_transition(
            challenge=challenge,
            user=request.user,
            to_status=self.to_status,
            note=serializer.validated_data["note"],
        )
        return Response(
            ChallengeOutputSerializer(
                selectors.challenge_get(user=request.user, challenge_id=challenge_id)
            ).data
        )


class ChallengeGridAmendApi(APIView):
    """An addendum: the published challenge's new award mode, K factor and criteria, told to introduced firms."""

    permission_classes = [IsOrganizationMember]

    @extend_schema(
        request=ChallengeGridAmendInputSerializer, responses={201: ChallengeAddendumOutputSerializer}
    )
    def post(self, request: Request, challenge_id: int) -> Response:
        challenge = selectors.challenge_get(user=request.user, challenge_id=challenge_id)
        serializer = ChallengeGridAmendInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        addendum = services.challenge_grid_amend(
            challenge=challenge, user=request.user, **serializer.validated_data
        )
        return Response(ChallengeAddendumOutputSerializer(addendum).data, status=status.HTTP_201_CREATED)


class ChallengeSubmitApi(ChallengeTransitionApi):
    to_status = Challenge.Status.SUBMITTED


class ChallengeWithdrawApi(ChallengeTransitionApi):
    to_status = Challenge.Status.DRAFT


class ChallengePublishApi(ChallengeTransitionApi):
    permission_classes = [IsCoordinator]
    to_status = Challenge.Status.PUBLISHED


class ChallengeCloseApi(ChallengeTransitionApi):
    to_status = Challenge.Status.CLOSED


class ChallengeCancelApi(ChallengeTransitionApi):
    to_status = Challenge.Status.CANCELLED


# Requests to join a firm


class JoinRequestListCreateApi(APIView):
    """The caller's own requests to join firms; a new one names the firm by its NEQ."""

    permission_classes = [IsVendorMember]

    @extend_schema(responses=JoinRequestOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        requests = selectors.join_request_list_for_requester(user=request.user)
        return paginated_response(request, self, requests, JoinRequestOutputSerializer)

    @extend_schema(request=JoinRequestCreateInputSerializer, responses={201: JoinRequestOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = JoinRequestCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        join_request = services.join_request_create(user=request.user, **serializer.validated_data)
        return Response(JoinRequestOutputSerializer(join_request).data, status=status.HTTP_201_CREATED)


class VendorJoinRequestListApi(APIView):
    """The requests waiting for a firm's answer, for its members."""

    permission_classes = [IsVendorMember]

    @extend_schema(responses=JoinRequestOutputSerializer(many=True))
    def get(self, request: Request, vendor_id: int) -> Response:
        vendor = selectors.vendor_get_for_member(user=request.user, vendor_id=vendor_id)
        requests = selectors.join_request_list_for_vendor(user=request.user, vendor=vendor)
        return paginated_response(request, self, requests, JoinRequestOutputSerializer)


class JoinRequestDecideApi(APIView):
    permission_classes = [IsVendorMember]

    @extend_schema(request=JoinRequestDecideInputSerializer, responses=JoinRequestOutputSerializer)
    def post(self, request: Request, join_request_id: int) -> Response:
        join_request = selectors.join_request_get_for_vendor(
            user=request.user, join_request_id=join_request_id
        )
        serializer = JoinRequestDecideInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        join_request = services.join_request_decide(
            join_request=join_request,
            user=request.user,
            accept=serializer.validated_data["decision"] == "accept",
            reason=serializer.validated_data.get("reason", ""),
        )
        return Response(JoinRequestOutputSerializer(join_request).data)


class JoinRequestWithdrawApi(APIView):
    permission_classes = [IsVendorMember]

    @extend_schema(request=None, responses=JoinRequestOutputSerializer)
    def post(self, request: Request, join_request_id: int) -> Response:
        join_request = selectors.join_request_get_for_requester(
            user=request.user, join_request_id=join_request_id
        )
        join_request = services.join_request_withdraw(join_request=join_request, user=request.user)
        return Response(JoinRequestOutputSerializer(join_request).data)


# Invitations to organizations and firms: the members pages' rules (hub.services.invitation_*). A member of the
# party or a coordinator manages them; another party's invitations are hidden (404), as on the pages.


class PartyInvitationsMixin:
    invitation_model: type[Invitation]

    def get_party(self, request: Request, party_id: int) -> roles.Party:
        raise NotImplementedError


class OrganizationInvitationsMixin(PartyInvitationsMixin):
    permission_classes = [IsOrganizationMember]
    invitation_model = OrganizationInvitation

    def get_party(self, request: Request, party_id: int) -> roles.Party:
        organization = selectors.organization_get(organization_id=party_id)
        if not roles.is_organization_member(request.user, organization):
            raise Http404  # As the members page: another organization's invitations are not shown.
        return organization


class VendorInvitationsMixin(PartyInvitationsMixin):
    permission_classes = [IsVendorMember]
    invitation_model = VendorInvitation

    def get_party(self, request: Request, party_id: int) -> roles.Party:
        return selectors.vendor_get_for_member(user=request.user, vendor_id=party_id)


class InvitationListCreateApi(PartyInvitationsMixin, APIView):
    """The party's pending invitations (newest first), or a new one: the link is emailed to the address and
    works once, for INVITATION_LIFETIME_DAYS; a pending invitation to the same address is replaced."""

    pagination_class = None

    @extend_schema(responses=InvitationOutputSerializer(many=True))
    def get(self, request: Request, party_id: int) -> Response:
        party = self.get_party(request, party_id)
        invitations = invitation_pending_list(invitation_model=self.invitation_model, party=party)
        return Response(InvitationOutputSerializer(invitations, many=True).data)

    @extend_schema(request=InvitationCreateInputSerializer, responses={201: InvitationOutputSerializer})
    def post(self, request: Request, party_id: int) -> Response:
        party = self.get_party(request, party_id)
        serializer = InvitationCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation, _key = invitation_send(
            invitation_model=self.invitation_model,
            party=party,
            email=serializer.validated_data["email"],
            invited_by=request.user,
        )
        return Response(InvitationOutputSerializer(invitation).data, status=status.HTTP_201_CREATED)


class InvitationRevokeApi(PartyInvitationsMixin, APIView):
    """Withdraw a pending invitation: its link stops working. An accepted one is refused (remove the member)."""

    @extend_schema(responses={204: None})
    def delete(self, request: Request, party_id: int, invitation_id: int) -> Response:
        party = self.get_party(request, party_id)
        invitation = invitation_get(
            invitation_model=self.invitation_model, party=party, invitation_id=invitation_id
        )
        invitation_revoke(invitation=invitation, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class OrganizationInvitationListCreateApi(OrganizationInvitationsMixin, InvitationListCreateApi):
    pass


class OrganizationInvitationRevokeApi(OrganizationInvitationsMixin, InvitationRevokeApi):
    pass


class VendorInvitationListCreateApi(VendorInvitationsMixin, InvitationListCreateApi):
    pass


class VendorInvitationRevokeApi(VendorInvitationsMixin, InvitationRevokeApi):
    pass
