from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "Projects"

    def ready(self) -> None:
        from boards.services.hooks import item_changed_register
        from projects.services.reschedule import item_changed

        # A task's new dates move its successors, in the same transaction (issue 5).
        item_changed_register("projects.reschedule", item_changed)

        from projects.reporting_hooks import register

        # Time reports grouped by project (timetracking can't import projects).
        register()
