"""Reads for the workspace home ("My work") and the search page.

Every read starts from the viewer's membership and goes through the selectors of the app that
owns the rows, so an item, board or project the viewer may not see stays out of sight exactly as
in the API. Lists are bounded and counted with aggregates: the page costs the same number of
queries however much work a person has.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from automations.selectors.approvals import request_list
from boards.models import PRIORITY_RANK, Board, BoardMember, Item, StatusCategory
from boards.selectors import ItemFilters, board_list, item_list
from boards.selectors.text_search import search_terms
from projects.selectors import project_list
from timetracking.models import Allocation, Timer
from timetracking.selectors import timer_running
from workos.activity.models import Notification
from workos.activity.selectors import notification_list
from workos.tenancy.models import Membership, Team, Workspace

OPEN = (StatusCategory.BACKLOG, StatusCategory.TODO, StatusCategory.IN_PROGRESS)
ITEMS_PER_BUCKET = 25
APPROVALS_SHOWN = 10
NOTIFICATIONS_SHOWN = 12
FOLLOWED_SHOWN = 30
SEARCH_ITEMS = 50
SEARCH_OTHERS = 20
SEARCH_MAX_CHARS = 200


def workspace_today(workspace: Workspace) -> dt.date:
    """Today where the workspace is: what "overdue" and "due today" are measured against."""
    try:
        zone: dt.tzinfo = zoneinfo.ZoneInfo(workspace.timezone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = dt.UTC
    return timezone.now().astimezone(zone).date()


# --- my items ------------------------------------------------------------------------------


@dataclass
class Bucket:
    key: str
    title: str
    count: int
    items: list[Item] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - len(self.items)


def _priority_rank() -> Case:
    return Case(*[When(priority=name, then=Value(rank)) for name, rank in PRIORITY_RANK.items()],
                default=Value(0), output_field=IntegerField())


def my_open_items(*, workspace: Workspace, membership: Membership) -> QuerySet:
    """Open items assigned to the viewer on live boards they see (templates left out)."""
    return (
        item_list(workspace=workspace, membership=membership,
                  filters=ItemFilters(assignee=membership.pk, archived=False))
        .filter(Q(status__isnull=True) | Q(status__category__in=OPEN))
        .filter(board__archived_at__isnull=True, board__is_template=False)
        .prefetch_related(None)
    )


def my_item_buckets(*, workspace: Workspace, membership: Membership,
                    today: dt.date) -> list[Bucket]:
    """The viewer's open items by due date: overdue, today, the rest of this week (to
    Sunday), later, and without a date; each bucket's first items and its full count.
    One query counts every bucket, one more reads each bucket that is not empty."""
    week_end = today + dt.timedelta(days=6 - today.weekday())
    where = {
        "overdue": Q(due_date__lt=today),
        "today": Q(due_date=today),
        "week": Q(due_date__gt=today, due_date__lte=week_end),
        "later": Q(due_date__gt=week_end),
        "none": Q(due_date__isnull=True),
    }
    titles = {"overdue": "Overdue", "today": "Due today", "week": "Later this week",
              "later": "Later", "none": "No due date"}
    mine = my_open_items(workspace=workspace, membership=membership)
    counts = mine.aggregate(**{key: Count("id", filter=q) for key, q in where.items()})
    buckets = []
    for key, q in where.items():
        bucket = Bucket(key=key, title=titles[key], count=counts[key] or 0)
        if bucket.count:
            rows = mine.filter(q).select_related("board", "status")
            if key == "none":
                # Without dates, the most urgent first.
                rows = rows.annotate(rank=_priority_rank()).order_by("-rank", "id")
            else:
                rows = rows.order_by("due_date", "id")
            bucket.items = list(rows[:ITEMS_PER_BUCKET])
        buckets.append(bucket)
    return buckets


# --- timer, approvals, notifications --------------------------------------------------------


def my_timer(*, workspace: Workspace, membership: Membership) -> Timer | None:
    """The viewer's running timer, with its item's board (a timer may run on no item)."""
    timer = timer_running(workspace=workspace, member=membership)
    if timer is not None and timer.item_id is not None:
        timer.item = Item.objects.select_related("board").filter(pk=timer.item_id).first()
    return timer


def my_pending_approvals(*, workspace: Workspace, membership: Membership
                         ) -> tuple[list[Any], int]:
    """Requests waiting for the viewer's decision, oldest deadline first, and how many."""
    pending = request_list(workspace=workspace, membership=membership, mine=True)
    rows = list(pending.select_related("item__board", "requested_by__user")
                .order_by("step_due_at", "id")[:APPROVALS_SHOWN])
    for row in rows:
        steps = row.steps or []
        step = steps[row.current_step] if row.current_step < len(steps) else {}
        row.step_name = step.get("name") or f"Step {row.current_step + 1}"
        row.step_count = len(steps)
    total = len(rows) if len(rows) < APPROVALS_SHOWN else pending.order_by().count()
    return rows, total


