"""Writes of saved views. Anyone who can read a board may keep personal views of it; shared
views are the board editors' to manage.

A view's config is data a client renders, so it is checked against an allowlist: filters,
sorts and grouping may only name core item fields and the board's column keys.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from boards.models import Board, Column, View, ViewKind
from boards.services.access import EDITOR, VIEWER, diff, require_board_role
from workos.activity.services import activity_record
from workos.errors import PermissionDenied, ValidationFailed
from workos.tenancy.models import Membership

CORE_FIELDS = frozenset({
    "name", "group", "status", "status_category", "assignees", "parent", "start_date",
    "due_date", "estimate_hours", "priority", "is_milestone", "position", "created_at",
    "updated_at", "completed_at", "archived_at",
})
FILTER_OPS = frozenset({
    "eq", "ne", "gt", "gte", "lt", "lte", "in", "contains", "empty", "not_empty",
})
CONFIG_KEYS = frozenset({
    "filters", "sorts", "group_by", "columns", "date_field", "end_date_field", "chart",
    "per_column",
})


def _bad(message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={"config": [message]})


def _known(board: Board) -> set[str]:
    return CORE_FIELDS | set(Column.objects.filter(board=board).values_list("key", flat=True))


def _check_field(name: Any, known: set[str], where: str) -> str:
    if not isinstance(name, str) or name not in known:
        raise _bad(f"{where}: '{name}' is neither an item field nor a column of this board.")
    return name


def config_clean(board: Board, config: Any) -> dict[str, Any]:
    if config is None:
        return {}
    if not isinstance(config, dict):
        raise _bad("A view's config is a JSON object.")
    unknown = sorted(set(config) - CONFIG_KEYS)
    if unknown:
        raise _bad(f"Unknown config keys: {', '.join(unknown)}; use "
                   f"{', '.join(sorted(CONFIG_KEYS))}.")
    known = _known(board)
    filters = config.get("filters", [])
    if not isinstance(filters, list):
        raise _bad("filters is a list of {field, op, value}.")
    for index, rule in enumerate(filters):
        if not isinstance(rule, dict):
            raise _bad(f"filters[{index}] is an object with field, op and value.")
        _check_field(rule.get("field"), known, f"filters[{index}]")
        if rule.get("op", "eq") not in FILTER_OPS:
            raise _bad(f"filters[{index}]: '{rule.get('op')}' is not an operator; use "
                       f"{', '.join(sorted(FILTER_OPS))}.")
    sorts = config.get("sorts", [])
    if not isinstance(sorts, list):
        raise _bad("sorts is a list of {field, direction}.")
    for index, rule in enumerate(sorts):
        if not isinstance(rule, dict):
            raise _bad(f"sorts[{index}] is an object with field and direction.")
        _check_field(rule.get("field"), known, f"sorts[{index}]")
        if rule.get("direction", "asc") not in {"asc", "desc"}:
            raise _bad(f"sorts[{index}]: direction is asc or desc.")
    for key in ("group_by", "date_field", "end_date_field"):
        if config.get(key) is not None:
            _check_field(config[key], known, key)
    columns = config.get("columns")
    if columns is not None:
        if not isinstance(columns, list):
            raise _bad("columns is a list of field names and column keys.")
        for name in columns:
            _check_field(name, known, "columns")
    if "chart" in config and not isinstance(config["chart"], dict):
        raise _bad("chart is a JSON object.")
    return config


def _check_kind(kind: str) -> str:
    if kind not in ViewKind.values:
        raise ValidationFailed(f"'{kind}' is not a view kind; use {', '.join(ViewKind.values)}.",
                               fields={"kind": ["Unknown kind."]})
    return kind


def _require_may_manage(view: View, actor: Membership, role: str) -> None:
    if view.is_shared and role not in {EDITOR, "admin"}:
        raise PermissionDenied("Only the board's editors manage shared views.")
    if not view.is_shared and view.created_by_id != actor.pk:
        raise PermissionDenied("A personal view belongs to the person who saved it.")


@transaction.atomic
def view_create(
    *, actor: Membership, board: Board, name: str, kind: str = ViewKind.TABLE,
    config: dict[str, Any] | None = None, is_shared: bool = True,
) -> View:
    role = require_board_role(board=board, actor=actor, minimum=VIEWER, doing="Saving a view",
                              allow_archived=True)
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("A view needs a name.", fields={"name": ["Required."]})
    view = View(workspace=board.workspace, board=board, name=name[:200], kind=_check_kind(kind),
                config=config_clean(board, config), created_by=actor, is_shared=is_shared)
    _require_may_manage(view, actor, role)
    view.save()
    activity_record(
        workspace=actor.workspace, actor=actor.user, verb="view.created", target=view,
        changes={"name": [None, view.name], "kind": [None, view.kind]},
        data={"board": board.pk},
    )
    return view


@transaction.atomic
def view_update(
    *, actor: Membership, view: View, name: str | None = None, kind: str | None = None,
    config: dict[str, Any] | None = None, is_shared: bool | None = None,
) -> View:
    role = require_board_role(board=view.board, actor=actor, minimum=VIEWER,
                              doing="Changing a view", allow_archived=True)
    _require_may_manage(view, actor, role)
    wanted: dict[str, Any] = {}
    if name is not None:
        if not name.strip():
            raise ValidationFailed("A view needs a name.", fields={"name": ["Required."]})
        wanted["name"] = name.strip()[:200]
    if kind is not None:
        wanted["kind"] = _check_kind(kind)
    if config is not None:
        wanted["config"] = config_clean(view.board, config)
    if is_shared is not None:
        wanted["is_shared"] = is_shared
    changes = diff({k: getattr(view, k) for k in wanted}, wanted)
    for key in changes:
        setattr(view, key, wanted[key])
    if changes:
        _require_may_manage(view, actor, role)  # sharing needs the editor role too
        view.save()
        activity_record(workspace=actor.workspace, actor=actor.user, verb="view.updated",
                        target=view, changes=changes, data={"board": view.board_id})
    return view


@transaction.atomic
def view_delete(*, actor: Membership, view: View) -> None:
    role = require_board_role(board=view.board, actor=actor, minimum=VIEWER,
                              doing="Deleting a view", allow_archived=True)
    _require_may_manage(view, actor, role)
    activity_record(workspace=actor.workspace, actor=actor.user, verb="view.deleted",
                    target=view, changes={"name": [view.name, None]},
                    data={"board": view.board_id})
    view.delete()
