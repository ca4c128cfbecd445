"""Writes of baselines: take one (a frozen copy of every non-archived task's dates, estimate and
milestone flag), rename it, delete it, and choose the project's reference baseline.

Who: the project's manager or a workspace admin (a baseline is what the project committed to).
A baseline taken while the project has no reference becomes the reference; deleting the
reference leaves the project without one until another is chosen or taken.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction

from boards.models import Item
from projects.models import Baseline, BaselineTask, Project
from projects.services.projects import require_project_edit
from workos.activity.services import activity_record
from workos.errors import Conflict, ValidationFailed
from workos.tenancy.models import Membership


def _require_edit(project: Project, actor: Membership, doing: str) -> None:
    require_project_edit(project=project, actor=actor, doing=doing)
    if project.board.read_only:
        raise Conflict(f"The project '{project.name}' is closed; its baselines are frozen.",
                       code="read_only")


def _clean_name(name: str | None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("A baseline needs a name.", fields={"name": ["Required."]})
    if len(name) > 200:
        raise ValidationFailed("Keep a baseline's name under 200 characters.",
                               fields={"name": ["At most 200 characters."]})
    return name


def _refuse_taken(project: Project, name: str, baseline: Baseline | None = None) -> None:
    clash = Baseline.objects.filter(project=project, name=name)
    if baseline is not None:
        clash = clash.exclude(pk=baseline.pk)
    if clash.exists():
        raise Conflict(f"This project already has a baseline named '{name}'.",
                       code="name_taken", fields={"name": ["Taken."]})


def _save(baseline: Baseline, **kwargs: object) -> None:
    try:
        with transaction.atomic():
            baseline.save(**kwargs)  # type: ignore[arg-type]
    except IntegrityError as exc:  # a concurrent baseline of the same name
        raise Conflict(f"This project already has a baseline named '{baseline.name}'.",
                       code="name_taken", fields={"name": ["Taken."]}) from exc


@transaction.atomic
def baseline_create(*, actor: Membership, project: Project, name: str) -> Baseline:
    """Freeze the project's tasks as they are now, with one INSERT for all of them."""
    _require_edit(project, actor, "Taking a baseline")
    name = _clean_name(name)
    # Lock the project: its reference is read and maybe set below.
    project = Project.objects.select_for_update().select_related("board").get(pk=project.pk)
    _refuse_taken(project, name)
    baseline = Baseline(project=project, name=name, created_by=actor)
    _save(baseline)
    rows = (
        Item.objects.filter(board_id=project.board_id, archived_at__isnull=True).order_by("id")
        .values_list("id", "name", "start_date", "due_date", "estimate_hours", "is_milestone")
    )
    tasks = BaselineTask.objects.bulk_create(
        [BaselineTask(baseline=baseline, item_id=pk, name=task_name[:500], start_date=start,
                      due_date=due, estimate_hours=hours, is_milestone=milestone)
         for pk, task_name, start, due, hours, milestone in rows],
        batch_size=2000,
    )
    activity_record(
        workspace=actor.workspace, actor=actor.user, verb="baseline.created", target=baseline,
        changes={"name": [None, name]}, data={"project": project.pk, "tasks": len(tasks)},
    )
    if project.reference_baseline_id is None:
        _set_reference(actor, project, baseline)
    baseline.task_count = len(tasks)  # type: ignore[attr-defined]
    return baseline


@transaction.atomic
def baseline_update(*, actor: Membership, baseline: Baseline, name: str) -> Baseline:
    project = baseline.project
    _require_edit(project, actor, "Renaming a baseline")
    name = _clean_name(name)
    if name == baseline.name:
        return baseline
    _refuse_taken(project, name, baseline)
    old, baseline.name = baseline.name, name
    _save(baseline, update_fields=["name"])
    activity_record(
        workspace=actor.workspace, actor=actor.user, verb="baseline.updated", target=baseline,
        changes={"name": [old, name]}, data={"project": project.pk},
    )
    return baseline


@transaction.atomic
def baseline_delete(*, actor: Membership, baseline: Baseline) -> None:
    project = baseline.project
    _require_edit(project, actor, "Deleting a baseline")
    activity_record(
        workspace=actor.workspace, actor=actor.user, verb="baseline.deleted", target=baseline,
        changes={"name": [baseline.name, None]}, data={"project": project.pk},
    )
    if project.reference_baseline_id == baseline.pk:
        _record_reference(actor, project, None)
    baseline.delete()


@transaction.atomic
def baseline_make_reference(*, actor: Membership, baseline: Baseline) -> Project:
    """Measure the project's variance against `baseline` from now on."""
    project = baseline.project
    _require_edit(project, actor, "Choosing the reference baseline")
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.reference_baseline_id != baseline.pk:
        _set_reference(actor, project, baseline)
    return project


def _set_reference(actor: Membership, project: Project, baseline: Baseline) -> None:
    _record_reference(actor, project, baseline.pk)
    Project.objects.filter(pk=project.pk).update(reference_baseline=baseline)
    project.reference_baseline = baseline


def _record_reference(actor: Membership, project: Project, new: int | None) -> None:
    activity_record(
        workspace=actor.workspace, actor=actor.user, verb="project.updated", target=project,
        changes={"reference_baseline": [project.reference_baseline_id, new]},
    )
