"""Saved view configs applied to items: every operator, custom columns through JSON lookups,
relative dates in the workspace's time zone, sorting, and the validator's messages."""

from __future__ import annotations

import datetime as dt

import pytest

from boards.models import Item
from boards.selectors.view_config import view_config_validate
from boards.selectors.view_filters import view_config_apply
from tests.boards.conftest import status_named
from tests.factories import ColumnFactory, GroupFactory, ItemFactory
from workos.errors import ValidationFailed

TODAY = dt.date(2025, 6, 11)  # a Wednesday: its week runs from 9 to 15 June


def _names(board, config, *, ordered=False, **kwargs):
    items = view_config_apply(queryset=Item.objects.filter(board=board), board=board,
                              config=config, today=TODAY, **kwargs)
    names = list(items.values_list("name", flat=True))
    return names if ordered else sorted(names)


def _item(board, name, **fields):
    fields.setdefault("group", board.groups.first())
    return ItemFactory(board=board, name=name, **fields)


def _where(field, op, value=None):
    rule = {"field": field, "op": op}
    if value is not None:
        rule["value"] = value
    return {"filters": [rule]}


def test_status_is_matches_by_id_or_by_name(people, board):
    _item(board, "a", status=status_named(board, "Done"))
    _item(board, "b", status=status_named(board, "To do"))
    assert _names(board, _where("status", "is", status_named(board, "Done").pk)) == ["a"]
    assert _names(board, _where("status", "is", "done")) == ["a"]


def test_is_not_keeps_items_without_a_value(people, board):
    _item(board, "done", status=status_named(board, "Done"))
    _item(board, "todo", status=status_named(board, "To do"))
    _item(board, "none", status=None)
    assert _names(board, _where("status", "is_not", "Done")) == ["none", "todo"]


def test_status_category_in_and_priority_in(people, board):
    _item(board, "a", status=status_named(board, "In progress"), priority="high")
    _item(board, "b", status=status_named(board, "Backlog"), priority="low")
    _item(board, "c", status=status_named(board, "Done"), priority="urgent")
    assert _names(board, _where("status_category", "in", ["in_progress", "done"])) == ["a", "c"]
    assert _names(board, _where("priority", "in", ["high", "urgent"])) == ["a", "c"]


def test_group_is_by_name_and_name_contains_ignoring_case(people, board):
    other = GroupFactory(board=board, name="Later")
    _item(board, "Write the Report")
    _item(board, "report review", group=other)
    assert _names(board, _where("name", "contains", "REPORT")) == ["Write the Report",
                                                                   "report review"]
    assert _names(board, _where("group", "is", "later")) == ["report review"]


def test_assignee_is_a_member_me_or_nobody(people, board):
    mine = _item(board, "mine")
    mine.assignees.set([people.member, people.admin])
    _item(board, "theirs").assignees.set([people.admin])
    _item(board, "nobody's")
    assert _names(board, _where("assignee", "is", "me"), me=people.member.pk) == ["mine"]
    assert _names(board, _where("assignee", "is", people.admin.pk)) == ["mine", "theirs"]
    assert _names(board, _where("assignee", "empty")) == ["nobody's"]
    assert _names(board, _where("assignees", "is_not", people.member.pk)) == ["nobody's",
                                                                              "theirs"]


def test_date_comparisons(people, board):
    for day in (5, 10, 20):
        _item(board, f"d{day}", due_date=dt.date(2025, 6, day))
    _item(board, "undated")
    assert _names(board, _where("due_date", "gt", "2025-06-05")) == ["d10", "d20"]
    assert _names(board, _where("due_date", "lt", "2025-06-10")) == ["d5"]
    assert _names(board, _where("due_date", "between", ["2025-06-05", "2025-06-10"])) == [
        "d10", "d5"]
    assert _names(board, _where("due_date", "is", "2025-06-20")) == ["d20"]
    assert _names(board, _where("due_date", "empty")) == ["undated"]


@pytest.mark.parametrize(("op", "expected"), [
    ("today", ["wed"]),
    ("this_week", ["mon", "sun", "wed"]),
    ("next_week", ["next mon"]),
    ("last_week", ["last sun"]),
    ("this_month", ["first", "last sun", "mon", "next mon", "sun", "wed"]),
])
def test_relative_dates(people, board, op, expected):
    days = {"last sun": 8, "mon": 9, "wed": 11, "sun": 15, "next mon": 16, "first": 1}
    for name, day in days.items():
        _item(board, name, start_date=dt.date(2025, 6, day))
    _item(board, "july", start_date=dt.date(2025, 7, 1))
    assert _names(board, _where("start_date", op)) == sorted(expected)


def test_overdue_is_due_before_today_and_still_open(people, board):
    yesterday = TODAY - dt.timedelta(days=1)
    _item(board, "late", due_date=yesterday, status=status_named(board, "In progress"))
    _item(board, "late without status", due_date=yesterday, status=None)
    _item(board, "done late", due_date=yesterday, status=status_named(board, "Done"))
    _item(board, "cancelled", due_date=yesterday, status=status_named(board, "Cancelled"))
    _item(board, "due today", due_date=TODAY, status=status_named(board, "To do"))
    _item(board, "no date", status=status_named(board, "To do"))
    assert _names(board, _where("due_date", "overdue")) == ["late", "late without status"]


