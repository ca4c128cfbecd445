"""Simulating a rule: replay it over the last N days of events in its scope and describe what it
would have done, without changing anything.

It is pure evaluation — the same trigger and condition code as the engine, and each action's
`preview()` instead of `execute()` — and it runs inside a transaction that is always rolled
back, so even a preview that wrote by mistake would leave nothing behind. Conditions are tested
against the items as they are now (their past states are not kept). The cost is a fixed number
of queries: the events, their items, and the look-ups the batch shares.
"""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from automations.catalogue import ACTIONS, TRIGGERS, Match, conditions_hold
from automations.catalogue.triggers_timed import occurrences
from automations.engine.context import RunContext
from automations.engine.events import Batch, items_query
from automations.engine.matching import MAX_DEPTH, match_batch
from automations.models import Rule, Scope
from boards.selectors import visible_board_ids
from workos.activity.models import Activity
from workos.tenancy.models import Membership

MAX_DAYS = 90
MAX_EVENTS = 5000
MAX_REPORTED = 200


def simulate(rule: Rule, *, actor: Membership, days: int,
             now: dt.datetime | None = None) -> dict[str, Any]:
    """What `rule` (saved or a draft with the same fields) would have done in `days` days."""
    with transaction.atomic():
        result = _simulate(rule, actor=actor, days=days, now=now or timezone.now())
        transaction.set_rollback(True)
    return result


def _simulate(rule: Rule, *, actor: Membership, days: int, now: dt.datetime) -> dict[str, Any]:
    since = now - timedelta(days=days)
    trigger = TRIGGERS.get(rule.trigger.get("type", ""))
    if trigger is None:
        return _result(days, 0, 0, [])
    if trigger.timed:
        matches, examined = _timed(rule, since, now)
        batch = Batch(events=[])
        batch.load_items(m.item_id for _, m, _ in matches if m.item_id)
        runs = [(when, None, match, "") for when, match, _ in matches
                if conditions_hold(rule.conditions or {}, batch.item(match.item_id), batch)
                or match.item_id is None]
        return _result(days, examined, len(runs), _describe(rule, actor, runs, batch))
    events = list(_events(rule, trigger.verbs, since)[:MAX_EVENTS + 1])
    truncated = len(events) > MAX_EVENTS
    events = events[:MAX_EVENTS]
    batch = Batch.of(events)
    batch.preload()
    batch.with_assignees()
    planned = match_batch(batch, [rule], replay=True)
    runs = []
    for plan in planned:
        note = ""
        if plan.depth >= MAX_DEPTH:
            note = "would be skipped by the loop guard (chain too deep)"
        runs.append((plan.activity.created_at, plan.activity, plan.match, note))
    if rule.trigger["type"] == "predecessor_done":
        # Predecessors may sit on boards the viewer cannot see: say when, not what.
        visible = set(visible_board_ids(workspace=rule.workspace, membership=actor)
                      .values_list("id", flat=True))
        hidden = {e.activity.pk for e in batch.events if e.board_id not in visible}
        runs = [(when, activity if activity.pk not in hidden else None, match, note)
                for when, activity, match, note in runs]
    return _result(days, len(events), len(runs), _describe(rule, actor, runs, batch),
                   truncated=truncated)


def _events(rule: Rule, verbs: frozenset[str], since: dt.datetime) -> Any:
    qs = Activity.objects.filter(workspace_id=rule.workspace_id, created_at__gte=since,
                                 verb__in=verbs)
    if rule.scope != Scope.WORKSPACE and rule.trigger.get("type") != "predecessor_done":
        # Events naming another board are out of scope; those naming none (time entries) are
        # scoped by their item's board when matched.
        qs = qs.filter(Q(data__board=rule.board_id) | ~Q(data__has_key="board"))
    return qs.order_by("created_at", "id")


def _timed(rule: Rule, since: dt.datetime, now: dt.datetime) -> tuple[list, int]:
    config = rule.trigger.get("config") or {}
    if rule.trigger["type"] == "every_period":
        found = occurrences(config, anchor=since, start=since, end=now, limit=MAX_REPORTED + 1)
        return [(moment, Match(None, {"field": "period", "new": moment.isoformat()}), None)
                for moment in found], len(found)
    offset = timedelta(days=config.get("offset_days", 0))
    first, last = since.date(), now.date()
    scope = Q(workspace_id=rule.workspace_id, archived_at__isnull=True)
    if rule.scope != Scope.WORKSPACE:
        scope &= Q(board_id=rule.board_id)
    field = config.get("field")
    items = items_query().filter(scope)
    if field:
        items = items.filter(**{f"{field}__gte": first - offset, f"{field}__lte": last - offset})
    else:
        items = items.filter(values__has_key=config["column"])
    out = []
    for item in items[:MAX_EVENTS]:
        raw = getattr(item, field) if field else (item.values or {}).get(config["column"])
        raw = raw.get("end") if isinstance(raw, dict) else raw
        try:
            when = raw if isinstance(raw, dt.date) else dt.date.fromisoformat(str(raw)[:10])
        except ValueError:
            continue
        fires = when + offset
        if first <= fires <= last:
            moment = dt.datetime.combine(fires, dt.time(config.get("hour", 0)), tzinfo=dt.UTC)
            out.append((moment, Match(item.pk, {"field": field or config["column"],
                                                "new": when.isoformat()}), None))
    out.sort(key=lambda row: row[0])
    return out, len(out)


def _describe(rule: Rule, actor: Membership, runs: list[tuple], batch: Batch
              ) -> list[dict[str, Any]]:
    shared: dict[str, Any] = {}
    described = []
    for when, activity, match, note in runs[:MAX_REPORTED]:
        item = batch.item(match.item_id)
        context = RunContext(workspace=rule.workspace, rule=rule, actor=actor, item=item,
                             event=activity, run=None, trigger=match.values, simulate=True,
                             shared=shared)
        actions = []
        for spec in rule.actions or []:
            action = ACTIONS.get(spec.get("type", ""))
            if action is None:
                actions.append(f"Unknown action {spec.get('type')!r}")
                continue
            try:
                actions.append(action.preview(spec.get("config") or {}, context))
            except Exception as exc:  # a preview never stops the report
                actions.append(f"{action.label}: would fail ({exc})")
        described.append({
            "at": when,
            "event": {"id": activity.pk, "verb": activity.verb, "actor": activity.actor_label,
                      "target": activity.target_repr} if activity is not None else None,
            "item": {"id": item.pk, "name": item.name} if item is not None else None,
            "trigger": match.values,
            "actions": actions,
            "note": note,
        })
    return described


def _result(days: int, examined: int, matched: int, runs: list[dict[str, Any]], *,
            truncated: bool = False) -> dict[str, Any]:
    """`truncated`: more events than were examined, or more runs than are described."""
    return {"days": days, "events_examined": examined, "matched": matched, "runs": runs,
            "truncated": truncated or matched > len(runs)}
