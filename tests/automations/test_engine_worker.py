"""A real Celery worker on Redis and PostgreSQL takes an item update from commit to the rule's
committed action."""

import os
import time

import pytest

from automations.models import RuleRun
from boards.models import Item
from boards.services import item_update
from tests.automations.rules_setup import add_item, desk, rule, then, when

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL for a broker"),
]


def _wait_for(check, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_rule_an_update_triggers(people, worker):
    d = desk(people.owner)
    r = rule(people.admin, d.board, when("field_changed", field="priority", to="urgent"),
             [then("move_item", group=d.group("Done")),
              then("add_comment", body="Escalated by {rule.name}")])
    item = add_item(people.member, d)
    item_update(actor=people.member, item=item, fields={"priority": "urgent"})
    assert _wait_for(lambda: Item.objects.get(pk=item.pk).group_id == d.group("Done")), (
        "the worker did not run the rule")
    run = RuleRun.objects.get(rule=r)
    assert run.status == "succeeded" and run.event.verb == "item.updated"
    assert [a["type"] for a in run.actions] == ["move_item", "add_comment"]


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_queued_runs_as_their_own_tasks(people, worker, settings):
    settings.AUTOMATIONS_RUN_INLINE = False
    d = desk(people.owner)
    r = rule(people.admin, d.board, when("item_created"),
             [then("set_field", field="priority", value="high")])
    items = [add_item(people.member, d, f"Request {n}") for n in range(3)]
    assert _wait_for(lambda: RuleRun.objects.filter(rule=r, status="succeeded").count() == 3)
    assert set(Item.objects.filter(pk__in=[i.pk for i in items])
               .values_list("priority", flat=True)) == {"high"}
