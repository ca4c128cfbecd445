"""The board table page, and the fragments it loads later: more rows of a section, an item's
sub-items, and rows changed since the last poll. Every write goes through the REST API from the
page's script; these views only read, through `boards.selectors.table_page`."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET

from boards.models import Board, Column, Group
from boards.selectors import board_get
from boards.selectors.table_grouping import Section, rows_sections
from boards.selectors.table_page import (
    FIRST_ROWS,
    MORE_ROWS,
    board_structure,
    table_config,
    table_items,
    table_page,
    table_rows_by_id,
    table_section_rows,
    table_sections,
)
from boards.views_table_cells import decorate_rows, total_text
from boards.views_table_setup import TableSetup, table_script_data, view_choices
from workos.errors import ValidationFailed
from workos.pages import page_context, workspace_page


def _query(request: HttpRequest) -> str:
    """The page's own parameters (saved view, unsaved controls), for the URLs it loads later."""
    kept = {k: request.GET[k] for k in ("view", "config") if request.GET.get(k)}
    return urlencode(kept)


def _board(request: HttpRequest, id: int) -> Board:
    membership = request.membership  # type: ignore[attr-defined]
    return board_get(workspace=membership.workspace, membership=membership, id=id)


def _bad_request(exc: ValidationFailed) -> JsonResponse:
    return JsonResponse({"code": exc.code, "message": exc.message, "fields": exc.fields},
                        status=400)


def _whole(raw: str | None, name: str, default: int = 0) -> int:
    if raw in (None, ""):
        return default
    if not raw.isdigit() or len(raw) > 9:
        raise ValidationFailed(f"{name} is a whole number.", fields={name: ["Not a number."]})
    return int(raw)


def _decorate_sections(sections: list[Section], setup: TableSetup) -> None:
    """What the template draws for each section besides its rows."""
    currency = setup.board.workspace.currency
    for section in sections:
        section.total_cells = [(col.name, total_text(col, section.totals.get(col.name), currency))
                               for col in setup.shown]
        section.mix = setup.battery(section.battery, section.count)
        section.create_json = json.dumps(section.create)


def _summaries(request: HttpRequest, setup: TableSetup, config: dict[str, Any],
               groups: list[Group]) -> list[dict[str, Any]]:
    """Every section's count, totals and status mix as they are now, for the page to patch."""
    _grouping, sections, _qs = table_sections(
        board=setup.board, membership=setup.membership, config=config, columns=setup.columns,
        groups=groups, statuses=setup.statuses)
    _decorate_sections(sections, setup)
    return [{"key": s.key, "count": s.count,
             "label": f"{s.count} item{'' if s.count == 1 else 's'}",
             "totals": dict(s.total_cells),
             "battery": render_to_string("boards/_table_battery.html", {"section": s},
                                         request=request)} for s in sections]


@require_GET
@workspace_page
def board_table_page(request: HttpRequest, ws: str, id: int) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    board = _board(request, id)
    page = table_page(board=board, membership=membership, view_id=request.GET.get("view"),
                      raw_config=request.GET.get("config"), limit=FIRST_ROWS)
    setup = TableSetup.read(board=board, membership=membership, columns=page.columns,
                            statuses=page.statuses, config=page.config)
    _decorate_sections(page.sections, setup)
    for section in page.sections:
        decorate_rows(section.rows, setup.shown, setup.cells,
                      {row["id"]: section.key for row in section.rows})
    query = _query(request)
    context = page_context(
        request, section="boards", board=board, project=getattr(board, "project", None),
        tab="table", page=page, setup=setup, query=query, views=view_choices(board, membership),
        table_data=table_script_data(request, board=board, page=page, setup=setup, query=query),
    )
    return render(request, "boards/table.html", context)


