"""The demo project for `manage.py seed_demo`: a website relaunch in execution, with ~40 tasks
linked by every dependency type, a baseline it has slipped against, time logged, expenses, a
budget, status updates, risks, and goals measured by it.

It is built the way a team would build it, through the services: gates met and advanced, the
schedule applied from the dependencies, the baseline taken, then work done and dates slipped
(each slip cascading to the successors by the project's flexible mode)."""

from __future__ import annotations

import datetime as dt
import decimal
import math
from dataclasses import dataclass

from django.utils import timezone

from boards.models import Item
from boards.services.board_columns import column_create
from boards.services.dependencies import dependency_create
from boards.services.items import item_create, item_update
from boards.services.structure import group_create, group_update
from projects.models import Project
from projects.schedule import workspace_calendar
from projects.services.baselines import baseline_create
from projects.services.expenses import expense_create
from projects.services.goals import goal_create, key_result_create
from projects.services.lifecycle import project_advance, project_budget_approve
from projects.services.projects import project_create
from projects.services.reschedule import project_schedule_apply
from projects.services.status_updates import status_update_create
from timetracking.models import TimeEntry, Timesheet, TimesheetStatus
from timetracking.services.entries import time_entry_create
from workos.tenancy.models import Membership, Team


@dataclass(frozen=True)
class Task:
    key: str
    name: str
    days: int  # 0 = milestone
    group: str
    who: str  # e-mail of the assignee
    after: tuple[tuple[str, str, int], ...] = ()  # (predecessor key, type, lag)


GROUPS = ["Discovery", "Design", "Build", "Content", "Launch"]
E, M, IV, A = "erin@example.com", "maria@example.com", "ivan@example.com", "adam@example.com"
FS = "FS"

TASKS = [
    Task("kick", "Kick-off", 0, "Discovery", M),
    Task("interviews", "Customer interviews", 5, "Discovery", M, (("kick", FS, 0),)),
    Task("analytics", "Analytics review of the current site", 3, "Discovery", E,
         (("kick", FS, 0),)),
    Task("audit", "Content audit", 4, "Discovery", M, (("kick", FS, 0),)),
    Task("competitors", "Competitor review", 2, "Discovery", M, (("interviews", "SS", 2),)),
    Task("brief", "Write the creative brief", 2, "Discovery", M,
         (("interviews", FS, 0), ("analytics", FS, 0), ("competitors", FS, 0))),
    Task("scope", "Scope signed off", 0, "Discovery", M, (("brief", FS, 0),)),
    Task("sitemap", "Sitemap and navigation", 3, "Design", M, (("scope", FS, 0),)),
    Task("wireframes", "Wireframes", 6, "Design", E, (("sitemap", FS, 0),)),
    Task("moodboard", "Mood board", 2, "Design", M, (("scope", FS, 0),)),
    Task("visual", "Visual design", 8, "Design", M,
         (("wireframes", "SS", 3), ("moodboard", FS, 0))),
    Task("components", "Component library", 5, "Design", E, (("visual", "SS", 4),)),
    Task("usability", "Usability test of the prototype", 3, "Design", M,
         (("wireframes", FS, 1),)),
    Task("design_ok", "Design approved", 0, "Design", M,
         (("visual", FS, 0), ("usability", FS, 0), ("components", "FF", 0))),
    Task("infra", "Hosting and CI pipeline", 3, "Build", IV, (("scope", FS, 0),)),
    Task("cms", "CMS set-up", 4, "Build", E, (("infra", FS, 0),)),
    Task("templates", "Page templates", 8, "Build", E, (("design_ok", FS, 0), ("cms", FS, 0))),
    Task("search", "Site search", 4, "Build", E, (("templates", "SS", 2),)),
    Task("forms", "Sign-up and contact forms", 3, "Build", E, (("templates", "SS", 3),)),
    Task("crm", "CRM integration", 5, "Build", IV, (("forms", FS, 0),)),
    Task("a11y", "Accessibility fixes", 3, "Build", E, (("templates", "FF", 2),)),
    Task("perf", "Performance budget and tuning", 3, "Build", IV, (("templates", FS, 0),)),
    Task("redirects", "Redirect map from the old URLs", 2, "Build", IV, (("sitemap", FS, 0),)),
    Task("build_done", "Feature complete", 0, "Build", E,
         (("search", FS, 0), ("crm", FS, 0), ("a11y", FS, 0), ("perf", FS, 0))),
    Task("copy", "Write the new copy", 10, "Content", M, (("audit", FS, 0), ("sitemap", FS, 0))),
    Task("photos", "Photo shoot", 2, "Content", M, (("moodboard", FS, 3),)),
    Task("translations", "Translations (DE, FR)", 6, "Content", M, (("copy", "SS", 4),)),
    Task("migration", "Migrate content into the CMS", 6, "Content", M,
         (("copy", FS, 0), ("templates", FS, 0))),
    Task("seo", "SEO metadata", 3, "Content", M, (("migration", "SS", 2),)),
    Task("legal", "Legal review of the copy", 2, "Content", A, (("copy", FS, 0),)),
    Task("uat", "User acceptance testing", 5, "Launch", M,
         (("build_done", FS, 0), ("migration", FS, 0))),
    Task("security", "Security review", 3, "Launch", IV, (("build_done", FS, 0),)),
    Task("training", "Train the editors", 2, "Launch", M, (("uat", "SS", 1),)),
    Task("comms", "Launch communications", 4, "Launch", M, (("go_live", "SF", 0),)),
    Task("dns", "DNS cut-over plan", 1, "Launch", IV, (("security", FS, 0),)),
    Task("go_live", "Go live", 0, "Launch", IV,
         (("uat", FS, 0), ("dns", FS, 0), ("seo", FS, 0), ("redirects", FS, 0))),
    Task("hypercare", "Hypercare", 5, "Launch", IV, (("go_live", FS, 0),)),
    Task("retro", "Retrospective", 1, "Launch", M, (("hypercare", FS, 0),)),
    Task("handover", "Handover to operations", 2, "Launch", IV, (("hypercare", FS, -2),)),
    Task("closed", "Project closed", 0, "Launch", M, (("retro", FS, 0), ("handover", FS, 0))),
]
RISKS = {"crm": "The CRM vendor's API rate limits may slow the integration.",
         "translations": "The translation agency can start only in two weeks."}
