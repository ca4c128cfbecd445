"""The Kanban page of a board: lanes by status, group or a single-choice column, with the first
cards of each lane rendered on the server. Cards are moved through the REST API by the page's
script; `board_kanban_cards` renders more cards of a lane, or the cards changed by others, as
JSON fragments so that every card is drawn by the same template."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone

from boards.api.views.boards import decode_cursor, encode_cursor
from boards.models import Board
from boards.selectors import board_get, kanban_cards, kanban_columns, kanban_lanes
from boards.selectors.board_cards import (
    Card,
    CardAccess,
    CardContext,
    card_access,
    card_context,
    card_rows,
    cards_build,
)
from boards.selectors.board_data import Lanes
from workos.errors import ValidationFailed
from workos.pages import page_context, workspace_page
from workos.tenancy.models import Role

PER_LANE = 25
MAX_IDS = 200
COLUMN_PREFIX = "column:"


@dataclass
class Lane:
    key: str  # the lane's id as the page's script names it; "none" for items without one
    name: str
    color: str
    category: str | None
    wip_limit: int | None
    count: int
    cards: list[Card] = field(default_factory=list)
    next: str | None = None

    @property
    def full(self) -> bool:
        return self.wip_limit is not None and self.count >= self.wip_limit


def lane_key(lane_id: Any) -> str:
    return "none" if lane_id is None else str(lane_id)


def _api_by(page_by: str) -> str:
    """`status`, `group` or `column:<key>` as the page says it; the kanban selector's name."""
    if page_by in ("status", "group"):
        return page_by
    if page_by.startswith(COLUMN_PREFIX) and len(page_by) > len(COLUMN_PREFIX):
        return page_by.removeprefix(COLUMN_PREFIX)
    raise ValidationFailed(
        f"Cannot lay out the Kanban by '{page_by}'; use status, group or column:<key>.",
        fields={"by": ["Use status, group or column:<key>."]},
    )


def _spec(board: Board, page_by: str) -> Lanes:
    return kanban_lanes(board=board, by=_api_by(page_by))


def _hide_time(request: HttpRequest) -> bool:
    return request.membership.role == Role.GUEST  # type: ignore[attr-defined]


def _lanes(board: Board, spec: Lanes, context: CardContext, access: CardAccess,
           hide_time: bool) -> list[Lane]:
    found = kanban_columns(board=board, lanes=spec)
    rows = kanban_cards(board=board, lanes=spec, lane_ids=[lane["id"] for lane in found],
                        per_column=PER_LANE, hide_time=hide_time)
    shown = {lane["id"]: rows.get(lane["id"], [])[:PER_LANE] for lane in found}
    cards = {card.id: card for card in cards_build(
        context=context, access=access,
        rows=[row for lane_rows in shown.values() for row in lane_rows])}
    lanes = []
    for lane in found:
        lane_rows = rows.get(lane["id"], [])
        last = shown[lane["id"]][-1] if len(lane_rows) > PER_LANE else None
        lanes.append(Lane(
            key=lane_key(lane["id"]), name=lane["name"], color=lane["color"] or "",
            category=lane["category"], wip_limit=lane["wip_limit"], count=lane["count"],
            cards=[cards[row["id"]] for row in shown[lane["id"]]],
            next=encode_cursor(last["position"], last["id"]) if last else None,
        ))
    return lanes


def _by_choices(context: CardContext) -> list[tuple[str, str]]:
    choices = [("status", "Status"), ("group", "Group")]
    for column in context.columns:
        single = column.type == "status" or (
            column.type == "dropdown" and not (column.settings or {}).get("multiple"))
        if single and column.key not in ("status", "group"):
            choices.append((COLUMN_PREFIX + column.key, column.title))
    return choices


