"""Forms the public page tests fill in: a request form over three pages with a branch, a
conditional question on each page, a hidden question filled from the link, and a file."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from automations.models import Form
from automations.services.intake import form_create
from tests.factories import BoardFactory
from workos.tenancy.models import Membership

KINDS = [{"id": "hardware", "label": "Hardware"}, {"id": "software", "label": "Software"}]

REQUEST_FIELDS: list[dict[str, Any]] = [
    {"key": "title", "label": "What do you need?", "maps_to": "name", "required": True,
     "help": "A few words, such as 'A new laptop'.", "page": "about"},
    {"key": "kind", "label": "What kind of request is it?", "type": "dropdown", "maps_to": "",
     "options": KINDS, "required": True, "page": "about"},
    {"key": "device", "label": "Which device?", "type": "text", "maps_to": "", "required": True,
     "show_if": {"field": "kind", "op": "equals", "value": "hardware"}, "page": "about"},
    {"key": "details", "label": "Tell us more", "maps_to": "description", "page": "details"},
    {"key": "cost", "label": "Estimated cost", "type": "number", "maps_to": "",
     "page": "details"},
    {"key": "reason", "label": "Why is it worth it?", "type": "long_text", "maps_to": "",
     "required": True, "show_if": {"field": "cost", "op": "gt", "value": 1000},
     "page": "details"},
    {"key": "quote", "label": "A quote, if you have one", "type": "file", "maps_to": "",
     "accept": [".pdf", ".txt"], "max_bytes": 2000, "page": "details"},
    {"key": "app", "label": "Which application?", "type": "text", "maps_to": "",
     "required": True, "page": "software"},
    {"key": "source", "label": "Source", "type": "text", "maps_to": "", "hidden": True,
     "default": "web"},
]
REQUEST_PAGES: list[dict[str, Any]] = [
    {"key": "about", "title": "About your request",
     "next": [{"when": {"field": "kind", "op": "equals", "value": "software"},
               "page": "software"}],
     "default_next": "details"},
    {"key": "details", "title": "Details", "description": "What it is for, and its cost.",
     "default_next": ""},
    {"key": "software", "title": "Software", "default_next": ""},
]


def request_form(owner: Membership, **options: Any) -> Form:
    board = BoardFactory(workspace=owner.workspace, name="Internal IT queue")
    return form_create(actor=owner, board=board, name="IT request",
                       description="Ask the IT team for equipment or software.",
                       fields=options.pop("fields", REQUEST_FIELDS),
                       pages=options.pop("pages", REQUEST_PAGES),
                       access=options.pop("access", "public"), reference_prefix="IT", **options)


def hidden_inputs(html: str) -> dict[str, list[str]]:
    """name -> values of the page's hidden inputs."""
    found: dict[str, list[str]] = {}
    for tag in re.findall(r'<input[^>]*type="hidden"[^>]*>', html):
        found.setdefault(_attr(tag, "name"), []).append(_attr(tag, "value"))
    return found


def form_values(html: str) -> dict[str, list[str]]:
    """What a browser would post from the page's form as it stands: every enabled input,
    ticked box, chosen option and text area, files and buttons aside."""
    form = html[html.index("<form"):html.index("</form>")]
    found: dict[str, list[str]] = {}
    for tag in re.findall(r"<input[^>]*>", form):
        kind = _attr(tag, "type") or "text"
        if " disabled" in tag or kind in {"file", "submit"} or not _attr(tag, "name"):
            continue
        if kind in {"checkbox", "radio"} and " checked" not in tag:
            continue
        found.setdefault(_attr(tag, "name"), []).append(_attr(tag, "value"))
    for tag, options in re.findall(r"(<select[^>]*>)(.*?)</select>", form, re.S):
        if " disabled" not in tag:
            chosen = re.search(r'<option value="([^"]*)" selected>', options)
            found[_attr(tag, "name")] = [_unescape(chosen.group(1)) if chosen else ""]
    for tag, text in re.findall(r"(<textarea[^>]*>)(.*?)</textarea>", form, re.S):
        if " disabled" not in tag:
            found[_attr(tag, "name")] = [_unescape(text)]
    return found


def _attr(tag: str, name: str) -> str:
    found = re.search(rf' {name}="([^"]*)"', tag)
    return _unescape(found.group(1)) if found else ""


def _unescape(text: str) -> str:
    return (text.replace("&quot;", '"').replace("&#x27;", "'").replace("&lt;", "<")
            .replace("&gt;", ">").replace("&amp;", "&"))


def post_page(client: Client, url: str, html: str, answers: dict[str, Any],
              action: str = "next") -> Any:
    """Fill in the page `html` shows with `answers` and press a button, as a browser would
    (the page script aside: `intake-shown` stays as the server sent it)."""
    data: dict[str, Any] = {k: v if len(v) > 1 else v[0] for k, v in form_values(html).items()
                            if k != "csrfmiddlewaretoken"}
    data.update(answers)
    data["intake-action"] = action
    return client.post(url, data)


@pytest.fixture
def pages_settings(settings, tmp_path):
    """No wait before sending, a throttle out of the way, and kept files of one test only."""
    settings.INTAKE_MIN_SECONDS = 0
    settings.INTAKE_THROTTLE_PER_MINUTE = 100
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings


def url(form: Form, query: str = "") -> str:
    return f"/f/{form.token}/" + (f"?{query}" if query else "")


def walk_to_details(client: Client, form: Form, **first_answers: Any) -> str:
    """Answer the first page (as if the page script had shown the device question) and
    return the second page, "Details"."""
    page = client.get(url(form)).content.decode()
    answers = {"title": "A laptop", "kind": "hardware", "device": "ThinkPad", **first_answers}
    response = post_page(client, url(form), page.replace('value="kind,title"',
                                                         'value="device,kind,title"'), answers)
    assert "Page 2 of 2: Details" in response.content.decode()
    return response.content.decode()


def send(client: Client, form: Form, html: str, answers: dict[str, Any], *,
         query: str = "") -> Any:
    """Press "Send request" on the page `html` shows, giving the requester's e-mail address."""
    return post_page(client, url(form, query), html,
                     {"intake-email": "sam@example.com", **answers}, action="submit")

