"""Every read of time tracking, scoped to a workspace (and the viewer where visibility differs).

`board_actual_cost` is the public read for apps above this one (project budgets).
"""

from timetracking.selectors.entries import (
    EntryFilters,
    ItemTime,
    TimesheetFilters,
    entries_overlapping,
    item_time_totals,
    sees_everyones_time,
    time_entry_get,
    time_entry_list,
    timer_running,
    timesheet_for_week,
    timesheet_get,
    timesheet_list,
)
from timetracking.selectors.planning import (
    AllocationFilters,
    RateFilters,
    TimeOffFilters,
    allocation_get,
    allocation_list,
    calendars_load,
    rate_get,
    rate_list,
    rates_in_scope,
    schedule_get,
    schedule_list,
    time_off_get,
    time_off_list,
)
from timetracking.selectors.reports import (
    board_actual_cost,
    report_grouping_register,
    report_groupings,
    time_sums,
)
from timetracking.selectors.time_report import time_report
from timetracking.selectors.workload import (
    workload_as_dict,
    workload_compute_for,
    workload_member_ids,
    workload_suggestions,
)

__all__ = [
    "AllocationFilters",
    "EntryFilters",
    "ItemTime",
    "RateFilters",
    "TimeOffFilters",
    "TimesheetFilters",
    "allocation_get",
    "allocation_list",
    "board_actual_cost",
    "calendars_load",
    "entries_overlapping",
    "item_time_totals",
    "rate_get",
    "rate_list",
    "rates_in_scope",
    "report_grouping_register",
    "report_groupings",
    "schedule_get",
    "schedule_list",
    "sees_everyones_time",
    "time_entry_get",
    "time_entry_list",
    "time_off_get",
    "time_off_list",
    "time_report",
    "time_sums",
    "timer_running",
    "timesheet_for_week",
    "timesheet_get",
    "timesheet_list",
    "workload_as_dict",
    "workload_compute_for",
    "workload_member_ids",
    "workload_suggestions",
]
