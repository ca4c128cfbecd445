"""The rule engine's entry point: the consumer the activity dispatcher calls with every batch of
new activities (after commit, and again from the sweep for any it missed).

Per batch: events whose verb no trigger listens to cost nothing; otherwise one query reads the
rules in scope, triggers and conditions are evaluated in memory, the loop guard marks what it
stops, the runs are inserted together and then executed in chunks, a savepoint each
(`batches`), and
the month's usage is counted once.

Runs execute inline, in the dispatch task, by default: it keeps a change's effects in the order
of the events and avoids a broker round trip per run (see bench/automations.py for the
figures). With `AUTOMATIONS_RUN_INLINE = False` each run is queued as its own
`automations.tasks.run_rule` task instead, for deployments that want rules spread over many
workers; the run row exists before the task is queued, so either way a run happens once.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction

from automations.catalogue import listened_verbs
from automations.engine.batches import run_planned
from automations.engine.events import Batch
from automations.engine.matching import Planned, apply_guard, match_batch, rules_in_scope
from automations.engine.notices import guard_notify, usage_add
from automations.engine.runner import insert_runs
from automations.models import RuleRun, RunStatus
from workos.activity.models import Activity


def plan(activities: Sequence[Activity]) -> tuple[list[Planned], Batch | None]:
    """The runs a batch of events calls for, loop guard applied, and the batch they were
    matched in; nothing written."""
    verbs = listened_verbs()
    relevant = [a for a in activities if a.verb in verbs]
    if not relevant:
        return [], None
    batch = Batch.of(relevant)
    rules = rules_in_scope(batch)
    if not any(rule.triggered_by_automations for rule in rules):
        # The usual case for the changes rules make: no rule listens to them.
        batch.events = [e for e in batch.events if e.activity.cause_run_id is None]
    if not rules or not batch.events:
        return [], None
    batch.preload()
    planned = match_batch(batch, rules)
    if planned:
        apply_guard(planned)
    return planned, batch


def consume(activities: Sequence[Activity]) -> None:
    planned, batch = plan(activities)
    if not planned:
        return
    if run_inline():
        usage_add(run_planned(planned, batch).as_dict())
        return
    queue_runs(planned)


def run_inline() -> bool:
    """AUTOMATIONS_RUN_INLINE from the settings, else from the environment (default on)."""
    configured = getattr(settings, "AUTOMATIONS_RUN_INLINE", None)
    if configured is None:
        return os.environ.get("AUTOMATIONS_RUN_INLINE", "1").strip().lower() not in {
            "0", "false", "off", "no"}
    return bool(configured)


def queue_runs(planned: list[Planned]) -> int:
    """Insert the runs and queue one task per run (after commit); each task finds its run
    still to do, or leaves it (done before, or skipped by the loop guard)."""
    from automations.tasks import run_rule

    insert_runs(planned)
    warned: set[int] = set()
    keys = []
    for p in planned:
        if p.skip_reason:
            if p.rule.pk not in warned:
                warned.add(p.rule.pk)
                guard_notify(p.rule, p.skip_reason)
            continue
        keys.append((p.rule.pk, p.event_key))
    ids = list(RuleRun.objects.filter(
        rule_id__in={r for r, _ in keys}, event_key__in={k for _, k in keys},
        status=RunStatus.RUNNING).values_list("id", "rule_id", "event_key"))
    wanted = set(keys)
    queued = [run_id for run_id, rule_id, key in ids if (rule_id, key) in wanted]
    for run_id in queued:
        transaction.on_commit(lambda run_id=run_id: run_rule.delay(run_id))
    return len(queued)
