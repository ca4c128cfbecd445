"""Conditions on core fields and column values of every type, status categories, teams, and
AND / OR groups; and the 400s a malformed condition gets."""

import pytest

from automations.catalogue import conditions_hold
from automations.catalogue.values import compare
from automations.engine.events import Batch
from automations.services.rules import rule_clean
from boards.services import column_create, item_update
from tests.automations.rules_setup import add_item, desk, dispatch, rule, runs_of, then, when
from tests.factories import TeamFactory
from workos.errors import ValidationFailed


def leaf(kind, **config):
    return {"type": kind, "config": config}


@pytest.fixture
def d(people):
    d = desk(people.owner)
    for title, kind, key, settings in [
        ("Impact", "number", "impact", {}),
        ("Category", "dropdown", "category", {"options": [{"label": "Hardware"},
                                                          {"label": "Access"}]}),
        ("Owner", "people", "owner", {}),
        ("Labels", "tags", "labels", {}),
        ("Go live", "date", "go_live", {}),
        ("Signed", "checkbox", "signed", {}),
        ("Cost", "money", "cost", {}),
        ("Window", "timeline", "window", {}),
        ("Double impact", "formula", "double", {"expression": "{impact} * 2"}),
    ]:
        column_create(actor=people.owner, board=d.board, title=title, type=kind, key=key,
                      settings=settings)
    return d


def holds(tree, item) -> bool:
    batch = Batch(events=[])
    batch.load_items([item.pk])
    return conditions_hold(tree, batch.item(item.pk), batch)


@pytest.mark.parametrize(("op", "actual", "wanted", "expected"), [
    ("eq", "Laptop", "laptop", True), ("ne", "Laptop", "Phone", True),
    ("gt", 5, 3, True), ("lt", 5, 3, False), ("gte", 3, 3, True), ("lte", 2.5, 3, True),
    ("gt", "2026-05-01", "2026-04-30", True), ("gt", None, 3, False), ("gt", "x", 3, False),
    ("contains", "New laptop", "LAPTOP", True), ("contains", ["a", "b"], "b", True),
    ("contains", ["a", "b"], ["a", "c"], False), ("is_empty", "  ", None, True),
    ("is_empty", 0, None, False), ("is_not_empty", [], None, False),
    ("in", "high", ["high", "urgent"], True), ("in", [4, 9], [9], True),
    ("eq", [3, 1], [1, 3], True), ("eq", 2, 2.0, True),
])
def test_operators(op, actual, wanted, expected):
    assert compare(op, actual, wanted) is expected


def test_priority_compares_by_urgency_not_alphabet():
    assert compare("gt", "urgent", "high", field="priority")
    assert compare("lt", "low", "medium", field="priority")


def test_core_fields(people, d):
    item = add_item(people.member, d, "Laptop for Ana", priority="high", estimate_hours=3,
                    due_date="2026-05-01", assignees=[people.member.pk])
    assert holds({"all": [leaf("field", field="name", op="contains", value="laptop")]}, item)
    assert holds({"all": [leaf("field", field="priority", op="gte", value="high")]}, item)
    assert holds({"all": [leaf("field", field="estimate_hours", op="gt", value=2)]}, item)
    assert holds({"all": [leaf("field", field="due_date", op="lt", value="2026-06-01")]}, item)
    assert holds({"all": [leaf("field", field="assignees", op="contains",
                               value=people.member.pk)]}, item)
    assert holds({"all": [leaf("field", field="status_name", op="eq", value="to do")]}, item)
    assert holds({"all": [leaf("field", field="created_by", op="eq",
                               value=people.member.pk)]}, item)
    assert not holds({"all": [leaf("field", field="start_date", op="is_not_empty")]}, item)


