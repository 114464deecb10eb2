import csv
import datetime
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.contrib.auth import authenticate, logout
from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hub import security, selectors, services
from hub.models import AuditEntry, ConfidentialityIncident
from hub.pagination import paginated_response
from hub.permissions import IsAdministrator, IsCoordinator
from hub.serializers import (
    AuditEntryListInputSerializer,
    AuditEntryOutputSerializer,
    ConsentCreateInputSerializer,
    ConsentListOutputSerializer,
    ConsentOutputSerializer,
    NotificationOutputSerializer,
    TokenCreateOutputSerializer,
    TokenInputSerializer,
    TokenOutputSerializer,
    UserDeleteInputSerializer,
    UserOutputSerializer,
    UserPreferencesOutputSerializer,
    UserPreferencesUpdateInputSerializer,
)

PAGE_PARAMETERS = [
    OpenApiParameter("page", OpenApiTypes.INT, description="Page number, from 1."),
    OpenApiParameter("page_size", OpenApiTypes.INT, description="Results per page, at most 100."),
]


class TokenCreateApi(APIView):
    """A new token for a username and password (and the current two-factor code, for an account that has one),
    valid API_TOKEN_LIFETIME_DAYS; refused with 429 while signing
    in is paused for this username from this address (hub/security.py)."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [security.LoginRateThrottle]

    @extend_schema(request=TokenInputSerializer, responses=TokenCreateOutputSerializer)
    def post(self, request: Request) -> Response:
        serializer = TokenInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username, password = serializer.validated_data["username"], serializer.validated_data["password"]
        _refuse_if_locked_out(request=request, username=username)
        user = authenticate(request=request._request, username=username, password=password)
        if user is None:
            # This failure may be the one that locked it.
            _refuse_if_locked_out(request=request, username=username)
            raise AuthenticationFailed(_("The username or password is incorrect."))
        if security.two_factor_enabled(user):
            _second_factor_check(request=request, user=user, code=serializer.validated_data["code"])
        token, key = services.api_token_create(user=user, label=serializer.validated_data["label"])
        token.key = key  # Returned this once: only its digest is stored.
        return Response(TokenCreateOutputSerializer(token).data)


def _second_factor_check(*, request: Request, user, code: str) -> None:
    """A password is not enough for an account with two-factor authentication: the token endpoint asks its
    code too, counted by the same lockout as the sign-in's code step."""
    if not code:
        raise AuthenticationFailed(
            _(
                "This account signs in with two-factor authentication: send the code your authenticator app "
                "shows now (or an unused recovery code) as “code”."
            )
        )
    try:
        valid = security.two_factor_code_check(request=request._request, user=user, code=code)
    except security.LoginLockedOut as locked:
        raise Throttled(wait=locked.retry_after, detail=locked.message) from None
    if not valid:
        raise AuthenticationFailed(_("The two-factor authentication code is incorrect or expired."))


class TokenListApi(APIView):
    """The signed-in user's API tokens, without their keys."""

    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=PAGE_PARAMETERS, responses=TokenOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        return paginated_response(
            request, self, selectors.api_token_list(user=request.user), TokenOutputSerializer
        )


class TokenRevokeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={204: None})
    def delete(self, request: Request, token_id: int) -> Response:
        services.api_token_revoke(token=selectors.api_token_get(user=request.user, token_id=token_id))
        return Response(status=status.HTTP_204_NO_CONTENT)


def _refuse_if_locked_out(*, request: Request, username: str) -> None:
    try:
        security.login_lockout_check(request=request._request, username=username)
    except security.LoginLockedOut as locked:
        refusal = Throttled(detail=locked.message)
        refusal.wait = locked.retry_after  # Sent as Retry-After; the message already says when.
        raise refusal from None


class MeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=UserOutputSerializer)
    def get(self, request: Request) -> Response:
        return Response(UserOutputSerializer(request.user).data)


class NotificationListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=NotificationOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        return paginated_response(
            request, self, selectors.notification_list(user=request.user), NotificationOutputSerializer
        )


class NotificationReadApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=NotificationOutputSerializer)
    def post(self, request: Request, notification_id: int) -> Response:
        notification = selectors.notification_get(user=request.user, notification_id=notification_id)
        notification = services.notification_mark_read(notification=notification, user=request.user)
        return Response(NotificationOutputSerializer(notification).data)


class MePreferencesApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=UserPreferencesOutputSerializer)
    def get(self, request: Request) -> Response:
        return Response(UserPreferencesOutputSerializer(request.user).data)

    @extend_schema(request=UserPreferencesUpdateInputSerializer, responses=UserPreferencesOutputSerializer)
    def patch(self, request: Request) -> Response:
        serializer = UserPreferencesUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = services.user_preferences_update(user=request.user, **serializer.validated_data)
        return Response(UserPreferencesOutputSerializer(user).data)