def test_empty_and_not_empty_on_custom_columns(people, board):
    ColumnFactory(board=board, key="notes", type="text")
    ColumnFactory(board=board, key="cost", type="number")
    _item(board, "both", values={"notes": "hi", "cost": 0})
    _item(board, "blank text", values={"notes": "", "cost": 3})
    _item(board, "nothing", values={})
    _item(board, "json null", values={"notes": None})
    assert _names(board, _where("values.notes", "empty")) == ["blank text", "json null",
                                                              "nothing"]
    assert _names(board, _where("values.notes", "not_empty")) == ["both"]
    # Zero is a value, not emptiness.
    assert _names(board, _where("values.cost", "not_empty")) == ["blank text", "both"]


def test_numbers_and_money_compare_as_numbers(people, board):
    ColumnFactory(board=board, key="cost", type="number")
    ColumnFactory(board=board, key="price", type="money")
    _item(board, "small", values={"cost": 9, "price": "9.50"})
    _item(board, "large", values={"cost": 100, "price": "100.00"})
    _item(board, "odd", values={"price": "n/a"})
    assert _names(board, _where("values.cost", "gt", 10)) == ["large"]
    assert _names(board, _where("cost", "lt", "10")) == ["small"]
    assert _names(board, _where("values.cost", "between", [9, 100])) == ["large", "small"]
    assert _names(board, _where("values.price", "gt", "10")) == ["large"]
    assert _names(board, _where("values.price", "is", 9.5)) == ["small"]


def test_date_and_timeline_columns(people, board):
    ColumnFactory(board=board, key="review", type="date")
    ColumnFactory(board=board, key="span", type="timeline")
    _item(board, "in week", values={"review": "2025-06-12T09:30",
                                    "span": {"start": "2025-06-01", "end": "2025-06-13"}},
          status=status_named(board, "To do"))
    _item(board, "before", values={"review": "2025-06-02",
                                   "span": {"start": "2025-05-01", "end": "2025-05-31"}},
          status=status_named(board, "To do"))
    _item(board, "garbage", values={"review": "soon", "span": {"start": "x", "end": "y"}})
    assert _names(board, _where("values.review", "this_week")) == ["in week"]
    assert _names(board, _where("values.review", "overdue")) == ["before"]
    assert _names(board, _where("values.span", "this_week")) == ["in week"]
    assert _names(board, _where("values.span", "overdue")) == ["before"]
    assert _names(board, _where("values.span", "is", "2025-05-15")) == ["before"]


def test_people_tags_and_options(people, board):
    ColumnFactory(board=board, key="owner", type="people")
    ColumnFactory(board=board, key="labels", type="tags")
    ColumnFactory(board=board, key="size", type="dropdown",
                  settings={"options": [{"id": "s", "label": "Small"},
                                        {"id": "l", "label": "Large"}]})
    ColumnFactory(board=board, key="areas", type="dropdown",
                  settings={"multiple": True, "options": [{"id": "ui", "label": "UI"},
                                                          {"id": "db", "label": "Database"}]})
    pk = people.member.pk
    # An id whose digits hold the member's id must not match it.
    _item(board, "mine", values={"owner": [pk, 100000 + pk], "labels": ["client", "q3"],
                                 "size": "s", "areas": ["ui", "db"]})
    _item(board, "lookalike", values={"owner": [int(f"{pk}{pk}")], "labels": ["clients"],
                                      "size": "l", "areas": ["db"]})
    assert _names(board, _where("values.owner", "is", pk)) == ["mine"]
    assert _names(board, _where("values.owner", "is", "me"), me=pk) == ["mine"]
    assert _names(board, _where("values.labels", "contains", "client")) == ["mine"]
    assert _names(board, _where("values.size", "is", "Small")) == ["mine"]
    assert _names(board, _where("values.size", "in", ["s", "Large"])) == ["lookalike", "mine"]
    assert _names(board, _where("values.areas", "contains", "UI")) == ["mine"]
    assert _names(board, _where("values.areas", "is_not", "db")) == []


def test_checkbox_is_true_false_and_is_not(people, board):
    ColumnFactory(board=board, key="ok", type="checkbox")
    _item(board, "ticked", values={"ok": True})
    _item(board, "unticked", values={"ok": False})
    _item(board, "never", values={})
    assert _names(board, _where("values.ok", "is", True)) == ["ticked"]
    assert _names(board, _where("values.ok", "is", "false")) == ["never", "unticked"]
    assert _names(board, _where("values.ok", "is_not", True)) == ["never", "unticked"]
    assert _names(board, _where("values.ok", "empty")) == ["never", "unticked"]


