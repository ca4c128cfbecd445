"""Outgoing webhooks (admins only: URLs and payloads reach outside) and their deliveries."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from automations.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from automations.selectors import webhooks as selectors
from automations.services import webhooks as services
from workos.api.schema import ErrorSerializer
from workos.api.views import WorkspaceViewSet
from workos.errors import ValidationFailed
from workos.tenancy.models import Role

ADMIN_ONLY = {method: Role.ADMIN for method in ("GET", "HEAD", "OPTIONS", "POST", "PATCH",
                                                  "DELETE")}


class WebhookSerializer(serializers.ModelSerializer):
    secret_hint = serializers.SerializerMethodField(
        help_text="The first characters of the secret, to tell which one a receiver holds.")

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id", "url", "description", "event_types", "enabled", "secret_hint",
            "consecutive_failures", "disabled_at", "disabled_reason", "created_by", "created_at",
        ]
        read_only_fields = fields

    def get_secret_hint(self, endpoint: WebhookEndpoint) -> str:
        return endpoint.secret[: len(services.SECRET_PREFIX) + 4] + "…"


class WebhookWithSecretSerializer(WebhookSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text="Signs every delivery (X-WorkOS-Signature). Shown only in this answer.")

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookWriteSerializer(serializers.Serializer):
    url = serializers.CharField(max_length=2000, min_length=1,
                                help_text="https (http only where the server allows it).")
    description = serializers.CharField(max_length=200, required=False, allow_blank=True)
    event_types = serializers.ListField(
        child=serializers.CharField(max_length=64, min_length=1), required=False,
        help_text="Activity verbs such as item.created, or item.* ; empty sends every event.")
    enabled = serializers.BooleanField(required=False)


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id", "endpoint", "url", "event_type", "payload", "activity", "rule_run", "status",
            "attempts", "next_attempt_at", "response_status", "error", "created_at",
            "delivered_at",
        ]
        read_only_fields = fields


class EventTypesSerializer(serializers.Serializer):
    event_types = serializers.ListField(child=serializers.CharField())


class WebhookViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceViewSet):
    scoped_model = WebhookEndpoint
    serializer_class = WebhookSerializer
    roles = ADMIN_ONLY
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def scoped_queryset(self) -> QuerySet:
        return selectors.webhook_list(workspace=self.workspace)

    def _body(self, request: Request, *, partial: bool) -> dict[str, Any]:
        body = WebhookWriteSerializer(data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        return dict(body.validated_data)

    def _with_secret(self, endpoint: WebhookEndpoint, secret: str, code: int) -> Response:
        endpoint.secret = secret
        return Response(WebhookWithSecretSerializer(endpoint).data, status=code)

    @extend_schema(request=WebhookWriteSerializer, responses={201: WebhookWithSecretSerializer})
    def create(self, request: Request, ws: str) -> Response:
        endpoint, secret = services.webhook_create(actor=self.membership,
                                                   **self._body(request, partial=False))
        return self._with_secret(endpoint, secret, status.HTTP_201_CREATED)

    @extend_schema(request=WebhookWriteSerializer, responses=WebhookSerializer)
    def partial_update(self, request: Request, ws: str, id: str) -> Response:
        endpoint = services.webhook_update(actor=self.membership, endpoint=self.get_object(),
                                           **self._body(request, partial=True))
        return Response(WebhookSerializer(endpoint).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, ws: str, id: str) -> Response:
        services.webhook_delete(actor=self.membership, endpoint=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={200: WebhookWithSecretSerializer})
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request: Request, ws: str, id: str) -> Response:
        endpoint, secret = services.webhook_rotate_secret(actor=self.membership,
                                                          endpoint=self.get_object())
        return self._with_secret(endpoint, secret, status.HTTP_200_OK)

    @extend_schema(responses=EventTypesSerializer)
    @action(detail=False, methods=["get"], url_path="event-types", pagination_class=None)
    def event_types(self, request: Request, ws: str) -> Response:
        return Response({"event_types": list(selectors.EVENT_TYPES)})


@extend_schema(parameters=[OpenApiParameter(
    "status", OpenApiTypes.STR, enum=DeliveryStatus.values,
    description="Only deliveries in this state.")])
class WebhookDeliveryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceViewSet):
    """One endpoint's deliveries, newest first."""

    scoped_model = WebhookDelivery
    serializer_class = DeliverySerializer
    roles = ADMIN_ONLY
    http_method_names = ["get", "post", "head", "options"]

    def _endpoint(self) -> WebhookEndpoint:
        if not hasattr(self, "_endpoint_row"):
            self._endpoint_row = selectors.webhook_get(
                workspace=self.workspace, id=int(self.kwargs["webhook_endpoint_id"]))
        return self._endpoint_row

    def scoped_queryset(self) -> QuerySet:
        wanted = self.request.query_params.get("status") or None
        if wanted is not None and wanted not in DeliveryStatus.values:
            raise ValidationFailed(
                f"status is one of {', '.join(DeliveryStatus.values)}.",
                fields={"status": ["Unknown status."]})
        return selectors.delivery_list(workspace=self.workspace, endpoint=self._endpoint(),
                                       status=wanted)

    @extend_schema(
        request=None,
        responses={200: DeliverySerializer,
                   409: OpenApiResponse(ErrorSerializer,
                                        description="Succeeded, in flight, or disabled.")},
    )
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, ws: str, webhook_endpoint_id: str, id: str) -> Response:
        delivery = services.delivery_retry(actor=self.membership, delivery=self.get_object())
        return Response(DeliverySerializer(delivery).data)
