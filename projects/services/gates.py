"""Writes of gate checklists: the defaults every project starts with, copies for projects made
from a template, and the per-project edits (add, rename, reorder, tick, delete).

Items with a rule other than `manual` are evaluated live (`projects.selectors.gates`), so they
cannot be ticked by hand; manual items are ticked and record who ticked them and when. Positions
are kept gapless (0, 1, 2, ...) within each phase.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from projects.models import GateCheck, GateItem, Phase, Project
from projects.services.access import require_project_edit, require_project_open
from workos.activity.services import activity_record
from workos.errors import ValidationFailed
from workos.tenancy.models import Membership

UNSET: Any = object()
# The phases a project leaves through a gate; `closed` is the end and has none.
GATED_PHASES = (Phase.INITIATION, Phase.PLANNING, Phase.EXECUTION, Phase.CLOSING)
DEFAULT_GATES: dict[str, list[tuple[str, str]]] = {
    Phase.INITIATION: [
        ("A project manager is named", GateCheck.MANAGER),
        ("Linked to at least one goal", GateCheck.GOALS),
    ],
    Phase.PLANNING: [
        ("Every open task has a start and a due date", GateCheck.SCHEDULE),
        ("The budget is approved", GateCheck.BUDGET_APPROVED),
    ],
    Phase.EXECUTION: [
        ("The deliverables are accepted by the sponsor", GateCheck.MANUAL),
    ],
    Phase.CLOSING: [
        ("Every task is done or cancelled", GateCheck.TASKS_CLOSED),
        ("The close-out summary is written", GateCheck.CLOSEOUT_SUMMARY),
    ],
}
LABEL_MAX = 200


def gates_create_defaults(project: Project) -> list[GateItem]:
    return GateItem.objects.bulk_create(
        GateItem(project=project, phase=phase, label=label, rule=rule, position=position)
        for phase, items in DEFAULT_GATES.items()
        for position, (label, rule) in enumerate(items)
    )


def gates_copy(*, source: Project, target: Project) -> list[GateItem]:
    """The source's checklists on the target, nothing ticked; the defaults when it has none."""
    rows = list(GateItem.objects.filter(project=source).order_by("phase", "position", "id"))
    if not rows:
        return gates_create_defaults(target)
    return GateItem.objects.bulk_create(
        GateItem(project=target, phase=row.phase, label=row.label, rule=row.rule,
                 position=row.position) for row in rows
    )


def _label(value: Any) -> str:
    label = (value or "").strip() if isinstance(value, str) else ""
    if not label:
        raise ValidationFailed("A gate item needs a label.", fields={"label": ["Required."]})
    if len(label) > LABEL_MAX:
        raise ValidationFailed(f"Keep a gate item's label under {LABEL_MAX} characters.",
                               fields={"label": ["Too long."]})
    return label


def _phase(value: Any) -> str:
    if value not in GATED_PHASES:
        raise ValidationFailed(
            f"Gate items belong to {', '.join(GATED_PHASES)}: the phases a project leaves.",
            fields={"phase": ["Not a gated phase."]})
    return value


def _rule(value: Any) -> str:
    if value not in GateCheck.values:
        raise ValidationFailed(f"'{value}' is not a gate rule; use {', '.join(GateCheck.values)}.",
                               fields={"rule": ["Not a rule."]})
    return value


def _writable(actor: Membership, project: Project, doing: str) -> Project:
    require_project_edit(project=project, actor=actor, doing=doing)
    locked = Project.objects.select_for_update().get(pk=project.pk)
    require_project_open(locked)
    return locked


def _place(project: Project, phase: str, item: GateItem, position: int | None) -> None:
    """Put `item` at `position` among its phase's items (the end when None) and renumber."""
    siblings = [g for g in GateItem.objects.filter(project=project, phase=phase)
                .order_by("position", "id") if g.pk != item.pk]
    index = len(siblings) if position is None else max(0, min(position, len(siblings)))
    siblings.insert(index, item)
    moved = []
    for number, row in enumerate(siblings):
        if row.position != number or row is item:
            row.position = number
            moved.append(row)
    GateItem.objects.bulk_update([r for r in moved if r.pk is not None], ["position"])


def _record(actor: Membership, verb: str, item: GateItem, changes: dict[str, Any]) -> None:
    activity_record(
        workspace=actor.workspace, actor=actor.user, verb=verb, target=item.project,
        changes=changes, data={"gate_item": item.pk, "phase": item.phase, "rule": item.rule},
    )


@transaction.atomic
def gate_item_create(
    *, actor: Membership, project: Project, phase: str, label: str,
    rule: str = GateCheck.MANUAL, position: int | None = None,
) -> GateItem:
    """Add an item to a phase's checklist; a rule item puts back a check removed earlier."""
    project = _writable(actor, project, "Changing a gate checklist")
    item = GateItem(project=project, phase=_phase(phase), label=_label(label), rule=_rule(rule))
    _place(project, item.phase, item, position)
    item.save()
    _record(actor, "project.gate_item_added", item,
            {"label": [None, item.label], "position": [None, item.position]})
    return item


@transaction.atomic
def gate_item_update(
    *, actor: Membership, item: GateItem, label: Any = UNSET, position: int | None = None,
    done: bool | None = None,
) -> GateItem:
    """Rename, move within its phase, or tick / untick (manual items only)."""
    project = _writable(actor, item.project, "Changing a gate checklist")
    item = GateItem.objects.select_for_update().get(pk=item.pk)
    item.project = project
    changes: dict[str, list[Any]] = {}
    if label is not UNSET:
        new = _label(label)
        if new != item.label:
            changes["label"] = [item.label, new]
            item.label = new
    if done is not None:
        if item.rule != GateCheck.MANUAL:
            raise ValidationFailed(
                f"'{item.label}' is checked by the system ({GateCheck(item.rule).label.lower()})"
                "; it is met when that is true, not ticked by hand.",
                code="gate_rule_item", fields={"done": ["Only manual items are ticked."]})
        if done and item.done_at is None:
            item.done_at, item.done_by = timezone.now(), actor
            changes["done"] = [False, True]
        elif not done and item.done_at is not None:
            item.done_at = item.done_by = None
            changes["done"] = [True, False]
    if position is not None and position != item.position:
        old = item.position
        _place(project, item.phase, item, position)
        if item.position != old:
            changes["position"] = [old, item.position]
    if changes:
        item.save()
        _record(actor, "project.gate_item_changed", item, changes)
    return item


@transaction.atomic
def gate_item_delete(*, actor: Membership, item: GateItem) -> None:
    project = _writable(actor, item.project, "Changing a gate checklist")
    _record(actor, "project.gate_item_removed", item, {"label": [item.label, None]})
    phase = item.phase
    item.delete()
    rows = list(GateItem.objects.filter(project=project, phase=phase).order_by("position", "id"))
    for number, row in enumerate(rows):
        row.position = number
    GateItem.objects.bulk_update(rows, ["position"])
