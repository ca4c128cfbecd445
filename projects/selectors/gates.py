"""Gate checklists evaluated live: each rule item is met or not by what the project is now,
manual items by whether someone ticked them.

Everything the rules look at is read once per project, in at most four queries whatever the
number of items: one aggregate over the project's tasks, the goal link, and the names of a few
offending tasks when a rule fails (so the person knows what to fix).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from boards.models import Item, StatusCategory
from projects.models import GateCheck, GateItem, Phase, PhaseTransition, Project

PHASE_ORDER = [p.value for p in Phase]
CLOSED_CATEGORIES = (StatusCategory.DONE, StatusCategory.CANCELLED)
NAMES_SHOWN = 5


def next_phase(phase: str) -> str | None:
    index = PHASE_ORDER.index(phase)
    return PHASE_ORDER[index + 1] if index + 1 < len(PHASE_ORDER) else None


def gate_item_list(*, project: Project, phase: str | None = None) -> QuerySet[GateItem]:
    """A project's gate items in life-cycle order (`phase_rank`), then by position."""
    rows = GateItem.objects.filter(project=project).select_related("done_by").annotate(
        phase_rank=Case(*[When(phase=p, then=Value(i)) for i, p in enumerate(PHASE_ORDER)],
                        output_field=IntegerField()),
    )
    if phase is not None:
        rows = rows.filter(phase=phase)
    return rows


def transition_list(*, project: Project) -> QuerySet[PhaseTransition]:
    """The project's phase changes, newest first."""
    return PhaseTransition.objects.filter(project=project).order_by("-created_at", "-id")


@dataclass(frozen=True)
class GateResult:
    item: GateItem
    met: bool
    detail: str

    def as_unmet(self) -> dict[str, object]:
        return {"id": self.item.pk, "label": self.item.label, "rule": self.item.rule,
                "phase": self.item.phase, "detail": self.detail}


def _open_tasks() -> Q:
    return Q(status__isnull=True) | ~Q(status__category__in=CLOSED_CATEGORIES)


def _names(rows: QuerySet[Item], count: int) -> str:
    names = [f"'{n}'" for n in rows.order_by("id").values_list("name", flat=True)[:NAMES_SHOWN]]
    more = f" and {count - len(names)} more" if count > len(names) else ""
    return ", ".join(names) + more


class GateFacts:
    """What the rules read, each part loaded on first use and then kept."""

    def __init__(self, project: Project) -> None:
        self.project = project

    @cached_property
    def _tasks(self) -> QuerySet[Item]:
        return Item.objects.filter(board_id=self.project.board_id, archived_at__isnull=True)

    def _undated(self) -> Q:
        # A milestone is a date, not a span: its due date is enough.
        return _open_tasks() & (Q(due_date__isnull=True)
                                | Q(start_date__isnull=True, is_milestone=False))

    @cached_property
    def counts(self) -> dict[str, int]:
        return self._tasks.aggregate(
            total=Count("id"),
            undated=Count("id", filter=self._undated()),
            still_open=Count("id", filter=_open_tasks()),
        )

    @cached_property
    def has_goals(self) -> bool:
        return self.project.goals.exists()

    def undated_names(self) -> str:
        return _names(self._tasks.filter(self._undated()), self.counts["undated"])

    def open_names(self) -> str:
        return _names(self._tasks.filter(_open_tasks()), self.counts["still_open"])


def _evaluate(item: GateItem, facts: GateFacts) -> GateResult:
    project = facts.project
    rule = item.rule
    if rule == GateCheck.MANAGER:
        if project.manager_id is not None:
            return GateResult(item, True, "The project has a manager.")
        return GateResult(item, False, "Name a project manager.")
    if rule == GateCheck.GOALS:
        if facts.has_goals:
            return GateResult(item, True, "The project serves a goal.")
        return GateResult(item, False, "Link the project to at least one goal.")
    if rule == GateCheck.SCHEDULE:
        counts = facts.counts
        if counts["total"] == 0:
            return GateResult(item, False, "Add the project's tasks, with their dates.")
        if counts["undated"]:
            return GateResult(item, False, f"{counts['undated']} open task(s) without a start "
                              f"or due date: {facts.undated_names()}.")
        return GateResult(item, True, "Every open task has its dates.")
    if rule == GateCheck.BUDGET_APPROVED:
        if project.budget is None:
            return GateResult(item, False, "Set a budget, then have a workspace admin "
                              "approve it.")
        if project.budget_approved_at is None:
            return GateResult(item, False, "A workspace admin approves the budget.")
        return GateResult(item, True, "The budget is approved.")
    if rule == GateCheck.TASKS_CLOSED:
        still_open = facts.counts["still_open"]
        if still_open:
            return GateResult(item, False, f"{still_open} task(s) not done or cancelled: "
                              f"{facts.open_names()}.")
        return GateResult(item, True, "Every task is done or cancelled.")
    if rule == GateCheck.CLOSEOUT_SUMMARY:
        if project.closeout_summary.strip():
            return GateResult(item, True, "The close-out summary is written.")
        return GateResult(item, False, "Write the project's close-out summary.")
    if item.done_at is not None:
        return GateResult(item, True, "Ticked.")
    return GateResult(item, False, "Tick it when it is done.")


def gates_evaluate(project: Project, items: Iterable[GateItem]) -> list[GateResult]:
    facts = GateFacts(project)
    return [_evaluate(item, facts) for item in items]


def gate_unmet(project: Project, phase: str) -> list[GateResult]:
    """The items of `phase` that are not met (what stops the project leaving it)."""
    results = gates_evaluate(project, gate_item_list(project=project, phase=phase)
                             .order_by("position", "id"))
    return [r for r in results if not r.met]


@dataclass(frozen=True)
class PhaseGate:
    phase: str
    results: list[GateResult]

    @property
    def met(self) -> bool:
        return all(r.met for r in self.results)


def gate_status(project: Project) -> list[PhaseGate]:
    """Every gated phase with its items evaluated, in life-cycle order."""
    rows = list(gate_item_list(project=project).order_by("phase_rank", "position", "id"))
    results = gates_evaluate(project, rows)
    return [PhaseGate(phase, [r for r in results if r.item.phase == phase])
            for phase in PHASE_ORDER if phase != Phase.CLOSED]
