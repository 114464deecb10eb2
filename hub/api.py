from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from hub import selectors, services
from hub.pagination import PageNumberPagination
from hub.serializers import (
    NotificationOutputSerializer,
    TokenInputSerializer,
    TokenOutputSerializer,
    UserOutputSerializer,
    UserPreferencesOutputSerializer,
    UserPreferencesUpdateInputSerializer,
)


class TokenCreateApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema(request=TokenInputSerializer, responses=TokenOutputSerializer)
    def post(self, request: Request) -> Response:
        serializer = TokenInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = authenticate(request=request._request, **serializer.validated_data)
        if user is None:
            raise AuthenticationFailed(_("The username or password is incorrect."))
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class MeApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=UserOutputSerializer)
    def get(self, request: Request) -> Response:
        return Response(UserOutputSerializer(request.user).data)


class NotificationListApi(APIView):
    permission_classes = [IsAuthenticated]
    pagination_class = PageNumberPagination

    @extend_schema(responses=NotificationOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(selectors.notification_list(user=request.user), request, view=self)
        return paginator.get_paginated_response(NotificationOutputSerializer(page, many=True).data)


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
