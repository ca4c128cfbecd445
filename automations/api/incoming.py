"""Incoming webhooks: managed by a board's editors under the board; called without a session
at /hooks/in/<token>/ by whatever system sends work in."""

from __future__ import annotations

from typing import Any

import orjson
from django.conf import settings
from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from automations.models import IncomingWebhook
from automations.selectors import webhooks as selectors
from automations.services import incoming as services
from boards.models import Board
from boards.selectors.boards import board_get
from boards.services.access import require_board_role
from workos.api.errors import error_body
from workos.api.schema import ErrorSerializer
from workos.api.throttling import AnonThrottle
from workos.api.views import WorkspaceViewSet
from workos.errors import ValidationFailed
from workos.tenancy.models import Role


class IncomingWebhookSerializer(serializers.ModelSerializer):
    class Meta:
        model = IncomingWebhook
        fields = ["id", "board", "name", "token_prefix", "enabled", "created_by", "created_at",
                  "last_used_at"]
        read_only_fields = fields


class IncomingWebhookCreatedSerializer(IncomingWebhookSerializer):
    url = serializers.CharField(read_only=True,
                                help_text="POST JSON here to create an item. Shown only once.")

    class Meta(IncomingWebhookSerializer.Meta):
        fields = [*IncomingWebhookSerializer.Meta.fields, "url"]
        read_only_fields = fields


class IncomingWebhookWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    enabled = serializers.BooleanField(required=False)


class IncomingWebhookViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceViewSet):
    """A board's incoming webhooks; the board's editors manage them."""

    scoped_model = IncomingWebhook
    serializer_class = IncomingWebhookSerializer
    roles = {"GET": Role.GUEST, "POST": Role.GUEST, "PATCH": Role.GUEST, "DELETE": Role.GUEST}
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def _board(self) -> Board:
        if not hasattr(self, "_board_row"):
            board = board_get(workspace=self.workspace, membership=self.membership,
                              id=int(self.kwargs["board_id"]))
            require_board_role(board=board, actor=self.membership, minimum="editor",
                               doing="Managing incoming webhooks", allow_archived=True)
            self._board_row = board
        return self._board_row

    def scoped_queryset(self) -> QuerySet:
        return selectors.incoming_list(workspace=self.workspace, board=self._board())

    def _body(self, request: Request, *, partial: bool) -> dict[str, Any]:
        body = IncomingWebhookWriteSerializer(data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        return dict(body.validated_data)

    @extend_schema(request=IncomingWebhookWriteSerializer,
                   responses={201: IncomingWebhookCreatedSerializer})
    def create(self, request: Request, ws: str, board_id: str) -> Response:
        hook, token = services.incoming_create(actor=self.membership, board=self._board(),
                                               **self._body(request, partial=False))
        hook.url = request.build_absolute_uri(f"/hooks/in/{token}/")
        return Response(IncomingWebhookCreatedSerializer(hook).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=IncomingWebhookWriteSerializer, responses=IncomingWebhookSerializer)
    def partial_update(self, request: Request, ws: str, board_id: str, id: str) -> Response:
        hook = services.incoming_update(actor=self.membership, hook=self.get_object(),
                                        **self._body(request, partial=True))
        return Response(IncomingWebhookSerializer(hook).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, ws: str, board_id: str, id: str) -> Response:
        services.incoming_delete(actor=self.membership, hook=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class IncomingWebhookThrottle(AnonThrottle):
    """Per client address, like every anonymous call, at a rate of its own."""

    scope = "incoming_webhook"

    def get_rate(self) -> str:
        return getattr(settings, "INCOMING_WEBHOOK_THROTTLE", "120/min")


class IncomingItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    board = serializers.IntegerField()
    name = serializers.CharField()


class IncomingHookView(APIView):
    """Create an item on the hook's board from a JSON object: `name` (required),
    `description`, `due_date`, `start_date`, `priority`, `values` (by column key), `group` and
    `status` (an id or a name), `external_id`. No session, no CSRF: the token is the secret."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes = [IncomingWebhookThrottle]

    @extend_schema(
        auth=[],
        request=OpenApiTypes.OBJECT,
        examples=[OpenApiExample("A request", value={"name": "Laptop for Sam",
                                                     "due_date": "2026-04-01",
                                                     "values": {"cost": 1200}})],
        responses={
            201: IncomingItemSerializer,
            404: OpenApiResponse(ErrorSerializer, description="Unknown or disabled hook."),
            413: OpenApiResponse(ErrorSerializer, description="The body is too large."),
        },
    )
    def post(self, request: Request, token: str) -> Response:
        limit = getattr(settings, "INCOMING_WEBHOOK_MAX_BYTES", 64 * 1024)
        declared = request.META.get("CONTENT_LENGTH") or "0"
        if not declared.isdigit() or int(declared) > limit:
            return _too_large(limit)
        raw = request.body
        if len(raw) > limit:
            return _too_large(limit)
        try:
            body = orjson.loads(raw or b"null")
        except orjson.JSONDecodeError as exc:
            raise ValidationFailed(f"The body is not valid JSON: {exc}.") from exc
        item = services.incoming_receive(token=token, body=body)
        return Response({"id": item.pk, "board": item.board_id, "name": item.name},
                        status=status.HTTP_201_CREATED)


def _too_large(limit: int) -> Response:
    return Response(error_body("too_large", f"Send at most {limit} bytes of JSON."),
                    status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