def test_column_values_of_every_type(people, d):
    item = add_item(people.member, d, values={
        "impact": 4, "category": "Hardware", "owner": [people.admin.pk], "labels": ["vip"],
        "go_live": "2026-03-31", "signed": True, "cost": "120.50",
        "window": {"start": "2026-03-01", "end": "2026-03-15"},
    })
    cases = [
        ("impact", "gte", 4), ("category", "eq", "hardware"), ("category", "in", ["Access",
                                                                               "Hardware"]),
        ("owner", "contains", people.admin.pk), ("labels", "contains", "VIP"),
        ("go_live", "lt", "2026-04-01"), ("signed", "eq", True), ("cost", "gt", 100),
        ("window", "lte", "2026-03-15"), ("double", "eq", 8),
    ]
    for key, op, value in cases:
        assert holds({"all": [leaf("column", column=key, op=op, value=value)]}, item), key
    assert holds({"all": [leaf("column", column="impact", op="is_not_empty")]}, item)
    empty = add_item(people.member, d, "Blank")
    assert holds({"all": [leaf("column", column="category", op="is_empty")]}, empty)


def test_status_category_and_assignee_in_team(people, d):
    it = TeamFactory(workspace=people.workspace)
    it.members.add(people.member)
    item = add_item(people.member, d, assignees=[people.member.pk, people.admin.pk])
    assert holds({"all": [leaf("status_category", op="in", value=["todo", "backlog"])]}, item)
    assert holds({"all": [leaf("assignee_in_team", team=it.pk)]}, item)
    assert not holds({"all": [leaf("assignee_in_team", team=it.pk, match="all")]}, item)
    assert not holds({"all": [leaf("assignee_in_team", team=it.pk, match="none")]}, item)


def test_nested_and_or_groups(people, d):
    item = add_item(people.member, d, priority="low", values={"impact": 5})
    urgent = leaf("field", field="priority", op="eq", value="urgent")
    big = leaf("column", column="impact", op="gte", value=5)
    todo = leaf("status_category", op="eq", value="todo")
    assert holds({"any": [urgent, {"all": [big, todo]}]}, item)
    assert not holds({"all": [urgent, {"any": [big, todo]}]}, item)
    assert holds({}, item)


def test_a_rule_runs_only_when_its_conditions_hold(people, d):
    r = rule(people.admin, d.board, when("item_created"),
             [then("set_field", field="priority", value="urgent")],
             conditions={"all": [leaf("column", column="impact", op="gte", value=4)]})
    small = add_item(people.member, d, "Small", values={"impact": 1})
    big = add_item(people.member, d, "Big", values={"impact": 5})
    dispatch()
    assert [run.item_id for run in runs_of(r)] == [big.pk]
    small = item_update(actor=people.member, item=small, fields={"values": {"impact": 5}})
    dispatch()
    assert len(runs_of(r)) == 1, "conditions filter; the trigger is still 'created'"


@pytest.mark.parametrize(("conditions", "field", "message"), [
    ({"all": [leaf("field", field="colour", op="eq", value=1)]},
     "conditions.all.0.config.field", "not one of"),
    ({"all": [leaf("field", field="name", op="between", value=1)]},
     "conditions.all.0.config.op", "not one of"),
    ({"all": [leaf("field", field="name", op="eq")]},
     "conditions.all.0.config.value", "Give a value"),
    ({"any": [{"all": [leaf("column", column="nope", op="is_empty")]}]},
     "conditions.any.0.all.0.config.column", "no column"),
    ({"all": [{"type": "weather"}]}, "conditions.all.0.type", "Not a condition"),
    ({"all": [leaf("field", field="name", op="in", value="x")]},
     "conditions.all.0.config.value", "list"),
    ({"all": "x"}, "conditions.all", "A group"),
])
def test_malformed_conditions_are_refused_naming_the_spot(people, d, conditions, field,
                                                          message):
    with pytest.raises(ValidationFailed) as refused:
        rule_clean(actor=people.admin, scope="board", board=d.board,
                   trigger=when("item_created"), conditions=conditions,
                   actions=[then("archive_item")])
    assert refused.value.message.startswith(field + ":"), refused.value.message
    assert message in refused.value.message
