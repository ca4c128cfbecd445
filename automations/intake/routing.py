"""Routing rules of a form: where the item a submission makes goes, who gets it, how urgent.

`routing` is an ordered list of {"when": condition, "group": id, "assign": {"mode": "member",
"member": id} | {"mode": "round_robin" | "least_loaded", "team": id}, "priority": value}. The
first rule whose condition the answers meet applies (a rule without `when` always does), and
`routing_default` fills in whatever it leaves unset (all of it when no rule matched).
"""

from __future__ import annotations

from typing import Any

from automations.intake.conditions import condition_clean, condition_met
from automations.intake.questions import Question, QuestionError
from boards.models import Board, Group, Priority
from workos.tenancy.models import Membership, Team

ASSIGN_MODES: tuple[str, ...] = ("member", "round_robin", "least_loaded")
ROUTE_KEYS = ("group", "assign", "priority")
MAX_ROUTES = 50


def _id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


class RouteChecker:
    """Checks routing rules against the board's groups and the workspace's members and teams,
    each read once."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self._groups: set[int] | None = None

    def groups(self) -> set[int]:
        if self._groups is None:
            self._groups = set(Group.objects.filter(board=self.board, archived_at__isnull=True)
                               .values_list("id", flat=True))
        return self._groups

    def assign(self, raw: Any) -> dict[str, Any]:
        if not isinstance(raw, dict) or raw.get("mode") not in ASSIGN_MODES:
            raise QuestionError(f"assign is {{\"mode\": one of {', '.join(ASSIGN_MODES)}, ...}}")
        mode = raw["mode"]
        wanted = "member" if mode == "member" else "team"
        extra = sorted(set(raw) - {"mode", wanted})
        if extra:
            raise QuestionError(f"assign with mode {mode} takes '{wanted}', not '{extra[0]}'")
        value = raw.get(wanted)
        workspace = self.board.workspace_id
        if mode == "member":
            if not _id(value) or not Membership.objects.filter(pk=value,
                                                               workspace_id=workspace).exists():
                raise QuestionError(f"assign names member {value!r}, who is not a member of this "
                                    "workspace")
        elif not _id(value) or not Team.objects.filter(pk=value, workspace_id=workspace).exists():
            raise QuestionError(f"{mode} picks from a team of this workspace; team {value!r} is "
                                "not one")
        return {"mode": mode, wanted: value}

    def route(self, raw: Any, questions: dict[str, Question], *, with_when: bool
              ) -> dict[str, Any]:
        if not isinstance(raw, dict):
            raise QuestionError("a routing rule is an object with when, group, assign, priority")
        allowed = {*ROUTE_KEYS, "when"} if with_when else set(ROUTE_KEYS)
        unknown = sorted(set(raw) - allowed)
        if unknown:
            raise QuestionError(f"a routing rule has no '{unknown[0]}'; it takes "
                                f"{', '.join(sorted(allowed))}")
        clean: dict[str, Any] = {}
        if raw.get("when") is not None:
            clean["when"] = condition_clean(raw["when"], questions)
        if raw.get("group") is not None:
            if not _id(raw["group"]) or raw["group"] not in self.groups():
                raise QuestionError(f"group {raw['group']!r} is not a group of the board")
            clean["group"] = raw["group"]
        if raw.get("assign") is not None:
            clean["assign"] = self.assign(raw["assign"])
        if raw.get("priority") is not None:
            if raw["priority"] not in Priority.values:
                raise QuestionError(f"priority is one of {', '.join(Priority.values)}")
            clean["priority"] = raw["priority"]
        if with_when and not set(clean) & set(ROUTE_KEYS):
            raise QuestionError("this rule sets nothing: give a group, assign or priority")
        return clean


def route_for(form: Any, answers: dict[str, Any]) -> dict[str, Any]:
    """What routing decides for these clean answers: some of group, assign and priority."""
    chosen: dict[str, Any] = {}
    for rule in form.routing or []:
        if condition_met(rule.get("when"), answers):
            chosen = rule
            break
    decided = {key: value for key, value in (form.routing_default or {}).items()
               if key in ROUTE_KEYS}
    decided.update({key: value for key, value in chosen.items() if key in ROUTE_KEYS})
    return decided
