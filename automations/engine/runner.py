"""Running matched rules, exactly once per (rule, event).

1. The runs of a batch are inserted together, before anything acts (`INSERT ... ON CONFLICT DO
   NOTHING` on the unique (rule, event_key)): a redelivered event finds its run already there.
2. Each run then executes in its own transaction (or, for a batch's runs, in its own savepoint
   of a chunk's transaction: see `batches`): it locks its RuleRun row (skipping one another
   worker holds), checks it is still `running`, performs every action through the services as
   the workspace's automation actor, and marks itself succeeded — the actions and the status
   commit together or not at all. A worker killed mid-run leaves a `running` row and no effects;
   the redelivered event (or the sweep) runs it again.
3. A failure rolls the actions back and is written afterwards, outside their transaction: a
   refusal by a service (DomainError) fails the run for good, with the error; a transient
   database error (lock timeout, deadlock, lost connection) keeps it `running` and retries it
   later with backoff, up to MAX_ATTEMPTS.
"""

from __future__ import annotations

import contextlib
import copy
import logging
import time
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from automations.catalogue import ACTIONS, TRIGGERS, Match
from automations.engine.context import RunContext
from automations.engine.events import Batch, items_query
from automations.engine.matching import Planned
from automations.models import Rule, RuleRun, RunStatus
from automations.services.actor import automation_actor
from workos.activity.services import Cause, acting_for
from workos.errors import DomainError
from workos.tenancy.models import Membership, Workspace

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError)
MAX_ATTEMPTS = 5
MAX_ERROR = 2000


def retry_delay(attempt: int) -> int:
    """Seconds before attempt `attempt + 1`: 5, 10, 20, 40 … capped well below the broker's
    visibility timeout, so a delayed message is never redelivered early."""
    return min(5 * 2 ** max(attempt - 1, 0), 300)


@dataclass
class Tally:
    """What a batch of runs did, per workspace: (runs executed, actions executed)."""

    counts: dict[int, list[int]] = field(default_factory=dict)

    def add(self, workspace_id: int, actions: int) -> None:
        row = self.counts.setdefault(workspace_id, [0, 0])
        row[0] += 1
        row[1] += actions

    def as_dict(self) -> dict[int, tuple[int, int]]:
        return {ws: (runs, actions) for ws, (runs, actions) in self.counts.items()}


class Actors:
    """The automation actor of each workspace. Kept for a minute in the process, so a busy
    worker does not look it up for every batch; keyed by the workspace's creation time too,
    so a reused id (test databases) never finds another workspace's actor."""

    TTL = 60.0
    _known: ClassVar[dict[tuple[int, Any], tuple[float, Membership]]] = {}

    def of(self, workspace: Workspace) -> Membership:
        key = (workspace.pk, workspace.created_at)
        found = self._known.get(key)
        now = time.monotonic()
        if found is None or now - found[0] > self.TTL:
            found = (now, automation_actor(workspace))
            self._known[key] = found
        actor = copy.copy(found[1])
        actor.workspace = workspace
        return actor


def insert_runs(planned: list[Planned]) -> None:
    """Insert the batch's runs in one statement; runs that exist already stay as they are."""
    now = timezone.now()
    RuleRun.objects.bulk_create(
        [
            RuleRun(
                workspace_id=p.rule.workspace_id, rule=p.rule, version=p.rule.version,
                event=p.activity, event_key=p.event_key, item_id=p.match.item_id,
                depth=p.depth,
                status=RunStatus.SKIPPED if p.skip_reason else RunStatus.RUNNING,
                reason=p.skip_reason, finished_at=now if p.skip_reason else None,
            )
            for p in planned
        ],
        ignore_conflicts=True,
    )


def _fresh_item(item_id: int | None) -> Any:
    if item_id is None:
        return None
    return items_query(assignees=False).filter(pk=item_id).first()


@dataclass
class Progress:
    """What a run's actions did so far, and the action under way (for the error)."""

    results: list[dict[str, Any]] = field(default_factory=list)
    current: str = ""

    def error(self, exc: Exception) -> str:
        if isinstance(exc, DomainError):
            message = exc.message
        elif isinstance(exc, LookupError):
            message = str(exc)
        else:
            message = f"unexpected error {type(exc).__name__}: {exc}"
        return f"{self.current}: {message}" if self.current else message

    def undone(self) -> list[dict[str, Any]]:
        rows = [{**r, "rolled_back": True} for r in self.results]
        if self.current:
            rows.append({"type": self.current, "failed": True})
        return rows


