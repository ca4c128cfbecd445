"""Simulate replays a rule over past events and says what it would have done, changing
nothing, in a number of queries that does not grow with the events."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from automations.models import AutomationUsage, RuleRun
from automations.models.rules import RoundRobinCursor
from boards.models import Item
from boards.services import item_update
from tests.automations.rules_setup import add_item, desk, rule, then, when
from tests.factories import TeamFactory
from workos.activity.models import Activity, Comment, Notification

TABLES = (Item, Activity, Comment, Notification, RuleRun, AutomationUsage, RoundRobinCursor)


def url(people, path=""):
    return f"/api/v1/workspaces/{people.workspace.slug}/{path}"


@pytest.fixture
def d(people):
    return desk(people.owner)


def snapshot():
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in TABLES}


def test_simulate_describes_what_the_rule_would_have_done_and_writes_nothing(people, api, d):
    team = TeamFactory(workspace=people.workspace)
    team.members.add(people.member, people.admin)
    done = d.status("Done")
    items = [add_item(people.member, d, f"Request {n}", priority="high") for n in range(3)]
    for item in items[:2]:
        item_update(actor=people.member, item=item, fields={"status": done})
    r = rule(people.admin, d.board, when("status_changed", to_category="done"), [
        then("notify", creator=True, title="'{item.name}' is done"),
        then("assign", to="round_robin", team=team.pk),
        then("add_comment", body="Closed on {today}"),
    ])
    # The rule is newer than the events: simulate looks back anyway.
    before = snapshot()
    response = api(people.admin).post(url(people, f"rules/{r.pk}/simulate/"), {"days": 7},
                                      format="json")
    assert response.status_code == 200, response.json()
    result = response.json()
    assert snapshot() == before, "simulate wrote something"
    assert (result["matched"], result["truncated"]) == (2, False)
    assert result["events_examined"] == 2
    first, second = result["runs"]
    assert first["item"] == {"id": items[0].pk, "name": "Request 0"}
    assert first["event"]["verb"] == "item.updated"
    assert first["actions"][0] == (f"Notify the creator ({people.member.display_name}) in the "
                                   "app and by e-mail: 'Request 0' is done")
    # Round-robin turns advance from one simulated run to the next.
    assert first["actions"][1] != second["actions"][1]
    assert first["actions"][2].startswith("Comment: Closed on ")


def test_a_draft_can_be_simulated_before_it_is_saved(people, api, d):
    add_item(people.member, d, "Printer jam")
    r = rule(people.admin, d.board, when("item_created"), [then("archive_item")])
    Activity.objects.update(created_at=timezone.now() - dt.timedelta(days=2))
    response = api(people.admin).post(url(people, f"rules/{r.pk}/simulate/"), {
        "days": 3, "actions": [then("set_field", field="priority", value="urgent")],
        "conditions": {"all": [{"type": "field", "config": {"field": "name", "op": "contains",
                                                            "value": "printer"}}]},
    }, format="json")
    assert response.json()["runs"][0]["actions"] == ["Set priority to 'urgent'"]
    r.refresh_from_db()
    assert r.actions == [then("archive_item")], "the saved rule is unchanged"
    bad = api(people.admin).post(url(people, f"rules/{r.pk}/simulate/"), {
        "actions": [then("assign", to="round_robin")]}, format="json")
    assert bad.status_code == 400


def test_simulate_reads_a_fixed_number_of_queries(people, api, d):
    r = rule(people.admin, d.board, when("item_created"),
             [then("set_field", field="due_date", value="today + 2 working days"),
              then("add_comment", body="Welcome {item.name}")])
    client = api(people.admin)
    counts = []
    for batch in (3, 20):
        for n in range(batch):
            add_item(people.member, d, f"Item {batch}-{n}")
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(url(people, f"rules/{r.pk}/simulate/"), {"days": 1},
                                   format="json")
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert response.json()["matched"] == 23
    assert counts[0] == counts[1], counts


def test_simulate_a_date_rule_over_the_days_it_would_have_fired(people, d):
    from automations.engine.simulate import simulate

    today = timezone.localdate()
    add_item(people.member, d, "Renewal", due_date=today + dt.timedelta(days=1))
    add_item(people.member, d, "Far away", due_date=today + dt.timedelta(days=40))
    r = rule(people.admin, d.board, when("date_arrived", field="due_date",
                                         offset="3 days before"),
             [then("notify", assignees=True, title="{item.name} is due soon")])
    result = simulate(r, actor=people.admin, days=7)
    assert [run["item"]["name"] for run in result["runs"]] == ["Renewal"]
    assert result["runs"][0]["actions"][0].startswith("Notify the assignees (none)")
