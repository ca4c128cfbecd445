from django.apps import AppConfig


class TimetrackingConfig(AppConfig):
    name = "timetracking"
    verbose_name = "Timetracking"

    def ready(self) -> None:
        from boards.computed import provider_register
        from timetracking.columns import tracked_hours

        provider_register("time_tracked", tracked_hours)
