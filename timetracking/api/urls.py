from django.urls import path
from rest_framework.routers import SimpleRouter

from timetracking.api import views

router = SimpleRouter()
router.register("time-entries", views.TimeEntryViewSet, basename="time-entry")
router.register("timesheets", views.TimesheetViewSet, basename="timesheet")
router.register("rates", views.RateViewSet, basename="rate")
router.register("time-off", views.TimeOffViewSet, basename="time-off")
router.register("allocations", views.AllocationViewSet, basename="allocation")
router.register("schedules/work", views.WorkScheduleViewSet, basename="work-schedule")

# Mounted by workos/urls.py under workspaces/{ws}/.
scoped = [
    path("timer/", views.TimerView.as_view(), name="timer"),
    path("timer/start/", views.TimerStartView.as_view(), name="timer-start"),
    path("timer/stop/", views.TimerStopView.as_view(), name="timer-stop"),
    path("timer/discard/", views.TimerDiscardView.as_view(), name="timer-discard"),
    path("workload/", views.WorkloadView.as_view(), name="workload"),
    path("workload/suggestions/", views.WorkloadSuggestionsView.as_view(),
         name="workload-suggestions"),
    path("reports/time/", views.TimeReportView.as_view(), name="report-time"),
    *router.urls,
]
