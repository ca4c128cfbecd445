from django.apps import AppConfig


class AutomationsConfig(AppConfig):
    name = "automations"
    verbose_name = "Automations"

    def ready(self) -> None:
        from automations import hooks_ready
        from automations.engine.dispatch import consume
        from workos.activity.dispatch import consumer_register

        hooks_ready.ready()
        # The rule engine reads every batch of new activities (see automations.engine).
        consumer_register("rules", consume)
