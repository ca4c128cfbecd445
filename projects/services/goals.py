"""Writes of goals and key results, each one transaction that records Activity.

Members and above create goals; a goal's owner or a workspace admin changes or deletes it and
its key results. A goal's parent must be a goal of the same workspace and may not sit below the
goal itself (a 409 naming the goals of the would-be circle). Deleting a goal keeps its children:
they move up to its parent. Linked projects and boards are given as ids and must be ones the
actor sees; links the actor cannot see are kept as they are when the actor replaces the list.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max, Model

from boards.selectors import board_list
from projects.models import Goal, KeyResult, KeyResultKind
from projects.selectors.projects import project_list
from workos.activity.services import activities_record, activity_record
from workos.errors import Conflict, PermissionDenied, ValidationFailed
from workos.tenancy.models import Membership, Role, role_at_least

GOAL_FIELDS = ("name", "description", "owner", "period_start", "period_end", "parent",
               "projects")
KEY_RESULT_FIELDS = ("name", "kind", "start_value", "target_value", "current_value", "unit",
                     "projects", "boards", "position")
_UNSET: Any = object()
_LINKS_OF = {"projects": KeyResultKind.PROJECTS, "boards": KeyResultKind.ITEMS}


def _json(value: Any) -> Any:
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value)
    return value


def require_goal_edit(*, goal: Goal, actor: Membership, doing: str) -> None:
    if role_at_least(actor.role, Role.ADMIN) or (
        goal.owner_id is not None and goal.owner_id == actor.pk
    ):
        return
    raise PermissionDenied(f"{doing} needs the goal's owner or a workspace admin.")


def _name(value: str | None, what: str) -> str:
    name = (value or "").strip()
    if not name:
        raise ValidationFailed(f"A {what} needs a name.", fields={"name": ["Required."]})
    return name[:200]


def _check_period(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise ValidationFailed("The period ends before it starts.",
                               fields={"period_end": ["Before period_start."]})


def _check_owner(owner: Membership | None, actor: Membership) -> None:
    if owner is not None and owner.workspace_id != actor.workspace_id:
        raise ValidationFailed("The owner must be a member of this workspace.",
                               fields={"owner": ["Not a member of this workspace."]})


def _check_parent(goal: Goal | None, parent: Goal | None, actor: Membership) -> None:
    """Refuse a parent from elsewhere, and one that would put the goal inside itself."""
    if parent is None:
        return
    if parent.workspace_id != actor.workspace_id:
        raise ValidationFailed("The parent must be a goal of this workspace.",
                               fields={"parent": ["Not a goal of this workspace."]})
    if goal is None:
        return
    # Locking the workspace's goals keeps two concurrent moves from closing a circle together.
    tree = dict(Goal.objects.select_for_update().filter(workspace_id=actor.workspace_id)
                .order_by("id").values_list("id", "parent_id"))
    chain = [parent.pk]
    while chain[-1] != goal.pk and tree.get(chain[-1]) is not None and len(chain) <= len(tree):
        chain.append(tree[chain[-1]])
    if chain[-1] != goal.pk:
        return
    names = dict(Goal.objects.filter(id__in=chain).values_list("id", "name"))
    path = [goal.pk, *reversed(chain[:-1])] if parent.pk != goal.pk else [goal.pk]
    trail = " > ".join(f"'{names[i]}'" for i in path)
    raise Conflict(
        f"'{goal.name}' can't sit under '{parent.name}': '{parent.name}' is already inside "
        f"it ({trail}). Choose a parent outside this goal's own subtree."
        if parent.pk != goal.pk else f"'{goal.name}' can't be its own parent.",
        code="goal_cycle", fields={"parent": ["Would make a circle."], "cycle": path},
    )


def _visible_ids(model_ids: Iterable[int], visible: Any, what: str, field: str) -> set[int]:
    wanted = set(model_ids)
    found = set(visible.filter(id__in=wanted).values_list("id", flat=True)) if wanted else set()
    missing = sorted(wanted - found)
    if missing:
        raise ValidationFailed(
            f"No {what} {', '.join(map(str, missing))} in this workspace.",
            fields={field: [f"Unknown {what}: {missing}."]},
        )
    return found


def _relink(manager: Any, visible: Any, ids: Iterable[int], what: str,
            field: str) -> tuple[set[int], set[int]]:
    """Set an M2M's links to `ids` (all visible to the actor), keeping the hidden ones."""
    wanted = _visible_ids(ids, visible, what, field)
    current = set(manager.values_list("id", flat=True))
    shown = set(visible.filter(id__in=current).values_list("id", flat=True)) if current else set()
    new = wanted | (current - shown)
    if new != current:
        manager.set(new)
    return current, new


def _projects_visible(actor: Membership) -> Any:
    return project_list(workspace=actor.workspace, membership=actor)