# Tasks finished later than planned, by how many working days (the cascade moves their successors).
SLIPS = {"interviews": 2, "wireframes": 3}


def seed_project(owner: Membership, people: dict[str, Membership], today: dt.date) -> Project:
    """`owner` must be a workspace owner; `people` by e-mail as in the tenancy demo."""
    calendar = workspace_calendar(owner.workspace)
    start = calendar.add_working_days(calendar.next_working(today), -22)
    maria = people[M]
    project = project_create(
        actor=owner, name="Website relaunch", manager=maria,
        team=Team.objects.filter(workspace=owner.workspace, name="Marketing").first(),
        outcome="A faster, accessible website that turns more visitors into sign-ups.",
        start_date=start, end_date=calendar.add_working_days(start, 80),
        budget=decimal.Decimal("85000.00"),
    )
    board = project.board
    items = _tasks(owner, people, board)
    _goals(owner, project, today)
    project_budget_approve(actor=owner, project=project)
    project_advance(actor=maria, project=project)  # initiation → planning
    project_schedule_apply(actor=maria, project=project)
    project_advance(actor=maria, project=project)  # planning → execution
    project = Project.objects.get(pk=project.pk)
    baseline_create(actor=maria, project=project, name="Approved plan")
    _progress(owner, people, items, today)
    _money(owner, maria, project, start, today)
    return project


def _tasks(owner: Membership, people: dict[str, Membership], board) -> dict[str, Item]:
    first = board.groups.get()
    group_update(actor=owner, group=first, name=GROUPS[0])
    groups = {GROUPS[0]: first.pk}
    for name in GROUPS[1:]:
        groups[name] = group_create(actor=owner, board=board, name=name).pk
    statuses = {s.name: s.pk for s in board.statuses.all()}
    column_create(actor=owner, board=board, title="Tags", type="tags", key="tags")
    items: dict[str, Item] = {}
    for task in TASKS:
        fields: dict[str, object] = {
            "name": task.name, "group": groups[task.group], "status": statuses["To do"],
            "assignees": [people[task.who].pk], "is_milestone": task.days == 0,
        }
        if task.days:
            fields["estimate_hours"] = task.days * 8
        if task.key in RISKS:
            fields["values"] = {"tags": ["risk"]}
            fields["description"] = RISKS[task.key]
        items[task.key] = item_create(actor=owner, board=board, fields=fields)
    for task in TASKS:
        for before, kind, lag in task.after:
            dependency_create(actor=owner, predecessor=items[before].pk,
                              successor=items[task.key].pk, type=kind, lag_days=lag)
    return items


