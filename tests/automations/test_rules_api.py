"""The rules API: CRUD validated against the catalogue, who may do what, runs, versions,
re-runs, the catalogue itself, usage and quota; lists in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from automations.catalogue import ACTIONS, CONDITIONS, TRIGGERS
from automations.models import AutomationUsage, Rule, RuleRun
from boards.services import board_create, board_member_add
from tests.automations.rules_setup import add_item, desk, dispatch, rule, runs_of, then, when
from tests.factories import ProjectFactory, RuleRunFactory


def url(people, path=""):
    return f"/api/v1/workspaces/{people.workspace.slug}/{path}"


@pytest.fixture
def d(people):
    return desk(people.owner)


def body(d, **extra):
    return {
        "name": "Triage", "scope": "board", "board": d.board.pk,
        "trigger": when("status_changed", to_category="done"),
        "conditions": {"all": [{"type": "field", "config": {"field": "priority", "op": "gte",
                                                            "value": "high"}}]},
        "actions": [then("notify", creator=True, title="'{item.name}' is done")],
        **extra,
    }


def test_create_read_update_and_delete_a_rule(people, api, d):
    client = api(people.member)
    created = client.post(url(people, "rules/"), body(d), format="json")
    assert created.status_code == 201, created.json()
    rule_id = created.json()["id"]
    assert created.json()["version"] == 1 and created.json()["owner"] == people.member.pk
    assert client.get(url(people, f"rules/{rule_id}/")).json()["name"] == "Triage"
    renamed = client.patch(url(people, f"rules/{rule_id}/"), {"name": "Done → tell"},
                           format="json")
    assert renamed.json()["version"] == 1, "a new name is not a new version"
    changed = client.patch(url(people, f"rules/{rule_id}/"),
                           {"actions": [then("archive_item")], "enabled": False}, format="json")
    assert changed.status_code == 200, changed.json()
    assert changed.json()["version"] == 2 and changed.json()["enabled"] is False
    versions = client.get(url(people, f"rules/{rule_id}/versions/")).json()["results"]
    assert [v["version"] for v in versions] == [2, 1]
    assert versions[1]["actions"][0]["type"] == "notify"
    assert client.delete(url(people, f"rules/{rule_id}/")).status_code == 204
    assert not Rule.objects.filter(pk=rule_id).exists()


def test_a_project_rule_belongs_to_the_projects_board(people, api):
    project = ProjectFactory(board__workspace=people.workspace)
    response = api(people.admin).post(url(people, "rules/"), {
        "name": "Kick-off", "scope": "project", "project": project.pk,
        "trigger": when("item_created"), "actions": [then("set_field", field="priority",
                                                          value="medium")],
    }, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["board"] == project.board_id
    assert response.json()["project"] == project.pk


@pytest.mark.parametrize(("change", "field", "words"), [
    ({"trigger": {"type": "moon_phase"}}, "trigger", "Not a trigger"),
    ({"trigger": when("status_changed", to_status=999999)}, "trigger",
     "There is no status 999999"),
    ({"trigger": when("status_changed", colour="red")}, "trigger", "Unknown setting"),
    ({"actions": []}, "actions", "at least one action"),
    ({"actions": [then("assign", to="round_robin")]}, "actions", "picks from a team"),
    ({"actions": [then("set_field", field="priority", value="asap")]}, "actions",
     "Use one of"),
    ({"actions": [then("set_field", field="due_date", value="next tuesday")]}, "actions",
     "today + 3 working days"),
    ({"actions": [then("add_comment", body="Hi {item.nmae}")]}, "actions",
     "Unknown placeholder {item.nmae}"),
    ({"actions": [then("start_approval", flow=999999)]}, "actions",
     "There is no approval flow 999999"),
    ({"actions": [then("send_webhook", url="ftp://example.com")]}, "actions", "http"),
    ({"trigger": when("every_period", rrule="FREQ=DAILY"), "conditions": None,
      "actions": [then("archive_item")]}, "actions", "needs an item"),
    ({"trigger": when("every_period", rrule="FREQ=MINUTELY"), "conditions": None,
      "actions": [then("create_item", name="x")]}, "trigger", "at most hourly"),
    ({"trigger": when("date_arrived", field="due_date", offset="soon")}, "trigger",
     '"2 days before"'),
    ({"name": ""}, "name", ""),
    ({"max_runs_per_item_per_minute": 0}, "max_runs_per_item_per_minute", ""),
])
def test_bad_rules_are_a_400_naming_the_field(people, api, d, change, field, words):
    response = api(people.admin).post(url(people, "rules/"), body(d, **change), format="json")
    assert response.status_code == 400, response.json()
    payload = response.json()
    assert payload["code"] == "invalid"
    assert field in payload["fields"], payload
    assert words in payload["message"], payload["message"]


def test_errors_name_the_path_of_the_bad_config(people, api, d):
    response = api(people.admin).post(url(people, "rules/"), body(d, actions=[
        then("archive_item"), then("assign", to="member", member=424242)]), format="json")
    assert response.json()["fields"]["actions"] == {
        "1": {"config": {"member": ["There is no member 424242 in this workspace."]}}}
    assert response.json()["message"].startswith("actions.1.config.member:")


def test_who_may_manage_rules(people, api, d):
    private = board_create(actor=people.owner, name="Payroll", privacy="private")
    board_member_add(actor=people.owner, board=private, membership=people.member,
                     role="viewer")
    cases = [
        (people.guest, body(d), 403),
        (people.member, body(d), 201),
        (people.member, body(d, board=private.pk), 403),  # a viewer there
        (people.member, body(d, scope="workspace", board=None), 403),
        (people.admin, body(d, scope="workspace", board=None), 201),
    ]
    for who, payload, code in cases:
        response = api(who).post(url(people, "rules/"), payload, format="json")
        assert response.status_code == code, (who.role, payload.get("scope"), response.json())


def test_a_rule_cannot_act_on_a_board_its_editor_cannot_edit(people, api, d):
    private = board_create(actor=people.owner, name="Payroll", privacy="private")
    response = api(people.member).post(url(people, "rules/"), body(d, actions=[
        then("move_item", board=private.pk)]), format="json")
    assert response.status_code == 400
    assert "no board" in response.json()["message"]


def test_members_see_rules_of_boards_they_see_and_not_workspace_rules(people, api, d):
    private = board_create(actor=people.owner, name="Payroll", privacy="private")
    rule(people.owner, d.board, when("item_created"), [then("archive_item")], name="Visible")
    rule(people.owner, private, when("item_created"), [then("archive_item")], name="Hidden")
    rule(people.owner, None, when("item_created"), [then("archive_item")], name="Global")
    names = lambda who: [r["name"] for r in api(who).get(url(people, "rules/")).json()["results"]]  # noqa: E731
    assert names(people.member) == ["Visible"]
    assert names(people.admin) == ["Global", "Hidden", "Visible"]
    assert api(people.guest).get(url(people, "rules/")).status_code == 403


def test_another_workspaces_rule_is_not_found(people, api, d):
    r = rule(people.owner, d.board, when("item_created"), [then("archive_item")])
    outsider = api(people.outsider)
    own = people.outsider.workspace.slug
    for path in (f"rules/{r.pk}/", f"rules/{r.pk}/runs/", f"rules/{r.pk}/versions/"):
        response = outsider.get(f"/api/v1/workspaces/{own}/{path}")
        assert response.status_code == 404, path


def test_runs_list_filters_by_status_and_failed_runs_can_be_rerun(
        people, api, d, django_capture_on_commit_callbacks):
    r = rule(people.admin, d.board, when("item_created"), [then("set_status",
                                                                  status_name="Triage")])
    item = add_item(people.member, d)
    dispatch()
    client = api(people.admin)
    failed = client.get(url(people, f"rules/{r.pk}/runs/?status=failed")).json()["results"]
    assert [(x["item"], x["event_verb"]) for x in failed] == [(item.pk, "item.created")]
    assert "Triage" in failed[0]["error"]
    assert client.get(url(people, f"rules/{r.pk}/runs/?status=succeeded")).json()[
        "results"] == []
    assert client.get(url(people, f"rules/{r.pk}/runs/?status=bogus")).status_code == 400
    # The board gets the missing status; the failed run is re-run against the fixed setup.
    from boards.services import status_create

    status_create(actor=people.owner, board=d.board, name="Triage", category="todo")
    with django_capture_on_commit_callbacks(execute=True):
        rerun = client.post(url(people, f"rules/{r.pk}/runs/{failed[0]['id']}/retry/"))
    assert rerun.status_code == 200, rerun.json()
    assert rerun.json()["status"] == "running", "queued again; a worker runs it"
    (run,) = runs_of(r)
    assert (run.status, run.attempts) == ("succeeded", 2)
    item.refresh_from_db()
    assert item.status.name == "Triage"
    again = client.post(url(people, f"rules/{r.pk}/runs/{run.pk}/retry/"))
    assert again.status_code == 400, "only failed runs are re-run"


def test_the_catalogue_describes_every_trigger_condition_and_action(people, api):
    response = api(people.guest).get(url(people, "rules/catalogue/"))
    assert response.status_code == 200
    catalogue = response.json()
    assert [t["id"] for t in catalogue["triggers"]] == TRIGGERS.ids()
    assert [c["id"] for c in catalogue["conditions"]] == CONDITIONS.ids()
    assert [a["id"] for a in catalogue["actions"]] == ACTIONS.ids()
    assert len(catalogue["triggers"]) == 14 and len(catalogue["actions"]) == 15
    for entry in catalogue["triggers"] + catalogue["conditions"] + catalogue["actions"]:
        schema = entry["config_schema"]
        assert schema["type"] == "object" and entry["label"], entry["id"]
        assert set(schema["required"]) <= set(schema["properties"]), entry["id"]
    by_id = {a["id"]: a for a in catalogue["actions"]}
    assert by_id["start_approval"]["available"] is True
    assert by_id["create_item"]["needs_item"] is False
    assert by_id["assign"]["config_schema"]["properties"]["to"]["enum"] == [
        "member", "creator", "round_robin", "least_loaded"]


def test_usage_and_quota(people, api, d):
    rule(people.admin, d.board, when("item_created"), [then("archive_item")])
    add_item(people.member, d)
    dispatch()
    usage = api(people.member).get(url(people, "automations/usage/")).json()
    assert (usage["runs"], usage["actions"], usage["quota"]) == (1, 1, None)
    assert api(people.member).patch(url(people, "automations/settings/"),
                                    {"monthly_run_quota": 10}, format="json").status_code == 403
    set_quota = api(people.admin).patch(url(people, "automations/settings/"),
                                        {"monthly_run_quota": 10}, format="json")
    assert set_quota.json() == {"monthly_run_quota": 10}
    usage = api(people.member).get(url(people, "automations/usage/")).json()
    assert (usage["quota"], usage["percent_of_quota"]) == (10, 10)
    assert usage["history"] == [{"month": usage["month"], "runs": 1, "actions": 1}]
    assert AutomationUsage.objects.count() == 1


@pytest.mark.parametrize("path", ["rules/", "runs"])
def test_lists_take_the_same_queries_at_any_page_size(people, api, d, path):
    first = rule(people.owner, d.board, when("item_created"), [then("archive_item")])
    for n in range(30):
        rule(people.owner, d.board, when("item_created"), [then("archive_item")], name=f"R{n}")
        RuleRunFactory(rule=first, status="failed", event_key=f"k{n}")
    target = "rules/" if path == "rules/" else f"rules/{first.pk}/runs/"
    client = api(people.admin)
    counts = []
    for size in (5, 25):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url(people, f"{target}?page_size={size}"))
        assert response.status_code == 200
        assert len(response.json()["results"]) == size
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
    assert RuleRun.objects.filter(rule=first).count() == 30
