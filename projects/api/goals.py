"""Goals and their key results: CRUD with progress computed for the whole page at once.

Goals are the workspace's, not a board's, and nothing shares them with a guest, so guests have
no access (as with boards, a guest sees only what is shared with them); members read and
create; a goal's owner or an admin changes it (the services decide).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from projects.models import Goal, KeyResult, KeyResultKind
from projects.selectors import goals as selectors
from projects.services import goals as services
from workos.api.filters import StrictOrderingFilter
from workos.api.schema import ErrorSerializer
from workos.api.views import WorkspaceViewSet
from workos.tenancy.models import Membership, Role
from workos.tenancy.selectors import membership_list

MEMBERS_ONLY = {"GET": Role.MEMBER, "HEAD": Role.MEMBER, "OPTIONS": Role.MEMBER,
                "POST": Role.MEMBER, "PATCH": Role.MEMBER, "DELETE": Role.MEMBER}
METHODS = ["get", "post", "patch", "delete", "head", "options"]


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


# -- serializers ------------------------------------------------------------------------------


class GoalSerializer(serializers.ModelSerializer):
    projects = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Linked projects you can see.")
    children = serializers.SerializerMethodField(help_text="Ids of the child goals.")
    progress = serializers.SerializerMethodField(
        help_text="Percent: the mean of the key results' and child goals' progress; null "
                  "when nothing below it is measured.")

    class Meta:
        model = Goal
        fields = ["id", "name", "description", "owner", "period_start", "period_end", "parent",
                  "children", "projects", "progress", "created_at", "updated_at"]
        read_only_fields = fields

    def _figures(self) -> selectors.GoalFigures:
        return self.context["figures"]

    def get_children(self, goal: Goal) -> list[int]:
        return self._figures().children.get(goal.pk, [])

    def get_progress(self, goal: Goal) -> float | None:
        return self._figures().progress.get(goal.pk)


class GoalWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    owner = serializers.IntegerField(required=False, allow_null=True,
                                     help_text="A membership id; you by default.")
    period_start = serializers.DateField()
    period_end = serializers.DateField(help_text="On or after period_start.")
    parent = serializers.IntegerField(required=False, allow_null=True,
                                      help_text="A goal of this workspace, not below this one.")
    projects = serializers.ListField(child=serializers.IntegerField(min_value=1),
                                     required=False, help_text="Ids of projects you can see.")

    def validate_owner(self, value: int | None) -> Membership | None:
        if value is None:
            return None
        owner = membership_list(workspace=self.context["workspace"]).filter(pk=value).first()
        if owner is None:
            raise serializers.ValidationError("Not a member of this workspace.")
        return owner

    def validate_parent(self, value: int | None) -> Goal | None:
        if value is None:
            return None
        parent = selectors.goal_list(workspace=self.context["workspace"],
                                     membership=self.context["membership"]).filter(
            pk=value).first()
        if parent is None:
            raise serializers.ValidationError("Not a goal of this workspace.")
        return parent


class GoalFilterSerializer(serializers.Serializer):
    period = serializers.DateField(required=False,
                                   help_text="Goals whose period contains this date.")
    owner = serializers.IntegerField(required=False)
    parent = serializers.CharField(required=False,
                                   help_text="A goal id for its children, `null` for roots.")

    def validate_parent(self, value: str) -> int | None:
        if value == "null":
            return None
        if not value.isdigit():
            raise serializers.ValidationError("A goal id, or null for top-level goals.")
        return int(value)

    def filters(self) -> selectors.GoalFilters:
        data = self.validated_data
        return selectors.GoalFilters(
            period=data.get("period"), owner=data.get("owner"),
            parent=data.get("parent"), roots="parent" in data and data["parent"] is None,
        )


class KeyResultSerializer(serializers.ModelSerializer):
    projects = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Linked projects you can see (kind projects).")
    boards = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Linked boards you can see (kind items).")
    current_value = serializers.SerializerMethodField(
        help_text="Manual: as entered; projects: the mean progress of the linked projects; "
                  "items: the number of done items on the linked boards.")
    progress = serializers.SerializerMethodField(help_text="Percent, 0 to 100, or null.")

    class Meta:
        model = KeyResult
        fields = ["id", "goal", "name", "kind", "start_value", "target_value", "current_value",
                  "unit", "projects", "boards", "position", "progress", "created_at"]
        read_only_fields = fields

    def get_current_value(self, key_result: KeyResult) -> float | None:
        return self.context["measures"][key_result.pk].current

    def get_progress(self, key_result: KeyResult) -> float | None:
        return self.context["measures"][key_result.pk].progress


class KeyResultWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=KeyResultKind.choices, required=False)
    start_value = serializers.DecimalField(max_digits=14, decimal_places=2, required=False)
    target_value = serializers.DecimalField(max_digits=14, decimal_places=2, required=False,
                                            help_text="Differs from start_value.")
    current_value = serializers.DecimalField(max_digits=14, decimal_places=2, required=False,
                                             help_text="Manual key results only.")
    unit = serializers.CharField(max_length=30, required=False, allow_blank=True)
    projects = serializers.ListField(child=serializers.IntegerField(min_value=1),
                                     required=False, help_text="Kind projects only.")
    boards = serializers.ListField(child=serializers.IntegerField(min_value=1),
                                   required=False, help_text="Kind items only.")
    position = serializers.IntegerField(required=False, min_value=0)


# -- views ------------------------------------------------------------------------------------


class GoalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceViewSet):
    scoped_model = Goal
    serializer_class = GoalSerializer
    roles = MEMBERS_ONLY
    http_method_names = METHODS
    filter_backends = [StrictOrderingFilter]
    ordering_fields = ["id", "name", "period_start", "period_end", "created_at"]
    ordering = ["period_start", "id"]

    def scoped_queryset(self) -> QuerySet:
        filters = None
        if self.action == "list":
            query = GoalFilterSerializer(data=self.request.query_params)
            query.is_valid(raise_exception=True)
            filters = query.filters()
        return selectors.goal_list(workspace=self.workspace, membership=self.membership,
                                   filters=filters)

    def _data(self, goals: list[Goal]) -> Any:
        figures = selectors.goal_figures(workspace=self.workspace, goals=goals)
        return GoalSerializer(goals, many=True, context={"figures": figures}).data

    def _render(self, goal: Goal, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.goal_get(workspace=self.workspace, membership=self.membership,
                                   id=goal.pk)
        return Response(self._data([fresh])[0], status=code)

    def _body(self, request: Request, *, partial: bool) -> dict[str, Any]:
        body = GoalWriteSerializer(data=request.data, partial=partial, context={
            "workspace": self.workspace, "membership": self.membership})
        body.is_valid(raise_exception=True)
        return dict(body.validated_data)

    @extend_schema(parameters=[GoalFilterSerializer])
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = list(self.paginate_queryset(self.filter_queryset(self.get_queryset())) or [])
        return self.get_paginated_response(self._data(page))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._data([self.get_object()])[0])

    @extend_schema(request=GoalWriteSerializer, responses={
        201: GoalSerializer, 409: _error("The parent would put the goal inside itself; "
                                         "`fields.cycle` names the goals.")})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        goal = services.goal_create(actor=self.membership, **self._body(request, partial=False))
        return self._render(goal, status.HTTP_201_CREATED)

    @extend_schema(request=GoalWriteSerializer, responses={
        200: GoalSerializer, 409: _error("The parent would put the goal inside itself; "
                                         "`fields.cycle` names the goals.")})
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        goal = services.goal_update(actor=self.membership, goal=self.get_object(),
                                    **self._body(request, partial=True))
        return self._render(goal)

    @extend_schema(responses={204: None}, description="The goal's children move up to its "
                   "parent; its key results go with it.")
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.goal_delete(actor=self.membership, goal=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class KeyResultViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, WorkspaceViewSet):
    scoped_model = KeyResult
    serializer_class = KeyResultSerializer
    roles = MEMBERS_ONLY
    http_method_names = METHODS
    filter_backends = [StrictOrderingFilter]
    ordering_fields = ["id", "position", "name", "created_at"]
    ordering = ["position", "id"]

    @cached_property
    def goal(self) -> Goal:
        return selectors.goal_get(workspace=self.workspace, membership=self.membership,
                                  id=int(self.kwargs["goal_id"]))

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.goal  # noqa: B018 - another workspace's goal is a 404 before the body is read

    def scoped_queryset(self) -> QuerySet:
        return selectors.key_result_list(goal=self.goal, membership=self.membership)

    def _data(self, key_results: list[KeyResult]) -> Any:
        measures = selectors.key_result_figures(key_results)
        return KeyResultSerializer(key_results, many=True,
                                   context={"measures": measures}).data

    def _render(self, key_result: KeyResult, code: int = status.HTTP_200_OK) -> Response:
        fresh = selectors.key_result_get(goal=self.goal, membership=self.membership,
                                         id=key_result.pk)
        return Response(self._data([fresh])[0], status=code)

    def _body(self, request: Request, *, partial: bool) -> dict[str, Any]:
        body = KeyResultWriteSerializer(data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        return dict(body.validated_data)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = list(self.paginate_queryset(self.filter_queryset(self.get_queryset())) or [])
        return self.get_paginated_response(self._data(page))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(self._data([self.get_object()])[0])

    @extend_schema(request=KeyResultWriteSerializer, responses={201: KeyResultSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        key_result = services.key_result_create(actor=self.membership, goal=self.goal,
                                                **self._body(request, partial=False))
        return self._render(key_result, status.HTTP_201_CREATED)

    @extend_schema(request=KeyResultWriteSerializer, responses=KeyResultSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        key_result = services.key_result_update(actor=self.membership,
                                                key_result=self.get_object(),
                                                **self._body(request, partial=True))
        return self._render(key_result)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        services.key_result_delete(actor=self.membership, key_result=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
