"""A project's life cycle: advancing through its gates, approving its budget, closing (which
freezes it) and reopening.

`project_advance` is the only way the phase moves forward. It locks the project row, evaluates
the current phase's gate items and refuses with the unmet ones listed; a workspace admin may
advance anyway by giving a reason, which is kept on the PhaseTransition and in the Activity.
Advancing from closing to closed freezes the project: its board becomes read-only (every board
and time-tracking service refuses writes to it) and the close-out report is computed once and
stored.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from boards.models import Board
from projects.models import Phase, PhaseTransition, Project
from projects.selectors.closeout import closeout_figures
from projects.selectors.gates import gate_unmet, next_phase
from projects.services.access import (
    is_workspace_admin,
    require_project_edit,
    require_project_open,
    require_workspace_admin,
)
from workos.activity.services import activity_record
from workos.errors import Conflict, PermissionDenied, ValidationFailed
from workos.tenancy.models import Membership

REASON_MAX = 2000


def _lock(project: Project) -> Project:
    return Project.objects.select_for_update().select_related("workspace").get(pk=project.pk)


def _reason(value: str | None) -> str:
    reason = (value or "").strip()
    if not reason:
        raise ValidationFailed("Say why the gate is overridden.",
                               fields={"override_reason": ["Required to override."]})
    return reason[:REASON_MAX]


def _set_board_read_only(project: Project, read_only: bool) -> None:
    Board.objects.filter(pk=project.board_id).update(read_only=read_only,
                                                     updated_at=timezone.now())


@transaction.atomic
def project_advance(
    *, actor: Membership, project: Project, override_reason: str | None = None
) -> PhaseTransition:
    """Move the project to its next phase; refused (409 `gate_unmet`, the items in
    `fields.unmet`) while the current phase's gate has unmet items, unless a workspace admin
    overrides with a reason."""
    require_project_edit(project=project, actor=actor, doing="Advancing a project")
    project = _lock(project)
    if project.is_template:
        raise Conflict("A template does not move through phases; create a project from it.",
                       code="template")
    require_project_open(project)
    to_phase = next_phase(project.phase)
    if to_phase is None:  # only `closed` has none, and it was refused above
        raise Conflict("This project has no next phase.", code="project_closed")
    unmet = [r.as_unmet() for r in gate_unmet(project, project.phase)]
    overridden = False
    reason = ""
    if unmet:
        if override_reason is None:
            labels = "; ".join(f"'{u['label']}': {u['detail']}" for u in unmet)
            raise Conflict(
                f"The {project.phase} gate is not met. {labels}",
                code="gate_unmet", fields={"unmet": unmet},
            )
        if not is_workspace_admin(actor):
            raise PermissionDenied("Only a workspace admin can advance past unmet gate items.")
        reason, overridden = _reason(override_reason), True
    from_phase = project.phase
    project.phase = to_phase
    if to_phase == Phase.CLOSED:
        _close(actor, project)
    project.save()
    transition = PhaseTransition.objects.create(
        project=project, from_phase=from_phase, to_phase=to_phase, actor=actor,
        overridden=overridden, unmet=unmet if overridden else [], reason=reason,
    )
    data: dict[str, Any] = {"transition": transition.pk, "overridden": overridden}
    if overridden:
        data.update(unmet=unmet, reason=reason)
    activity_record(workspace=actor.workspace, actor=actor.user, verb="project.advanced",
                    target=project, changes={"phase": [from_phase, to_phase]}, data=data)
    return transition


def _close(actor: Membership, project: Project) -> None:
    now = timezone.now()
    report = closeout_figures(project)
    report["closed_at"] = now.isoformat()
    report["closed_by"] = actor.pk
    project.closeout_report = report
    project.closed_at = now
    _set_board_read_only(project, True)


@transaction.atomic
def project_reopen(*, actor: Membership, project: Project, reason: str) -> PhaseTransition:
    """Back from closed to closing, board writable again; the frozen report is dropped (it is
    written anew when the project closes again). Workspace admins only, with a reason."""
    require_workspace_admin(actor=actor, doing="Reopening a project")
    project = _lock(project)
    if project.phase != Phase.CLOSED:
        raise Conflict(f"The project '{project.name}' is not closed; it is in {project.phase}.",
                       code="not_closed")
    why = (reason or "").strip()
    if not why:
        raise ValidationFailed("Say why the project is reopened.",
                               fields={"reason": ["Required."]})
    project.phase = Phase.CLOSING
    project.closeout_report = {}
    project.closed_at = None
    project.save()
    _set_board_read_only(project, False)
    transition = PhaseTransition.objects.create(
        project=project, from_phase=Phase.CLOSED, to_phase=Phase.CLOSING, actor=actor,
        reason=why[:REASON_MAX],
    )
    activity_record(workspace=actor.workspace, actor=actor.user, verb="project.reopened",
                    target=project, changes={"phase": [Phase.CLOSED, Phase.CLOSING]},
                    data={"transition": transition.pk, "reason": transition.reason})
    return transition


@transaction.atomic
def project_budget_approve(*, actor: Membership, project: Project) -> Project:
    """Workspace admins approve a budget (a manager does not approve their own). Changing the
    budget afterwards withdraws the approval (`project_update`)."""
    require_workspace_admin(actor=actor, doing="Approving a budget")
    project = _lock(project)
    require_project_open(project)
    if project.budget is None:
        raise ValidationFailed("Set the project's budget before approving it.",
                               fields={"budget": ["Not set."]})
    before = project.budget_approved_at
    project.budget_approved_at, project.budget_approved_by = timezone.now(), actor
    project.save(update_fields=["budget_approved_at", "budget_approved_by", "updated_at"])
    activity_record(
        workspace=actor.workspace, actor=actor.user, verb="project.budget_approved",
        target=project,
        changes={"budget_approved_at": [before and before.isoformat(),
                                        project.budget_approved_at.isoformat()]},
        data={"budget": str(project.budget)},
    )
    return project