def audit_entries(request: Request) -> QuerySet[AuditEntry]:
    """The audit log filtered by the query parameters, which are validated first."""
    serializer = AuditEntryListInputSerializer(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    filters = dict(serializer.validated_data)
    if "actor" in filters:
        filters["actor_id"] = filters.pop("actor")
    return selectors.audit_entry_list(**filters)


class AuditEntryListApi(APIView):
    permission_classes = [IsCoordinator]

    @extend_schema(
        parameters=[AuditEntryListInputSerializer, *PAGE_PARAMETERS],
        responses=AuditEntryOutputSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        return paginated_response(request, self, audit_entries(request), AuditEntryOutputSerializer)


class AuditEntryExportApi(APIView):
    permission_classes = [IsCoordinator]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple:
        # The body is CSV whatever the client accepts; refusals are rendered as JSON rather than a 406.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        parameters=[AuditEntryListInputSerializer],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The whole filtered log.")
        },
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        entries = audit_entries(request)
        # Translated now: the rows are produced after this view returns, outside the request's language.
        header = [
            _("When"),
            _("Actor id"),
            _("Actor"),
            _("Object type"),
            _("Object id"),
            _("Action"),
            _("Previous state"),
            _("New state"),
            _("Reason"),
            _("On behalf of"),
        ]
        response = StreamingHttpResponse(
            csv_lines(header, audit_csv_rows(entries.iterator(chunk_size=2000))),
            content_type="text/csv; charset=utf-8",
        )
        filename = f"audit-log-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


def audit_csv_rows(entries: Iterable[AuditEntry]) -> Iterator[list]:
    for entry in entries:
        yield [
            timezone.localtime(entry.created_at).isoformat(timespec="seconds"),
            entry.actor_id or "",
            entry.actor_label,
            entry.object_type,
            entry.object_id,
            entry.action,
            entry.from_state,
            entry.to_state,
            entry.reason_display,
            entry.on_behalf_of,
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: list[str], rows: Iterable[list]) -> Iterator[str]:
    """CSV for Excel in French: a byte-order mark so it reads UTF-8, and semicolons, the list
    separator of French regional settings (with commas everything lands in column A)."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow([_defused(value) for value in row])


def _defused(value: object) -> object:
    # A reason typed by a user could start with "=" and run as a formula in a coordinator's
    # spreadsheet (CSV injection); a leading apostrophe makes the cell plain text.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


# Privacy (Quebec's Law 25)


class MeDataApi(APIView):
    """Everything Maillage holds about the signed-in user, as one JSON document to download."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="The user's personal information.")}
    )
    def get(self, request: Request) -> Response:
        response = Response(selectors.personal_data_collect(user=request.user))
        response["Content-Disposition"] = f'attachment; filename="{selectors.personal_data_filename()}"'
        return response


class MeDeleteApi(APIView):
    """Delete the signed-in user's personal information: the account is anonymized and signed out."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=UserDeleteInputSerializer, responses={204: None})
    def post(self, request: Request) -> Response:
        serializer = UserDeleteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        _refuse_if_locked_out(request=request, username=request.user.get_username())
        services.user_delete(user=request.user, **serializer.validated_data, request=request._request)
        logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ConsentListCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ConsentListOutputSerializer)
    def get(self, request: Request) -> Response:
        data = {
            "current_versions": settings.CONSENT_VERSIONS,
            "consents": selectors.consent_list(user=request.user),
        }
        return Response(ConsentListOutputSerializer(data).data)

    @extend_schema(request=ConsentCreateInputSerializer, responses={201: ConsentOutputSerializer})
    def post(self, request: Request) -> Response:
        serializer = ConsentCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consent = services.consent_record(user=request.user, **serializer.validated_data)
        return Response(ConsentOutputSerializer(consent).data, status=status.HTTP_201_CREATED)


class ConfidentialityIncidentExportApi(APIView):
    permission_classes = [IsAdministrator]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> tuple:
        # CSV whatever the client accepts, like the audit log's export.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The whole register.")}
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        return incident_csv_response(selectors.confidentiality_incident_list())


def incident_csv_response(incidents: Iterable[ConfidentialityIncident]) -> StreamingHttpResponse:
    """The register of confidentiality incidents as CSV for Excel (see csv_lines); also the admin's export."""
    # Translated now: the rows are produced after the view returns, outside the request's language.
    header = [
        _("Number"),
        _("Occurred at"),
        _("Discovered at"),
        _("Description"),
        _("Personal information concerned"),
        _("People affected"),
        _("Risk of serious injury"),
        _("Risk assessment"),
        _("Measures taken"),
        _("Reported to the Commission d'accès à l'information on"),
        _("People concerned notified on"),
        _("Recorded by"),
        _("Recorded at"),
    ]
    yes, no = _("yes"), _("no")
    response = StreamingHttpResponse(
        csv_lines(header, _incident_csv_rows(incidents, yes=yes, no=no)),
        content_type="text/csv; charset=utf-8",
    )
    filename = f"confidentiality-incidents-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _incident_csv_rows(incidents: Iterable[ConfidentialityIncident], *, yes: str, no: str) -> Iterator[list]:
    def moment(value: datetime.datetime | None) -> str:
        return timezone.localtime(value).isoformat(timespec="minutes") if value else ""

    for incident in incidents:
        yield [
            incident.pk,
            moment(incident.occurred_at),
            moment(incident.discovered_at),
            incident.description,
            incident.personal_information,
            "" if incident.people_affected is None else incident.people_affected,
            yes if incident.risk_of_serious_injury else no,
            incident.risk_assessment,
            incident.measures_taken,
            incident.reported_to_commission_at.isoformat() if incident.reported_to_commission_at else "",
            incident.people_notified_at.isoformat() if incident.people_notified_at else "",
            incident.recorded_by.get_username() if incident.recorded_by else "",
            moment(incident.created_at),
        ]
