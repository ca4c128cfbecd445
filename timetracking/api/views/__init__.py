from timetracking.api.views.entries import (
    TimeEntryViewSet,
    TimerDiscardView,
    TimerStartView,
    TimerStopView,
    TimerView,
    TimesheetViewSet,
)
from timetracking.api.views.insights import (
    TimeReportView,
    WorkloadSuggestionsView,
    WorkloadView,
)
from timetracking.api.views.planning import (
    AllocationViewSet,
    RateViewSet,
    TimeOffViewSet,
    WorkScheduleViewSet,
)

__all__ = [
    "AllocationViewSet",
    "RateViewSet",
    "TimeEntryViewSet",
    "TimeOffViewSet",
    "TimeReportView",
    "TimerDiscardView",
    "TimerStartView",
    "TimerStopView",
    "TimerView",
    "TimesheetViewSet",
    "WorkScheduleViewSet",
    "WorkloadSuggestionsView",
    "WorkloadView",
]
