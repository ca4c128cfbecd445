"""A form's definition is checked against its board when it is saved, and a mistake is a 400
naming the question's index and key."""

import pytest

from automations.intake.definition import definition_clean
from tests.automations.intake_setup import make_form, question, service_desk
from tests.factories import BoardFactory, GroupFactory, MembershipFactory, TeamFactory
from workos.errors import ValidationFailed


@pytest.fixture
def desk(people):
    return service_desk(people.owner)


def _clean(desk, fields, access="public", **extra):
    return definition_clean(board=desk.board, access=access, fields=fields, **extra)


def _refused(desk, fields, access="public", **extra) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        _clean(desk, fields, access, **extra)
    return caught.value


def test_a_question_takes_its_type_and_options_from_the_column_it_fills(desk):
    clean = _clean(desk, [
        question("title", "name", required=True),
        question("kind", "values.dropdown", options=["Laptop", "phone"]),
        question("note", type="long_text"),
    ])
    title, kind, note = clean["fields"]
    assert title == {"key": "title", "label": "Title", "maps_to": "name", "type": "text",
                     "required": True}
    phone_id = next(o["id"] for o in desk.column("dropdown").settings["options"]
                    if o["label"] == "Phone")
    assert kind["type"] == "dropdown" and kind["options"] == ["laptop", phone_id]
    assert note["type"] == "long_text" and note["maps_to"] == ""
    assert clean["pages"] == [] and clean["routing"] == [] and clean["routing_default"] == {}


@pytest.mark.parametrize(("fields", "where", "says"), [
    ([question("a", "name"), question("a", "description")], "fields[1] (key 'a')",
     "another question has this key"),
    ([question("a", "values.nothing")], "fields[0] (key 'a')", "no column with key 'nothing'"),
    ([question("a", "values.formula")], "fields[0]", "computed (formula)"),
    ([question("a", "values.time_tracked")], "fields[0]", "computed (time_tracked)"),
    ([question("a", "owner")], "fields[0]", "not something an item has"),
    ([question("a")], "fields[0]", "needs a type"),
    ([question("a", "name"), question("b", "name")], "fields[1] (key 'b')",
     "question 'a' already fills name"),
    ([question("a", "values.rating", type="text")], "fields[0]", "which takes rating"),
    ([question("a", "values.rating", max=10)], "fields[0]", "decides 'max'"),
    ([question("a", "values.dropdown", options=["Tablet"])], "fields[0]",
     "'Tablet' is not an option"),
    ([question("a", type="dropdown")], "fields[0]", "needs options"),
    ([question("a", type="text", hidden=True, required=True), question("b", "name")],
     "fields[0]", "cannot be required"),
    ([question("a", "values.number", default="lots")], "fields[0]", "Enter a number"),
    ([question("a", "values.file")], "fields[0]", "no column"),
    ([question("a", "description", type="file")], "fields[0]", "takes long_text"),
    ([question("a", type="file", accept=[".exe"])], "fields[0]", "'.exe' is not an extension"),
    ([question("a", type="file", max_files=50)], "fields[0]", "max_files"),
    ([question("Bad Key", "name")], "fields[0]", "key is 1 to 63"),
    ([question("a", "name", colour="red")], "fields[0]", "has no 'colour'"),
    ([question("a", "name", label="")], "fields[0]", "give the question a label"),
])
def test_mistakes_in_questions_name_the_question(desk, fields, where, says):
    refused = _refused(desk, fields)
    assert refused.message.startswith(where)
    assert says in refused.message
    index = where.split("[")[1].split("]")[0]
    assert says in refused.fields["fields"][index][0]


@pytest.mark.parametrize("maps_to", ["values.people", "values.relation", "assignees"])
def test_people_and_items_of_the_workspace_are_asked_only_on_forms_for_members(desk, maps_to):
    refused = _refused(desk, [question("who", maps_to)])
    assert "only a form for members" in refused.message
    clean = _clean(desk, [question("who", maps_to)], access="members")
    assert clean["fields"][0]["type"] in {"people", "relation"}


