"""The approval state machine's moves, shared by starting, deciding and the deadline sweep.
Every function here takes a request its caller has locked, inside the caller's transaction.

Who approves a step, resolved when the step is reached:
- people: those listed; team: the team's members then (mode "any": one approval completes the
  step; "all": each approver must approve); manager: the requester's manager;
- nobody approves their own request: the requester is left out of the approvers;
- if nobody is left (no manager, an empty team, everyone listed has left), the step's
  `fallback`; without one, the workspace's owners and admins (any one of them), so a request
  never waits for nobody.
What was resolved is written into the request's copy of the step (`asked`, `asked_mode`,
`asked_via`, later `escalated_to`), so the request's history stays readable after the team
or the flow changes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.db import transaction

from automations.catalogue import conditions_hold
from automations.engine.events import Batch
from automations.models import ApprovalRequest, ApprovalStatus, Decision, DecisionKind
from automations.services import approval_notices as notices
from automations.services.actor import automation_actor, human_admins
from automations.services.approval_flows import DEFAULT_NOTIFY
from boards.models import Group, Item, Status
from boards.services import item_move, item_update
from workos.activity.models import Activity
from workos.activity.services import Cause, acting_for, activity_record, current_cause
from workos.errors import DomainError
from workos.tenancy.models import Membership, Role, Team


def approvers_of(members: Any) -> list[Membership]:
    """Active members who may approve (no guests, no automation), in a stable order."""
    return [m for m in members.select_related("user").order_by("id")
            if m.role != Role.GUEST and not m.user.email.endswith(".invalid")]


def fallback_people(request: ApprovalRequest, step: dict[str, Any]) -> tuple[list[Membership],
                                                                              str]:
    """The step's fallback approver, else the workspace's owners and admins."""
    requester = request.requested_by_id
    if step.get("fallback"):
        fallback = approvers_of(Membership.objects.filter(workspace=request.workspace,
                                                          id=step["fallback"]))
        if fallback and fallback[0].pk != requester:
            return fallback, "fallback"
    admins = human_admins(request.workspace)
    # A requester who is the only admin decides alone rather than wait forever.
    return [m for m in admins if m.pk != requester] or admins, "admins"


def resolve(request: ApprovalRequest, step: dict[str, Any]) -> tuple[list[Membership], str, str]:
    """(approvers, mode, how they were found) for a step being entered."""
    spec = step["approvers"]
    ws = request.workspace
    if spec["kind"] == "people":
        found = approvers_of(Membership.objects.filter(workspace=ws, id__in=spec["people"]))
    elif spec["kind"] == "team":
        team = Team.objects.filter(workspace=ws, id=spec["team"]).first()
        found = approvers_of(team.members.all()) if team is not None else []
    else:
        manager_id = request.requested_by.manager_id if request.requested_by_id else None
        found = approvers_of(Membership.objects.filter(workspace=ws, id=manager_id)) if (
            manager_id) else []
    found = [m for m in found if m.pk != request.requested_by_id]
    if found:
        mode = spec.get("mode", "any") if spec["kind"] != "manager" else "any"
        return found, mode, spec["kind"]
    people, via = fallback_people(request, step)
    return people, "any", via


def step_applies(step: dict[str, Any], item: Item) -> bool:
    if not step.get("when"):
        return True
    batch = Batch(events=[])
    batch.load_items([item.pk])
    fresh = batch.item(item.pk)
    return conditions_hold(step["when"], fresh, batch) if fresh is not None else False


def advance(request: ApprovalRequest, start: int, now: dt.datetime,
            actor: Membership | None) -> bool:
    """Enter the first step from `start` whose condition holds, skipping (and recording) the
    others; False when no step is left, i.e. the request is approved."""
    for index in range(start, len(request.steps)):
        step = request.steps[index]
        if not step_applies(step, request.item):
            Decision.objects.create(request=request, step=index, decision=DecisionKind.SKIPPED,
                                    comment="Skipped: its condition does not hold for the item.")
            continue
        people, mode, via = resolve(request, step)
        step.update(asked=[m.pk for m in people], asked_mode=mode, asked_via=via)
        request.current_step = index
        request.step_started_at = now
        hours = step.get("deadline_hours")
        request.step_due_at = now + dt.timedelta(hours=hours) if hours else None
        request.reminded_at = None
        request.escalated_at = None
        request.save()
        request.pending_approvers.set(people)
        notices.approvers_asked(request, people, actor)
        return True
    return False


def _by_name(rows: Any, name: str | None) -> Any:
    if not name:
        return None
    wanted = name.casefold()
    return next((r for r in rows if r.name.casefold() == wanted), None)


def _outcome_status(item: Item, outcome: dict[str, Any]) -> Status | None:
    statuses = list(Status.objects.filter(board_id=item.board_id).order_by("position", "id"))
    found = _by_name(statuses, outcome.get("status"))
    if found is None and outcome.get("status_category"):
        found = next((s for s in statuses if s.category == outcome["status_category"]), None)
    return found


def apply_outcome(request: ApprovalRequest, outcome: dict[str, Any], cause: Activity
                  ) -> dict[str, Any]:
    """Set the status and move to the group the outcome names, as the automation actor; what
    was done. A status or group the item's board lacks, or a refused change (an archived
    board), is noted and skipped: the decision stands either way."""
    done: dict[str, Any] = {}
    wants_status = outcome.get("status") or outcome.get("status_category")
    if not wants_status and not outcome.get("group"):
        return done
    bot = automation_actor(request.workspace)
    label = f"Approval: {request.flow.name}"[:200]
    # Inside a rule run, the run stays the cause (its loop guard counts this change too).
    scope = (contextlib.nullcontext() if current_cause() is not None
             else acting_for(Cause(activity=cause, run_id=None, actor_label=label)))
    item = Item.objects.select_related("board").get(pk=request.item_id)
    with scope:
        if wants_status:
            status = _outcome_status(item, outcome)
            if status is None:
                done["status_missing"] = outcome.get("status") or outcome["status_category"]
            elif status.pk != item.status_id:
                done["status"] = _attempt(done, lambda: item_update(
                    actor=bot, item=item, fields={"status": status.pk}).status_id)
        if outcome.get("group"):
            groups = Group.objects.filter(board_id=item.board_id, archived_at__isnull=True)
            group = _by_name(groups.order_by("position", "id"), outcome["group"])
            if group is None:
                done["group_missing"] = outcome["group"]
            elif group.pk != item.group_id:
                item.refresh_from_db()
                done["group"] = _attempt(done, lambda: item_move(
                    actor=bot, item=item, group=group.pk).group_id)
    return done


def _attempt(done: dict[str, Any], change: Any) -> Any:
    try:
        with transaction.atomic():
            return change()
    except DomainError as exc:
        done.setdefault("errors", []).append(exc.message)
        return None


def finish(request: ApprovalRequest, status: str, now: dt.datetime, cause: Activity,
           actor: Membership | None, comment: str = "") -> None:
    """Close the request as approved or rejected: apply the flow's outcome, record the
    `approval.decided` event (the `approval_decided` rule trigger reads it) and notify."""
    request.status = status
    request.decided_at = now
    request.save()
    request.pending_approvers.clear()
    flow = request.flow
    outcome = (flow.on_approved if status == ApprovalStatus.APPROVED else flow.on_rejected) or {}
    applied = apply_outcome(request, outcome, cause)
    activity_record(
        workspace=request.workspace, actor=actor.user if actor else None,
        verb="approval.decided", target=request.item,
        data={"decision": status, "flow": flow.pk, "request": request.pk,
              "board": request.item.board_id, "outcome": applied},
    )
    notices.outcome(request, list(outcome.get("notify", DEFAULT_NOTIFY)), comment)
