"""What the rule engine's tests share: a board made through the services, rules saved through
the rule service (validated like the API does), and a stand-in for the dispatcher that hands
every undispatched activity to the consumers, as the on-commit task and the sweep would."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from automations.models import Rule, RuleRun
from automations.services.rules import rule_create
from boards.models import Board, Group, Item, Status
from boards.services import board_create, item_create
from workos.activity.models import Activity
from workos.activity.tasks import dispatch_events
from workos.tenancy.models import Membership


@dataclass
class Desk:
    board: Board
    statuses: dict[str, Status]
    groups: dict[str, Group]

    def status(self, name: str) -> int:
        return self.statuses[name].pk

    def group(self, name: str) -> int:
        return self.groups[name].pk


def desk(owner: Membership, name: str = "Service desk",
         groups: tuple[str, ...] = ("Incoming", "Done")) -> Desk:
    board = board_create(actor=owner, name=name, groups=list(groups))
    return Desk(board=board, statuses={s.name: s for s in board.statuses.all()},
                groups={g.name: g for g in board.groups.all()})


def rule(actor: Membership, board: Board | None, trigger: dict[str, Any],
         actions: list[dict[str, Any]], conditions: Any = None, **extra: Any) -> Rule:
    scope = extra.pop("scope", "board" if board is not None else "workspace")
    return rule_create(actor=actor, name=extra.pop("name", f"Rule on {trigger['type']}"),
                       scope=scope, board=board, trigger=trigger, conditions=conditions,
                       actions=actions, **extra)


def when(kind: str, **config: Any) -> dict[str, Any]:
    return {"type": kind, "config": config}


def then(kind: str, **config: Any) -> dict[str, Any]:
    return {"type": kind, "config": config}


def dispatch(limit: int = 20) -> int:
    """Dispatch undispatched activities, round after round, until none are left (the effects
    of runs are events too); the number of rounds."""
    rounds = 0
    while rounds < limit:
        ids = list(Activity.objects.filter(dispatched_at__isnull=True).order_by("id")
                   .values_list("id", flat=True))
        if not ids:
            return rounds
        dispatch_events(ids)
        rounds += 1
    raise AssertionError("events kept coming: a loop the guard did not stop")


def add_item(actor: Membership, d: Desk, name: str = "Laptop", **fields: Any) -> Item:
    return item_create(actor=actor, board=d.board, fields={"name": name, **fields})


def runs_of(r: Rule) -> list[RuleRun]:
    return list(RuleRun.objects.filter(rule=r).order_by("id"))
