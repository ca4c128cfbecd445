"""Matching a batch of events to rules: the rules in scope are read in one query per batch, each
trigger and condition is evaluated in memory (with the batch's shared look-ups), and the loop
guard decides which matches run and which are recorded as skipped."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from automations.catalogue import TRIGGERS, Match, conditions_hold
from automations.engine.events import Batch, Event
from automations.models import Rule, RuleRun, RunStatus, Scope
from workos.activity.models import Activity

logger = logging.getLogger(__name__)

# Past this chain depth (an automation's change triggering another, and so on) runs are
# skipped: a user's change is depth 0, the first rule's changes depth 1.
MAX_DEPTH = 5
# Triggers whose item can lie on another board than the event (a successor elsewhere): their
# rules are read for the whole workspace and scoped by the item they act on.
FAN_OUT = ("predecessor_done",)


@dataclass
class Planned:
    """A rule that matched an event, about to run or to be recorded as skipped."""

    rule: Rule
    activity: Activity | None
    match: Match
    event_key: str
    depth: int
    skip_reason: str = ""


def rules_in_scope(batch: Batch) -> list[Rule]:
    workspaces = {e.activity.workspace_id for e in batch.events}
    verbs = {e.verb for e in batch.events}
    types = [t.id for t in TRIGGERS if not t.timed and t.verbs & verbs]
    if not types:
        return []
    scope = Q(board_id__in=batch.boards()) | Q(scope=Scope.WORKSPACE) | Q(
        trigger__type__in=FAN_OUT)
    return list(
        Rule.objects.filter(workspace_id__in=workspaces, enabled=True, trigger__type__in=types)
        .filter(scope).select_related("workspace", "owner", "created_by").order_by("id")
    )


def event_boards(event: Event) -> set[int | None]:
    """The boards an event concerns: where it happened and, for a move, where from."""
    moved = event.changes.get("board")
    return {event.board_id, *(moved if isinstance(moved, list) else [])}


def in_scope(rule: Rule, boards: set[int | None]) -> bool:
    return rule.scope == Scope.WORKSPACE or rule.board_id in boards


def _match_one(rule: Rule, event: Event, batch: Batch, *, replay: bool) -> list[Match]:
    trigger = TRIGGERS.get((rule.trigger or {}).get("type", ""))
    if trigger is None or trigger.timed or event.verb not in trigger.verbs:
        return []
    if event.activity.cause_run_id is not None and not rule.triggered_by_automations:
        return []
    if rule.workspace_id != event.activity.workspace_id:
        return []
    if not replay and event.activity.created_at < rule.created_at:
        return []  # a late delivery of something that happened before the rule existed
    if trigger.id not in FAN_OUT and not in_scope(rule, event_boards(event)):
        return []
    try:
        return trigger.match((rule.trigger or {}).get("config") or {}, event, batch)
    except Exception:
        # One broken rule must not keep the others from their events.
        logger.exception("trigger of rule %s failed on activity %s", rule.pk, event.activity.pk)
        return []


def tests_assignees(tree: dict[str, Any]) -> bool:
    """Whether a condition tree reads the items' assignees."""
    for key in ("all", "any"):
        if key in tree:
            return any(tests_assignees(child) for child in tree[key])
    config = tree.get("config") or {}
    return tree.get("type") == "assignee_in_team" or config.get("field") == "assignees"


def match_batch(batch: Batch, rules: list[Rule], *, replay: bool = False) -> list[Planned]:
    """Every (rule, item) the events call for. `replay` (a simulation) also matches events
    older than the rule."""
    if any(tests_assignees(rule.conditions or {}) for rule in rules):
        batch.with_assignees()
    planned: list[Planned] = []
    for event in batch.events:
        for rule in rules:
            for match in _match_one(rule, event, batch, replay=replay):
                item = batch.item(match.item_id)
                if item is None:
                    continue
                # A fan-out trigger acts on items elsewhere: they decide the scope.
                fan_out = rule.trigger["type"] in FAN_OUT
                if fan_out and not in_scope(rule, {item.board_id}):
                    continue
                try:
                    if not conditions_hold(rule.conditions or {}, item, batch):
                        continue
                except Exception:
                    logger.exception("conditions of rule %s failed", rule.pk)
                    continue
                planned.append(Planned(
                    rule=rule, activity=event.activity, match=match,
                    event_key=match.run_key(event.activity.pk)[:200],
                    depth=event.activity.depth,
                ))
    return planned


def apply_guard(planned: list[Planned], *, now: Any = None) -> None:
    """Mark the matches the loop guard stops: past the chain depth, or past the rule's runs
    per item per minute (counting this batch's own runs as they are planned)."""
    now = now or timezone.now()
    for plan in planned:
        if plan.depth >= MAX_DEPTH:
            plan.skip_reason = (f"Loop guard: this change comes from a chain of {plan.depth} "
                                f"automation runs; the limit is {MAX_DEPTH}.")
    limited = [p for p in planned if not p.skip_reason and p.match.item_id is not None]
    if not limited:
        return
    recent = {
        (row["rule_id"], row["item_id"]): row["n"]
        for row in RuleRun.objects.filter(
            rule_id__in={p.rule.pk for p in limited},
            item_id__in={p.match.item_id for p in limited},
            created_at__gte=now - timedelta(minutes=1),
        ).exclude(status=RunStatus.SKIPPED).exclude(event_key__in=[p.event_key for p in limited])
        .values("rule_id", "item_id").annotate(n=Count("id"))
    }
    for plan in limited:
        key = (plan.rule.pk, plan.match.item_id)
        if recent.get(key, 0) >= plan.rule.max_runs_per_item_per_minute:
            plan.skip_reason = (
                f"Loop guard: the rule ran {recent[key]} times on this item in the last minute; "
                f"its limit is {plan.rule.max_runs_per_item_per_minute}.")
            continue
        recent[key] = recent.get(key, 0) + 1
