"""Reads of items: the filtered list, one item, and the changes feed for sync.

Every query starts from the workspace and the boards the viewer can see, so an item of a private
board is invisible exactly like a missing one.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db import connection
from django.db.models import (
    Case,
    DateField,
    DecimalField,
    Expression,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce

from boards.computed import HAS_COMPUTED
from boards.models import PRIORITY_RANK, Column, Item
from boards.selectors.boards import visible_board_ids
from boards.selectors.item_page import (
    SORT_COLUMNS,
    ItemRowsStatement,
    assignee_ids_array,
    board_has_computed,
    item_board_has_computed,
    item_rows_queryset,
)
from boards.selectors.text_search import items_matching
from boards.selectors.view_filters import json_list_has
from workos.activity.models import Activity
from workos.errors import NotFound, ValidationFailed
from workos.tenancy.models import Membership, Workspace

# Column types whose values are JSON numbers: filters compare them as numbers, not text.
# (Money is stored as a decimal string and compared through a guarded cast.)
NUMERIC_TYPES = frozenset({"number", "rating"})
# Column types whose values are lists: `__contains` means "has this element".
LIST_TYPES = frozenset({"people", "relation", "tags", "dropdown"})
ID_TYPES = frozenset({"people", "relation"})
VALUE_OPS = ("eq", "gt", "lt", "contains", "empty")
# Far dates stand in for missing ones so sorting by a date keeps cursor pages stable.
_NO_DATE = dt.date(9999, 12, 31)


@dataclass(frozen=True)
class ValueFilter:
    key: str
    op: str  # one of VALUE_OPS
    value: str


@dataclass(frozen=True)
class ItemFilters:
    board: int | None = None
    group: int | None = None
    status: int | None = None
    status_category: str | None = None
    assignee: int | None = None
    parent: int | None = None
    top_level: bool = False
    due_before: dt.date | None = None
    due_after: dt.date | None = None
    q: str | None = None
    archived: bool | None = False
    updated_after: dt.datetime | None = None
    values: tuple[ValueFilter, ...] = field(default_factory=tuple)


def assignee_prefetch() -> Prefetch:
    return Prefetch("assignees", queryset=Membership.objects.only("id").order_by("id"))


@lru_cache(maxsize=4096)
def _visible_board_ids_sql(vendor: str, workspace_id: int, membership_id: int,
                           role: str) -> tuple[str, tuple]:
    """`visible_board_ids` compiled: the statement depends only on these arguments."""
    workspace = Workspace(pk=workspace_id)
    membership = Membership(pk=membership_id, workspace_id=workspace_id, role=role)
    # Unordered, as Django leaves a subquery it embeds itself.
    query = visible_board_ids(workspace=workspace, membership=membership).order_by().query
    sql, params = query.sql_with_params()
    return sql, tuple(params)


def _visible_items_q(*, workspace: Workspace, membership: Membership) -> Q:
    """Items of the workspace on boards the viewer sees.

    The boards are a subquery (a join on the board would be cheaper still to build, but leads
    the planner to slower plans for filtered lists and search), compiled by the ORM once per
    viewer and reused: every item read needs it, and building it cost a third of a page's
    query. It is the same statement `visible_board_ids` gives, so the rule lives there alone.
    """
    sql, params = _visible_board_ids_sql(connection.vendor, workspace.pk, membership.pk,
                                         membership.role)
    # Safe: the statement was compiled by the ORM, and its values stay parameters.
    return Q(workspace=workspace, board_id__in=RawSQL(sql, params))  # noqa: S611


def _items_base(*, workspace: Workspace, membership: Membership) -> QuerySet:
    return Item.objects.filter(_visible_items_q(workspace=workspace, membership=membership))


def item_list(
    *,
    workspace: Workspace,
    membership: Membership,
    filters: ItemFilters | None = None,
    rows: bool = False,
) -> QuerySet:
    """Visible items, filtered. With `rows`, plain rows for `item_rows` rather than items (see
    `boards.selectors.item_page`); sort keys are added by `item_sort_keys`.

    Conditions go into one `filter()`: on a page of items, building the query costs as much
    as running it, and every call clones it.
    """
    f = filters or ItemFilters()
    where = _visible_items_q(workspace=workspace, membership=membership)
    if f.archived is not None:
        where &= Q(archived_at__isnull=not f.archived)
    exact = {
        "board_id": f.board, "group_id": f.group, "status_id": f.status,
        "status__category": f.status_category, "parent_id": f.parent,
        # (item, member) pairs are unique, so this join never repeats an item.
        "assignees__id": f.assignee,
        "due_date__lt": f.due_before, "due_date__gt": f.due_after,
        "updated_at__gt": f.updated_after,
    }
    where &= Q(**{k: v for k, v in exact.items() if v is not None})
    if f.top_level:
        where &= Q(parent__isnull=True)
    qs = (item_rows_queryset() if rows else Item.objects.all()).filter(where)
    if rows and f.board is not None:
        qs = qs.annotate(**{HAS_COMPUTED: board_has_computed(f.board)})
    if f.q:
        qs = items_matching(qs, f.q)
    if f.values:
        qs = _apply_value_filters(qs, workspace=workspace, board=f.board, filters=f.values)
    return qs if rows else qs.prefetch_related(assignee_prefetch())


def item_rows_page(
    *, workspace: Workspace, membership: Membership, filters: ItemFilters, sort: list[str],
) -> ItemRowsStatement | QuerySet:
    """The visible items matching `filters` as page rows (see `boards.selectors.item_page`),
    to be sorted by `sort`: a hand-written statement when the filters and the sort are plain
    columns, else the same rows through the ORM (`item_list(rows=True)`)."""
    f = filters
    if (f.q or f.status_category is not None or f.values
            or any(name.lstrip("-") not in SORT_COLUMNS for name in sort)):
        return item_list(workspace=workspace, membership=membership, filters=f, rows=True)
    visible, visible_params = _visible_board_ids_sql(connection.vendor, workspace.pk,
                                                     membership.pk, membership.role)
    if f.board is not None and f.archived is False and not _narrowed(f):
        # A board's plain list: the statement adds the board's range (see `board_scan`), and
        # whether the viewer sees the board is asked once, not for each item.
        where = (f"i.workspace_id = {int(workspace.pk)}", f"{int(f.board)} IN ({visible})",
                 "i.archived_at IS NULL")
        return ItemRowsStatement(where=where, params=visible_params, board=f.board,
                                 board_scan=True)
    where = ["i.workspace_id = %s", f"i.board_id IN ({visible})"]
    params: list[Any] = [workspace.pk, *visible_params]
    if f.archived is not None:
        where.append(f"i.archived_at IS {'NOT ' if f.archived else ''}NULL")
    quote = connection.ops.quote_name
    compared = (("board_id", "=", f.board), ("group_id", "=", f.group),
                ("status_id", "=", f.status), ("parent_id", "=", f.parent),
                ("due_date", "<", f.due_before), ("due_date", ">", f.due_after),
                ("updated_at", ">", f.updated_after))
    for name, op, value in compared:
        if value is not None:
            field = Item._meta.get_field(name)
            where.append(f"i.{quote(field.column)} {op} %s")
            params.append(field.get_db_prep_value(value, connection))
    if f.assignee is not None:
        through = quote(Item.assignees.through._meta.db_table)
        where.append(f"EXISTS(SELECT 1 FROM {through} a WHERE a.item_id = i.id "  # noqa: S608
                     "AND a.membership_id = %s)")
        params.append(f.assignee)
    if f.top_level:
        where.append("i.parent_id IS NULL")
    return ItemRowsStatement(where=tuple(where), params=tuple(params), board=f.board)


def _narrowed(f: ItemFilters) -> bool:
    """Whether the filters ask for more than the board and whether archived."""
    return f.top_level or any(value is not None for value in (
        f.group, f.status, f.parent, f.assignee, f.due_before, f.due_after, f.updated_after))


def _sort_expression(key: str) -> Expression:
    if key == "priority_rank":
        return Case(
            *[When(priority=name, then=Value(rank)) for name, rank in PRIORITY_RANK.items()],
            default=Value(0),
            output_field=IntegerField(),
        )
    field = {"due_sort": "due_date", "start_sort": "start_date"}[key]
    return Coalesce(field, Value(_NO_DATE), output_field=DateField())


# Sort keys an item list can be ordered by besides its own fields.
ITEM_SORT_KEYS = ("due_sort", "start_sort", "priority_rank")


def item_sort_keys(qs: QuerySet | ItemRowsStatement, keys: Iterable[str]
                   ) -> QuerySet | ItemRowsStatement:
    """Annotate the sort keys an ordering needs (and only those: each costs on every row):
    missing dates sort last, priorities by rank rather than by name."""
    if isinstance(qs, ItemRowsStatement):
        return qs  # a statement sorts by columns only
    wanted = {key: _sort_expression(key) for key in keys
              if key in ITEM_SORT_KEYS and key not in qs.query.annotations}
    return qs.annotate(**wanted) if wanted else qs


def item_one_queryset(*, workspace: Workspace, membership: Membership) -> QuerySet:
    """Visible items, archived or not, for reading or writing one: no list sort keys, and no
    related rows (the API answers with ids, and every write re-reads the item under a lock).

    Each item knows whether its board has computed columns (`HAS_COMPUTED`). On PostgreSQL
    the assignees' ids come with the item (`assignee_ids_cache`), in the same statement;
    elsewhere they are prefetched.
    """
    qs = _items_base(workspace=workspace, membership=membership).annotate(
        **{HAS_COMPUTED: item_board_has_computed()})
    if connection.vendor == "postgresql":
        return qs.annotate(assignee_ids_cache=assignee_ids_array(current_only=True))
    return qs.prefetch_related(assignee_prefetch())


def item_ref_queryset(*, workspace: Workspace, membership: Membership) -> QuerySet:
    """Visible items, archived or not, read as bare references (id and board): for a write
    whose service re-reads the item under its lock and answers with that."""
    return _items_base(workspace=workspace, membership=membership).only("id", "board_id")


def item_get(*, workspace: Workspace, membership: Membership, id: int) -> Item:
    """One visible item, archived or not."""
    item = (
        _items_base(workspace=workspace, membership=membership)
        .select_related("board", "status")
        .prefetch_related(assignee_prefetch())
        .filter(id=id)
        .first()
    )
    if item is None:
        raise NotFound("Item not found.")
    return item


def item_changes(
    *, workspace: Workspace, membership: Membership, since: dt.datetime
) -> dict[str, list[int]]:
    """Ids of items archived, and of items deleted (or on boards deleted), since a time."""
    archived = list(
        _items_base(workspace=workspace, membership=membership)
        .filter(archived_at__gte=since)
        .order_by("id")
        .values_list("id", flat=True)
    )
    boards = visible_board_ids(workspace=workspace, membership=membership, include_deleted=True)
    on_deleted_boards = Item.objects.filter(
        workspace=workspace, board_id__in=boards, board__deleted_at__gte=since
    ).values_list("id", flat=True)
    board_ids = {row["id"] for row in boards}
    deleted_rows = Activity.objects.filter(
        workspace=workspace, verb="item.deleted", created_at__gte=since
    ).values_list("target_id", "data")
    deleted = {target for target, data in deleted_rows if (data or {}).get("board") in board_ids}
    deleted.update(on_deleted_boards)
    return {"archived": archived, "deleted": sorted(deleted)}


# --- custom column filters --------------------------------------------------------------


def _column_types(*, workspace: Workspace, board: int | None, keys: set[str]) -> dict[str, str]:
    columns = Column.objects.filter(board__workspace=workspace, key__in=keys)
    if board is not None:
        columns = columns.filter(board_id=board)
    return dict(columns.order_by("id").values_list("key", "type"))


def _parse_number(raw: str, key: str) -> int | float:
    try:
        number = decimal.Decimal(raw)
    except decimal.InvalidOperation as exc:
        raise ValidationFailed(
            f"values.{key} compares numbers; '{raw}' is not a number.",
            fields={f"values.{key}": ["Not a number."]},
        ) from exc
    if not number.is_finite():
        raise ValidationFailed(f"values.{key} compares numbers; '{raw}' is not a number.",
                               fields={f"values.{key}": ["Not a number."]})
    return int(number) if number == number.to_integral_value() else float(number)


def _parse_bool(raw: str, key: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in {"true", "1", "yes"}:
        return True
    if lowered in {"false", "0", "no"}:
        return False
    raise ValidationFailed(
        f"values.{key} takes true or false, not '{raw}'.",
        fields={f"values.{key}": ["Use true or false."]},
    )


def _empty_q(key: str) -> Q:
    path = f"values__{key}"
    return (
        ~Q(values__has_key=key)
        | Q(**{f"{path}__isnull": True}) | Q(**{path: None}) | Q(**{path: ""}) | Q(**{path: []})
    )


def _money_amount(key: str) -> Case:
    """A money value (stored as a decimal string) as a number; only strings that look like
    amounts are cast, so an odd stored value can never make the database raise."""
    return Case(
        When(Q(**{f"values__{key}__regex": r"^-?[0-9]+(\.[0-9]+)?$"}),
             then=Cast(KeyTextTransform(key, "values"), DecimalField(max_digits=20,
                                                                     decimal_places=2))),
        default=None,
        output_field=DecimalField(max_digits=20, decimal_places=2),
    )


def _contains_q(vf: ValueFilter, column_type: str) -> Q:
    path = f"values__{vf.key}"
    if column_type in LIST_TYPES:
        element = _parse_number(vf.value, vf.key) if column_type in ID_TYPES else vf.value
        # A list holding the element (a single-choice dropdown holds it bare); on SQLite the
        # element is matched whole, so 3 is never found in [13].
        return json_list_has(vf.key, element)
    return Q(**{f"{path}__icontains": vf.value})


def _apply_value_filters(
    qs: QuerySet, *, workspace: Workspace, board: int | None, filters: tuple[ValueFilter, ...]
) -> QuerySet:
    types = _column_types(workspace=workspace, board=board, keys={vf.key for vf in filters})
    unknown = sorted({vf.key for vf in filters} - set(types))
    if unknown:
        where = "on this board" if board is not None else "in this workspace"
        raise ValidationFailed(
            f"No column with key {', '.join(unknown)} {where}.",
            fields={f"values.{key}": ["Unknown column."] for key in unknown},
        )
    for index, vf in enumerate(filters):
        column_type = types[vf.key]
        path = f"values__{vf.key}"
        if vf.op == "empty":
            empty = _empty_q(vf.key)
            qs = qs.filter(empty if _parse_bool(vf.value, vf.key) else ~empty)
        elif vf.op == "contains":
            qs = qs.filter(_contains_q(vf, column_type))
        elif column_type == "money":
            alias = f"_amount_{index}"
            lookup = {"eq": "", "gt": "__gt", "lt": "__lt"}[vf.op]
            qs = qs.alias(**{alias: _money_amount(vf.key)}).filter(
                **{f"{alias}{lookup}": decimal.Decimal(str(_parse_number(vf.value, vf.key)))}
            )
        else:
            value = _typed(vf.value, vf.key, column_type)
            if vf.op in {"gt", "lt"}:
                qs = qs.filter(**{f"{path}__{vf.op}": value})
            elif connection.vendor == "postgresql" and column_type not in LIST_TYPES:
                # Containment of a scalar is equality, and it can use the GIN index on values.
                qs = qs.filter(values__contains={vf.key: value})
            else:
                qs = qs.filter(**{path: value})
    return qs


def _typed(raw: str, key: str, column_type: str) -> object:
    if column_type in NUMERIC_TYPES or column_type in ID_TYPES:
        return _parse_number(raw, key)
    if column_type == "checkbox":
        return _parse_bool(raw, key)
    return raw
