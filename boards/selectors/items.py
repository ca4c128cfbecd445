"""Reads of items: the filtered list, one item, and the changes feed for sync.

Every query starts from the workspace and the boards the viewer can see, so an item of a private
board is invisible exactly like a missing one.
"""

from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    Case,
    DateField,
    DecimalField,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast, Coalesce

from boards.models import PRIORITY_RANK, Column, Item
from boards.selectors.boards import visible_board_ids
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


def _items_base(*, workspace: Workspace, membership: Membership) -> QuerySet:
    return Item.objects.filter(
        workspace=workspace,
        board_id__in=visible_board_ids(workspace=workspace, membership=membership),
    )


def item_list(
    *,
    workspace: Workspace,
    membership: Membership,
    filters: ItemFilters | None = None,
) -> QuerySet:
    """Visible items, filtered; annotated with the sort keys the API allows."""
    f = filters or ItemFilters()
    qs = _items_base(workspace=workspace, membership=membership)
    if f.archived is not None:
        qs = qs.filter(archived_at__isnull=not f.archived)
    exact = {
        "board_id": f.board, "group_id": f.group, "status_id": f.status,
        "status__category": f.status_category, "parent_id": f.parent,
    }
    qs = qs.filter(**{k: v for k, v in exact.items() if v is not None})
    if f.top_level:
        qs = qs.filter(parent__isnull=True)
    if f.assignee is not None:
        # (item, member) pairs are unique, so this join never repeats an item.
        qs = qs.filter(assignees__id=f.assignee)
    if f.due_before is not None:
        qs = qs.filter(due_date__lt=f.due_before)
    if f.due_after is not None:
        qs = qs.filter(due_date__gt=f.due_after)
    if f.updated_after is not None:
        qs = qs.filter(updated_at__gt=f.updated_after)
    if f.q:
        qs = items_matching(qs, f.q)
    if f.values:
        qs = _apply_value_filters(qs, workspace=workspace, board=f.board, filters=f.values)
    return _with_sort_keys(qs).prefetch_related(assignee_prefetch())


def _with_sort_keys(qs: QuerySet) -> QuerySet:
    return qs.annotate(
        due_sort=Coalesce("due_date", Value(_NO_DATE), output_field=DateField()),
        start_sort=Coalesce("start_date", Value(_NO_DATE), output_field=DateField()),
        priority_rank=Case(
            *[When(priority=key, then=Value(rank)) for key, rank in PRIORITY_RANK.items()],
            default=Value(0),
            output_field=IntegerField(),
        ),
    )


def item_one_queryset(*, workspace: Workspace, membership: Membership) -> QuerySet:
    """Visible items, archived or not, for reading or writing one: no list sort keys."""
    return (
        _items_base(workspace=workspace, membership=membership)
        .select_related("board", "status")
        .prefetch_related(assignee_prefetch())
    )


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