@workspace_page
def board_kanban_page(request: HttpRequest, ws: str, board_id: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    board = board_get(workspace=membership.workspace, membership=membership, id=board_id)
    page_by = request.GET.get("by", "status")
    problem = ""
    try:
        spec = _spec(board, page_by)
    except ValidationFailed as exc:
        problem, page_by = exc.message, "status"
        spec = _spec(board, page_by)
    context = card_context(board=board)
    access = card_access(board=board, membership=membership)
    lanes = _lanes(board, spec, context, access, _hide_time(request))
    return render(request, "boards/kanban.html", page_context(
        request, section="boards", board=board, project=getattr(board, "project", None),
        tab="kanban", lanes=lanes, by=page_by, by_kind=_by_kind(spec),
        by_choices=_by_choices(context), column_key=spec.column.key if spec.column else "",
        access=access, problem=problem,
        since=timezone.now().isoformat(),
    ))


def _by_kind(spec: Lanes) -> str:
    return "column" if spec.column is not None else spec.by


def _card_json(card: Card, spec: Lanes, access: CardAccess) -> dict[str, Any]:
    # Without the request: the layout's context processors would cost queries on every card.
    html = render_to_string("boards/kanban_card.html",
                            {"card": card, "access": access, "by_kind": _by_kind(spec)})
    return {"id": card.id, "lane": lane_key(spec.lane_of_row(card.row)),
            "position": card.row["position"], "html": html}


def _ids(raw: str) -> list[int]:
    parts = [p for p in raw.split(",") if p.strip()]
    if len(parts) > MAX_IDS or not all(p.strip().isdigit() for p in parts):
        raise ValidationFailed(f"ids is a comma-separated list of up to {MAX_IDS} item ids.",
                               fields={"ids": ["Up to 200 ids, separated by commas."]})
    return [int(p) for p in parts]


def _lane_id(spec: Lanes, board: Board, raw: str) -> Any:
    known = {lane_key(lane["id"]): lane["id"] for lane in kanban_columns(board=board,
                                                                       lanes=spec)}
    if raw not in known:
        raise ValidationFailed(f"This Kanban has no lane '{raw}'.",
                               fields={"lane": ["Unknown lane."]})
    return known[raw]


@workspace_page
def board_kanban_cards(request: HttpRequest, ws: str, board_id: int) -> JsonResponse:
    """Cards as rendered HTML: `ids=` (cards changed since the last poll, with every lane's
    count) or `lane=` and `cursor=` (the next cards of one lane)."""
    membership = request.membership  # type: ignore[attr-defined]
    board = board_get(workspace=membership.workspace, membership=membership, id=board_id)
    try:
        spec = _spec(board, request.GET.get("by", "status"))
        context = card_context(board=board)
        access = card_access(board=board, membership=membership)
        hide_time = _hide_time(request)
        if "ids" in request.GET:
            rows = card_rows(board=board, ids=_ids(request.GET["ids"]), hide_time=hide_time)
            counts = [{"key": lane_key(lane["id"]), "count": lane["count"]}
                      for lane in kanban_columns(board=board, lanes=spec)]
            cards = cards_build(context=context, rows=rows, access=access)
            return JsonResponse({"cards": [_card_json(c, spec, access)
                                           for c in cards], "lanes": counts})
        lane_id = _lane_id(spec, board, request.GET.get("lane", ""))
        cursor = request.GET.get("cursor")
        found = kanban_cards(board=board, lanes=spec, lane_ids=[lane_id], per_column=PER_LANE,
                             after=decode_cursor(cursor) if cursor else None,
                             hide_time=hide_time).get(lane_id, [])
    except ValidationFailed as exc:
        return JsonResponse({"code": exc.code, "message": exc.message, "fields": exc.fields},
                            status=400)
    shown = found[:PER_LANE]
    last = shown[-1] if len(found) > PER_LANE else None
    cards = cards_build(context=context, rows=shown, access=access)
    return JsonResponse({
        "cards": [_card_json(c, spec, access) for c in cards],
        "next": encode_cursor(last["position"], last["id"]) if last else None,
    })
