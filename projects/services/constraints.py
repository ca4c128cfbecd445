"""Writes of task constraints: "start no earlier than" and "finish no later than" on one of a
project's tasks, read by the schedule and by rescheduling.

Who: the people who plan the board's tasks, i.e. the editor role on the project's board
(workspace members on a workspace-visible board, admins everywhere, board editors on a private
one). A closed project's board is read-only, so its constraints are too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction

from boards.models import Item
from boards.services.access import EDITOR, require_board_role
from projects.models import Project, TaskConstraint
from workos.activity.services import activity_record
from workos.errors import Conflict, ValidationFailed
from workos.tenancy.models import Membership

DATES = ("start_no_earlier_than", "finish_no_later_than")
_UNSET: Any = object()


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _require_edit(project: Project, actor: Membership, doing: str) -> None:
    require_board_role(board=project.board, actor=actor, minimum=EDITOR, doing=doing)


def _check(start: dt.date | None, finish: dt.date | None) -> None:
    if start is None and finish is None:
        raise ValidationFailed(
            "Give start_no_earlier_than, finish_no_later_than or both (to drop both, delete "
            "the constraint).",
            fields={"start_no_earlier_than": ["Give at least one date."]},
        )
    if start and finish and finish < start:
        raise ValidationFailed(
            "finish_no_later_than is before start_no_earlier_than.",
            fields={"finish_no_later_than": ["Before start_no_earlier_than."]},
        )


@transaction.atomic
def constraint_create(
    *, actor: Membership, project: Project, item: int,
    start_no_earlier_than: dt.date | None = None, finish_no_later_than: dt.date | None = None,
) -> TaskConstraint:
    _require_edit(project, actor, "Setting a task's constraints")
    task = (Item.objects.filter(pk=item, board_id=project.board_id, archived_at__isnull=True)
            .only("id", "name").first())
    if task is None:
        raise ValidationFailed(f"Item {item} is not a task of this project.",
                               fields={"item": ["Not a task on this project's board."]})
    _check(start_no_earlier_than, finish_no_later_than)
    existing = TaskConstraint.objects.filter(item_id=item).values_list("id", flat=True).first()
    if existing is not None:
        raise Conflict(f"'{task.name}' already has constraints ({existing}); change them with "
                       "PATCH.", code="already_constrained", fields={"item": ["Taken."]})
    constraint = TaskConstraint(project=project, item=task,
                                start_no_earlier_than=start_no_earlier_than,
                                finish_no_later_than=finish_no_later_than)
    try:
        with transaction.atomic():
            constraint.save()
    except IntegrityError as exc:
        raise Conflict(f"'{task.name}' already has constraints; change them with PATCH.",
                       code="already_constrained", fields={"item": ["Taken."]}) from exc
    activity_record(
        workspace=actor.workspace, actor=actor.user, verb="constraint.created",
        target=constraint,
        changes={key: [None, _iso(getattr(constraint, key))] for key in DATES},
        data={"project": project.pk, "item": task.pk},
    )
    return constraint


@transaction.atomic
def constraint_update(
    *, actor: Membership, constraint: TaskConstraint,
    start_no_earlier_than: Any = _UNSET, finish_no_later_than: Any = _UNSET,
) -> TaskConstraint:
    """Change one or both dates (None clears one); the item stays."""
    _require_edit(constraint.project, actor, "Changing a task's constraints")
    constraint = TaskConstraint.objects.select_for_update().get(pk=constraint.pk)
    given = {"start_no_earlier_than": start_no_earlier_than,
             "finish_no_later_than": finish_no_later_than}
    changes = {}
    for key, value in given.items():
        if value is not _UNSET and value != getattr(constraint, key):
            changes[key] = [_iso(getattr(constraint, key)), _iso(value)]
            setattr(constraint, key, value)
    _check(constraint.start_no_earlier_than, constraint.finish_no_later_than)
    if changes:
        constraint.save(update_fields=list(changes))
        activity_record(
            workspace=actor.workspace, actor=actor.user, verb="constraint.updated",
            target=constraint, changes=changes,
            data={"project": constraint.project_id, "item": constraint.item_id},
        )
    return constraint


@transaction.atomic
def constraint_delete(*, actor: Membership, constraint: TaskConstraint) -> None:
    _require_edit(constraint.project, actor, "Removing a task's constraints")
    activity_record(
        workspace=actor.workspace, actor=actor.user, verb="constraint.deleted",
        target=constraint,
        changes={key: [_iso(getattr(constraint, key)), None] for key in DATES},
        data={"project": constraint.project_id, "item": constraint.item_id},
    )
    constraint.delete()