@require_GET
@workspace_page
def board_table_rows(request: HttpRequest, ws: str, id: int) -> HttpResponse:
    """More rows of one section (`section`, `offset`), or the sub-items of `parent`, as table
    rows; a "show more" row follows when the section holds more."""
    membership = request.membership  # type: ignore[attr-defined]
    board = _board(request, id)
    columns = list(Column.objects.filter(board=board).order_by("position", "id"))
    try:
        _view, config, _error = table_config(
            board=board, membership=membership, columns=columns,
            view_id=request.GET.get("view"), raw_config=request.GET.get("config"))
        setup = TableSetup.read(board=board, membership=membership, columns=columns,
                                config=config)
        parent = _whole(request.GET.get("parent"), "parent")
        section = request.GET.get("section", "")
        offset = _whole(request.GET.get("offset"), "offset")
        if parent:
            rows, more = table_rows_by_id(board=board, membership=membership,
                                          parent=parent), False
        else:
            rows, more = table_section_rows(board=board, membership=membership, config=config,
                                            columns=columns, section=section, offset=offset,
                                            limit=MORE_ROWS)
    except ValidationFailed as exc:
        return _bad_request(exc)
    sections = {row["id"]: section for row in rows} if not parent else None
    decorate_rows(rows, setup.shown, setup.cells, sections)
    context = {"rows": rows, "setup": setup, "workspace": board.workspace, "board": board,
               "more": more, "section_key": section, "next_offset": offset + len(rows),
               "query": _query(request)}
    return render(request, "boards/_table_rows.html", context)


def _since(raw: str | None) -> dt.datetime | None:
    if not raw:
        return None
    moment = parse_datetime(raw)
    if moment is None:
        raise ValidationFailed("since is a date and time such as 2025-03-31T09:00:00Z.",
                               fields={"since": ["Not a date and time."]})
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, dt.UTC)


def _ids(raw: str | None) -> list[int] | None:
    if raw is None:
        return None
    parts = [p for p in raw.split(",") if p.strip()]
    if len(parts) > 500 or not all(p.strip().isdigit() and len(p.strip()) < 12 for p in parts):
        raise ValidationFailed("ids is a comma-separated list of up to 500 item ids.",
                               fields={"ids": ["Not a list of ids."]})
    return [int(p) for p in parts]


@require_GET
@workspace_page
def board_table_changes(request: HttpRequest, ws: str, id: int) -> JsonResponse:
    """Rows of the items named in `ids`, or changed after `since`, each with its section and
    whether the page's filters keep it, as JSON: the page patches them in place."""
    membership = request.membership  # type: ignore[attr-defined]
    board = _board(request, id)
    until = timezone.now()
    columns, groups, statuses = board_structure(board)
    try:
        ids, since = _ids(request.GET.get("ids")), _since(request.GET.get("since"))
        if ids is None and since is None:
            raise ValidationFailed("Give ids or since.", fields={"ids": ["Required."]})
        _view, config, _error = table_config(
            board=board, membership=membership, columns=columns,
            view_id=request.GET.get("view"), raw_config=request.GET.get("config"))
    except ValidationFailed as exc:
        return _bad_request(exc)
    setup = TableSetup.read(board=board, membership=membership, columns=columns, config=config,
                            statuses=statuses)
    rows = table_rows_by_id(board=board, membership=membership, ids=ids, updated_after=since)
    top = [row["id"] for row in rows if row["parent"] is None]
    kept = set(table_items(board=board, membership=membership, config=config, columns=columns)
               .filter(id__in=top).values_list("id", flat=True)) if top else set()
    decorate_rows(rows, setup.shown, setup.cells,
                  rows_sections(rows, setup.grouping, setup.statuses))
    out = []
    for row in rows:
        html = render_to_string("boards/_table_row.html", {
            "row": row, "setup": setup, "workspace": board.workspace}, request=request)
        out.append({"id": row["id"], "parent": row["parent"], "section": row["section"],
                    "version": row["version"], "matches": row["parent"] is not None
                    or row["id"] in kept, "html": html})
    answer: dict[str, Any] = {"until": until.isoformat(), "rows": out}
    if request.GET.get("summary"):
        answer["sections"] = _summaries(request, setup, config, groups)
    return JsonResponse(answer)

