"""Executing the runs a batch of events matched, several runs to a transaction.

The runs are inserted together (`runner.insert_runs`), then executed in chunks of CHUNK: one
transaction per chunk locks the chunk's runs still to do in one statement (skipping rows another
worker holds), performs each run's actions, and writes every run's outcome in one statement
before it commits. A run's actions and its status still commit together or not at all. The runs
of a chunk first go without savepoints; when one of them fails, the chunk rolls back whole and
runs again with a savepoint per run (as do the batch's later chunks), so that the failed run
rolls back to its savepoint alone and is recorded failed while the others go on. A transient
database error (deadlock, lost connection) rolls the whole chunk back, and its runs are then
executed one transaction each (`runner.execute_run`), which retries them with backoff. A worker
killed mid-chunk leaves its runs `running` and none of their effects; the redelivered event
runs them again. Nothing leaves the process before a commit (e-mails, webhooks and dispatches
are queued on commit), so a rolled-back chunk has no effect to repeat.

Compared with a transaction per run this saves, per run, a round trip to lock the run, one to
write its outcome, the BEGIN/COMMIT pair and, while no run fails, the SAVEPOINT/RELEASE pair,
while holding item locks for one chunk at most. Each board's structure is read once a chunk.
"""

from __future__ import annotations

import contextlib
import json
import logging
from dataclasses import dataclass
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
from boards.services.contexts import board_structure_shared
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
    savepoints = False
    for start in range(0, len(todo), CHUNK):
        chunk = todo[start:start + CHUNK]
        try:
            try:
                outcomes = _run_chunk(chunk, batch, actors, touched, savepoints=savepoints)
            except RunRefused as refused:
                # Nothing of the chunk committed. Again, with a savepoint per run (and so for
                # the rest of the batch: where one run failed, others of its rule may), the
                # failed run recorded as it failed, in the same state, without acting again.
                savepoints = True
                outcomes = _run_chunk(chunk, batch, actors, touched, savepoints=True,
                                      refused=refused)
        except ChunkAborted as aborted:
            outcomes = _one_by_one(chunk, actors, aborted)
        for plan, outcome in zip(chunk, outcomes, strict=True):
            if outcome is None:
                continue  # done before (a redelivered event), or another worker has it
            if plan.match.item_id is not None:
                touched.add(plan.match.item_id)
            tally.add(plan.rule.workspace_id, outcome[1])
    return tally


@dataclass
class Failure:
    """How a run failed: what it records, and the exception (logged when unexpected)."""

    error: str
    undone: list[dict[str, Any]]
    exc: Exception


class RunRefused(Exception):
    """A run of a chunk without savepoints failed: the chunk must roll back and run again."""

    def __init__(self, plan: Planned, failure: Failure) -> None:
        super().__init__(failure.error)
        self.plan, self.failure = plan, failure


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
               touched: set[int], *, savepoints: bool,
               refused: RunRefused | None = None) -> list[Outcome]:
    # Outside the transaction: a rolled-back chunk must not take an actor's new row with it.
    acting = {plan.rule.workspace_id: actors.of(plan.rule.workspace) for plan in chunk}
    outcomes: list[Outcome] = []
    # Actions change no board structure: the chunk's item writes read each board's once.
    with transaction.atomic(), board_structure_shared():
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
            if refused is not None and plan is refused.plan:
                outcomes.append(_failed(plan, run, refused.failure))
            else:
                outcomes.append(_run_one(plan, run, acting[plan.rule.workspace_id], item,
                                         savepoint=savepoints))
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


def _run_one(plan: Planned, run: RuleRun, actor: Any, item: Any, *,
             savepoint: bool) -> Outcome:
    """One run, inside its savepoint if `savepoint`; the outcome is set on `run`, written by
    the caller. Without a savepoint, a failed run cannot be undone alone: RunRefused."""
    progress = Progress()
    try:
        with transaction.atomic() if savepoint else contextlib.nullcontext():
            perform(plan, run, actor, item, progress)
    except TRANSIENT as exc:
        raise ChunkAborted(plan, run.pk, exc) from exc
    except Exception as exc:
        failure = Failure(progress.error(exc)[:MAX_ERROR], progress.undone(), exc)
        if not savepoint:
            raise RunRefused(plan, failure) from exc
        return _failed(plan, run, failure)
    succeed(run, plan.rule, progress.results)
    return RunStatus.SUCCEEDED, len(progress.results)


def _failed(plan: Planned, run: RuleRun, failure: Failure) -> Outcome:
    if not isinstance(failure.exc, DomainError | LookupError):
        logger.error("rule %s run %s failed", plan.rule.pk, run.pk, exc_info=failure.exc)
    run.status, run.error = RunStatus.FAILED, failure.error
    run.actions, run.version = failure.undone, plan.rule.version
    run.attempts, run.finished_at = run.attempts + 1, timezone.now()
    return RunStatus.FAILED, 0