def test_show_if_refers_only_to_earlier_questions_and_names_options_by_id(desk):
    clean = _clean(desk, [
        question("kind", "values.dropdown"),
        question("device", type="text", show_if={"field": "kind", "op": "equals",
                                                  "value": "Laptop"}),
        question("any", type="text", show_if={"any": [
            {"field": "kind", "op": "in", "value": ["Phone", "laptop"]},
            {"field": "device", "op": "is_not_empty"}]}),
    ])
    assert clean["fields"][1]["show_if"] == {"field": "kind", "op": "equals", "value": "laptop"}
    assert clean["fields"][2]["show_if"]["any"][0]["value"] == ["phone", "laptop"]

    later = _refused(desk, [
        question("device", type="text", show_if={"field": "kind", "op": "equals", "value": 1}),
        question("kind", "values.dropdown"),
    ])
    assert "fields[0] (key 'device')" in later.message and "not an earlier question" in \
        later.message
    for condition, says in [
        ({"field": "kind", "op": "like", "value": "x"}, "not a condition operator"),
        ({"field": "kind", "op": "equals", "value": "Tablet"}, "'Tablet' is not an option"),
        ({"field": "kind", "op": "gt", "value": 3}, "needs a question holding a number"),
        ({"field": "kind", "op": "in", "value": "Laptop"}, "takes a list"),
        ({"field": "kind", "op": "equals"}, "needs a value"),
        ({"all": []}, "non-empty list"),
        ("kind = Laptop", "a condition is an object"),
    ]:
        refused = _refused(desk, [question("kind", "values.dropdown"),
                                  question("x", type="text", show_if=condition)])
        assert says in refused.message, condition


def _pages(*pages):
    return [{"key": key, "title": key.title(), **rules} for key, rules in pages]


def _paged_fields():
    return [question("kind", "values.dropdown", page="start"),
            question("device", type="text", page="hardware"),
            question("system", type="text", page="access"),
            question("title", "name", page="end")]


def test_pages_branch_forward_by_answer(desk):
    branch = {"next": [{"when": {"field": "kind", "op": "equals", "value": "Laptop"},
                        "page": "hardware"}], "default_next": "access"}
    clean = _clean(desk, _paged_fields(), pages=_pages(
        ("start", branch), ("hardware", {"default_next": "end"}), ("access", {}), ("end", {})))
    start, hardware, access, end = clean["pages"]
    assert start["next"][0] == {"when": {"field": "kind", "op": "equals", "value": "laptop"},
                                "page": "hardware"}
    assert hardware["default_next"] == "end"
    assert access["default_next"] == "end" and end["default_next"] == ""
    assert [f["page"] for f in clean["fields"]] == ["start", "hardware", "access", "end"]


@pytest.mark.parametrize(("pages", "says"), [
    ((("start", {"default_next": "end"}), ("hardware", {}), ("access", {}), ("end", {})),
     "no answer ever leads to this page"),
    ((("start", {}), ("hardware", {}), ("access", {"default_next": "start"}), ("end", {})),
     "loop: start → hardware → access → start"),
    ((("start", {"next": [{"when": {"field": "owner", "op": "is_empty"}, "page": "end"}]}),
      ("hardware", {}), ("access", {}), ("end", {})), "not an earlier question"),
    ((("start", {"next": [{"when": {"field": "kind", "op": "is_empty"}, "page": "nowhere"}]}),
      ("hardware", {}), ("access", {}), ("end", {})), "not another page"),
    ((("start", {"default_next": "start"}), ("hardware", {}), ("access", {}), ("end", {})),
     "not another page"),
])
def test_pages_that_loop_or_cannot_be_reached_are_refused(desk, pages, says):
    refused = _refused(desk, _paged_fields(), pages=_pages(*pages))
    assert refused.message.startswith("pages[")
    assert says in refused.message


