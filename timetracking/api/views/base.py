"""What every time-tracking endpoint shares: the workspace's time zone for the request, and
query strings validated by a serializer."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from boards import selectors as boards
from boards.models import Board, Item
from timetracking.services import workspace_zone
from workos.tenancy import selectors as tenancy
from workos.tenancy.models import Membership, Workspace


class LocalTimeMixin:
    """Date-times are parsed and rendered in the workspace's time zone: a time sent without
    an offset means that local time, and answers carry the workspace's offset."""

    workspace: Workspace
    membership: Membership

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        timezone.activate(workspace_zone(self.workspace))

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        try:
            parent: Any = super()
            return parent.finalize_response(request, response, *args, **kwargs)
        finally:
            timezone.deactivate()

    # Look-ups answer 404 alike for missing, foreign and hidden objects.
    def member_of_workspace(self, member_id: int) -> Membership:
        return tenancy.membership_get(workspace=self.workspace, id=member_id)

    def visible_item(self, item_id: int | None) -> Item | None:
        if item_id is None:
            return None
        return boards.item_get(workspace=self.workspace, membership=self.membership,
                               id=item_id)

    def visible_board(self, board_id: int | None) -> Board | None:
        if board_id is None:
            return None
        return boards.board_get(workspace=self.workspace, membership=self.membership,
                                id=board_id)


def query(serializer: type[serializers.Serializer], request: Request) -> dict[str, Any]:
    body = serializer(data=request.query_params)
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)