def test_completed_at_today_is_the_day_in_the_workspace_time_zone(people, board):
    zone = "Pacific/Auckland"  # UTC+12 in June
    _item(board, "this morning", completed_at=dt.datetime(2025, 6, 10, 13, tzinfo=dt.UTC))
    _item(board, "last night", completed_at=dt.datetime(2025, 6, 10, 11, tzinfo=dt.UTC))
    assert _names(board, _where("completed_at", "today"), tz=zone) == ["this morning"]
    assert _names(board, _where("completed_at", "lt", "2025-06-11"), tz=zone) == ["last night"]
    board.workspace.timezone = zone
    assert _names(board, _where("completed_at", "today")) == ["this morning"]


def test_match_any_joins_filters_with_or(people, board):
    _item(board, "urgent", priority="urgent")
    _item(board, "milestone", is_milestone=True)
    _item(board, "neither")
    config = {"match": "any", "filters": [{"field": "priority", "op": "is", "value": "urgent"},
                                          {"field": "is_milestone", "op": "is", "value": True}]}
    assert _names(board, config) == ["milestone", "urgent"]
    assert _names(board, {**config, "match": "all"}) == []


def test_sorts_put_empty_values_last_either_way(people, board):
    ColumnFactory(board=board, key="cost", type="number")
    _item(board, "ten", values={"cost": 10}, priority="low")
    _item(board, "nine", values={"cost": 9}, priority="urgent")
    _item(board, "hundred", values={"cost": 100}, priority="high")
    _item(board, "none", values={}, priority="none")
    for direction, expected in (("asc", ["nine", "ten", "hundred", "none"]),
                                ("desc", ["hundred", "ten", "nine", "none"])):
        config = {"sorts": [{"field": "values.cost", "direction": direction}]}
        assert _names(board, config, ordered=True) == expected
    config = {"sorts": [{"field": "priority", "direction": "desc"}]}
    assert _names(board, config, ordered=True) == ["nine", "hundred", "ten", "none"]


def test_group_by_orders_by_the_grouping_first(people, board):
    _item(board, "b done", status=status_named(board, "Done"))
    _item(board, "a todo", status=status_named(board, "To do"))
    _item(board, "c backlog", status=status_named(board, "Backlog"))
    config = {"group_by": "status", "sorts": [{"field": "name", "direction": "asc"}]}
    assert _names(board, config, ordered=True) == ["c backlog", "a todo", "b done"]


def test_validate_returns_the_config_unchanged_and_accepts_older_names(people, board):
    ColumnFactory(board=board, key="cost", type="number")
    config = {"filters": [{"field": "status", "op": "eq", "value": 1},
                          {"field": "cost", "op": "gt", "value": 10}],
              "sorts": [{"field": "due_date", "direction": "asc"}], "group_by": "group",
              "columns": ["name", "assignees", "cost"], "date_field": "due_date"}
    assert view_config_validate(board, config) == config
    assert view_config_validate(board, None) == {}


@pytest.mark.parametrize(("config", "needle"), [
    ([], "JSON object"),
    ({"colour": "red"}, "Unknown config keys"),
    ({"filters": [{"field": "values.nope", "op": "empty"}]}, "filters[0]: 'values.nope'"),
    ({"filters": [{"field": "password"}]}, "'password' is neither"),
    ({"filters": [{"field": "name", "op": "like", "value": "x"}]}, "'like' is not an operator"),
    ({"filters": [{"field": "cost", "op": "this_week"}]}, "does not fit a number field"),
    ({"filters": [{"field": "due_date", "op": "is", "value": "31/12/2025"}]}, "YYYY-MM-DD"),
    ({"filters": [{"field": "due_date", "op": "between", "value": ["2025-01-01"]}]},
     "two values"),
    ({"filters": [{"field": "due_date", "op": "gt"}]}, "needs a value"),
    ({"filters": [{"field": "priority", "op": "in", "value": "high"}]}, "list"),
    ({"filters": [{"field": "size", "op": "is", "value": "Huge"}]}, "not an option"),
    ({"filters": [{"field": "total", "op": "empty"}]}, "cannot be filtered"),
    ({"filters": [{"field": "position", "op": "gt", "value": 1}]}, "cannot be filtered"),
    ({"filters": [{"field": "assignee", "op": "is", "value": True}]}, "member"),
    ({"match": "some"}, "match is all or any"),
    ({"sorts": [{"field": "assignee"}]}, "cannot be sorted"),
    ({"sorts": [{"field": "name", "direction": "sideways"}]}, "direction"),
    ({"group_by": "workspace"}, "group_by: 'workspace'"),
    ({"date_field": "name"}, "holds no date"),
])
def test_a_bad_config_names_what_is_wrong(people, board, config, needle):
    ColumnFactory(board=board, key="cost", type="number")
    ColumnFactory(board=board, key="total", type="formula", settings={"expression": "1"})
    ColumnFactory(board=board, key="size", type="dropdown",
                  settings={"options": [{"id": "s", "label": "Small"}]})
    with pytest.raises(ValidationFailed) as caught:
        view_config_validate(board, config)
    assert needle in caught.value.message
    assert caught.value.fields == {"config": [caught.value.message]}