def _goals(owner: Membership, project: Project, today: dt.date) -> None:
    year = dt.date(today.year, 1, 1), dt.date(today.year, 12, 31)
    company = goal_create(actor=owner, name="Grow online sign-ups by 30 %",
                          period_start=year[0], period_end=year[1],
                          description="The company goal the relaunch serves.")
    web = goal_create(actor=owner, name="Relaunch the website", period_start=year[0],
                      period_end=year[1], parent=company, owner=project.manager,
                      projects=[project.pk])
    key_result_create(actor=owner, goal=web, name="Relaunch project delivered",
                      kind="projects", projects=[project.pk])
    key_result_create(actor=owner, goal=company, name="Monthly sign-ups",
                      kind="manual", start_value=decimal.Decimal(1200),
                      target_value=decimal.Decimal(1560), current_value=decimal.Decimal(1290),
                      unit="sign-ups")


def _progress(owner: Membership, people: dict[str, Membership], items: dict[str, Item],
              today: dt.date) -> None:
    """Finish what the plan put before today (late where SLIPS says), start what runs today."""
    statuses = {s.name: s.pk for s in items["kick"].board.statuses.all()}
    booked: dict[tuple[int, dt.date], int] = {}
    for task in TASKS:
        item = Item.objects.get(pk=items[task.key].pk)
        if item.due_date is None or item.start_date is None or item.start_date > today:
            continue
        slip = SLIPS.get(task.key, 0)
        if slip and item.due_date < today:
            calendar = workspace_calendar(owner.workspace)
            item = item_update(actor=owner, item=item, fields={
                "due_date": calendar.add_working_days(item.due_date, slip)})
        done = item.due_date < today
        item = item_update(actor=owner, item=item, fields={
            "status": statuses["Done" if done else "In progress"]})
        _log(owner, people[task.who], item, min(item.due_date, today - dt.timedelta(days=1)),
             booked)


def _log(owner: Membership, member: Membership, item: Item, last: dt.date,
         booked: dict[tuple[int, dt.date], int]) -> None:
    """Up to six hours a day on the task's working days up to `last`, never overlapping."""
    calendar = workspace_calendar(owner.workspace)
    zone = timezone.get_current_timezone()
    day = item.start_date
    while day is not None and day <= last:
        if calendar.is_working(day):
            if (member.pk, day) not in booked:
                booked[(member.pk, day)] = _booked_until(member, day, zone)
            hour = max(9, booked[(member.pk, day)])
            if hour < 17:
                hours = min(6, 17 - hour)
                time_entry_create(
                    actor=owner, member=member, item=item,
                    started_at=dt.datetime(day.year, day.month, day.day, hour, tzinfo=zone),
                    duration_minutes=hours * 60, note=f"Worked on {item.name}",
                )
                booked[(member.pk, day)] = hour + hours
        day += dt.timedelta(days=1)


def _booked_until(member: Membership, day: dt.date, zone: dt.tzinfo) -> int:
    """The local hour after the member's time already logged that day (by the time demo);
    17 (full) when that week's timesheet is already submitted or approved."""
    monday = day - dt.timedelta(days=day.weekday())
    if Timesheet.objects.filter(member=member, week_start=monday).exclude(
            status=TimesheetStatus.DRAFT).exists():
        return 17
    ends = TimeEntry.objects.filter(member=member, date=day).values_list("ended_at", flat=True)
    return max((math.ceil(end.astimezone(zone).hour + end.minute / 60) for end in ends
                if end is not None), default=9)


def _money(owner: Membership, maria: Membership, project: Project, start: dt.date,
           today: dt.date) -> None:
    for offset, amount, category, note in [
        (3, "4800.00", "Research", "Recruiting and incentives for customer interviews"),
        (12, "2350.00", "Software", "Design tool licences for the team"),
        (20, "1900.00", "Photography", "Photo shoot: studio and photographer"),
    ]:
        day = start + dt.timedelta(days=offset)
        if day <= today:
            expense_create(actor=maria, project=project, amount=decimal.Decimal(amount),
                           date=day, category=category, note=note)
    status_update_create(
        actor=maria, project=project, health="on_track", date=start + dt.timedelta(days=7),
        text="<p>Discovery is under way; interviews booked with twelve customers.</p>",
    )
    status_update_create(
        actor=maria, project=project, health="at_risk", date=today,
        text="<p>Interviews and wireframes ran late, which pushes the build. "
             "The CRM integration is the risk to watch.</p>",
    )
