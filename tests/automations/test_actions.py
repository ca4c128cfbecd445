"""Each action does what it says through the services, as the automation actor."""

import datetime as dt

import pytest
from django.core import mail

from automations.catalogue.dates import workspace_calendar, workspace_today
from automations.models import ApprovalRequest
from automations.services.approvals import flow_create
from automations.services.rules import rule_clean
from boards.models import Dependency, Item
from boards.services import board_create, column_create
from tests.automations.rules_setup import add_item, desk, dispatch, rule, runs_of, then, when
from tests.factories import TeamFactory
from workos.activity.models import Comment, Notification
from workos.errors import ValidationFailed


@pytest.fixture
def d(people):
    return desk(people.owner)


def on_create(people, d, *actions, **extra):
    return rule(people.admin, d.board, when("item_created"), list(actions), **extra)


def run_for(people, d, *actions, name="Laptop for Ana", **fields):
    """Create an item on the desk with a rule doing `actions`; the item after the run."""
    r = on_create(people, d, *actions)
    item = add_item(people.member, d, name, **fields)
    dispatch()
    (run,) = runs_of(r)
    assert run.status == "succeeded", run.error
    return Item.objects.get(pk=item.pk), run


def test_set_status_by_id_name_or_category(people, d):
    item, _ = run_for(people, d, then("set_status", status=d.status("In progress")))
    assert item.status.name == "In progress"
    item, _ = run_for(people, d, then("set_status", status_name="done"))
    assert item.status.name == "Done" and item.completed_at is not None
    item, _ = run_for(people, d, then("set_status", category="cancelled"))
    assert item.status.name == "Cancelled"


def test_set_field_with_a_relative_date_on_the_workspace_calendar(people, d):
    people.workspace.holidays = [(workspace_today(people.workspace) + dt.timedelta(1))
                                 .isoformat()]
    people.workspace.save()
    item, run = run_for(people, d,
                        then("set_field", field="due_date", value="today + 3 working days"),
                        then("set_field", field="name", value="[{item.priority}] {item.name}"))
    expected = workspace_calendar(people.workspace).add_working_days(
        workspace_today(people.workspace), 3)
    assert item.due_date == expected
    assert item.name == "[none] Laptop for Ana"
    assert run.actions[0] == {"type": "set_field", "field": "due_date",
                              "value": expected.isoformat(), "changed": True}


def test_set_column_takes_placeholders_and_relative_dates(people, d):
    column_create(actor=people.owner, board=d.board, title="Note", type="text", key="note")
    column_create(actor=people.owner, board=d.board, title="Review", type="date", key="review")
    column_create(actor=people.owner, board=d.board, title="Impact", type="number", key="impact")
    item, _ = run_for(
        people, d,
        then("set_column", column="note", value="Filed as #{item.id}"),
        then("set_column", column="review", value="item.due_date - 1 week"),
        then("set_column", column="impact", value=3),
        due_date="2026-05-20",
    )
    assert item.values == {"note": f"Filed as #{item.pk}", "review": "2026-05-13", "impact": 3}


def test_assign_a_member_or_the_creator_and_unassign(people, d):
    item, _ = run_for(people, d, then("assign", to="member", member=people.admin.pk),
                      then("assign", to="creator"))
    assert sorted(m.pk for m in item.assignees.all()) == sorted([people.admin.pk,
                                                                 people.member.pk])
    item, run = run_for(people, d, then("assign", to="creator"),
                        then("unassign", who="member", member=people.member.pk),
                        assignees=[people.admin.pk])
    assert [m.pk for m in item.assignees.all()] == [people.admin.pk]
    assert run.actions[1]["removed"] == [people.member.pk]


def test_round_robin_takes_turns_in_the_team(people, d):
    team = TeamFactory(workspace=people.workspace)
    team.members.add(people.member, people.admin)
    on_create(people, d, then("assign", to="round_robin", team=team.pk, replace=True))
    items = [add_item(people.owner, d, f"Request {n}") for n in range(3)]
    dispatch()
    chosen = [Item.objects.get(pk=i.pk).assignees.get().pk for i in items]
    first, second = sorted([people.member.pk, people.admin.pk])
    assert chosen == [first, second, first]


def test_least_loaded_picks_the_member_with_most_spare_capacity(people, d):
    team = TeamFactory(workspace=people.workspace)
    team.members.add(people.member, people.admin)
    today = workspace_today(people.workspace)
    add_item(people.owner, d, "Big migration", assignees=[people.admin.pk], estimate_hours=60,
             start_date=today, due_date=today + dt.timedelta(days=9))
    item, run = run_for(people, d, then("assign", to="least_loaded", team=team.pk))
    assert [m.pk for m in item.assignees.all()] == [people.member.pk]
    assert run.actions[0]["assigned"] == people.member.pk


def test_move_to_a_group_and_to_another_board(people, d):
    item, _ = run_for(people, d, then("move_item", group=d.group("Done")))
    assert item.group_id == d.group("Done")
    other = desk(people.owner, name="Hardware", groups=("Queue",))
    item, _ = run_for(people, d, then("move_item", board=other.board.pk))
    assert item.board_id == other.board.pk and item.group_id == other.group("Queue")


