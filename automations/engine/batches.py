"""Executing the runs a batch of events matched, several runs to a transaction.

The runs are inserted together (`runner.insert_runs`), then executed in chunks of CHUNK: one
transaction per chunk locks the chunk's runs still to do in one statement (skipping rows another
worker holds), performs each run's actions inside a savepoint of its own, and writes every
run's outcome in one statement before it commits. A run's actions and its status still commit
together or not at all: a run whose action is refused rolls back to its savepoint alone and is
recorded failed, while the other runs of the chunk go on. A transient database error (deadlock,
lost connection) rolls the whole chunk back, and its runs are then executed one transaction
each (`runner.execute_run`), which retries them with backoff. A worker killed mid-chunk leaves
its runs `running` and none of their effects; the redelivered event runs them again.

Compared with a transaction per run this saves, per run, a round trip to lock the run, one to
write its outcome, and the BEGIN/COMMIT pair, while holding item locks for one chunk at most.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from automations.engine.events import Batch
from automations.engine.matching import Planned
from automations.engine.notices import guard_notify
from automations.engine.runner import (
    MAX_ERROR,
    TRANSIENT,
    Actors,
    Progress,
    Tally,
    execute_run,
    insert_runs,
    perform,
    retry_later,
    succeed,
)
from automations.models import RuleRun, RunStatus
from workos.errors import DomainError

logger = logging.getLogger(__name__)

CHUNK = 50

Outcome = tuple[str, int] | None


def run_planned(planned: list[Planned], batch: Batch | None = None,
                actors: Actors | None = None) -> Tally:
    """Insert the runs of `planned` and execute those still to do, in event order. Items the
    batch read are reused until a run of the batch has acted on them."""
    tally = Tally()
    if not planned:
        return tally
    actors = actors or Actors()
    insert_runs(planned)
    warned: set[int] = set()
    todo = []
    for plan in planned:
        if not plan.skip_reason:
            todo.append(plan)
        elif plan.rule.pk not in warned:
            warned.add(plan.rule.pk)
            guard_notify(plan.rule, plan.skip_reason)
    touched: set[int] = set()
    for start in range(0, len(todo), CHUNK):
        chunk = todo[start:start + CHUNK]
        try:
            outcomes = _run_chunk(chunk, batch, actors, touched)
        except ChunkAborted as aborted:
            outcomes = _one_by_one(chunk, actors, aborted)
        for plan, outcome in zip(chunk, outcomes, strict=True):
            if outcome is None:
                continue  # done before (a redelivered event), or another worker has it
            if plan.match.item_id is not None:
                touched.add(plan.match.item_id)
            tally.add(plan.rule.workspace_id, outcome[1])
    return tally


class ChunkAborted(Exception):
    """A transient database error in one run rolled its whole chunk back."""

    def __init__(self, plan: Planned, run_id: int, error: Exception) -> None:
        super().__init__(str(error))
        self.plan, self.run_id, self.error = plan, run_id, error


def _one_by_one(chunk: list[Planned], actors: Actors, aborted: ChunkAborted) -> list[Outcome]:
    """After a rolled-back chunk: the run that hit the error waits for its retry, as a run
    of its own would; the others run again, a transaction each."""
    logger.warning("a chunk of %s runs rolled back (%s); running them one by one",
                   len(chunk), aborted.error)
    outcomes: list[Outcome] = []
    for plan in chunk:
        if plan is aborted.plan:
            outcomes.append(retry_later(aborted.run_id, plan.rule, aborted.error))
        else:
            outcomes.append(execute_run(plan, actors))
    return outcomes


def _run_chunk(chunk: list[Planned], batch: Batch | None, actors: Actors,
               touched: set[int]) -> list[Outcome]:
    # Outside the transaction: a rolled-back chunk must not take an actor's new row with it.
    acting = {plan.rule.workspace_id: actors.of(plan.rule.workspace) for plan in chunk}
    outcomes: list[Outcome] = []
    with transaction.atomic():
        runs = {
            (run.rule_id, run.event_key): run
            for run in RuleRun.objects.select_for_update(skip_locked=True).filter(
                status=RunStatus.RUNNING, rule_id__in={p.rule.pk for p in chunk},
                event_key__in={p.event_key for p in chunk})
        }
        finished: list[RuleRun] = []
        for plan in chunk:
            run = runs.pop((plan.rule.pk, plan.event_key), None)
            if run is None:
                outcomes.append(None)
                continue
            item_id = plan.match.item_id
            item = batch.item(item_id) if batch is not None and item_id not in touched else None
            outcomes.append(_run_one(plan, run, acting[plan.rule.workspace_id], item))
            if item_id is not None:
                touched.add(item_id)
            finished.append(run)
        _write_outcomes(finished)
    return outcomes


def _write_outcomes(runs: list[RuleRun]) -> None:
    """One UPDATE per distinct outcome (the runs of one rule usually share theirs), rather
    than a CASE per row and field, which costs more to build than to run. The runs finish
    together, at the commit that is about to make their effects visible."""
    groups: dict[str, list[int]] = {}
    outcome: dict[str, dict[str, Any]] = {}
    for run in runs:
        values = {"status": run.status, "actions": run.actions, "version": run.version,
                  "attempts": run.attempts, "error": run.error}
        key = json.dumps(values, sort_keys=True, default=str)
        groups.setdefault(key, []).append(run.pk)
        outcome[key] = values
    now = timezone.now()
    for key, ids in groups.items():
        RuleRun.objects.filter(pk__in=ids).update(finished_at=now, **outcome[key])
    for run in runs:
        run.finished_at = now


def _run_one(plan: Planned, run: RuleRun, actor: Any, item: Any) -> Outcome:
    """One run inside its savepoint; the outcome is set on `run`, written by the caller."""
    progress = Progress()
    try:
        with transaction.atomic():
            perform(plan, run, actor, item, progress)
    except TRANSIENT as exc:
        raise ChunkAborted(plan, run.pk, exc) from exc
    except Exception as exc:
        if not isinstance(exc, DomainError | LookupError):
            logger.exception("rule %s run %s failed", plan.rule.pk, run.pk)
        run.status, run.error = RunStatus.FAILED, progress.error(exc)[:MAX_ERROR]
        run.actions, run.version = progress.undone(), plan.rule.version
        run.attempts, run.finished_at = run.attempts + 1, timezone.now()
        return RunStatus.FAILED, 0
    succeed(run, plan.rule, progress.results)
    return RunStatus.SUCCEEDED, len(progress.results)
