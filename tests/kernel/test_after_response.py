"""Work held until the response is sent: an item write's events go out after its answer."""

from __future__ import annotations

import logging

import pytest
from django.core.signals import request_finished, request_started

from boards import services
from workos.activity.models import Activity
from workos.after_response import after_response


def test_outside_a_request_the_work_runs_at_once():
    done = []
    after_response(lambda: done.append(1))
    assert done == [1]


def test_inside_a_request_the_work_waits_for_the_response_and_a_failure_is_only_logged(
    db, caplog,
):
    done = []
    request_started.send(sender=None)
    after_response(lambda: done.append("first"))
    after_response(lambda: 1 / 0)
    after_response(lambda: done.append("last"))
    assert done == []
    with caplog.at_level(logging.ERROR, logger="workos.after_response"):
        request_finished.send(sender=None)
    assert done == ["first", "last"]
    assert "Work after the response failed" in caplog.text
    after_response(lambda: done.append("later"))  # the request is over: at once again
    assert done == ["first", "last", "later"]


@pytest.mark.django_db(transaction=True)
def test_a_moves_events_are_dispatched_once_its_answer_is_sent(people, api):
    board = services.board_create(actor=people.owner, name="Flow")
    first = services.item_create(actor=people.owner, board=board, fields={"name": "A"})
    second = services.item_create(actor=people.owner, board=board, fields={"name": "B"})
    url = f"/api/v1/workspaces/{people.workspace.slug}/items/{second.pk}/move/"
    response = api(people.member).post(url, {"before": first.pk}, format="json")
    assert response.status_code == 200
    moved = Activity.objects.get(verb="item.moved", target_id=second.pk)
    assert moved.dispatched_at is not None
