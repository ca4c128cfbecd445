"""Event consumers: higher apps (automations) register here to receive new activities.

The kernel cannot import the apps above it, so they plug in: each consumer is called with a
list of activities in creation order and must be idempotent, because the periodic sweep may
hand it an event a second time after a crash.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workos.activity.models import Activity

Consumer = Callable[[Sequence["Activity"]], None]
_consumers: dict[str, Consumer] = {}


def consumer_register(name: str, consumer: Consumer) -> None:
    _consumers[name] = consumer


def consumers() -> list[Consumer]:
    return list(_consumers.values())
