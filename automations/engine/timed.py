"""Clock-driven rules, evaluated by the beat task `automations.tasks.date_triggers` every minute.

A date rule fires for an item on the local day (workspace time zone) its date plus the offset
falls on, from the configured hour, with the event key "date:<item>:<the item's date>"; a period
rule fires at each RRULE occurrence, with "period:<occurrence in UTC>". A tick that comes late
(beat down, worker busy) still fires what it missed within LOOKBACK, and the unique event key
makes two ticks, or a tick and a catch-up, fire once. Nothing fires for dates or occurrences
from before the rule's current version was saved.

Each firing records an `automation.fired` activity (the clock's event, so the run has an event
like any other and its changes carry a chain depth) in the transaction that inserts its run.
"""

from __future__ import annotations

import datetime as dt
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from automations.catalogue import TRIGGERS, Match, conditions_hold
from automations.catalogue.dates import workspace_zone
from automations.catalogue.triggers_timed import occurrences
from automations.engine.events import Batch, items_query
from automations.engine.matching import Planned
from automations.engine.notices import usage_add
from automations.engine.runner import Actors, Tally, execute_run
from automations.models import Rule, RuleRun, RuleVersion, RunStatus, Scope
from boards.models import Item
from workos.activity.services import activity_record

DATE_LOOKBACK_DAYS = 3
PERIOD_LOOKBACK = timedelta(days=1)
TIMED = ("date_arrived", "every_period")


def timed_rules() -> list[Rule]:
    since = RuleVersion.objects.filter(rule=OuterRef("pk"), version=OuterRef("version")).values(
        "created_at")[:1]
    return list(
        Rule.objects.filter(enabled=True, trigger__type__in=TIMED)
        .select_related("workspace", "board", "owner", "created_by")
        .annotate(since=Subquery(since)).order_by("id")
    )


def _firing_days(rule: Rule, now: dt.datetime) -> list[dt.date]:
    """Local days whose firings are due now and not older than the lookback or the rule."""
    config = rule.trigger.get("config") or {}
    local = now.astimezone(workspace_zone(rule.workspace))
    last = local.date() if local.hour >= config.get("hour", 0) else local.date() - timedelta(1)
    first = last - timedelta(days=DATE_LOOKBACK_DAYS - 1)
    anchor = (getattr(rule, "since", None) or rule.created_at).astimezone(local.tzinfo).date()
    first = max(first, anchor)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _items_dated(rule: Rule, dates: list[dt.date]) -> list[tuple[Item, dt.date]]:
    config = rule.trigger.get("config") or {}
    scope = Q(workspace_id=rule.workspace_id, archived_at__isnull=True)
    if rule.scope != Scope.WORKSPACE:
        scope &= Q(board_id=rule.board_id)
    isos = [d.isoformat() for d in dates]
    if "field" in config:
        found = items_query().filter(scope, **{f"{config['field']}__in": dates})
        return [(item, getattr(item, config["field"])) for item in found]
    key = config["column"]
    dated = Q(**{f"values__{key}__in": isos}) | Q(**{f"values__{key}__end__in": isos})
    for iso in isos:
        dated |= Q(**{f"values__{key}__startswith": iso + "T"})
    out = []
    for item in items_query().filter(scope).filter(dated):
        raw = (item.values or {}).get(key)
        raw = raw.get("end") if isinstance(raw, dict) else raw
        try:
            out.append((item, dt.date.fromisoformat(str(raw)[:10])))
        except ValueError:
            continue
    return out


def date_plans(rule: Rule, now: dt.datetime) -> list[Planned]:
    config = rule.trigger.get("config") or {}
    offset = config.get("offset_days", 0)
    days = _firing_days(rule, now)
    if not days:
        return []
    dated = _items_dated(rule, [d - timedelta(days=offset) for d in days])
    keys = {f"date:{item.pk}:{when.isoformat()}": (item, when) for item, when in dated}
    done = set(RuleRun.objects.filter(rule=rule, event_key__in=list(keys))
               .values_list("event_key", flat=True))
    batch = Batch(events=[])
    batch._items.update({item.pk: item for item, _ in dated})
    field = config.get("field") or config.get("column")
    return [
        Planned(rule=rule, activity=None, event_key=key, depth=0,
                match=Match(item.pk, {"field": field, "new": when.isoformat()}))
        for key, (item, when) in sorted(keys.items())
        if key not in done and conditions_hold(rule.conditions or {}, item, batch)
    ]


def period_plans(rule: Rule, now: dt.datetime) -> list[Planned]:
    config = rule.trigger.get("config") or {}
    anchor = getattr(rule, "since", None) or rule.created_at
    due = occurrences(config, anchor=anchor, start=now - PERIOD_LOOKBACK, end=now)
    keys = {f"period:{moment.astimezone(dt.UTC).isoformat()}": moment for moment in due}
    done = set(RuleRun.objects.filter(rule=rule, event_key__in=list(keys))
               .values_list("event_key", flat=True))
    return [
        Planned(rule=rule, activity=None, event_key=key, depth=0,
                match=Match(None, {"field": "period", "new": moment.isoformat()}))
        for key, moment in sorted(keys.items()) if key not in done
    ]


def _record_firing(plan: Planned) -> tuple[int, Any] | None:
    """Insert the run and its clock event together; None when it exists already."""
    rule = plan.rule
    item = Item.objects.filter(pk=plan.match.item_id).first() if plan.match.item_id else None
    try:
        with transaction.atomic():
            run = RuleRun.objects.create(
                workspace_id=rule.workspace_id, rule=rule, version=rule.version,
                event_key=plan.event_key, item=item, status=RunStatus.RUNNING, depth=0,
            )
            activity = activity_record(
                workspace=rule.workspace, actor=None, verb="automation.fired",
                target=item if item is not None else rule,
                data={"rule": rule.pk, "run": run.pk, "trigger": rule.trigger.get("type"),
                      **{k: v for k, v in plan.match.values.items() if k in {"field", "new"}}},
            )
            run.event = activity
            run.save(update_fields=["event"])
    except IntegrityError:
        return None
    return run.pk, activity


def fire_due(now: dt.datetime | None = None) -> int:
    """Fire every due date and period rule; the number of runs executed."""
    now = now or timezone.now()
    tally, actors = Tally(), Actors()
    for rule in timed_rules():
        trigger = TRIGGERS.get(rule.trigger.get("type", ""))
        if trigger is None:
            continue
        plans = date_plans(rule, now) if trigger.id == "date_arrived" else period_plans(rule, now)
        for plan in plans:
            recorded = _record_firing(plan)
            if recorded is None:
                continue
            run_id, activity = recorded
            plan.activity = activity
            outcome = execute_run(plan, actors, run_id=run_id)
            if outcome is not None and outcome[0] != RunStatus.RUNNING:
                tally.add(rule.workspace_id, outcome[1])
    usage_add(tally.as_dict(), now=now)
    return sum(runs for runs, _ in tally.as_dict().values())