def _boards_visible(actor: Membership) -> Any:
    return board_list(workspace=actor.workspace, membership=actor)


# -- goals ------------------------------------------------------------------------------------


@transaction.atomic
def goal_create(
    *,
    actor: Membership,
    name: str,
    period_start: dt.date,
    period_end: dt.date,
    description: str = "",
    owner: Membership | None = _UNSET,
    parent: Goal | None = None,
    projects: Iterable[int] = (),
) -> Goal:
    if not role_at_least(actor.role, Role.MEMBER):
        raise PermissionDenied(f"Creating a goal needs the member role; you are {actor.role}.")
    owner = actor if owner is _UNSET else owner
    _check_owner(owner, actor)
    _check_period(period_start, period_end)
    _check_parent(None, parent, actor)
    goal = Goal.objects.create(
        workspace=actor.workspace, name=_name(name, "goal"), description=description or "",
        owner=owner, period_start=period_start, period_end=period_end, parent=parent,
    )
    linked = _visible_ids(projects, _projects_visible(actor), "project", "projects")
    if linked:
        goal.projects.set(linked)
    activity_record(
        workspace=actor.workspace, actor=actor.user, verb="goal.created", target=goal,
        changes={
            "name": [None, goal.name], "owner": [None, goal.owner_id],
            "period_start": [None, _json(period_start)], "period_end": [None, _json(period_end)],
            "parent": [None, goal.parent_id], "projects": [[], sorted(linked)],
        },
    )
    return goal


@transaction.atomic
def goal_update(*, actor: Membership, goal: Goal, **fields: Any) -> Goal:
    unknown = set(fields) - set(GOAL_FIELDS)
    if unknown:
        raise ValidationFailed(f"Unknown fields: {sorted(unknown)}.")
    goal = Goal.objects.select_for_update().get(pk=goal.pk)
    require_goal_edit(goal=goal, actor=actor, doing="Changing a goal")
    projects = fields.pop("projects", None)
    if "name" in fields:
        fields["name"] = _name(fields["name"], "goal")
    if "description" in fields:
        fields["description"] = fields["description"] or ""
    if "owner" in fields:
        _check_owner(fields["owner"], actor)
    if "parent" in fields and fields["parent"] is not None and (
        fields["parent"].pk != goal.parent_id
    ):
        _check_parent(goal, fields["parent"], actor)
    changes: dict[str, list[Any]] = {}
    for key, value in fields.items():
        old = getattr(goal, key)
        if old != value:
            changes[key] = [_json(old), _json(value)]
            setattr(goal, key, value)
    _check_period(goal.period_start, goal.period_end)
    if changes:
        goal.save()
    if projects is not None:
        before, after = _relink(goal.projects, _projects_visible(actor), projects, "project",
                                "projects")
        if before != after:
            changes["projects"] = [sorted(before), sorted(after)]
    if changes:
        activity_record(workspace=actor.workspace, actor=actor.user, verb="goal.updated",
                        target=goal, changes=changes)
    return goal


@transaction.atomic
def goal_delete(*, actor: Membership, goal: Goal) -> None:
    require_goal_edit(goal=goal, actor=actor, doing="Deleting a goal")
    children = list(Goal.objects.select_for_update().filter(parent=goal).order_by("id"))
    entries: list[tuple[str, Model, dict[str, Any], dict[str, Any]]] = [
        ("goal.deleted", goal, {"name": [goal.name, None]},
         {"children_moved_to": goal.parent_id, "children": [c.pk for c in children]}),
    ]
    for child in children:
        entries.append(("goal.updated", child, {"parent": [goal.pk, goal.parent_id]},
                        {"because": "parent deleted"}))
    Goal.objects.filter(parent=goal).update(parent_id=goal.parent_id)
    activities_record(workspace=actor.workspace, actor=actor.user, entries=entries)
    goal.delete()


# -- key results ------------------------------------------------------------------------------


def _check_values(kind: str, start: decimal.Decimal, target: decimal.Decimal) -> None:
    if kind not in KeyResultKind.values:
        raise ValidationFailed(
            f"Unknown kind '{kind}'; use one of {', '.join(KeyResultKind.values)}.",
            fields={"kind": ["Not a kind."]},
        )
    if kind != KeyResultKind.PROJECTS and start == target:
        raise ValidationFailed(
            "The target must differ from the start value, or progress can't be measured.",
            fields={"target_value": ["Equal to start_value."]},
        )


