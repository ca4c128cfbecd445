"""Every write of time tracking: keyword-only functions taking the acting membership, each one
transaction that checks permission and records Activity."""

from timetracking.services.entries import (
    local_date,
    time_entry_create,
    time_entry_delete,
    time_entry_update,
    workspace_zone,
)
from timetracking.services.planning import (
    allocation_create,
    allocation_delete,
    allocation_update,
    schedule_create,
    schedule_delete,
    schedule_update,
    time_off_create,
    time_off_decide,
    time_off_delete,
    time_off_update,
)
from timetracking.services.rates import (
    rate_applicable,
    rate_create,
    rate_delete,
    rate_update,
)
from timetracking.services.timers import (
    split_by_local_day,
    timer_discard,
    timer_start,
    timer_stop,
)
from timetracking.services.timesheets import (
    may_decide,
    timesheet_approve,
    timesheet_reject,
    timesheet_reminders_send,
    timesheet_submit,
)

__all__ = [
    "allocation_create",
    "allocation_delete",
    "allocation_update",
    "local_date",
    "may_decide",
    "rate_applicable",
    "rate_create",
    "rate_delete",
    "rate_update",
    "schedule_create",
    "schedule_delete",
    "schedule_update",
    "split_by_local_day",
    "time_entry_create",
    "time_entry_delete",
    "time_entry_update",
    "time_off_create",
    "time_off_decide",
    "time_off_delete",
    "time_off_update",
    "timer_discard",
    "timer_start",
    "timer_stop",
    "timesheet_approve",
    "timesheet_reject",
    "timesheet_reminders_send",
    "timesheet_submit",
    "workspace_zone",
]
