"""Demo boards for `manage.py seed_demo`: an IT request queue, a marketing content calendar and
the HR board of the annual performance-review cycle."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from boards.models import Board, Privacy
from boards.services.board_columns import column_create
from boards.services.boards import board_create, board_member_add
from boards.services.dependencies import dependency_create
from boards.services.items import item_create
from workos.tenancy.models import Membership


def _ids(board: Board) -> tuple[dict[str, int], dict[str, int]]:
    groups = {g.name: g.pk for g in board.groups.all()}
    statuses = {s.name: s.pk for s in board.statuses.all()}
    return groups, statuses


def _items(actor: Membership, board: Board, rows: list[dict[str, Any]]) -> list[int]:
    return [item_create(actor=actor, board=board, fields=row).pk for row in rows]


def seed_it_queue(actor: Membership, people: dict[str, Membership], today: date) -> Board:
    board = board_create(
        actor=actor, name="IT service desk",
        description="Requests from every department: access, hardware, software, incidents.",
        groups=["Incoming", "Hardware", "Access and accounts", "Incidents"],
    )
    column_create(actor=actor, board=board, title="Category", type="dropdown", key="category",
                  settings={"options": [{"label": x} for x in
                                        ["Hardware", "Software", "Access", "Network"]]})
    column_create(actor=actor, board=board, title="Requester", type="email", key="requester")
    column_create(actor=actor, board=board, title="Impact", type="rating", key="impact",
                  settings={"max": 5})
    groups, statuses = _ids(board)
    ivan, adam = people["ivan@example.com"].pk, people["adam@example.com"].pk
    _items(actor, board, [
        {"name": "New laptop for Maria", "group": groups["Hardware"],
         "status": statuses["In progress"], "assignees": [ivan], "priority": "medium",
         "due_date": today + timedelta(days=3), "estimate_hours": 3,
         "values": {"category": "Hardware", "requester": "maria@example.com", "impact": 2}},
        {"name": "VPN drops every hour in the Berlin office", "group": groups["Incidents"],
         "status": statuses["To do"], "assignees": [adam, ivan], "priority": "urgent",
         "due_date": today, "estimate_hours": 6,
         "values": {"category": "Network", "requester": "erin@example.com", "impact": 5}},
        {"name": "CRM access for the new finance hire", "group": groups["Access and accounts"],
         "status": statuses["Done"], "assignees": [ivan], "priority": "low",
         "due_date": today - timedelta(days=2), "estimate_hours": 1,
         "values": {"category": "Access", "requester": "felix@example.com", "impact": 1}},
        {"name": "Replace the meeting-room display", "group": groups["Incoming"],
         "status": statuses["Backlog"], "priority": "low", "estimate_hours": 2,
         "values": {"category": "Hardware", "requester": "hana@example.com", "impact": 2}},
    ])
    return board


def seed_content_calendar(actor: Membership, people: dict[str, Membership], today: date
                          ) -> Board:
    board = board_create(
        actor=actor, name="Marketing content calendar",
        description="Blog posts, newsletters and social campaigns by publish date.",
        groups=["This month", "Next month", "Ideas"],
    )
    column_create(actor=actor, board=board, title="Channel", type="tags", key="channel",
                  settings={"options": [{"label": x} for x in
                                        ["Blog", "Newsletter", "LinkedIn", "Video"]]})
    column_create(actor=actor, board=board, title="Brief", type="link", key="brief")
    column_create(actor=actor, board=board, title="Words", type="number", key="words")
    groups, statuses = _ids(board)
    maria = people["maria@example.com"].pk
    ids = _items(actor, board, [
        {"name": "Customer story: Acme rollout", "group": groups["This month"],
         "status": statuses["In progress"], "assignees": [maria],
         "start_date": today, "due_date": today + timedelta(days=6), "estimate_hours": 10,
         "values": {"channel": ["Blog", "LinkedIn"], "words": 1200,
                    "brief": "https://intranet.example.com/briefs/acme"}},
        {"name": "December newsletter", "group": groups["This month"],
         "status": statuses["To do"], "assignees": [maria],
         "start_date": today + timedelta(days=7), "due_date": today + timedelta(days=10),
         "estimate_hours": 6, "values": {"channel": ["Newsletter"], "words": 800}},
        {"name": "Product video script", "group": groups["Next month"],
         "status": statuses["Backlog"], "estimate_hours": 8, "values": {"channel": ["Video"]}},
    ])
    dependency_create(actor=actor, predecessor=ids[0], successor=ids[1], type="FS", lag_days=0)
    return board


def seed_review_cycle(actor: Membership, people: dict[str, Membership], today: date) -> Board:
    board = board_create(
        actor=actor, name="Annual performance review 2026",
        description="The yearly review cycle: self-assessments, manager reviews, calibration.",
        privacy=Privacy.PRIVATE,
        groups=["Self-assessment", "Manager review", "Calibration", "Feedback talks"],
    )
    column_create(actor=actor, board=board, title="Employee", type="people", key="employee")
    column_create(actor=actor, board=board, title="Review window", type="timeline",
                  key="window")
    board_member_add(actor=actor, board=board, membership=people["hana@example.com"])
    groups, statuses = _ids(board)
    hana = people["hana@example.com"].pk
    window = {"start": today.isoformat(), "end": (today + timedelta(days=14)).isoformat()}
    rows = []
    for email in ["erin@example.com", "ivan@example.com", "maria@example.com"]:
        employee = people[email].pk
        rows.append({"name": f"Self-assessment: {email.split('@')[0].title()}",
                     "group": groups["Self-assessment"], "status": statuses["To do"],
                     "assignees": [employee], "due_date": today + timedelta(days=7),
                     "estimate_hours": 2, "values": {"employee": [employee], "window": window}})
    rows.append({"name": "Calibration meeting", "group": groups["Calibration"],
                 "status": statuses["Backlog"], "assignees": [hana], "is_milestone": True,
                 "start_date": today + timedelta(days=21), "due_date": today + timedelta(days=21)})
    _items(actor, board, rows)
    return board


def seed_boards(owner: Membership, people: dict[str, Membership], today: date) -> list[Board]:
    return [
        seed_it_queue(owner, people, today),
        seed_content_calendar(owner, people, today),
        seed_review_cycle(owner, people, today),
    ]
