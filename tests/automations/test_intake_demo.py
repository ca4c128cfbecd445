"""The demo IT request form asks follow-up questions by kind of request and hands requests to
the IT team in turn."""

import datetime as dt

from automations.demo_intake import seed_it_requests
from automations.intake.answers import visible_fields
from automations.models import Submission
from boards.demo import seed_boards
from workos.tenancy import demo


def test_the_demo_it_form_branches_by_kind_and_routes_round_robin(db):
    seeded = demo.seed_people()
    seed_boards(seeded.members["olivia@example.com"], seeded.members, dt.date(2026, 3, 11))
    form = seed_it_requests(seeded.workspace)
    assert form is not None and form.access == "public"
    assert seed_it_requests(seeded.workspace) is None, "seeded once"
    shown = {kind: [f["key"] for f in visible_fields(form, {"kind": kind})]
             for kind in ("Hardware", "Software", "Access")}
    assert shown["Hardware"][:3] == ["kind", "title", "device"]
    assert "software" in shown["Software"] and "system" in shown["Access"]
    assert "device" not in shown["Access"] and "source" not in shown["Hardware"]

    submissions = list(Submission.objects.filter(form=form).order_by("id"))
    assert [s.reference for s in submissions] == ["IT-1", "IT-2", "IT-3"]
    assert all(s.status == "created" for s in submissions)
    it_team = {seeded.members["adam@example.com"].pk, seeded.members["ivan@example.com"].pk}
    assignees = [s.item.assignees.get().pk for s in submissions]
    assert set(assignees) == it_team and assignees[0] != assignees[1]
    groups = [s.item.group.name for s in submissions]
    assert groups == ["Hardware", "Access and accounts", "Incoming"]
    assert submissions[0].item.values["category"] == "hardware"
    assert submissions[0].answers["source"] == "intranet"
