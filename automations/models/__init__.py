"""Automations: rules and their runs, outgoing and incoming webhooks, recurring schedules,
request intake (forms and submissions), approval flows, and the bookkeeping that makes workers
safe to kill (delivery counters, dead letters, usage)."""

from .approvals import ApprovalFlow, ApprovalRequest, ApprovalStatus, Decision, DecisionKind
from .intake import Form, FormAccess, FormRoundRobin, Submission, SubmissionStatus
from .reliability import DeadLetter, TaskDelivery
from .rules import AutomationSettings, AutomationUsage, Rule, RuleRun, RuleVersion, RunStatus, Scope
from .schedules import RecurringOccurrence, RecurringSchedule
from .webhooks import DeliveryStatus, IncomingWebhook, WebhookDelivery, WebhookEndpoint

__all__ = [
    "ApprovalFlow", "ApprovalRequest", "ApprovalStatus", "AutomationSettings", "AutomationUsage",
    "DeadLetter", "Decision", "DecisionKind", "DeliveryStatus", "Form", "FormAccess",
    "FormRoundRobin", "IncomingWebhook", "RecurringOccurrence", "RecurringSchedule", "Rule",
    "RuleRun", "RuleVersion", "RunStatus", "Scope", "Submission", "SubmissionStatus",
    "TaskDelivery", "WebhookDelivery", "WebhookEndpoint",
]
