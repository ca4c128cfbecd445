"""The demo time seeds through the services: every timesheet state, one over-allocated
person, a part-time schedule, costed time."""

from __future__ import annotations

import datetime as dt

from boards.demo import seed_boards
from timetracking.demo import seed_time
from timetracking.models import Rate, TimeEntry, Timesheet
from timetracking.selectors import board_actual_cost, workload_compute_for, workload_member_ids
from workos.tenancy import demo


def test_demo_time(db):
    seeded = demo.seed_people()
    owner = seeded.members["olivia@example.com"]
    today = dt.date(2026, 3, 11)
    boards = seed_boards(owner, seeded.members, today)
    seed_time(owner, seeded.members, boards, today)
    assert TimeEntry.objects.count() == 3 * (5 + 5 + 3 + 5) * 5
    assert set(Timesheet.objects.values_list("status", flat=True)) == {
        "draft", "submitted", "approved", "rejected"}
    assert Rate.objects.filter(board__isnull=False).count() == 1
    assert board_actual_cost(seeded.workspace, boards[0]) > 0
    ivan = seeded.members["ivan@example.com"]
    workload = workload_compute_for(
        workspace=seeded.workspace, viewer=owner,
        member_ids=workload_member_ids(workspace=seeded.workspace),
        start=dt.date(2026, 3, 9), end=dt.date(2026, 3, 13),
    )
    days = workload.members[ivan.pk]
    assert all(days.assigned[i] + days.allocated[i] > days.capacity[i] for i in range(5))