def notification_target(notification: Notification, ws: str) -> str:
    """Where a notification leads on this site: an item's page for items, the stored link
    otherwise (an approval's decision page)."""
    kind = notification.target_type
    if kind.app_label == "boards" and kind.model == "item":
        return reverse("item-page", kwargs={"ws": ws, "id": notification.target_id})
    if kind.app_label == "automations" and kind.model == "approvalrequest":
        return reverse("approval-page", kwargs={"ws": ws, "id": notification.target_id})
    link = notification.link or ""
    # Stored links are paths of this site; anything else is not followed.
    return link if link.startswith("/") and not link.startswith("//") else ""


def my_notifications(*, membership: Membership) -> tuple[list[Notification], int]:
    """The viewer's newest notifications, each with `href`, and how many are unread."""
    ws = membership.workspace.slug
    rows = list(notification_list(membership=membership)[:NOTIFICATIONS_SHOWN])
    for row in rows:
        row.href = notification_target(row, ws)
    unread = notification_list(membership=membership, unread=True).order_by().count()
    return rows, unread


# --- boards and projects I follow -----------------------------------------------------------


def _assigned_open_items(membership: Membership, board_ref: str) -> QuerySet:
    return Item.objects.filter(
        board_id=OuterRef(board_ref), assignees=membership, archived_at__isnull=True,
    ).filter(Q(status__isnull=True) | Q(status__category__in=OPEN))


def _assigned_open(membership: Membership, board_ref: str) -> Exists:
    return Exists(_assigned_open_items(membership, board_ref))


def followed_boards(*, workspace: Workspace, membership: Membership) -> list[Any]:
    """Live boards (not projects' boards) the viewer is a board member of or has open items
    assigned on, with the number of those items."""
    mine = Coalesce(Subquery(
        _assigned_open_items(membership, "pk").order_by().values("board_id")
        .annotate(n=Count("id")).values("n")[:1]), 0)
    rows = (
        board_list(workspace=workspace, membership=membership, archived=False)
        .filter(is_template=False, project__isnull=True)
        .filter(Q(member_role__isnull=False) | _assigned_open(membership, "pk"))
        .annotate(my_open=mine)
        .order_by("name", "id")
    )
    return list(rows[:FOLLOWED_SHOWN])


def followed_projects(*, workspace: Workspace, membership: Membership) -> list[Any]:
    """Projects the viewer manages or works in: board member, assigned open work, or an
    allocation on the project's board."""
    on_board = Exists(BoardMember.objects.filter(board_id=OuterRef("board_id"),
                                                 membership=membership))
    allocated = Exists(Allocation.objects.filter(board_id=OuterRef("board_id"),
                                                 member=membership))
    rows = (
        project_list(workspace=workspace, membership=membership, templates=False)
        .filter(Q(manager=membership) | on_board | allocated
                | _assigned_open(membership, "board_id"))
        .order_by("name", "id")
    )
    return list(rows[:FOLLOWED_SHOWN])


