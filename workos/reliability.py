"""A delivery counter of our own for acks-late Celery tasks, so a poison message stops looping.

With `acks_late` and `reject_on_worker_lost`, a message whose worker dies mid-task (SIGKILL,
out of memory, a segfault in a C extension) goes back to the queue and runs again: that is what
makes a killed worker lose nothing. But a message that *causes* the death would then kill
worker after worker forever. Celery cannot count these deliveries (the worker that would count
is dead), so `CountedTask` counts them in the database:

- a message that comes back (the broker marks it `redelivered`) adds one to a counter keyed by
  the task's name and id, committed before the task body runs: the number of deliveries before
  it that died. A first delivery costs no query at all;
- a counted delivery that ends (success, failure, or a retry it scheduled) removes the counter;
- once `delivery_limit` deliveries died, the next one is written to the dead letters with its
  arguments and acknowledged instead of run; an administrator can replay it from the admin;
- a task that fails for good (an exception with no retry left) is written there too, with
  the error.

The kernel cannot import the app that stores the counters (automations), so the store plugs
in through `ledger_register`, like the event consumers do. Without a ledger, tasks run uncounted.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar, Protocol

from celery import Task, current_app
from celery.exceptions import Ignore, Reject, Retry

logger = logging.getLogger(__name__)

DELIVERY_LIMIT = 5


class Ledger(Protocol):
    def delivered(self, key: str) -> int:
        """Count one more delivery of `key`, committed at once; return the count."""

    def finished(self, key: str) -> None:
        """Forget `key`: its delivery ended with an outcome."""

    def bury(self, *, task: str, args: list[Any], kwargs: dict[str, Any], deliveries: int,
             error: str) -> None:
        """Keep a message that will not be run again, for an administrator to replay."""


_ledger: Ledger | None = None


def ledger_register(ledger: Ledger | None) -> None:
    global _ledger
    _ledger = ledger


def ledger() -> Ledger | None:
    return _ledger


class CountedTask(Task):
    """Base class for idempotent acks-late tasks: `@shared_task(base=CountedTask, ...)`."""

    acks_late = True
    reject_on_worker_lost = True
    delivery_limit: ClassVar[int] = DELIVERY_LIMIT

    def delivery_key(self, request: Any) -> str:
        return f"{self.name}:{request.id}"

    def counted(self, request: Any) -> bool:
        """Whether this delivery may follow one that died (and so is counted)."""
        return bool((request.delivery_info or {}).get("redelivered"))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        store = _ledger
        request = self.request
        # A direct or eager call runs in the caller's process: no message can come back. (Eager
        # retries even run nested inside the first call, which a count would misread.)
        if store is None or request.called_directly or request.is_eager or not request.id:
            return super().__call__(*args, **kwargs)
        key = self.delivery_key(request)
        counting = self.counted(request)
        died = store.delivered(key) if counting else 0
        if died >= self.delivery_limit:
            error = (f"Delivered {died + 1} times; the worker running it was lost {died} times "
                     "(killed, out of memory or crashed) before it finished.")
            self._bury(store, key, list(args), kwargs, died + 1, error)
            return None
        try:
            result = super().__call__(*args, **kwargs)
        except (Retry, Ignore, Reject):
            if counting:
                store.finished(key)
            raise
        except Exception as exc:
            self._bury(store, key, list(args), kwargs, died + 1, f"{type(exc).__name__}: {exc}")
            raise
        if counting:
            store.finished(key)
        return result

    def _bury(self, store: Ledger, key: str, args: list[Any], kwargs: dict[str, Any],
              deliveries: int, error: str) -> None:
        logger.error("Task %s (%s) goes to the dead letters: %s", self.name, key, error)
        args, kwargs = self.letter(args, kwargs)
        store.bury(task=self.name, args=args, kwargs=dict(kwargs), deliveries=deliveries,
                   error=error)
        store.finished(key)
        self.buried(args, kwargs)

    def letter(self, args: list[Any], kwargs: dict[str, Any]) -> tuple[list[Any], dict[str, Any]]:
        """The arguments the dead letter keeps (and `buried` and a replay get); a task whose
        message stands for more than its arguments (a claimed batch) names it all here."""
        return args, kwargs

    def buried(self, args: list[Any], kwargs: dict[str, Any]) -> None:
        """Called once the message is in the dead letters; a task may clean up after it."""

    def replay(self, args: list[Any], kwargs: dict[str, Any]) -> None:
        """Send a dead letter again, as a new message."""
        self.apply_async(args=args, kwargs=kwargs)


def replay(task: str, args: list[Any], kwargs: dict[str, Any]) -> None:
    """Replay a dead letter of `task` (by name) through the task's own `replay`."""
    registered = current_app.tasks.get(task)
    if registered is None:
        raise LookupError(f"No task named {task} is registered.")
    replaying = getattr(registered, "replay", None)
    if replaying is None:
        registered.apply_async(args=args, kwargs=kwargs)
    else:
        replaying(list(args), dict(kwargs))
