"""Telling people about approval requests: approvers asked, reminded or escalated to, and the
outcome. Each notice is an in-app notification leading to the decision page, mailed after
commit by the notification e-mail task; a requester known only by e-mail (a public form) gets a
plain e-mail of the outcome.

Being asked to approve shows an approver the request and its item's name even on a board they
cannot open: the flow's author chose them. Everyone else named by an outcome's `notify` hears
of it only if they can see the item's board.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable

from django.db import transaction

from automations.models import ApprovalRequest
from boards.selectors import board_role
from workos.activity.services import notify
from workos.tenancy.models import Membership, Team


def decision_path(request: ApprovalRequest) -> str:
    """The decision page (`approval-page` in workos/urls.py), spelled out: services and
    workers do not load the site's URL configuration."""
    return f"/w/{request.workspace.slug}/approvals/{request.pk}/"


def mail_on_commit(ids: list[int]) -> None:
    from automations.tasks import send_notification_emails

    if ids:
        transaction.on_commit(lambda: send_notification_emails.delay(ids))


def send(request: ApprovalRequest, recipients: Iterable[Membership], *, verb: str, title: str,
         actor: Membership | None = None, actor_label: str = "") -> list[int]:
    """Notify and mail the recipients about the request; the ids of the notifications."""
    rows = notify(
        workspace=request.workspace, recipients=list(recipients), verb=verb, target=request,
        title=title, actor_label=actor_label or f"Approval: {request.flow.name}", actor=actor,
        link=decision_path(request),
        data={"item": request.item_id, "board": request.item.board_id, "flow": request.flow_id,
              "request": request.pk},
    )
    ids = [r.pk for r in rows]
    mail_on_commit(ids)
    return ids


def _step_label(request: ApprovalRequest) -> str:
    step = request.steps[request.current_step]
    return f"step {request.current_step + 1} of {len(request.steps)}: {step['name']}"


def local_time(request: ApprovalRequest, moment: dt.datetime) -> str:
    try:
        zone = zoneinfo.ZoneInfo(request.workspace.timezone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def approvers_asked(request: ApprovalRequest, approvers: list[Membership],
                    actor: Membership | None) -> None:
    due = (f", due {local_time(request, request.step_due_at)}" if request.step_due_at else "")
    send(request, approvers, verb="approval.requested", actor=actor,
         title=f"Approval needed: '{request.item.name}' ({request.flow.name}, "
               f"{_step_label(request)}){due}")


def approvers_reminded(request: ApprovalRequest, approvers: list[Membership]) -> None:
    due = local_time(request, request.step_due_at) if request.step_due_at else ""
    send(request, approvers, verb="approval.reminder",
         title=f"Reminder: '{request.item.name}' waits for your approval ({request.flow.name}, "
               f"{_step_label(request)}) until {due}")


def escalated_to(request: ApprovalRequest, people: list[Membership]) -> None:
    send(request, people, verb="approval.escalated",
         title=f"Overdue approval: '{request.item.name}' ({request.flow.name}, "
               f"{_step_label(request)}) passed its deadline; you can decide it now")


def cancelled(request: ApprovalRequest, approvers: list[Membership], actor: Membership,
              reason: str) -> None:
    why = f": {reason}" if reason else ""
    send(request, approvers, verb="approval.cancelled", actor=actor,
         actor_label=actor.display_name,
         title=f"No approval needed any more: '{request.item.name}' was withdrawn{why}")


def _sees_board(request: ApprovalRequest, member: Membership) -> bool:
    return board_role(request.item.board, member) is not None


def outcome_recipients(request: ApprovalRequest, entries: list[object]) -> list[Membership]:
    """Who an outcome's `notify` names, as members still in the workspace."""
    found: list[Membership] = []
    trusted: set[int] = set()
    if "requester" in entries and request.requested_by_id:
        found.append(request.requested_by)
        trusted.add(request.requested_by_id)
    if "approvers" in entries:
        ids = {d.approver_id for d in request.decisions.all() if d.approver_id}
        for step in request.steps:
            ids.update(step.get("asked", []))
        approvers = list(Membership.objects.filter(id__in=ids, workspace=request.workspace))
        found += approvers
        trusted.update(m.pk for m in approvers)
    others: list[Membership] = []
    if "assignees" in entries:
        others += list(request.item.assignees.all())
    member_ids = [e["member"] for e in entries if isinstance(e, dict) and "member" in e]
    team_ids = [e["team"] for e in entries if isinstance(e, dict) and "team" in e]
    if team_ids:
        member_ids += list(Team.members.through.objects.filter(team_id__in=team_ids)
                           .values_list("membership_id", flat=True))
    if member_ids:
        others += list(Membership.objects.filter(id__in=member_ids,
                                                 workspace=request.workspace))
    found += [m for m in others if m.pk in trusted or _sees_board(request, m)]
    return [m for m in found if m.removed_at is None]


def outcome(request: ApprovalRequest, entries: list[object], comment: str) -> None:
    decided = request.status
    why = f": {comment}" if decided == "rejected" and comment else ""
    send(request, outcome_recipients(request, entries), verb=f"approval.{decided}",
         title=f"'{request.item.name}' was {decided} ({request.flow.name}){why}")
    if "requester" in entries and not request.requested_by_id and request.requester_email:
        from automations.tasks_approvals import send_requester_outcome

        transaction.on_commit(lambda: send_requester_outcome.delay(request.pk))
