from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from workos.api.filters import StrictOrderingFilter
from workos.api.views import (
    IdempotentPostMixin,
    ThrottleFirstMixin,
    WorkspaceAPIView,
    WorkspaceViewSet,
)
from workos.tenancy import selectors, services
from workos.tenancy.api import serializers as s
from workos.tenancy.models import AccessToken, Membership, Role, Team


def _token(request: Request) -> AccessToken | None:
    return request.auth if isinstance(request.auth, AccessToken) else None


class MeView(ThrottleFirstMixin, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.MeSerializer)
    def get(self, request: Request) -> Response:
        user = request.user
        token = _token(request)
        memberships: Iterable[Membership]
        if token is not None:
            # A token sees its own workspace only; that membership was read with the token.
            found = selectors.token_membership(token)
            memberships = [found] if found is not None else []
        else:
            memberships = selectors.user_memberships(user=user)
        # Written by hand (the shape of MeSerializer): this is the cheapest call of the API.
        return Response({
            "id": user.pk,
            "email": user.email,
            "name": user.get_full_name() or user.email,
            "memberships": [
                {"id": m.pk, "workspace": m.workspace.slug, "workspace_name": m.workspace.name,
                 "role": m.role}
                for m in memberships
            ],
        })


class WorkspaceListView(IdempotentPostMixin, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=s.WorkspaceSerializer(many=True))
    def get(self, request: Request) -> Response:
        workspaces = list(selectors.workspace_list(user=request.user, token=_token(request)))
        roles = dict(
            selectors.user_memberships(user=request.user).values_list("workspace_id", "role")
        )
        data = s.WorkspaceSerializer(workspaces, many=True, context={"roles": roles}).data
        return Response({"results": data, "next": None, "previous": None})

    @extend_schema(request=s.WorkspaceCreateSerializer, responses={201: s.WorkspaceSerializer})
    def post(self, request: Request) -> Response:
        token = _token(request)
        if token is not None:
            # A token belongs to one workspace; creating workspaces is done as a person.
            return Response(
                {"code": "permission_denied", "fields": {},
                 "message": "Access tokens cannot create workspaces; sign in to do that."},
                status=status.HTTP_403_FORBIDDEN,
            )
        body = s.WorkspaceCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        workspace = services.workspace_create(
            user=request.user,
            name=data["name"],
            slug=data.get("slug"),
            timezone_name=data.get("timezone"),
            working_days=data.get("working_days"),
            holidays=[d.isoformat() for d in data["holidays"]] if "holidays" in data else None,
            currency=data.get("currency"),
        )
        out = s.WorkspaceSerializer(workspace, context={"roles": {workspace.pk: Role.OWNER}})
        return Response(out.data, status=status.HTTP_201_CREATED)


class WorkspaceDetailView(WorkspaceAPIView):
    roles = {"PATCH": Role.ADMIN, "PUT": Role.ADMIN, "DELETE": Role.OWNER}

    def _render(self) -> dict[str, Any]:
        return s.WorkspaceSerializer(
            self.workspace, context={"roles": {self.workspace.pk: self.membership.role}}
        ).data

    @extend_schema(responses=s.WorkspaceSerializer)
    def get(self, request: Request, ws: str) -> Response:
        return Response(self._render())

    @extend_schema(request=s.WorkspaceUpdateSerializer, responses=s.WorkspaceSerializer)
    def patch(self, request: Request, ws: str) -> Response:
        body = s.WorkspaceUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        fields = dict(body.validated_data)
        if "holidays" in fields:
            fields["holidays"] = [d.isoformat() for d in fields["holidays"]]
        self.workspace = services.workspace_update(
            actor=self.membership, workspace=self.workspace, **fields
        )
        return Response(self._render())

    @extend_schema(responses={204: None})
    def delete(self, request: Request, ws: str) -> Response:
        services.workspace_delete(actor=self.membership, workspace=self.workspace)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceViewSet
):
    scoped_model = Membership
    serializer_class = s.MembershipSerializer
    filter_backends = [StrictOrderingFilter]
    ordering_fields = ["id", "joined_at", "role"]
    ordering = ["id"]
    roles = {"POST": Role.ADMIN, "PATCH": Role.ADMIN, "PUT": Role.ADMIN, "DELETE": Role.GUEST}
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def scoped_queryset(self) -> QuerySet:
        return selectors.membership_list(workspace=self.workspace)

    @extend_schema(request=s.MemberAddSerializer, responses={201: s.MembershipSerializer})
    def create(self, request: Request, ws: str) -> Response:
        body = s.MemberAddSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        membership = services.member_add(actor=self.membership, **body.validated_data)
        return Response(s.MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.MemberUpdateSerializer, responses=s.MembershipSerializer)
    def partial_update(self, request: Request, ws: str, id: str) -> Response:
        target = self.get_object()
        body = s.MemberUpdateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        kwargs: dict[str, Any] = {"role": data.get("role")}
        if "manager" in data:
            kwargs["manager"] = (
                selectors.membership_get(workspace=self.workspace, id=data["manager"])
                if data["manager"] is not None
                else None
            )
        membership = services.member_update(actor=self.membership, membership=target, **kwargs)
        return Response(s.MembershipSerializer(membership).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, ws: str, id: str) -> Response:
        services.member_remove(actor=self.membership, membership=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class TeamViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceViewSet):
    scoped_model = Team
    serializer_class = s.TeamSerializer
    filter_backends = [StrictOrderingFilter]
    ordering_fields = ["id", "name", "created_at"]
    ordering = ["name", "id"]
    roles = {"POST": Role.ADMIN, "PATCH": Role.ADMIN, "PUT": Role.ADMIN, "DELETE": Role.ADMIN}
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def scoped_queryset(self) -> QuerySet:
        return selectors.team_list(workspace=self.workspace)

    @extend_schema(request=s.TeamWriteSerializer, responses={201: s.TeamSerializer})
    def create(self, request: Request, ws: str) -> Response:
        body = s.TeamWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        team = services.team_create(actor=self.membership, **body.validated_data)
        return Response(s.TeamSerializer(team).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.TeamWriteSerializer, responses=s.TeamSerializer)
    def partial_update(self, request: Request, ws: str, id: str) -> Response:
        team = self.get_object()
        body = s.TeamWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        team = services.team_update(actor=self.membership, team=team, **body.validated_data)
        fresh = selectors.team_get(workspace=self.workspace, id=team.pk)
        return Response(s.TeamSerializer(fresh).data)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, ws: str, id: str) -> Response:
        services.team_delete(actor=self.membership, team=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class AccessTokenViewSet(mixins.ListModelMixin, WorkspaceViewSet):
    scoped_model = AccessToken
    serializer_class = s.AccessTokenSerializer
    roles = {"POST": Role.GUEST, "DELETE": Role.GUEST}
    http_method_names = ["get", "post", "delete", "head", "options"]

    def scoped_queryset(self) -> QuerySet:
        return selectors.token_list(workspace=self.workspace, user=self.request.user)

    @extend_schema(
        request=s.AccessTokenCreateSerializer, responses={201: s.AccessTokenCreatedSerializer}
    )
    def create(self, request: Request, ws: str) -> Response:
        body = s.AccessTokenCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        token, secret = services.token_create(actor=self.membership, **body.validated_data)
        token.token = secret
        return Response(s.AccessTokenCreatedSerializer(token).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, ws: str, id: str) -> Response:
        services.token_revoke(actor=self.membership, token=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