def perform(plan: Planned, run: RuleRun, actor: Membership, item: Any,
            progress: Progress) -> None:
    """Every action of the run's rule, in the caller's transaction, as the automation actor
    acting for the run's event. `item`: the run's item as just read, else it is read here."""
    rule = plan.rule
    if item is None or item.pk != run.item_id:
        item = _fresh_item(run.item_id)
    if plan.match.item_id is not None and item is None:
        raise DomainError("The item is gone: it was deleted before the rule ran.")
    context = RunContext(
        workspace=rule.workspace, rule=rule, actor=actor,
        item=item, event=plan.activity, run=run, trigger=plan.match.values,
    )
    cause = Cause(activity=plan.activity, run_id=run.pk,
                  actor_label=context.actor_label) if plan.activity else None
    with acting_for(cause) if cause else contextlib.nullcontext():
        for spec in rule.actions or []:
            action = ACTIONS.get(spec.get("type", ""))
            progress.current = action.label if action else str(spec.get("type"))
            if action is None or not action.available:
                raise DomainError(f"'{spec.get('type')}' is not an action this server "
                                  "can run.")
            done = action.execute(spec.get("config") or {}, context)
            progress.results.append({"type": action.id, **done})
    progress.current = ""


def succeed(run: RuleRun, rule: Rule, results: list[dict[str, Any]]) -> None:
    run.status, run.actions, run.version = RunStatus.SUCCEEDED, results, rule.version
    run.attempts, run.finished_at, run.error = run.attempts + 1, timezone.now(), ""


def execute_run(plan: Planned, actors: Actors, *, run_id: int | None = None,
                item: Any = None) -> tuple[str, int] | None:
    """Execute the run of `plan` (or the stored run `run_id`) if it is still to do, in a
    transaction of its own; (status, actions done), or None when it is finished or another
    worker has it. `item`: the run's item as just read, else it is read here."""
    rule = plan.rule
    progress = Progress()
    locked_id: int | None = run_id
    # Outside the run's transaction: a rolled-back run must not take the actor's row with it.
    actor = actors.of(rule.workspace)
    try:
        with transaction.atomic():
            pending = RuleRun.objects.select_for_update(skip_locked=True).filter(
                status=RunStatus.RUNNING)
            pending = pending.filter(pk=run_id) if run_id is not None else pending.filter(
                rule_id=rule.pk, event_key=plan.event_key)
            run = pending.first()
            if run is None:
                return None
            locked_id = run.pk
            perform(plan, run, actor, item, progress)
            succeed(run, rule, progress.results)
            run.save(update_fields=["status", "actions", "version", "attempts", "finished_at",
                                    "error"])
        return RunStatus.SUCCEEDED, len(progress.results)
    except TRANSIENT as exc:
        if locked_id is None:
            raise
        return retry_later(locked_id, rule, exc)
    except Exception as exc:
        if locked_id is None:
            raise
        if not isinstance(exc, DomainError | LookupError):
            logger.exception("rule %s run %s failed", rule.pk, locked_id)
        _fail(locked_id, rule, progress.error(exc), progress.undone())
        return RunStatus.FAILED, 0


def _fail(run_id: int, rule: Rule, error: str, undone: list[dict[str, Any]]) -> None:
    RuleRun.objects.filter(pk=run_id).update(
        status=RunStatus.FAILED, error=error[:MAX_ERROR], actions=undone,
        attempts=F("attempts") + 1, finished_at=timezone.now(), version=rule.version,
    )


def retry_later(run_id: int, rule: Rule, exc: Exception) -> tuple[str, int]:
    """Keep the run to do and try again later, or fail it after MAX_ATTEMPTS."""
    from automations.tasks import run_rule

    run = RuleRun.objects.filter(pk=run_id).only("attempts").first()
    attempt = (run.attempts if run else 0) + 1
    error = f"Temporary database error (attempt {attempt} of {MAX_ATTEMPTS}): {exc}"
    if attempt >= MAX_ATTEMPTS:
        _fail(run_id, rule, error, [])
        return RunStatus.FAILED, 0
    RuleRun.objects.filter(pk=run_id).update(attempts=attempt, error=error[:MAX_ERROR])
    run_rule.apply_async((run_id,), countdown=retry_delay(attempt))
    return RunStatus.RUNNING, 0


def plan_of_run(run: RuleRun) -> Planned:
    """Rebuild what a stored run acts on: its item, and the trigger's values from its event."""
    rule = run.rule
    values: dict[str, Any] = {}
    trigger = TRIGGERS.get((rule.trigger or {}).get("type", ""))
    if trigger is not None and run.event is not None and not trigger.timed:
        batch = Batch.of([run.event])
        try:
            found = trigger.match((rule.trigger or {}).get("config") or {}, batch.events[0], batch)
        except Exception:
            found = []
        values = next((m.values for m in found if m.item_id == run.item_id), {})
    return Planned(rule=rule, activity=run.event, match=Match(run.item_id, values),
                   event_key=run.event_key, depth=run.depth)


def resume(run_id: int) -> str | None:
    """Execute a stored run that is still to do (a retry, or one a killed worker left)."""
    run = (RuleRun.objects.select_related("rule__workspace", "rule__owner", "rule__created_by",
                                          "event")
           .filter(pk=run_id).first())
    if run is None or run.status != RunStatus.RUNNING:
        return None
    outcome = execute_run(plan_of_run(run), Actors(), run_id=run.pk)
    if outcome is None:
        return None
    if outcome[0] != RunStatus.RUNNING:
        from automations.engine.notices import usage_add

        usage_add({run.workspace_id: (1, outcome[1])})
    return outcome[0]
