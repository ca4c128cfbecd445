"""The demo rules are valid and do their job on the demo boards."""

import datetime as dt

from automations.demo import seed_rules
from automations.models import Rule
from boards.demo import seed_boards
from boards.models import Board, Item
from boards.services import item_create, item_update
from tests.automations.rules_setup import dispatch
from workos.activity.models import Notification
from workos.tenancy import demo


def test_demo_rules_assign_new_requests_in_turn_and_tell_requesters_when_done(db):
    seeded = demo.seed_people()
    owner = seeded.members["olivia@example.com"]
    seed_boards(owner, seeded.members, dt.date(2026, 3, 11))
    dispatch()  # the seeding's own events are history, not new requests
    rules = seed_rules(seeded.workspace)
    assert {r.name for r in rules} == {
        "Assign new requests round-robin in IT", "Tell the requester when a request is done",
        "Escalate urgent requests", "Open the weekly IT report",
        "Remind the author two days before a piece is due",
    }
    assert Rule.objects.filter(workspace=seeded.workspace, enabled=True).count() == 5
    desk = Board.objects.get(workspace=seeded.workspace, name="IT service desk")
    felix = seeded.members["felix@example.com"]
    requests = [item_create(actor=felix, board=desk, fields={"name": f"Request {n}"})
                for n in range(2)]
    dispatch()
    it_team = {seeded.members["adam@example.com"].pk, seeded.members["ivan@example.com"].pk}
    assigned = [Item.objects.get(pk=r.pk).assignees.get().pk for r in requests]
    assert set(assigned) == it_team, "two requests, one each"
    done = desk.statuses.get(name="Done")
    item_update(actor=seeded.members["ivan@example.com"], item=requests[0],
                fields={"status": done.pk})
    dispatch()
    told = Notification.objects.get(verb="automation", recipient=felix)
    assert told.title == "Your request 'Request 0' is done"
