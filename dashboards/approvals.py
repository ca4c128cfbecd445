"""Approval requests as the item page shows them: each step's state, who was asked and who
is still awaited, by name. Names for every request on the page are read in one query."""

from __future__ import annotations

from typing import Any

from automations.models import ApprovalRequest
from automations.selectors.approvals import step_states
from workos.tenancy.models import Membership

STATE_LABELS = {
    "approved": "Approved", "rejected": "Rejected", "skipped": "Skipped", "pending": "Waiting",
    "waiting": "Not reached yet", "not_reached": "Not reached", "cancelled": "Cancelled",
}


def approvals_shown(requests: list[ApprovalRequest]) -> list[dict[str, Any]]:
    """Each request with `steps` (number, name, state, label, asked and pending names, due)
    and its decisions in order."""
    states = {r.pk: step_states(r) for r in requests}
    ids: set[int] = set()
    for steps in states.values():
        for step in steps:
            ids.update(step["asked"], step["pending"])
    workspace_ids = {r.workspace_id for r in requests}
    names = {m.pk: m.display_name for m in Membership.all_objects.filter(
        workspace_id__in=workspace_ids, id__in=ids).select_related("user")}
    shown = []
    for request in requests:
        steps = []
        for step in states[request.pk]:
            steps.append({
                "number": step["index"] + 1, "name": step["name"] or f"Step {step['index'] + 1}",
                "state": step["state"], "label": STATE_LABELS.get(step["state"], step["state"]),
                "asked": [names.get(i, "") for i in step["asked"] if i in names],
                "pending": [names.get(i, "") for i in step["pending"] if i in names],
                "due_at": step["due_at"],
            })
        shown.append({"request": request, "steps": steps,
                      "decisions": list(request.decisions.all())})
    return shown
