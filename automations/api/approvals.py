"""Approval flows (`approval-flows/`: members read, admins manage) and approval requests
(`approvals/`: start one on an item, decide or cancel it, list what waits for me)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from automations.api import approvals_serializers as s
from automations.models import ApprovalFlow, ApprovalRequest, ApprovalStatus
from automations.selectors import approvals as selectors
from automations.services import approvals as services
from boards.selectors import item_get
from workos.api.filters import StrictOrderingFilter
from workos.api.schema import ErrorSerializer
from workos.api.views import WorkspaceViewSet
from workos.errors import NotFound, ValidationFailed
from workos.tenancy.models import Role

LIST_PARAMETERS = [
    OpenApiParameter("mine", OpenApiTypes.BOOL,
                     description="1: only pending requests waiting for my decision."),
    OpenApiParameter("status", OpenApiTypes.STR, enum=ApprovalStatus.values),
    OpenApiParameter("item", OpenApiTypes.INT, description="Requests on this item."),
    OpenApiParameter("flow", OpenApiTypes.INT, description="Requests of this flow."),
]
CONFLICT = OpenApiResponse(ErrorSerializer, description="Already decided or cancelled.")


class ApprovalFlowViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceViewSet):
    scoped_model = ApprovalFlow
    serializer_class = s.ApprovalFlowSerializer
    roles = {"GET": Role.MEMBER, "POST": Role.ADMIN, "PATCH": Role.ADMIN,
             "DELETE": Role.ADMIN}
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filter_backends = [StrictOrderingFilter]
    ordering_fields = ["id", "name", "created_at", "updated_at"]
    ordering = ["name", "id"]

    def scoped_queryset(self) -> QuerySet:
        return selectors.flow_list(workspace=self.workspace)

    def _body(self, request: Request, *, partial: bool) -> dict[str, Any]:
        body = s.ApprovalFlowWriteSerializer(data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        return dict(body.validated_data)

    def _render(self, flow: ApprovalFlow, code: int = status.HTTP_200_OK) -> Response:
        flow = selectors.flow_get(workspace=self.workspace, id=flow.pk)
        return Response(s.ApprovalFlowSerializer(flow).data, status=code)

    @extend_schema(request=s.ApprovalFlowWriteSerializer,
                   responses={201: s.ApprovalFlowSerializer})
    def create(self, request: Request, ws: str) -> Response:
        flow = services.flow_create(actor=self.membership, **self._body(request, partial=False))
        return self._render(flow, status.HTTP_201_CREATED)

    @extend_schema(request=s.ApprovalFlowWriteSerializer, responses=s.ApprovalFlowSerializer)
    def partial_update(self, request: Request, ws: str, id: str) -> Response:
        flow = services.flow_update(actor=self.membership, flow=self.get_object(),
                                    **self._body(request, partial=True))
        return self._render(flow)

    @extend_schema(responses={204: None, 409: OpenApiResponse(
        ErrorSerializer, description="Used by requests or forms: disable it instead.")})
    def destroy(self, request: Request, ws: str, id: str) -> Response:
        services.flow_delete(actor=self.membership, flow=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


def _int_param(raw: str | None, name: str) -> int | None:
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise ValidationFailed(f"{name} is an id.", fields={name: ["Not an id."]}) from exc


class ApprovalRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                             WorkspaceViewSet):
    """Requests on items the caller can see, and those they are asked to decide."""

    scoped_model = ApprovalRequest
    serializer_class = s.ApprovalRequestSerializer
    roles = {"POST": Role.MEMBER}
    http_method_names = ["get", "post", "head", "options"]
    filter_backends: list[Any] = []

    def scoped_queryset(self) -> QuerySet:
        if self.action != "list":
            return selectors.request_list(workspace=self.workspace, membership=self.membership)
        params = self.request.query_params
        wanted = params.get("status") or None
        if wanted is not None and wanted not in ApprovalStatus.values:
            raise ValidationFailed(f"status is one of {', '.join(ApprovalStatus.values)}.",
                                   fields={"status": ["Unknown status."]})
        return selectors.request_list(
            workspace=self.workspace, membership=self.membership,
            mine=params.get("mine") in {"1", "true", "yes"}, status=wanted,
            item=_int_param(params.get("item"), "item"),
            flow=_int_param(params.get("flow"), "flow"))

    def _detail(self, pk: int, code: int = status.HTTP_200_OK) -> Response:
        request = selectors.request_get(workspace=self.workspace, membership=self.membership,
                                        id=pk)
        return Response(s.ApprovalRequestDetailSerializer(
            request, context={"membership": self.membership}).data, status=code)

    @extend_schema(parameters=LIST_PARAMETERS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=s.ApprovalRequestDetailSerializer)
    def retrieve(self, request: Request, ws: str, id: str) -> Response:
        return self._detail(int(id))

    @extend_schema(request=s.ApprovalStartSerializer,
                   responses={201: s.ApprovalRequestDetailSerializer, 409: OpenApiResponse(
                       ErrorSerializer, description="The flow already waits on this item.")})
    def create(self, request: Request, ws: str) -> Response:
        body = s.ApprovalStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            flow = selectors.flow_get(workspace=self.workspace, id=body.validated_data["flow"])
        except NotFound as exc:
            raise ValidationFailed("There is no such approval flow in this workspace.",
                                   fields={"flow": ["Not found."]}) from exc
        try:
            item = item_get(workspace=self.workspace, membership=self.membership,
                            id=body.validated_data["item"])
        except NotFound as exc:
            raise ValidationFailed("There is no such item that you can see.",
                                   fields={"item": ["Not found."]}) from exc
        started = services.approval_start(
            actor=self.membership, flow=flow, item=item, requested_by=self.membership,
            requester_email=self.membership.user.email)
        return self._detail(started.pk, status.HTTP_201_CREATED)

    @extend_schema(request=s.DecideSerializer,
                   responses={200: s.ApprovalRequestDetailSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, ws: str, id: str) -> Response:
        target = self.get_object()
        body = s.DecideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.approval_decide(actor=self.membership, request=target,
                                 decision=body.validated_data["decision"],
                                 comment=body.validated_data.get("comment", ""))
        return self._detail(target.pk)

    @extend_schema(request=s.CancelSerializer,
                   responses={200: s.ApprovalRequestDetailSerializer, 409: CONFLICT})
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, ws: str, id: str) -> Response:
        target = self.get_object()
        body = s.CancelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.approval_cancel(actor=self.membership, request=target,
                                 reason=body.validated_data.get("reason", ""))
        return self._detail(target.pk)
