"""Each trigger fires on the change it names, and on nothing else."""

import datetime as dt

import pytest
from django.utils import timezone

from automations.engine.timed import fire_due
from automations.models import RuleRun
from boards.services import column_create, dependency_create, item_move
from boards.services import item_update as update
from boards.services.comments import comment_create
from tests.automations.rules_setup import add_item, desk, dispatch, rule, runs_of, then, when
from timetracking.services import time_entry_create
from workos.activity.models import Activity, Comment
from workos.activity.services import activity_record

NOTE = then("add_comment", body="{trigger.field}: {trigger.old} -> {trigger.new}")


@pytest.fixture
def d(people):
    return desk(people.owner)


def fired(r) -> list[int]:
    return [run.item_id for run in runs_of(r)]


def notes(item) -> list[str]:
    return list(Comment.objects.filter(target_id=item.pk, author__isnull=False)
                .order_by("id").values_list("body_text", flat=True))


def test_item_created_fires_for_new_items_and_optionally_not_for_sub_items(people, d):
    every = rule(people.admin, d.board, when("item_created"), [NOTE], name="All")
    top = rule(people.admin, d.board, when("item_created", include_sub_items=False), [NOTE],
               name="Top level")
    parent = add_item(people.member, d, "Onboard Ana")
    child = add_item(people.member, d, "Laptop", parent=parent.pk)
    dispatch()
    assert fired(every) == [parent.pk, child.pk]
    assert fired(top) == [parent.pk]


def test_status_changed_matches_statuses_and_categories(people, d):
    to_done = rule(people.admin, d.board, when("status_changed", to_category="done"), [NOTE],
                   name="Done")
    from_todo = rule(people.admin, d.board,
                     when("status_changed", from_status=d.status("To do"),
                          to_status=d.status("In progress")), [NOTE], name="Started")
    item = add_item(people.member, d)
    item = update(actor=people.member, item=item, fields={"status": d.status("In progress")})
    dispatch()
    assert fired(from_todo) == [item.pk] and fired(to_done) == []
    # A kanban drag changes the status through a move: it counts as a status change.
    item_move(actor=people.member, item=item, status=d.status("Done"), status_given=True)
    dispatch()
    assert fired(to_done) == [item.pk]
    assert notes(item)[-1] == "status: In progress -> Done"


def test_field_changed_on_a_core_field_or_a_column_optionally_to_a_value(people, d):
    column_create(actor=people.owner, board=d.board, title="Impact", type="number", key="impact")
    any_priority = rule(people.admin, d.board, when("field_changed", field="priority"), [NOTE],
                        name="Any")
    urgent = rule(people.admin, d.board, when("field_changed", field="priority", to="urgent"),
                  [NOTE], name="Urgent")
    impact = rule(people.admin, d.board, when("field_changed", column="impact", to=5), [NOTE],
                  name="Impact")
    item = add_item(people.member, d)
    item = update(actor=people.member, item=item, fields={"priority": "high"})
    item = update(actor=people.member, item=item, fields={"priority": "urgent"})
    item = update(actor=people.member, item=item, fields={"values": {"impact": 3}})
    item = update(actor=people.member, item=item, fields={"values": {"impact": 5}})
    dispatch()
    assert len(fired(any_priority)) == 2
    assert len(fired(urgent)) == 1
    assert len(fired(impact)) == 1
    assert "impact: 3 -> 5" in notes(item)


def test_item_moved_to_a_group_or_another_board(people, d):
    other = desk(people.owner, name="Hardware", groups=("Queue",))
    to_done = rule(people.admin, d.board, when("item_moved", to_group=d.group("Done")), [NOTE],
                   name="Group")
    to_board = rule(people.admin, d.board, when("item_moved", to_board=other.board.pk),
                    [then("set_field", field="priority", value="high")], name="Board")
    item = add_item(people.member, d)
    item = item_move(actor=people.member, item=item, group=d.group("Done"))
    dispatch()
    assert fired(to_done) == [item.pk] and fired(to_board) == []
    item_move(actor=people.owner, item=item, board=other.board)
    dispatch()
    assert fired(to_board) == [item.pk], "the source board's rule sees the item leave"
    item.refresh_from_db()
    assert item.priority == "high"


def test_assigned_and_unassigned_optionally_for_one_member(people, d):
    anyone = rule(people.admin, d.board, when("assigned"), [NOTE], name="Anyone")
    admin_only = rule(people.admin, d.board, when("assigned", member=people.admin.pk), [NOTE],
                      name="Admin")
    dropped = rule(people.admin, d.board, when("unassigned"), [NOTE], name="Dropped")
    item = add_item(people.member, d, assignees=[people.member.pk])
    item = update(actor=people.member, item=item,
                  fields={"assignees": [people.member.pk, people.admin.pk]})
    update(actor=people.member, item=item, fields={"assignees": [people.admin.pk]})
    dispatch()
    assert len(fired(anyone)) == 2  # created with an assignee, then the admin added
    assert len(fired(admin_only)) == 1
    assert len(fired(dropped)) == 1


