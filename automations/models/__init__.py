"""Automations: rules and their runs, outgoing and incoming webhooks, recurring schedules, and
the bookkeeping that makes workers safe to kill (delivery counters, dead letters, usage)."""

from .reliability import DeadLetter, TaskDelivery
from .rules import AutomationSettings, AutomationUsage, Rule, RuleRun, RuleVersion, RunStatus, Scope
from .schedules import RecurringOccurrence, RecurringSchedule
from .webhooks import DeliveryStatus, IncomingWebhook, WebhookDelivery, WebhookEndpoint

__all__ = [
    "AutomationSettings", "AutomationUsage", "DeadLetter", "DeliveryStatus", "IncomingWebhook",
    "RecurringOccurrence", "RecurringSchedule", "Rule", "RuleRun", "RuleVersion", "RunStatus",
    "Scope", "TaskDelivery", "WebhookDelivery", "WebhookEndpoint",
]
