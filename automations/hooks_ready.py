"""Start-up wiring of webhooks, recurring work and the delivery counter, called from
AutomationsConfig.ready()."""

from __future__ import annotations


def ready() -> None:
    from automations import tasks_hooks  # noqa: F401 - registers the tasks in every process
    from automations.reliability import ledger_install
    from automations.services.webhooks import deliveries_for_events
    from workos.activity.dispatch import consumer_register

    ledger_install()
    consumer_register("webhooks", deliveries_for_events)