def test_all_sub_items_done_fires_for_the_parent_once_the_last_is_done(people, d):
    r = rule(people.admin, d.board, when("sub_items_done"),
             [then("set_status", category="done")])
    parent = add_item(people.member, d, "Onboard Ana")
    first = add_item(people.member, d, "Laptop", parent=parent.pk)
    second = add_item(people.member, d, "Accounts", parent=parent.pk)
    update(actor=people.member, item=first, fields={"status": d.status("Done")})
    dispatch()
    assert fired(r) == []
    update(actor=people.member, item=second, fields={"status": d.status("Done")})
    dispatch()
    assert fired(r) == [parent.pk]
    parent.refresh_from_db()
    assert parent.status.name == "Done"


def test_predecessor_done_fires_for_successors_on_any_board(people, d):
    other = desk(people.owner, name="Rollout", groups=("Waves",))
    here = add_item(people.member, d, "Order hardware")
    next_here = add_item(people.member, d, "Install")
    there = add_item(people.member, other, "Wave 1")
    dependency_create(actor=people.owner, predecessor=here.pk, successor=next_here.pk)
    dependency_create(actor=people.owner, predecessor=here.pk, successor=there.pk)
    local = rule(people.admin, d.board, when("predecessor_done"),
                 [then("set_status", status_name="To do")], name="Local")
    remote = rule(people.admin, other.board, when("predecessor_done"), [NOTE], name="Remote")
    update(actor=people.member, item=here, fields={"status": d.status("Done")})
    dispatch()
    assert fired(local) == [next_here.pk]
    assert fired(remote) == [there.pk], "scoped by the successor's board"
    assert RuleRun.objects.get(rule=remote).event_key.endswith(f":item:{there.pk}")


def test_predecessor_done_can_wait_for_every_predecessor(people, d):
    a, b, c = (add_item(people.member, d, n) for n in ("A", "B", "C"))
    dependency_create(actor=people.owner, predecessor=a.pk, successor=c.pk)
    dependency_create(actor=people.owner, predecessor=b.pk, successor=c.pk)
    r = rule(people.admin, d.board, when("predecessor_done", all_predecessors=True), [NOTE])
    update(actor=people.member, item=a, fields={"status": d.status("Done")})
    dispatch()
    assert fired(r) == []
    update(actor=people.member, item=b, fields={"status": d.status("Done")})
    dispatch()
    assert fired(r) == [c.pk]


def test_comment_added_optionally_containing_a_text(people, d):
    anything = rule(people.admin, d.board, when("comment_added"),
                    [then("set_field", field="priority", value="low")], name="Any")
    urgent = rule(people.admin, d.board, when("comment_added", contains="URGENT"),
                  [then("set_field", field="priority", value="urgent")], name="Urgent")
    item = add_item(people.member, d)
    comment_create(actor=people.member, item=item, body="Any news?")
    dispatch()
    assert len(fired(anything)) == 1 and fired(urgent) == []
    comment_create(actor=people.member, item=item, body="This is urgent now")
    dispatch()
    assert len(fired(urgent)) == 1
    item.refresh_from_db()
    assert item.priority == "urgent"


def test_form_submitted_and_approval_decided_fire_on_their_events(people, d):
    # Request intake (forms, approvals) emits these verbs; recorded here by hand.
    form = rule(people.admin, d.board, when("form_submitted", form=7), [NOTE], name="Form")
    approved = rule(people.admin, d.board, when("approval_decided", decision="approved"),
                    [then("set_status", category="in_progress")], name="Approved")
    item = add_item(people.member, d)
    for verb, data in [
        ("intake.submitted", {"form": 8}), ("intake.submitted", {"form": 7}),
        ("approval.decided", {"decision": "rejected", "flow": 1}),
        ("approval.decided", {"decision": "approved", "flow": 1}),
    ]:
        activity_record(workspace=people.workspace, actor=None, verb=verb, target=item,
                        data={**data, "board": d.board.pk, "item": item.pk})
    dispatch()
    assert fired(form) == [item.pk]
    assert fired(approved) == [item.pk]
    item.refresh_from_db()
    assert item.status.name == "In progress"