def test_a_branch_may_not_depend_on_a_later_page(desk):
    fields = [*_paged_fields()[:3], question("title", "name", page="end")]
    pages = _pages(("start", {"next": [{"when": {"field": "device", "op": "is_empty"},
                                        "page": "end"}]}),
                   ("hardware", {}), ("access", {}), ("end", {}))
    refused = _refused(desk, fields, pages=pages)
    assert "pages[0] (key 'start')" in refused.message
    assert "asked on a later page" in refused.message


def test_a_question_on_an_unknown_page_and_a_page_without_questions_are_refused(desk):
    refused = _refused(desk, [question("a", "name", page="nope")],
                       pages=_pages(("one", {})))
    assert "page 'nope' is not one of the form's pages" in refused.message
    refused = _refused(desk, [question("a", "name", page="one")],
                       pages=_pages(("one", {}), ("two", {})))
    assert "pages[1] (key 'two')" in refused.message and "no question" in refused.message


def test_routing_rules_name_groups_of_the_board_and_members_and_teams_here(desk, people):
    team = TeamFactory(workspace=people.workspace)
    fields = [question("kind", "values.dropdown"), question("title", "name")]
    clean = _clean(desk, fields, routing=[
        {"when": {"field": "kind", "op": "equals", "value": "Phone"},
         "group": desk.groups["Hardware"], "assign": {"mode": "round_robin", "team": team.pk},
         "priority": "high"},
        {"assign": {"mode": "member", "member": people.member.pk}},
    ], routing_default={"group": desk.groups["Incoming"],
                        "assign": {"mode": "least_loaded", "team": team.pk}})
    assert clean["routing"][0]["when"]["value"] == "phone"
    assert clean["routing_default"]["assign"] == {"mode": "least_loaded", "team": team.pk}

    elsewhere = GroupFactory(board=BoardFactory(workspace=people.workspace))
    stranger = MembershipFactory()
    foreign_team = TeamFactory()
    for rule, says in [
        ({"group": elsewhere.pk}, "not a group of the board"),
        ({"assign": {"mode": "member", "member": stranger.pk}}, "not a member"),
        ({"assign": {"mode": "round_robin", "team": foreign_team.pk}}, "not one"),
        ({"assign": {"mode": "round_robin", "member": people.member.pk}}, "takes 'team'"),
        ({"assign": {"mode": "whoever"}}, "mode"),
        ({"priority": "asap"}, "priority is one of"),
        ({"when": {"field": "kind", "op": "is_empty"}}, "sets nothing"),
        ({"group": desk.groups["Incoming"], "colour": "red"}, "has no 'colour'"),
    ]:
        refused = _refused(desk, fields, routing=[{"priority": "low"}, rule])
        assert refused.message.startswith("routing[1]"), rule
        assert says in refused.message, rule
    refused = _refused(desk, fields, routing_default={"when": {"field": "kind",
                                                               "op": "is_empty"}})
    assert refused.fields == {"routing_default": ["a routing rule has no 'when'; it takes "
                                                  "assign, group, priority"]}


def test_the_api_of_form_creation_answers_the_same_400(desk, people, api):
    response = api(people.owner).post(
        f"/api/v1/workspaces/{people.workspace.slug}/forms/",
        {"board": desk.board.pk, "name": "Requests", "public": True,
         "fields": [question("title", "name"), question("title", "description")]},
        format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["message"] == "fields[1] (key 'title'): another question has this key."
    assert body["fields"] == {"fields": {"1": ["another question has this key"]}}


def test_a_saved_form_keeps_the_clean_definition(desk, people):
    form = make_form(people.owner, desk.board, [question("title", "name"),
                                                question("seen", "values.checkbox")])
    assert form.fields[1]["type"] == "checkbox"
    assert form.token.startswith("f_") and len(form.token) == 26
    assert form.reference_prefix == "REQ"
