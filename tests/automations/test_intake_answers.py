"""Answers are cleaned like values written to the columns they fill: a question per column type,
posted as a browser posts it (text), with a valid and an invalid answer each; conditional
questions, pages and hidden questions; the item fields the answers make."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from automations.intake.answers import (
    answers_clean,
    item_fields_from,
    page_path,
    questions_public,
    visible_fields,
)
from tests.automations.intake_setup import make_form, question, service_desk
from tests.factories import ItemFactory, MembershipFactory
from workos.errors import ValidationFailed


@pytest.fixture
def desk(people):
    return service_desk(people.owner)


# (column type, answer as posted, clean answer, invalid answer, what the error says)
CASES = [
    ("text", "  Broken screen ", "Broken screen", "x" * 2001, "at most 2000 characters"),
    ("long_text", "Line 1\nLine 2", "Line 1\nLine 2", 12, "Enter text"),
    ("number", "12.345", 12.35, "twelve", "Enter a number"),
    ("money", "1200.5", "1200.50", "a lot", "Enter a number"),
    ("date", "2026-03-31", "2026-03-31", "31/03/2026", "YYYY-MM-DD"),
    ("timeline", "2026-03-01/2026-03-05", {"start": "2026-03-01", "end": "2026-03-05"},
     {"start": "2026-03-05", "end": "2026-03-01"}, "ends (2026-03-01) before it starts"),
    ("people", "MEMBER", ["MEMBER"], "999999", "Choose people of this workspace"),
    ("status", "closed", "closed", "Maybe", "'Maybe' is not one of the options"),
    ("dropdown", "Phone", "phone", "Tablet", "not one of the options"),
    ("tags", "urgent, vip", ["urgent", "vip"], ["x" * 60], "longer than 50 characters"),
    ("checkbox", "on", True, "perhaps", "true or false"),
    ("rating", "4", 4, "9", "from 0 to 5"),
    ("link", "example.com/help", {"url": "https://example.com/help", "text": ""},
     "javascript:alert(1)", "http:// or https://"),
    ("email", "Ana@Example.COM", "Ana@example.com", "ana-at-example", "e-mail address"),
    ("phone", "+44 20 7946 0958", "+44 20 7946 0958", "12", "5 to 20 digits"),
    ("relation", "ASSET", ["ASSET"], "OTHER", "Choose items of the board"),
]


def _fill(value, people, desk, other_item):
    table = {"MEMBER": people.member.pk, "ASSET": desk.asset.pk, "OTHER": other_item.pk}
    if isinstance(value, str) and value in table:
        return table[value]
    if isinstance(value, list):
        return [table.get(v, v) if isinstance(v, str) else v for v in value]
    return value


@pytest.mark.parametrize(("kind", "posted", "expected", "invalid", "says"), CASES,
                         ids=[c[0] for c in CASES])
def test_every_column_type_cleans_a_posted_answer_and_refuses_a_bad_one(
        people, desk, kind, posted, expected, invalid, says):
    other_item = ItemFactory(workspace=people.workspace)  # on a board the column does not link
    form = make_form(people.owner, desk.board, [question("title", "name"),
                                                question("answer", f"values.{kind}")],
                     access="members")
    posted = str(people.member.pk) if posted == "MEMBER" else (
        str(desk.asset.pk) if posted == "ASSET" else posted)
    clean = answers_clean(form, {"title": "Help", "answer": posted})
    assert clean["answer"] == _fill(expected, people, desk, other_item)
    fields = item_fields_from(form, clean)
    assert fields["values"] == {kind: clean["answer"]}

    invalid = str(other_item.pk) if invalid == "OTHER" else invalid
    with pytest.raises(ValidationFailed) as caught:
        answers_clean(form, {"title": "Help", "answer": invalid})
    assert list(caught.value.fields) == ["answer"]
    assert says in caught.value.fields["answer"][0]
    assert caught.value.message.startswith("Answer: ")


def test_answers_from_a_json_client_are_taken_as_they_are(people, desk):
    form = make_form(people.owner, desk.board, [
        question("title", "name"), question("count", "values.number"),
        question("done", "values.checkbox"), question("when", "values.timeline"),
        question("tags", "values.tags")], access="members")
    clean = answers_clean(form, {"title": "Help", "count": 3, "done": False,
                                 "when": {"start": "2026-01-01", "end": "2026-01-02"},
                                 "tags": ["a", "b"]})
    assert clean == {"title": "Help", "count": 3, "done": False,
                     "when": {"start": "2026-01-01", "end": "2026-01-02"}, "tags": ["a", "b"]}


def test_a_timeline_may_come_as_two_inputs(people, desk):
    form = make_form(people.owner, desk.board, [question("when", "values.timeline")])
    assert answers_clean(form, {"when.start": ["2026-02-01"], "when.end": "2026-02-03"}) == {
        "when": {"start": "2026-02-01", "end": "2026-02-03"}}
    with pytest.raises(ValidationFailed) as caught:
        answers_clean(form, {"when.start": "2026-02-01", "when.end": ""})
    assert "YYYY-MM-DD" in caught.value.fields["when"][0]


def test_core_fields_map_to_the_item(people, desk):
    form = make_form(people.owner, desk.board, [
        question("title", "name"), question("details", "description"),
        question("start", "start_date"), question("due", "due_date"),
        question("urgency", "priority"), question("hours", "estimate_hours"),
        question("who", "assignees")], access="members")
    clean = answers_clean(form, {"title": "New laptop", "details": "<b>Soon</b>",
                                 "start": "2026-04-01", "due": "2026-04-03",
                                 "urgency": "High", "hours": "2.5",
                                 "who": f"{people.member.pk},{people.admin.pk}"})
    assert item_fields_from(form, clean) == {
        "name": "New laptop", "description": "<b>Soon</b>", "start_date": dt.date(2026, 4, 1),
        "due_date": dt.date(2026, 4, 3), "priority": "high", "estimate_hours": 2.5,
        "assignees": sorted([people.member.pk, people.admin.pk])}
    with pytest.raises(ValidationFailed) as caught:
        answers_clean(form, {"title": "x", "start": "2026-04-05", "due": "2026-04-03",
                             "hours": "-1", "urgency": "asap",
                             "who": str(MembershipFactory().pk)})
    assert caught.value.fields == {
        "urgency": ["'asap' is not one of the options (None, Low, Medium, High, Urgent)."],
        "hours": ["Enter zero or more hours."],
        "who": ["Choose people of this workspace."],
        "due": ["This date is before the start date."],
    }


def test_an_item_without_a_name_answer_is_named_after_the_form_and_reference(people, desk):
    form = make_form(people.owner, desk.board, [question("details", "description")],
                     name="Access request")
    assert item_fields_from(form, {"details": "VPN"}, reference="REQ-7") == {
        "description": "VPN", "name": "Access request REQ-7"}


def test_required_questions_and_every_error_at_once(people, desk):
    form = make_form(people.owner, desk.board, [
        question("title", "name", required=True), question("agree", type="checkbox",
                                                            required=True),
        question("score", "values.rating")])
    with pytest.raises(ValidationFailed) as caught:
        answers_clean(form, {"title": " ", "score": "8"})
    assert caught.value.fields == {"title": ["Answer this question."],
                                   "agree": ["Tick this to go on."],
                                   "score": ["A rating is a whole number from 0 to 5."]}
    assert caught.value.message == "Title: Answer this question. (and 2 more answers to check)"


def _it_form(people, desk, **extra):
    kind = {"field": "kind", "op": "equals"}
    return make_form(people.owner, desk.board, [
        question("kind", "values.dropdown", required=True),
        question("device", type="dropdown", options=["Laptop", "Phone"], required=True,
                 show_if={**kind, "value": "Laptop"}),
        question("system", type="text", required=True, show_if={**kind, "value": "Phone"}),
        question("title", "name"),
        question("source", "values.text", hidden=True, default="web"),
    ], **extra)


def test_conditional_questions_show_on_earlier_answers_and_others_are_dropped(people, desk):
    form = _it_form(people, desk)
    assert [f["key"] for f in visible_fields(form, {})] == ["kind", "title"]
    assert [f["key"] for f in visible_fields(form, {"kind": "Laptop"})] == [
        "kind", "device", "title"]
    shown = visible_fields(form, {"kind": "laptop"})[1]
    assert shown["options"] == [{"id": "laptop", "label": "Laptop"},
                                {"id": "phone", "label": "Phone"}]
    assert "source" not in [f["key"] for f in questions_public(form)]

    clean = answers_clean(form, {"kind": "Laptop", "device": "Phone", "system": "SAP",
                                 "title": "Laptop", "source": "forged", "values": {"text": "x"},
                                 "assignees": [people.owner.pk]})
    assert clean == {"kind": "laptop", "device": "phone", "title": "Laptop", "source": "web"}
    with pytest.raises(ValidationFailed) as caught:
        answers_clean(form, {"kind": "Phone"})
    assert caught.value.fields == {"system": ["Answer this question."]}


def test_hidden_questions_take_the_link_value_or_their_default(people, desk):
    form = _it_form(people, desk)
    assert answers_clean(form, {"kind": "Monitor"}, prefill={"source": "intranet"})["source"] \
        == "intranet"
    assert answers_clean(form, {"kind": "Monitor"}, prefill={"other": "x"})["source"] == "web"


def _paged(people, desk):
    pages = [
        {"key": "start", "title": "What", "next": [
            {"when": {"field": "kind", "op": "equals", "value": "Laptop"}, "page": "hardware"}],
         "default_next": "end"},
        {"key": "hardware", "title": "Hardware"},
        {"key": "end", "title": "About you"},
    ]
    return make_form(people.owner, desk.board, [
        question("kind", "values.dropdown", page="start", required=True),
        question("device", type="text", page="hardware", required=True),
        question("title", "name", page="end", required=True),
    ], pages=pages)


def test_pages_branch_on_answers(people, desk):
    form = _paged(people, desk)
    assert page_path(form, {}) == ["start", "end"]
    assert page_path(form, {"kind": "Laptop"}) == ["start", "hardware", "end"]
    assert page_path(form, {"kind": "Phone"}) == ["start", "end"]
    assert [f["key"] for f in visible_fields(form, {"kind": "Laptop"}, page="hardware")] == [
        "device"]
    single = make_form(people.owner, desk.board, [question("title", "name")])
    assert page_path(single, {}) == ["main"]


def test_one_page_is_checked_alone_and_the_whole_path_at_the_end(people, desk):
    form = _paged(people, desk)
    assert answers_clean(form, {"kind": "Laptop"}, page="start") == {"kind": "laptop"}
    with pytest.raises(ValidationFailed) as caught:
        answers_clean(form, {"kind": "Laptop"}, page="hardware")
    assert caught.value.fields == {"device": ["Answer this question."]}
    with pytest.raises(ValidationFailed) as caught:
        answers_clean(form, {"kind": "Laptop", "device": "X1"})
    assert caught.value.fields == {"title": ["Answer this question."]}
    # A phone skips the hardware page: its answer is dropped.
    assert answers_clean(form, {"kind": "Phone", "device": "X1", "title": "Phone"}) == {
        "kind": "phone", "title": "Phone"}
    with pytest.raises(ValidationFailed):
        answers_clean(form, {}, page="nowhere")


def test_the_walk_takes_hidden_questions_from_the_link_or_their_default(people, desk):
    pages = [
        {"key": "start", "title": "What", "next": [
            {"when": {"field": "source", "op": "equals", "value": "kiosk"}, "page": "desk"}],
         "default_next": "end"},
        {"key": "desk", "title": "Desk"},
        {"key": "end", "title": "About you"},
    ]
    form = make_form(people.owner, desk.board, [
        question("source", type="text", page="start", hidden=True, default="web"),
        question("kind", "values.dropdown", page="start"),
        question("seat", type="text", page="desk"),
        question("badge", type="text", page="end",
                 show_if={"field": "source", "op": "equals", "value": "kiosk"}),
        question("title", "name", page="end", required=True),
    ], pages=pages)
    assert page_path(form, {}) == ["start", "end"]
    assert page_path(form, {}, prefill={"source": "kiosk"}) == ["start", "desk", "end"]
    assert page_path(form, {}, prefill={"source": ""}) == ["start", "end"]
    assert [f["key"] for f in visible_fields(form, {}, page="end")] == ["title"]
    assert [f["key"] for f in visible_fields(form, {}, page="end",
                                             prefill={"source": "kiosk"})] == ["badge", "title"]
    # As when the answers are sent: the link's value, else the default.
    assert answers_clean(form, {"title": "Chair", "seat": "4B"},
                         prefill={"source": "kiosk"})["seat"] == "4B"
    assert "seat" not in answers_clean(form, {"title": "Chair", "seat": "4B"},
                                       prefill={"source": ""})


def _upload(name="report.pdf", content=b"%PDF-1.4 report"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_file_questions_check_count_size_and_type(people, desk):
    form = make_form(people.owner, desk.board, [
        question("title", "name"),
        question("files", type="file", max_files=2, max_bytes=100, accept=[".pdf", ".png"])])
    assert answers_clean(form, {"files": [_upload()]}) == {"files": ["report.pdf"]}
    for files, says in [
        ([_upload(), _upload(), _upload()], "at most 2 files"),
        ([_upload(content=b"%PDF" + b"x" * 200)], "larger than the 100 bytes"),
        ([_upload("notes.txt", b"hello")], "accepted types: .pdf, .png"),
        ([_upload("tool.pdf", b"MZ\x90\x00")], "a program or a script"),
        (["report.pdf"], "names alone are not files"),
    ]:
        with pytest.raises(ValidationFailed) as caught:
            answers_clean(form, {"files": files})
        assert says in caught.value.fields["files"][0], says