def test_time_logged_over_the_estimate_fires_once_per_estimate(people, d):
    r = rule(people.admin, d.board, when("time_over_estimate"), [NOTE])
    item = add_item(people.member, d, estimate_hours=1)
    start = timezone.now() - dt.timedelta(days=2)

    def log(minutes, offset):
        time_entry_create(actor=people.member, item=item, duration_minutes=minutes,
                          started_at=start + dt.timedelta(hours=offset))

    log(30, 0)
    dispatch()
    assert fired(r) == []
    log(45, 1)
    dispatch()
    assert fired(r) == [item.pk]
    log(10, 2)
    dispatch()
    assert fired(r) == [item.pk], "already over this estimate"
    update(actor=people.member, item=item, fields={"estimate_hours": 1.5})
    log(15, 3)
    dispatch()
    assert len(fired(r)) == 2, "a new estimate, passed again"


def _local(days: int, hour: int, minute: int = 0, zone: str = "UTC") -> dt.datetime:
    import zoneinfo

    day = timezone.now().astimezone(zoneinfo.ZoneInfo(zone)).date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=zoneinfo.ZoneInfo(zone))


def test_date_arrived_fires_once_per_item_and_date_with_its_offset_and_hour(people, d):
    r = rule(people.admin, d.board,
             when("date_arrived", field="due_date", offset="2 days before", hour=9), [NOTE])
    soon = _local(1, 10)
    due = add_item(people.member, d, "Renew licence", due_date=soon.date() + dt.timedelta(2))
    later = add_item(people.member, d, "Later", due_date=soon.date() + dt.timedelta(3))
    assert fire_due(now=soon.replace(hour=8)) == 0, "before the hour"
    assert fire_due(now=soon) == 1
    assert fire_due(now=soon + dt.timedelta(minutes=1)) == 0, "a second tick fires nothing"
    assert fired(r) == [due.pk]
    (run,) = runs_of(r)
    assert run.event_key == f"date:{due.pk}:{due.due_date.isoformat()}"
    assert run.event.verb == "automation.fired"
    assert notes(due) == [f"due_date:  -> {due.due_date.isoformat()}"]
    # The due date moves: it is a new date, so it fires again when that one arrives.
    update(actor=people.member, item=due, fields={"due_date": soon.date() + dt.timedelta(3)})
    assert fire_due(now=soon + dt.timedelta(days=1)) == 2
    assert sorted(fired(r)) == sorted([due.pk, due.pk, later.pk])


def test_date_arrived_uses_the_workspace_time_zone(people, d):
    people.workspace.timezone = "Pacific/Auckland"
    people.workspace.save()
    r = rule(people.admin, d.board, when("date_arrived", field="due_date"), [NOTE])
    tick = _local(2, 0, 30, "Pacific/Auckland")  # 00:30 there: the previous day in UTC
    add_item(people.member, d, due_date=tick.date())
    assert tick.astimezone(dt.UTC).date() < tick.date()
    assert fire_due(now=tick.astimezone(dt.UTC)) == 1
    assert len(fired(r)) == 1


def test_date_arrived_reads_a_date_column(people, d):
    column_create(actor=people.owner, board=d.board, title="Contract end", type="date",
                  key="contract_end")
    r = rule(people.admin, d.board,
             when("date_arrived", column="contract_end", offset="1 day after"), [NOTE])
    tick = _local(3, 12)
    item = add_item(people.member, d,
                    values={"contract_end": (tick.date() - dt.timedelta(1)).isoformat()})
    add_item(people.member, d, "No date")
    assert fire_due(now=tick) == 1
    assert fired(r) == [item.pk]


def test_every_period_fires_once_per_occurrence(people, d):
    r = rule(people.admin, d.board,
             when("every_period", rrule="FREQ=DAILY;BYHOUR=9;BYMINUTE=0", timezone="UTC"),
             [then("create_item", name="Daily check {today}")])
    tick = _local(1, 9, 5)
    assert fire_due(now=tick) == 1
    assert fire_due(now=tick) == 0, "beat twice at the same tick"
    assert fire_due(now=tick + dt.timedelta(days=1)) == 1
    keys = [run.event_key for run in runs_of(r)]
    assert keys == [f"period:{tick.replace(minute=0).isoformat()}",
                    f"period:{(tick + dt.timedelta(days=1)).replace(minute=0).isoformat()}"]
    assert d.board.items.filter(name__startswith="Daily check").count() == 2


def test_an_activity_outside_the_rules_board_does_not_fire_it(people, d):
    other = desk(people.owner, name="Elsewhere")
    r = rule(people.admin, d.board, when("item_created"), [NOTE])
    add_item(people.member, other)
    dispatch()
    assert fired(r) == []
    assert not Activity.objects.filter(verb="comment.added").exists()