def test_create_an_item_on_another_board_with_placeholders(people, d):
    other = desk(people.owner, name="Purchasing", groups=("Orders",))
    item, run = run_for(people, d, then(
        "create_item", board=other.board.pk, name="Order for {item.name} (#{item.id})",
        description="Requested by {item.creator}", due_date="today + 2 days"))
    created = Item.objects.get(pk=run.actions[0]["created"])
    assert created.board == other.board
    assert created.name == f"Order for Laptop for Ana (#{item.pk})"
    assert people.member.display_name in created.description
    assert created.due_date == workspace_today(people.workspace) + dt.timedelta(days=2)


def test_create_sub_items_from_a_checklist(people, d):
    item, run = run_for(people, d, then(
        "create_sub_items", items=["Order {item.name}", "Create accounts", " "],
        assign_to_assignees=True), assignees=[people.admin.pk])
    subs = list(Item.objects.filter(parent=item).order_by("id"))
    assert [s.name for s in subs] == ["Order Laptop for Ana", "Create accounts"]
    assert all([m.pk for m in s.assignees.all()] == [people.admin.pk] for s in subs)
    assert run.actions[0]["created"] == [s.pk for s in subs]


def test_duplicate_with_sub_items(people, d):
    parent = add_item(people.member, d, "Onboarding", priority="high")
    add_item(people.member, d, "Laptop", parent=parent.pk)
    rule(people.admin, d.board, when("field_changed", field="name"),
         [then("duplicate_item", name="{item.name} (next hire)", with_sub_items=True)])
    from boards.services import item_update

    item_update(actor=people.member, item=parent, fields={"name": "Onboarding Ana"})
    dispatch()
    copy = Item.objects.get(name="Onboarding Ana (next hire)")
    assert copy.priority == "high" and copy.parent_id is None
    assert list(copy.children.values_list("name", flat=True)) == ["Laptop"]


def test_archive_and_comment(people, d):
    item, run = run_for(people, d, then("add_comment", body="Closing {item.name} as a duplicate"),
                        then("archive_item"))
    assert item.archived_at is not None
    comment = Comment.objects.get(pk=run.actions[0]["comment"])
    assert comment.body_text == "Closing Laptop for Ana as a duplicate"


def test_notify_in_the_app_and_by_email_only_those_who_see_the_item(
        people, django_capture_on_commit_callbacks):
    private = board_create(actor=people.owner, name="Payroll", privacy="private")
    d = desk(people.owner)
    d.board = private
    d.groups = {g.name: g for g in private.groups.all()}
    rule(people.owner, private, when("item_created"), [then(
        "notify", people=[people.member.pk, people.admin.pk], creator=True,
        title="New payroll item: {item.name}")])
    with django_capture_on_commit_callbacks(execute=True):
        add_item(people.owner, d, "March run")
        dispatch()
    told = Notification.objects.filter(verb="automation")
    # The member is named but cannot see the private board; the owner created the item.
    assert {n.recipient for n in told} == {people.admin, people.owner}
    assert {n.title for n in told} == {"New payroll item: March run"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [people.admin.user.email, people.owner.user.email])
    assert "New payroll item: March run" in mail.outbox[0].subject


def test_send_a_webhook(people, d):
    webhooks = pytest.importorskip("automations.services.webhooks")
    assert hasattr(webhooks, "webhook_post")
    from automations.models import WebhookDelivery

    item, run = run_for(people, d, then("send_webhook", url="https://hooks.example.com/in",
                                        event_type="ticket.created"))
    delivery = WebhookDelivery.objects.get(rule_run_id=run.pk)
    assert delivery.url == "https://hooks.example.com/in"
    assert delivery.event_type == "ticket.created"
    assert delivery.payload["item"]["id"] == item.pk
    assert delivery.payload["rule"]["name"] == run.rule.name


def test_create_a_dependency_on_an_item_or_the_one_just_created(people, d):
    blocker = add_item(people.member, d, "Budget approval")
    item, _ = run_for(people, d,
                      then("create_dependency", other_item=blocker.pk, role="predecessor"),
                      then("create_item", name="Ship {item.name}"),
                      then("create_dependency", other="created"))
    shipped = Item.objects.get(name="Ship Laptop for Ana")
    links = set(Dependency.objects.values_list("predecessor_id", "successor_id"))
    assert links == {(blocker.pk, item.pk), (item.pk, shipped.pk)}


def test_starting_an_approval_flow_names_a_flow_of_the_workspace(people, d):
    with pytest.raises(ValidationFailed) as refused:
        rule_clean(actor=people.admin, scope="board", board=d.board,
                   trigger=when("item_created"), conditions=None,
                   actions=[then("start_approval", flow=999999)])
    assert "There is no approval flow 999999" in refused.value.message
    assert refused.value.fields["actions"]["0"]["config"]["flow"]


def test_starting_an_approval_flow_asks_the_creators_manager(people, d):
    people.member.manager = people.admin
    people.member.save()
    flow = flow_create(actor=people.owner, name="Sign-off",
                       steps=[{"name": "Manager", "approvers": {"kind": "manager"}}])
    item, run = run_for(people, d, then("start_approval", flow=flow.pk))
    request = ApprovalRequest.objects.get(item=item)
    assert run.actions[0] == {"type": "start_approval", "flow": flow.pk,
                              "request": request.pk, "started": True}
    assert request.requested_by == people.member and request.status == "pending"
    assert list(request.pending_approvers.all()) == [people.admin]
