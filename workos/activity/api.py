"""In-app notifications of the caller: their list and marking them read."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from workos.activity import selectors, services
from workos.activity.models import Notification
from workos.api.filters import StrictOrderingFilter
from workos.api.views import WorkspaceViewSet
from workos.errors import ValidationFailed
from workos.tenancy.models import Role

_TRUE = {"1", "true", "yes"}
_FALSE = {"0", "false", "no"}


class NotificationSerializer(serializers.ModelSerializer):
    target_type = serializers.SerializerMethodField(help_text='e.g. "boards.item".')

    class Meta:
        model = Notification
        fields = ["id", "verb", "actor_label", "title", "link", "target_type", "target_id",
                  "data", "read_at", "created_at"]
        read_only_fields = fields

    def get_target_type(self, notification: Notification) -> str:
        target_type = notification.target_type
        return f"{target_type.app_label}.{target_type.model}"


class NotificationReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=1000,
        help_text="The notifications to mark read; leave out to mark all of them read.",
    )


class NotificationReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many were unread and are now read.")


class NotificationViewSet(mixins.ListModelMixin, WorkspaceViewSet):
    """Only the caller's own notifications, in this workspace; guests have them too."""

    scoped_model = Notification
    serializer_class = NotificationSerializer
    roles = {"POST": Role.GUEST}
    http_method_names = ["get", "post", "head", "options"]
    filter_backends = [StrictOrderingFilter]
    ordering_fields = ["id", "created_at"]
    ordering = ["-id"]

    def scoped_queryset(self) -> QuerySet:
        return selectors.notification_list(membership=self.membership, unread=self._unread())

    def _unread(self) -> bool | None:
        raw = self.request.query_params.get("unread", "").strip().lower()
        if raw == "":
            return None
        if raw in _TRUE | _FALSE:
            return raw in _TRUE
        raise ValidationFailed("unread takes 1 or 0.", fields={"unread": ["Use 1 or 0."]})

    @extend_schema(parameters=[OpenApiParameter(
        "unread", bool, description="1: only unread; 0: only read; leave out for all.")])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=NotificationReadSerializer, responses=NotificationReadResultSerializer)
    @action(detail=False, methods=["post"])
    def read(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = NotificationReadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        marked = services.notifications_mark_read(
            membership=self.membership, ids=body.validated_data.get("ids"))
        return Response({"marked": marked})
