"""Writes of saved views. Anyone who can read a board may keep personal views of it; shared
views are the board editors' to manage.

A view's config is checked by `boards.selectors.view_config`, the rules that also apply it:
filters, sorts and grouping may only name core item fields and the board's column keys, with
operators that fit each field's type.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from boards.models import Board, View, ViewKind
from boards.selectors.view_config import view_config_validate
from boards.services.access import EDITOR, VIEWER, diff, require_board_role
from workos.activity.services import activity_record
from workos.errors import PermissionDenied, ValidationFailed
from workos.tenancy.models import Membership


def config_clean(board: Board, config: Any) -> dict[str, Any]:
    """Check a view's config field by field: the same rules that apply it to items."""
    return view_config_validate(board, config)


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
