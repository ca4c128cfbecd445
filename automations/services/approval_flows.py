"""Approval flows: checking a flow's steps and outcomes, and creating, changing and deleting
flows (workspace admins and owners).

A flow serves every board of the workspace, so its outcomes name statuses and groups by name
(and a status category to fall back on), found on the item's board when a request is decided;
ids would tie a flow to one board. Conditions (`when`) are the rule engine's condition trees,
checked here against the workspace's columns and tested on the item when a step is reached.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from automations.catalogue import TreeError, ValidationContext, conditions_clean
from automations.models import ApprovalFlow, ApprovalStatus, Form
from boards.models import StatusCategory
from workos.activity.services import activity_record
from workos.errors import Conflict, PermissionDenied, ValidationFailed
from workos.tenancy.models import Membership, Role, Team, role_at_least

MAX_STEPS = 10
MAX_DEADLINE_HOURS = 24 * 90
APPROVER_KINDS = ("people", "team", "manager")
MODES = ("any", "all")
STEP_KEYS = ("name", "approvers", "when", "deadline_hours", "remind_hours_before", "fallback")
OUTCOME_KEYS = ("status", "status_category", "group", "notify")
NOTIFY_WORDS = ("requester", "assignees", "approvers")
# Without a `notify` key the requester hears the outcome; `"notify": []` tells nobody.
DEFAULT_NOTIFY = ("requester",)


class _Bad(Exception):
    def __init__(self, path: list[str], message: str, detail: Any = None) -> None:
        super().__init__(message)
        self.path = path
        self.message = message
        self.detail = detail  # nested {field: [messages]} below `path`, if any


def _nest(path: list[str], message: str, detail: Any = None) -> dict[str, Any]:
    fields: Any = detail or [message]
    for key in reversed(path):
        fields = {key: fields}
    return fields


def require_flow_admin(actor: Membership, doing: str) -> None:
    if not role_at_least(actor.role, Role.ADMIN):
        raise PermissionDenied(f"{doing} needs the admin role or higher; you are {actor.role}.")


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _approver_members(actor: Membership, ids: list[Any], path: list[str]) -> list[int]:
    """Active members who are not guests: the people who may approve."""
    if not all(_is_id(i) for i in ids):
        raise _Bad(path, "Give member ids (whole numbers).")
    found = dict(Membership.objects.filter(workspace=actor.workspace, id__in=ids)
                 .values_list("id", "role"))
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise _Bad(path, f"No member {', '.join(missing)} in this workspace.")
    guests = [str(i) for i in ids if found[i] == Role.GUEST]
    if guests:
        raise _Bad(path, f"Guests cannot approve (member {', '.join(guests)}).")
    return list(dict.fromkeys(ids))


def _hours(step: dict[str, Any], key: str, path: list[str]) -> int | None:
    value = step.get(key)
    if value is None:
        return None
    if not _is_id(value) or not (0 < value <= MAX_DEADLINE_HOURS):
        raise _Bad([*path, key], f"Give a whole number of hours from 1 to {MAX_DEADLINE_HOURS}.")
    return value


def _approvers_clean(actor: Membership, spec: Any, path: list[str]) -> dict[str, Any]:
    if not isinstance(spec, dict) or spec.get("kind") not in APPROVER_KINDS:
        raise _Bad([*path, "kind"], f"Approvers are {{\"kind\": ...}} with kind one of "
                   f"{', '.join(APPROVER_KINDS)}.")
    kind = spec["kind"]
    allowed = {"people": {"kind", "people", "mode"}, "team": {"kind", "team", "mode"},
               "manager": {"kind"}}[kind]
    extra = sorted(set(spec) - allowed)
    if extra:
        raise _Bad([*path, extra[0]],
                   f"Approvers of kind {kind} take {', '.join(sorted(allowed))}.")
    mode = spec.get("mode", "any")
    if mode not in MODES:
        raise _Bad([*path, "mode"], "mode is any (one approval is enough) or all (everyone "
                   "approves).")
    if kind == "manager":
        return {"kind": "manager"}
    if kind == "people":
        people = spec.get("people")
        if not isinstance(people, list) or not people:
            raise _Bad([*path, "people"], "List at least one member id.")
        return {"kind": "people", "people": _approver_members(actor, people, [*path, "people"]),
                "mode": mode}
    team = spec.get("team")
    if not _is_id(team) or not Team.objects.filter(workspace=actor.workspace, id=team).exists():
        raise _Bad([*path, "team"], f"There is no team {team} in this workspace.")
    return {"kind": "team", "team": team, "mode": mode}


def _step_clean(actor: Membership, vctx: ValidationContext, step: Any, path: list[str]
                ) -> dict[str, Any]:
    if not isinstance(step, dict):
        raise _Bad(path, "A step is an object with name and approvers.")
    extra = sorted(set(step) - set(STEP_KEYS))
    if extra:
        raise _Bad([*path, extra[0]], f"Unknown key; a step takes {', '.join(STEP_KEYS)}.")
    name = step.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        raise _Bad([*path, "name"], "Give the step a name of 1 to 200 characters.")
    clean: dict[str, Any] = {"name": name.strip(),
                             "approvers": _approvers_clean(actor, step.get("approvers"),
                                                           [*path, "approvers"])}
    if step.get("when") not in (None, {}):
        try:
            clean["when"] = conditions_clean(step["when"], vctx)
        except TreeError as exc:
            raise _Bad([*path, "when"], exc.message, exc.fields) from exc
    deadline = _hours(step, "deadline_hours", path)
    remind = _hours(step, "remind_hours_before", path)
    if remind is not None and (deadline is None or remind >= deadline):
        raise _Bad([*path, "remind_hours_before"],
                   "Remind before the deadline: give deadline_hours, and fewer hours here.")
    if deadline is not None:
        clean["deadline_hours"] = deadline
    if remind is not None:
        clean["remind_hours_before"] = remind
    if step.get("fallback") is not None:
        clean["fallback"] = _approver_members(actor, [step["fallback"]], [*path, "fallback"])[0]
    return clean


def steps_clean(actor: Membership, steps: Any) -> list[dict[str, Any]]:
    """The steps as stored; a 400 naming the step and its field otherwise."""
    if not isinstance(steps, list) or not steps:
        raise ValidationFailed("A flow needs at least one step.",
                               fields={"steps": ["Give a list of steps."]})
    if len(steps) > MAX_STEPS:
        raise ValidationFailed(f"A flow has at most {MAX_STEPS} steps.",
                               fields={"steps": [f"At most {MAX_STEPS}."]})
    vctx = ValidationContext(workspace=actor.workspace, editor=actor, scope="workspace",
                             board=None)
    clean = []
    for index, step in enumerate(steps):
        try:
            clean.append(_step_clean(actor, vctx, step, [str(index)]))
        except _Bad as exc:
            label = step.get("name") if isinstance(step, dict) else None
            where = f"Step {index + 1}" + (f" ('{label}')" if isinstance(label, str) and label
                                           else "")
            field = ".".join(exc.path[1:]) or "step"
            raise ValidationFailed(f"{where}, {field}: {exc.message}",
                                   fields={"steps": _nest(exc.path, exc.message, exc.detail)}
                                   ) from exc
    return clean


def _notify_clean(actor: Membership, entries: Any, path: list[str]) -> list[Any]:
    if not isinstance(entries, list):
        raise _Bad(path, "notify is a list.")
    clean: list[Any] = []
    for i, entry in enumerate(entries):
        here = [*path, str(i)]
        if entry in NOTIFY_WORDS:
            clean.append(entry)
        elif isinstance(entry, dict) and set(entry) == {"member"}:
            clean.append({"member": _approver_members(actor, [entry["member"]], here)[0]})
        elif isinstance(entry, dict) and set(entry) == {"team"}:
            if not _is_id(entry["team"]) or not Team.objects.filter(
                    workspace=actor.workspace, id=entry["team"]).exists():
                raise _Bad(here, f"There is no team {entry['team']} in this workspace.")
            clean.append({"team": entry["team"]})
        else:
            raise _Bad(here, f"Use {', '.join(NOTIFY_WORDS)}, {{\"member\": id}} or "
                       "{\"team\": id}.")
    return clean


def _outcome_clean(actor: Membership, outcome: Any, name: str) -> dict[str, Any]:
    try:
        if outcome in (None, {}):
            return {}
        if not isinstance(outcome, dict):
            raise _Bad([], "An outcome is an object with status, status_category, group, notify.")
        extra = sorted(set(outcome) - set(OUTCOME_KEYS))
        if extra:
            raise _Bad([extra[0]], f"Unknown key; use {', '.join(OUTCOME_KEYS)}.")
        clean: dict[str, Any] = {}
        for key in ("status", "group"):
            value = outcome.get(key)
            if value is None:
                continue
            if not isinstance(value, str) or not value.strip() or len(value) > 200:
                raise _Bad([key], f"Name the {key} (e.g. \"Approved\"): a flow serves every "
                           f"board, so the {key} is found by name on the item's board.")
            clean[key] = value.strip()
        category = outcome.get("status_category")
        if category is not None:
            if category not in StatusCategory.values:
                raise _Bad(["status_category"], f"Use one of {', '.join(StatusCategory.values)}.")
            clean["status_category"] = category
        if "notify" in outcome:
            clean["notify"] = _notify_clean(actor, outcome["notify"], ["notify"])
        return clean
    except _Bad as exc:
        field = ".".join([name, *exc.path])
        raise ValidationFailed(f"{field}: {exc.message}",
                               fields={name: _nest(exc.path, exc.message) if exc.path
                                       else [exc.message]}) from exc


def _name_clean(name: Any) -> str:
    name = name.strip() if isinstance(name, str) else ""
    if not name or len(name) > 200:
        raise ValidationFailed("Give the flow a name of 1 to 200 characters.",
                               fields={"name": ["Required, at most 200 characters."]})
    return name


def _fields_clean(actor: Membership, fields: dict[str, Any]) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if "name" in fields:
        clean["name"] = _name_clean(fields["name"])
    if "description" in fields:
        clean["description"] = (fields["description"] or "")[:5000]
    if "steps" in fields:
        clean["steps"] = steps_clean(actor, fields["steps"])
    for key in ("on_approved", "on_rejected"):
        if key in fields:
            clean[key] = _outcome_clean(actor, fields[key], key)
    if "enabled" in fields:
        clean["enabled"] = bool(fields["enabled"])
    return clean


@transaction.atomic
def flow_create(*, actor: Membership, name: str, steps: Any, description: str = "",
                on_approved: Any = None, on_rejected: Any = None, enabled: bool = True
                ) -> ApprovalFlow:
    require_flow_admin(actor, "Creating an approval flow")
    clean = _fields_clean(actor, {"name": name, "description": description, "steps": steps,
                                  "on_approved": on_approved, "on_rejected": on_rejected,
                                  "enabled": enabled})
    flow = ApprovalFlow.objects.create(workspace=actor.workspace, created_by=actor, **clean)
    activity_record(workspace=actor.workspace, actor=actor.user, verb="approval_flow.created",
                    target=flow, changes={"name": [None, flow.name]},
                    data={"steps": len(flow.steps)})
    return flow


@transaction.atomic
def flow_update(*, actor: Membership, flow: ApprovalFlow, **fields: Any) -> ApprovalFlow:
    """Change a flow. Requests under way keep the steps they started with."""
    require_flow_admin(actor, "Changing an approval flow")
    unknown = set(fields) - {"name", "description", "steps", "on_approved", "on_rejected",
                             "enabled"}
    if unknown:
        raise ValidationFailed(f"Unknown fields: {', '.join(sorted(unknown))}.")
    flow = ApprovalFlow.objects.select_for_update().get(pk=flow.pk)
    changes: dict[str, list[Any]] = {}
    for key, value in _fields_clean(actor, fields).items():
        if getattr(flow, key) != value:
            changes[key] = [getattr(flow, key), value]
            setattr(flow, key, value)
    if changes:
        flow.save()
        activity_record(workspace=actor.workspace, actor=actor.user,
                        verb="approval_flow.updated", target=flow, changes=changes)
    return flow


@transaction.atomic
def flow_delete(*, actor: Membership, flow: ApprovalFlow) -> None:
    """Delete a flow nothing refers to; a used flow keeps its history and is disabled
    instead."""
    require_flow_admin(actor, "Deleting an approval flow")
    pending = flow.requests.filter(status=ApprovalStatus.PENDING).count()
    if pending:
        raise Conflict(f"'{flow.name}' has {pending} pending request(s); disable the flow "
                       "instead (enabled: false), so they can finish.")
    if flow.requests.exists():
        raise Conflict(f"'{flow.name}' has decided requests whose history refers to it; "
                       "disable it instead (enabled: false).")
    forms = list(Form.objects.filter(approval_flow=flow, archived_at__isnull=True)
                 .values_list("name", flat=True)[:3])
    if forms:
        raise Conflict(f"The form(s) {', '.join(forms)} start this flow; choose another flow "
                       "there, or disable this one instead.")
    activity_record(workspace=actor.workspace, actor=actor.user, verb="approval_flow.deleted",
                    target=flow, changes={"name": [flow.name, None]})
    flow.delete()
