"""Reads of the board table page: the board's top-level items cut into sections (its groups, or
whatever a view groups by, see `boards.selectors.table_grouping`), the first rows of every
section, more rows of one section, sub-items, and rows by id or changed since a time.

A board of thousands of items must open fast, so the page never reads every item: one windowed
query takes the first rows of all sections at once, one aggregate query counts and totals every
section, one more counts statuses per section for the "battery" bar. More rows of a section are
read a page at a time (`table_section_rows`).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Count,
    QuerySet,
    Window,
)
from django.db.models.functions import RowNumber

from boards.models import Board, Column, Group, Item, Status, View
from boards.selectors.board_data import SNAPSHOT_FIELDS, item_rows
from boards.selectors.items import ItemFilters, item_list
from boards.selectors.links import view_get
from boards.selectors.table_grouping import (
    NO_VALUE,
    Grouping,
    Section,
    fill_counts,
    grouping_for,
    section_key,
    sections_for,
)
from boards.selectors.view_config import view_config_parse
from boards.selectors.view_filters import view_config_apply
from workos.errors import NotFound, ValidationFailed
from workos.tenancy.models import Membership, Role

FIRST_ROWS = 40
MORE_ROWS = 100


@dataclass
class TablePage:
    board: Board
    groups: list[Group]
    statuses: list[Status]
    columns: list[Column]
    view: View | None
    config: dict[str, Any]
    config_error: str | None
    grouping: Grouping
    sections: list[Section]
    hide_time: bool


def table_config(
    *, board: Board, membership: Membership, columns: list[Column], view_id: str | None,
    raw_config: str | None,
) -> tuple[View | None, dict[str, Any], str | None]:
    """The saved view named by `view_id` (of this board), and the config to show: `raw_config`
    (unsaved controls, JSON) when given, else the view's. A config that does not fit the board
    any more gives an empty one and the reason, never an error page."""
    view = None
    if view_id:
        if not view_id.isdigit():
            raise NotFound("View not found.")
        view = view_get(workspace=board.workspace, membership=membership, id=int(view_id))
        if view.board_id != board.pk:
            raise NotFound("View not found.")
    config: Any = dict(view.config or {}) if view is not None else {}
    if raw_config:
        try:
            config = json.loads(raw_config)
        except ValueError:
            return view, {}, "The table's settings in the address could not be read."
    try:
        view_config_parse(board=board, config=config, columns=columns)
    except ValidationFailed as exc:
        return view, {}, f"{exc.message} Showing every item instead."
    return view, config, None


def table_items(*, board: Board, membership: Membership, config: dict[str, Any],
                columns: list[Column], parent: int | None = None) -> QuerySet:
    """The board's items the table shows, in the view's order: top-level ones filtered by the
    view, or, with `parent`, that item's sub-items (all of them, in board order)."""
    filters = (ItemFilters(board=board.pk, parent=parent) if parent is not None
               else ItemFilters(board=board.pk, top_level=True))
    qs = (item_list(workspace=board.workspace, membership=membership, filters=filters)
          .prefetch_related(None).order_by("position", "id"))
    if parent is not None:
        return qs
    return view_config_apply(queryset=qs, board=board, config=config, me=membership.pk,
                             columns=columns)


def hides_time(membership: Membership) -> bool:
    """Guests never see other people's time, exactly as in the API."""
    return membership.role == Role.GUEST


def table_rows(raw: list[dict[str, Any]], *, hide_time: bool) -> list[dict[str, Any]]:
    """Rows read with `.values(*SNAPSHOT_FIELDS)` in the API's shape, each with the number of
    its live sub-items (`children`)."""
    rows = item_rows(raw, hide_time=hide_time) if raw else []
    counts = dict(
        Item.objects.filter(parent_id__in=[r["id"] for r in rows], archived_at__isnull=True)
        .order_by().values("parent_id").annotate(n=Count("id")).values_list("parent_id", "n")
    ) if rows else {}
    for row in rows:
        row["children"] = counts.get(row["id"], 0)
    return rows


