"""Reads of goals and key results, and their progress.

Progress, in percent and clamped to 0..100:
- a manual key result: (current - start) / (target - start);
- a projects key result: the mean progress of its linked projects (projects without tasks,
  which have no progress, are left out);
- an items key result: its current value is the number of done, non-archived items on its
  linked boards, and progress is (done - start) / (target - start);
- a goal: the mean of its key results' and its child goals' progress, each counting once, so
  progress rolls up the tree.
What cannot be measured is null (a projects or items key result without links, a goal with no
measured key result and no measured child) and is left out of the means above it.

Figures are computed for a whole list at once in a fixed number of queries: the workspace's goal
tree (ids and parents), the key results of the goals listed and their descendants, their
project and board links, one progress aggregate of the linked projects and one count of done
items on the linked boards.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, QuerySet

from boards.models import Board, Item, StatusCategory
from boards.selectors import visible_board_ids
from projects.models import Goal, KeyResult, KeyResultKind, Project
from projects.selectors.portfolio import progress_by_project
from workos.errors import NotFound
from workos.tenancy.models import Membership, Workspace


@dataclass(frozen=True)
class GoalFilters:
    period: dt.date | None = None  # goals whose period contains this date
    owner: int | None = None
    parent: int | None = None
    roots: bool = False  # `parent=null`: top-level goals only


def _visible_links(workspace: Workspace, membership: Membership) -> tuple[Prefetch, Prefetch]:
    """Links are listed only to what the viewer may see; progress still counts them all."""
    boards = visible_board_ids(workspace=workspace, membership=membership)
    projects = Prefetch(
        "projects", queryset=Project.objects.filter(board_id__in=boards).only("id")
    )
    linked_boards = Prefetch(
        "boards", queryset=Board.objects.filter(id__in=boards).only("id")
    )
    return projects, linked_boards


def goal_list(
    *, workspace: Workspace, membership: Membership, filters: GoalFilters | None = None
) -> QuerySet[Goal]:
    projects, _ = _visible_links(workspace, membership)
    goals = Goal.objects.filter(workspace=workspace).prefetch_related(projects)
    filters = filters or GoalFilters()
    if filters.period is not None:
        goals = goals.filter(period_start__lte=filters.period, period_end__gte=filters.period)
    if filters.owner is not None:
        goals = goals.filter(owner_id=filters.owner)
    if filters.roots:
        goals = goals.filter(parent__isnull=True)
    elif filters.parent is not None:
        goals = goals.filter(parent_id=filters.parent)
    return goals


def goal_get(*, workspace: Workspace, membership: Membership, id: int) -> Goal:
    goal = goal_list(workspace=workspace, membership=membership).filter(id=id).first()
    if goal is None:
        raise NotFound("Goal not found.")
    return goal


def goal_tree(*, workspace: Workspace) -> dict[int, int | None]:
    """Every goal of the workspace and its parent, in one query."""
    return dict(Goal.objects.filter(workspace=workspace).values_list("id", "parent_id"))


def key_result_list(*, goal: Goal, membership: Membership) -> QuerySet[KeyResult]:
    projects, boards = _visible_links(goal.workspace, membership)
    return (KeyResult.objects.filter(goal=goal).select_related("goal")
            .prefetch_related(projects, boards))


def key_result_get(*, goal: Goal, membership: Membership, id: int) -> KeyResult:
    key_result = key_result_list(goal=goal, membership=membership).filter(id=id).first()
    if key_result is None:
        raise NotFound("Key result not found.")
    return key_result


# -- progress ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    current: float | None
    progress: float | None


@dataclass
class GoalFigures:
    progress: dict[int, float | None] = field(default_factory=dict)
    children: dict[int, list[int]] = field(default_factory=dict)


def _clamped(value: float) -> float:
    return round(min(100.0, max(0.0, value)), 1)


def _ratio(current: float, start: float, target: float) -> float | None:
    if target == start:
        return None
    return _clamped((current - start) / (target - start) * 100)


def _mean(values: Iterable[float | None]) -> float | None:
    measured = [v for v in values if v is not None]
    return round(sum(measured) / len(measured), 1) if measured else None


def key_results_measure(rows: list[dict]) -> dict[int, Measure]:
    """Current value and progress of key results given as dicts with `id`, `kind`,
    `start_value`, `target_value` and `current_value`: at most four queries for any number."""
    by_kind: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        by_kind[row["kind"]].append(row["id"])
    projects_of: dict[int, list[int]] = defaultdict(list)
    boards_of: dict[int, list[int]] = defaultdict(list)
    if by_kind[KeyResultKind.PROJECTS]:
        for kr, project in KeyResult.projects.through.objects.filter(
            keyresult_id__in=by_kind[KeyResultKind.PROJECTS]
        ).values_list("keyresult_id", "project_id"):
            projects_of[kr].append(project)
    if by_kind[KeyResultKind.ITEMS]:
        for kr, board in KeyResult.boards.through.objects.filter(
            keyresult_id__in=by_kind[KeyResultKind.ITEMS], board__deleted_at__isnull=True
        ).values_list("keyresult_id", "board_id"):
            boards_of[kr].append(board)
    progress = progress_by_project({p for ps in projects_of.values() for p in ps})
    done: dict[int, int] = {}
    linked_boards = {b for bs in boards_of.values() for b in bs}
    if linked_boards:
        done = dict(
            Item.objects.filter(board_id__in=linked_boards, archived_at__isnull=True,
                                status__category=StatusCategory.DONE)
            .order_by().values("board_id").annotate(n=Count("id")).values_list("board_id", "n")
        )
    out = {}
    for row in rows:
        start, target = float(row["start_value"]), float(row["target_value"])
        if row["kind"] == KeyResultKind.PROJECTS:
            mean = _mean(progress.get(p) for p in projects_of[row["id"]])
            out[row["id"]] = Measure(current=mean, progress=mean)
        elif row["kind"] == KeyResultKind.ITEMS:
            boards = boards_of[row["id"]]
            count = float(sum(done.get(b, 0) for b in boards))
            out[row["id"]] = Measure(
                current=count, progress=_ratio(count, start, target) if boards else None
            )
        else:
            current = float(row["current_value"])
            out[row["id"]] = Measure(current=current, progress=_ratio(current, start, target))
    return out


def _measure_fields() -> tuple[str, ...]:
    return ("id", "goal_id", "kind", "start_value", "target_value", "current_value")


def key_result_figures(key_results: Iterable[KeyResult]) -> dict[int, Measure]:
    rows = [{name: getattr(kr, name) for name in _measure_fields()} for kr in key_results]
    return key_results_measure(rows)


def goal_figures(*, workspace: Workspace, goals: Iterable[Goal]) -> GoalFigures:
    """Progress of `goals` (rolled up from their whole subtrees) and their children's ids."""
    tree = goal_tree(workspace=workspace)
    children: dict[int, list[int]] = defaultdict(list)
    for goal_id, parent_id in sorted(tree.items()):
        if parent_id is not None:
            children[parent_id].append(goal_id)
    wanted = [g.pk for g in goals]
    subtree: set[int] = set()
    stack = list(wanted)
    while stack:
        goal_id = stack.pop()
        if goal_id not in subtree:
            subtree.add(goal_id)
            stack.extend(children.get(goal_id, ()))
    rows = list(
        KeyResult.objects.filter(goal_id__in=subtree).order_by().values(*_measure_fields())
    ) if subtree else []
    measures = key_results_measure(rows)
    kr_progress: dict[int, list[float | None]] = defaultdict(list)
    for row in rows:
        kr_progress[row["goal_id"]].append(measures[row["id"]].progress)
    progress: dict[int, float | None] = {}
    # Post-order without recursion: a goal after all its children.
    for goal_id in _post_order(subtree, children):
        progress[goal_id] = _mean(
            [*kr_progress.get(goal_id, ()), *(progress[c] for c in children.get(goal_id, ()))]
        )
    return GoalFigures(
        progress={g: progress.get(g) for g in wanted},
        children={g: children.get(g, []) for g in wanted},
    )


def _post_order(nodes: set[int], children: dict[int, list[int]]) -> list[int]:
    order: list[int] = []
    seen: set[int] = set()
    for root in sorted(nodes):
        if root in seen:
            continue
        stack: list[tuple[int, bool]] = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
                continue
            if node in seen:
                continue
            seen.add(node)
            stack.append((node, True))
            stack.extend((c, False) for c in children.get(node, ()) if c not in seen)
    return order
