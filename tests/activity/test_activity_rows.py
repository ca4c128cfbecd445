"""Recorded activities are stored as given, in order, however many one change records."""

from workos.activity.models import Activity
from workos.activity.services import activities_record, activity_record


def test_a_recorded_activity_reads_back_as_it_was_written(people):
    activity = activity_record(
        workspace=people.workspace, actor=people.owner.user, verb="team.renamed",
        target=people.workspace, changes={"name": ["Ops", "Operations"], "size": [1.5, None]},
        data={"board": 7, "nested": {"ids": [1, 2]}},
    )
    stored = Activity.objects.get(pk=activity.pk)
    assert (stored.verb, stored.actor, stored.target_id) == (
        "team.renamed", people.owner.user, people.workspace.pk)
    assert stored.changes == {"name": ["Ops", "Operations"], "size": [1.5, None]}
    assert stored.data == {"board": 7, "nested": {"ids": [1, 2]}}
    assert stored.created_at == activity.created_at
    assert stored.dispatched_at is None and stored.cause is None and stored.depth == 0
    assert stored.target_repr == str(people.workspace)
    assert not activity._state.adding


def test_hundreds_recorded_at_once_keep_their_order_and_ids(people):
    entries = [("item.archived", people.workspace, {"n": [None, n]}, {"board": n})
               for n in range(250)]
    created = activities_record(workspace=people.workspace, actor=None, entries=entries)
    assert len({a.pk for a in created}) == 250
    stored = {a.pk: a for a in Activity.objects.filter(verb="item.archived")}
    assert [stored[a.pk].data["board"] for a in created] == list(range(250))
    assert [a.pk for a in created] == sorted(a.pk for a in created)
    assert all(stored[a.pk].actor_label == "WorkOS" for a in created)