def team_overview(*, workspace: Workspace, membership: Membership) -> dict[str, Any]:
    """The viewer's teams, every team of the workspace with its size, and how many members
    the workspace has."""
    teams = list(Team.objects.filter(workspace=workspace)
                 .annotate(member_count=Count("members")).order_by("name", "id"))
    mine = set(Team.objects.filter(workspace=workspace, members=membership)
               .values_list("id", flat=True))
    return {"teams": teams, "my_teams": [t for t in teams if t.pk in mine],
            "member_total": Membership.objects.filter(workspace=workspace).count()}


def item_approval_requests(*, workspace: Workspace, membership: Membership,
                           item: Item) -> list[Any]:
    """The approval requests on an item the viewer may see, newest first, with their
    decisions and deciders."""
    return list(request_list(workspace=workspace, membership=membership, item=item.pk)
                .select_related("requested_by__user")
                .prefetch_related("decisions__approver__user")[:APPROVALS_SHOWN])


# --- search ---------------------------------------------------------------------------------


@dataclass
class SearchResults:
    query: str
    items: list[Item] = field(default_factory=list)
    boards: list[Any] = field(default_factory=list)
    projects: list[Any] = field(default_factory=list)
    more_items: bool = False
    more_boards: bool = False
    more_projects: bool = False

    @property
    def total(self) -> int:
        return len(self.items) + len(self.boards) + len(self.projects)


def _words_q(terms: list[str], *names: str) -> Q:
    """Every term in at least one of the fields."""
    where = Q()
    for term in terms:
        anywhere = Q()
        for name in names:
            anywhere |= Q(**{f"{name}__icontains": term})
        where &= anywhere
    return where


def search(*, workspace: Workspace, membership: Membership, text: str) -> SearchResults:
    """Items (full text, as the items API's `q`), boards and projects the viewer may see
    whose names hold every word of `text`; the most recently changed first."""
    # PostgreSQL refuses NUL in text: it can never match, so it goes.
    text = (text or "").replace("\x00", "").strip()[:SEARCH_MAX_CHARS]
    found = SearchResults(query=text)
    terms = search_terms(text)
    if not terms:
        return found
    # The full-text condition names the item's columns bare, so the matching ids are read
    # without joins, and the items with their boards and statuses after.
    templates = Board.objects.filter(workspace=workspace, is_template=True).values("id")
    ids = list(item_list(workspace=workspace, membership=membership,
                         filters=ItemFilters(q=text, archived=False))
               .exclude(board_id__in=templates).prefetch_related(None)
               .order_by("-updated_at", "-id").values_list("id", flat=True)[:SEARCH_ITEMS + 1])
    found.more_items = len(ids) > SEARCH_ITEMS
    rows = Item.objects.filter(id__in=ids[:SEARCH_ITEMS]).select_related("board", "status")
    found.items = sorted(rows, key=lambda item: ids.index(item.pk))
    # A project's board is found as the project.
    boards = (board_list(workspace=workspace, membership=membership)
              .filter(is_template=False, project__isnull=True)
              .filter(_words_q(terms, "name", "description"))
              .order_by("-updated_at", "-id"))
    found.boards = list(boards[:SEARCH_OTHERS + 1])
    found.more_boards = len(found.boards) > SEARCH_OTHERS
    found.boards = found.boards[:SEARCH_OTHERS]
    projects = (project_list(workspace=workspace, membership=membership, templates=False)
                .filter(_words_q(terms, "name", "outcome")).order_by("-updated_at", "-id"))
    found.projects = list(projects[:SEARCH_OTHERS + 1])
    found.more_projects = len(found.projects) > SEARCH_OTHERS
    found.projects = found.projects[:SEARCH_OTHERS]
    return found