def _check_links(kind: str, fields: dict[str, Any]) -> None:
    """Only the links the kind measures may be given, and a current value only by hand."""
    if fields.get("current_value") is not None and kind != KeyResultKind.MANUAL:
        raise ValidationFailed(
            f"A {kind} key result's current value is computed; set it only on a manual one.",
            fields={"current_value": ["Computed for this kind."]},
        )
    for field, needs in (("projects", KeyResultKind.PROJECTS), ("boards", KeyResultKind.ITEMS)):
        if fields.get(field) and kind != needs:
            raise ValidationFailed(
                f"Only a {needs} key result links {field}; this one is {kind}.",
                fields={field: [f"Needs kind {needs}."]},
            )


@transaction.atomic
def key_result_create(*, actor: Membership, goal: Goal, name: str, **fields: Any) -> KeyResult:
    require_goal_edit(goal=goal, actor=actor, doing="Adding a key result")
    unknown = set(fields) - set(KEY_RESULT_FIELDS)
    if unknown:
        raise ValidationFailed(f"Unknown fields: {sorted(unknown)}.")
    kind = fields.get("kind") or KeyResultKind.MANUAL
    start = fields.get("start_value")
    target = fields.get("target_value")
    start = decimal.Decimal(0) if start is None else start
    target = decimal.Decimal(100) if target is None else target
    _check_values(kind, start, target)
    _check_links(kind, fields)
    position = fields.get("position")
    if position is None:
        last = KeyResult.objects.filter(goal=goal).aggregate(last=Max("position"))["last"]
        position = 0 if last is None else last + 1
    key_result = KeyResult.objects.create(
        goal=goal, name=_name(name, "key result"), kind=kind, start_value=start,
        target_value=target, current_value=fields.get("current_value") or 0,
        unit=fields.get("unit") or "", position=position,
    )
    links: dict[str, list[Any]] = {}
    if fields.get("projects"):
        _, after = _relink(key_result.projects, _projects_visible(actor), fields["projects"],
                           "project", "projects")
        links["projects"] = [[], sorted(after)]
    if fields.get("boards"):
        _, after = _relink(key_result.boards, _boards_visible(actor), fields["boards"],
                           "board", "boards")
        links["boards"] = [[], sorted(after)]
    activity_record(
        workspace=actor.workspace, actor=actor.user, verb="key_result.created",
        target=key_result,
        changes={"goal": [None, goal.pk], "name": [None, key_result.name], "kind": [None, kind],
                 "start_value": [None, str(start)], "target_value": [None, str(target)],
                 "current_value": [None, str(key_result.current_value)], **links},
    )
    return key_result


@transaction.atomic
def key_result_update(*, actor: Membership, key_result: KeyResult, **fields: Any) -> KeyResult:
    unknown = set(fields) - set(KEY_RESULT_FIELDS)
    if unknown:
        raise ValidationFailed(f"Unknown fields: {sorted(unknown)}.")
    key_result = KeyResult.objects.select_for_update().select_related("goal").get(
        pk=key_result.pk
    )
    require_goal_edit(goal=key_result.goal, actor=actor, doing="Changing a key result")
    kind = fields.get("kind") or key_result.kind
    start = fields["start_value"] if fields.get("start_value") is not None \
        else key_result.start_value
    target = fields["target_value"] if fields.get("target_value") is not None \
        else key_result.target_value
    _check_values(kind, start, target)
    _check_links(kind, fields)
    projects, boards = fields.pop("projects", None), fields.pop("boards", None)
    if "name" in fields:
        fields["name"] = _name(fields["name"], "key result")
    if "unit" in fields:
        fields["unit"] = fields["unit"] or ""
    changes: dict[str, list[Any]] = {}
    for key, value in fields.items():
        old = getattr(key_result, key)
        if old != value:
            changes[key] = [_json(old), _json(value)]
            setattr(key_result, key, value)
    if changes:
        key_result.save()
    for field, ids, visible, what in (
        ("projects", projects, _projects_visible(actor), "project"),
        ("boards", boards, _boards_visible(actor), "board"),
    ):
        manager = getattr(key_result, field)
        if kind != _LINKS_OF[field]:
            # Links this kind does not measure go with the change of kind, hidden ones too.
            before = set(manager.values_list("id", flat=True))
            if before:
                manager.clear()
                changes[field] = [sorted(before), []]
            continue
        if ids is not None:
            before, after = _relink(manager, visible, ids, what, field)
            if before != after:
                changes[field] = [sorted(before), sorted(after)]
    if changes:
        activity_record(workspace=actor.workspace, actor=actor.user, verb="key_result.updated",
                        target=key_result, changes=changes)
    return key_result


@transaction.atomic
def key_result_delete(*, actor: Membership, key_result: KeyResult) -> None:
    require_goal_edit(goal=key_result.goal, actor=actor, doing="Deleting a key result")
    activity_record(workspace=actor.workspace, actor=actor.user, verb="key_result.deleted",
                    target=key_result, changes={"name": [key_result.name, None]},
                    data={"goal": key_result.goal_id})
    key_result.delete()
