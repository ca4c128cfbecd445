"""What every boards endpoint shares: write roles decided per board, the board of nested
routes, and `If-Match` parsing."""

from __future__ import annotations

from functools import cached_property
from typing import Any

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework.request import Request

from boards import selectors
from boards.models import Board
from workos.api.filters import StrictOrderingFilter
from workos.api.schema import ErrorSerializer
from workos.api.views import WorkspaceViewSet
from workos.errors import ValidationFailed
from workos.tenancy.models import Role

IF_MATCH = OpenApiParameter(
    "If-Match", str, OpenApiParameter.HEADER, required=False,
    description="The version you last read, bare or quoted (3 or \"3\"); a stale one is a 412.",
)


def conflict(description: str) -> OpenApiResponse:
    return OpenApiResponse(response=ErrorSerializer, description=description)


def if_match_version(request: Request) -> int | None:
    raw = request.headers.get("If-Match")
    if raw is None or raw.strip() in {"", "*"}:
        return None
    value = raw.strip().removeprefix("W/").strip('"')
    if not value.isdigit():
        raise ValidationFailed(
            f"If-Match takes a version number such as 3 or \"3\", not {raw!r}.",
            fields={"If-Match": ["Not a version number."]},
        )
    return int(value)


class BoardsViewSet(WorkspaceViewSet):
    """Any member of the workspace may call; what they may change is the board role's
    question, which the services answer (a guest who edits one board can write there)."""

    roles = {"POST": Role.GUEST, "PUT": Role.GUEST, "PATCH": Role.GUEST, "DELETE": Role.GUEST}
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filter_backends = [StrictOrderingFilter]

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["membership"] = getattr(self, "membership", None)
        context["hide_time"] = self.hide_time
        return context

    @property
    def hide_time(self) -> bool:
        """Guests never see other people's time, so time-tracked values stay empty for them."""
        membership = getattr(self, "membership", None)
        return membership is None or membership.role == Role.GUEST


class BoardChildViewSet(BoardsViewSet):
    """Routes under `boards/{board_id}/`: the board is resolved once, through visibility, so
    another workspace's or a hidden board answers 404 before anything else happens."""

    @cached_property
    def board(self) -> Board:
        return selectors.board_get(
            workspace=self.workspace, membership=self.membership, id=int(self.kwargs["board_id"])
        )