def _fill_first_rows(qs: QuerySet, grouping: Grouping, by_key: dict[str, Section],
                     limit: int, hide_time: bool) -> None:
    """The first `limit` rows of every section, with one windowed query."""
    order = list(qs.query.order_by) or ["position", "id"]
    part = grouping.partition()
    raw = list(
        qs.annotate(_section=part, _rank=Window(RowNumber(), partition_by=[part],
                                                order_by=order))
        .filter(_rank__lte=limit).order_by().values(*SNAPSHOT_FIELDS, "_section", "_rank")
    )
    raw.sort(key=lambda r: r["_rank"])
    wanted = [r for r in raw if section_key(r["_section"]) in by_key]
    sections = {r["id"]: section_key(r["_section"]) for r in wanted}
    for row in table_rows(wanted, hide_time=hide_time):
        by_key[sections[row["id"]]].rows.append(row)


def board_structure(board: Board) -> tuple[list[Column], list[Group], list[Status]]:
    """The board's columns, live groups and statuses, in display order."""
    columns = list(Column.objects.filter(board=board).order_by("position", "id"))
    groups = list(Group.objects.filter(board=board, archived_at__isnull=True)
                  .order_by("position", "id"))
    statuses = list(Status.objects.filter(board=board).order_by("position", "id"))
    return columns, groups, statuses


def table_sections(*, board: Board, membership: Membership, config: dict[str, Any],
                   columns: list[Column], groups: list[Group], statuses: list[Status]
                   ) -> tuple[Grouping, list[Section], QuerySet]:
    """The table's sections with their counts, totals and status mix (no rows yet), and the
    items queryset they were counted from."""
    grouping = grouping_for(config, columns)
    sections = sections_for(grouping, groups, statuses)
    if grouping.field not in {"group", "priority"}:
        # Items without a value get a section of their own, shown when there are any.
        sections.append(Section(
            key=NO_VALUE, value=None, label="No value" if grouping.column else "No status",
            color="", create={} if grouping.column else {"status": None}))
    qs = table_items(board=board, membership=membership, config=config, columns=columns)
    fill_counts(qs, grouping, columns, {s.key: s for s in sections})
    return grouping, [s for s in sections if s.key != NO_VALUE or s.count], qs


def table_page(*, board: Board, membership: Membership, view_id: str | None = None,
               raw_config: str | None = None, limit: int = FIRST_ROWS) -> TablePage:
    """Everything the table page shows at first: structure, sections, first rows, totals."""
    columns, groups, statuses = board_structure(board)
    view, config, error = table_config(board=board, membership=membership, columns=columns,
                                       view_id=view_id, raw_config=raw_config)
    grouping, sections, qs = table_sections(board=board, membership=membership, config=config,
                                            columns=columns, groups=groups, statuses=statuses)
    _fill_first_rows(qs, grouping, {s.key: s for s in sections}, limit, hides_time(membership))
    return TablePage(board=board, groups=groups, statuses=statuses, columns=columns, view=view,
                     config=config, config_error=error, grouping=grouping, sections=sections,
                     hide_time=hides_time(membership))


def table_section_rows(*, board: Board, membership: Membership, config: dict[str, Any],
                       columns: list[Column], section: str, offset: int,
                       limit: int = MORE_ROWS) -> tuple[list[dict[str, Any]], bool]:
    """Rows of one section after the first `offset`, and whether more follow."""
    grouping = grouping_for(config, columns)
    value: Any = None if section == NO_VALUE else section
    if value is not None and grouping.field in {"group", "status"}:
        if not section.isdigit():
            raise ValidationFailed("That section is not one of this table's.",
                                   fields={"section": ["Unknown section."]})
        value = int(section)
    qs = table_items(board=board, membership=membership, config=config, columns=columns)
    raw = list(qs.filter(grouping.q(value)).values(*SNAPSHOT_FIELDS)[offset:offset + limit + 1])
    more = len(raw) > limit
    return table_rows(raw[:limit], hide_time=hides_time(membership)), more


def table_rows_by_id(*, board: Board, membership: Membership, ids: list[int] | None = None,
                     parent: int | None = None,
                     updated_after: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Rows of the board's items named by id, the sub-items of `parent`, or the items changed
    after a time (sub-items included), whether or not a view would show them."""
    if parent is not None:
        qs = table_items(board=board, membership=membership, config={}, columns=[],
                         parent=parent)
    else:
        qs = item_list(workspace=board.workspace, membership=membership,
                       filters=ItemFilters(board=board.pk, updated_after=updated_after)
                       ).prefetch_related(None).order_by("position", "id")
        if ids is not None:
            qs = qs.filter(id__in=ids)
    return table_rows(list(qs.values(*SNAPSHOT_FIELDS)[:500]), hide_time=hides_time(membership))


