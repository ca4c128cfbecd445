"""Writes of dependencies between items, refusing any edge that would close a cycle.

Creation locks the workspace row, so two concurrent writes cannot each add half of a cycle.
"""

from __future__ import annotations

from collections import defaultdict, deque
from typing import Any

from django.db import transaction

from boards.models import Dependency, DependencyType, Item
from boards.selectors import dependency_edges, item_get
from boards.services.access import diff, require_board_role, require_item_write
from workos.activity.services import activity_record
from workos.errors import Conflict, NotFound, ValidationFailed
from workos.tenancy.models import Membership, Workspace

_UNSET: Any = object()
MAX_LAG_DAYS = 3650


def find_cycle(edges: list[tuple[int, int]], predecessor: int, successor: int) -> list[int]:
    """The cycle that adding predecessor → successor would close, as item ids in order
    (starting and ending at the predecessor), or [] if there is none."""
    if predecessor == successor:
        return [predecessor, predecessor]
    graph: dict[int, list[int]] = defaultdict(list)
    for p, s in edges:
        graph[p].append(s)
    # Breadth-first from the successor: reaching the predecessor closes the loop.
    came_from: dict[int, int | None] = {successor: None}
    queue = deque([successor])
    while queue:
        node = queue.popleft()
        if node == predecessor:
            path = [node]
            while came_from[path[-1]] is not None:
                path.append(came_from[path[-1]])  # type: ignore[arg-type]
            path.reverse()
            return [predecessor, *path]
        for nxt in graph.get(node, ()):
            if nxt not in came_from:
                came_from[nxt] = node
                queue.append(nxt)
    return []


def _check_type(kind: str) -> str:
    if kind not in DependencyType.values:
        raise ValidationFailed(f"'{kind}' is not a dependency type; use FS, SS, FF or SF.",
                               fields={"type": ["Use FS, SS, FF or SF."]})
    return kind


def _check_lag(lag_days: int) -> int:
    if not -MAX_LAG_DAYS <= lag_days <= MAX_LAG_DAYS:
        raise ValidationFailed(f"lag_days is between -{MAX_LAG_DAYS} and {MAX_LAG_DAYS}.",
                               fields={"lag_days": ["Out of range."]})
    return lag_days


def _refuse_cycle(workspace: Workspace, edges: list[tuple[int, int]], predecessor: int,
                  successor: int) -> None:
    cycle = find_cycle(edges, predecessor, successor)
    if not cycle:
        return
    names = dict(Item.objects.filter(workspace=workspace, id__in=cycle).values_list("id", "name"))
    path = " → ".join(f"'{names.get(i, i)}' ({i})" for i in cycle)
    raise Conflict(f"This dependency would make a cycle: {path}.", fields={"cycle": cycle})


def _ends(actor: Membership, predecessor: int, successor: int) -> tuple[Item, Item]:
    """Both ends, visible to the actor; the successor is the item whose schedule it changes,
    so the actor must be allowed to change it."""
    try:
        pred = item_get(workspace=actor.workspace, membership=actor, id=predecessor)
    except NotFound as exc:
        raise ValidationFailed(f"There is no item {predecessor} in this workspace.",
                               fields={"predecessor": ["Not found."]}) from exc
    try:
        succ = item_get(workspace=actor.workspace, membership=actor, id=successor)
    except NotFound as exc:
        raise ValidationFailed(f"There is no item {successor} in this workspace.",
                               fields={"successor": ["Not found."]}) from exc
    if pred.pk == succ.pk:
        raise ValidationFailed("An item cannot depend on itself.",
                               fields={"successor": ["Same as the predecessor."]})
    role = require_board_role(board=succ.board, actor=actor, minimum="contributor",
                              doing="Linking items")
    require_item_write(item=succ, actor=actor, role=role, doing="Linking items")
    return pred, succ


def _lock_graph(workspace: Workspace) -> None:
    Workspace.objects.select_for_update().filter(pk=workspace.pk).first()


@transaction.atomic
def dependency_create(
    *, actor: Membership, predecessor: int, successor: int,
    type: str = DependencyType.FS, lag_days: int = 0,
) -> Dependency:
    pred, succ = _ends(actor, predecessor, successor)
    kind, lag = _check_type(type), _check_lag(lag_days)
    _lock_graph(actor.workspace)
    if Dependency.objects.filter(predecessor=pred, successor=succ).exists():
        raise Conflict(f"'{succ.name}' already depends on '{pred.name}'.",
                       fields={"successor": ["Already linked."]})
    _refuse_cycle(actor.workspace, dependency_edges(workspace=actor.workspace), pred.pk, succ.pk)
    dependency = Dependency.objects.create(
        workspace=actor.workspace, predecessor=pred, successor=succ, type=kind, lag_days=lag,
    )
    activity_record(
        workspace=actor.workspace, actor=actor.user, verb="dependency.created",
        target=dependency,
        changes={"predecessor": [None, pred.pk], "successor": [None, succ.pk],
                 "type": [None, kind], "lag_days": [None, lag]},
    )
    return dependency


@transaction.atomic
def dependency_update(
    *, actor: Membership, dependency: Dependency, predecessor: int | None = None,
    successor: int | None = None, type: str | None = None, lag_days: int | None = None,
) -> Dependency:
    pred_id = predecessor if predecessor is not None else dependency.predecessor_id
    succ_id = successor if successor is not None else dependency.successor_id
    pred, succ = _ends(actor, dependency.predecessor_id, dependency.successor_id)
    if (pred_id, succ_id) != (pred.pk, succ.pk):
        pred, succ = _ends(actor, pred_id, succ_id)
        _lock_graph(actor.workspace)
        if Dependency.objects.filter(predecessor=pred, successor=succ).exclude(
            pk=dependency.pk
        ).exists():
            raise Conflict(f"'{succ.name}' already depends on '{pred.name}'.",
                           fields={"successor": ["Already linked."]})
        edges = [e for e in dependency_edges(workspace=actor.workspace)
                 if e != (dependency.predecessor_id, dependency.successor_id)]
        _refuse_cycle(actor.workspace, edges, pred.pk, succ.pk)
    wanted: dict[str, Any] = {"predecessor": pred, "successor": succ}
    if type is not None:
        wanted["type"] = _check_type(type)
    if lag_days is not None:
        wanted["lag_days"] = _check_lag(lag_days)
    changes = diff({k: getattr(dependency, k) for k in wanted}, wanted)
    if changes:
        for key in changes:
            setattr(dependency, key, wanted[key])
        dependency.save()
        activity_record(
            workspace=actor.workspace, actor=actor.user, verb="dependency.updated",
            target=dependency, changes=changes,
        )
    return dependency


@transaction.atomic
def dependency_delete(*, actor: Membership, dependency: Dependency) -> None:
    _ends(actor, dependency.predecessor_id, dependency.successor_id)
    activity_record(
        workspace=actor.workspace, actor=actor.user, verb="dependency.deleted",
        target=dependency,
        changes={"predecessor": [dependency.predecessor_id, None],
                 "successor": [dependency.successor_id, None]},
    )
    dependency.delete()
