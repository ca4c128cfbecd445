"""An item's time as its page shows it: the entries the viewer may see, newest first, their
total, and the viewer's running timer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Sum

from boards.models import Item
from timetracking.models import Timer
from timetracking.selectors.entries import EntryFilters, time_entry_list, timer_running
from workos.tenancy.models import Membership

ENTRIES_SHOWN = 20


@dataclass
class ItemTimeView:
    entries: list[Any]
    more: bool
    total_minutes: int
    timer: Timer | None


def item_time_view(*, item: Item, viewer: Membership) -> ItemTimeView:
    """Three queries: the newest entries, the total of all of them, the viewer's timer. Guests
    and members see only the entries `time_entry_list` lets them see."""
    entries = time_entry_list(workspace=item.workspace, viewer=viewer,
                              filters=EntryFilters(item=item.pk))
    shown = list(entries.select_related("member__user").order_by("-started_at", "-id")
                 [:ENTRIES_SHOWN + 1])
    total = entries.aggregate(minutes=Sum("duration_minutes"))["minutes"] or 0
    return ItemTimeView(entries=shown[:ENTRIES_SHOWN], more=len(shown) > ENTRIES_SHOWN,
                        total_minutes=total,
                        timer=timer_running(workspace=item.workspace, member=viewer))
