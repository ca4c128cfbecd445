"""Writes of rules: create, update (a new version when what it does changes), delete, and
re-running failed runs.

Who manages rules: a workspace rule, admins and owners; a board or project rule, members with
the editor role on its board (admins have it on every board). Guests manage none. Everything a
rule names is checked against its editor's rights when it is saved (`catalogue.validation`),
because it later acts as the workspace's automation actor, whoever wrote it.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from automations.catalogue import (
    ACTIONS,
    TRIGGERS,
    ConfigError,
    TreeError,
    ValidationContext,
    conditions_clean,
)
from automations.models import Rule, RuleRun, RuleVersion, RunStatus, Scope
from boards.models import Board
from boards.selectors import board_role, board_role_at_least
from projects.models import Project
from workos.activity.services import activity_record
from workos.errors import NotFound, PermissionDenied, ValidationFailed
from workos.tenancy.models import Membership, Role, role_at_least

MAX_ACTIONS = 20
MAX_RUNS_PER_MINUTE = 1000
DEFINITION = ("trigger", "conditions", "actions")


def _first(fields: dict[str, Any], path: str = "") -> str:
    key, value = next(iter(fields.items()))
    where = f"{path}.{key}" if path else key
    if isinstance(value, dict):
        return _first(value, where)
    return f"{where}: {value[0]}"


def _invalid(fields: dict[str, Any]) -> ValidationFailed:
    return ValidationFailed(_first(fields), fields=fields)


def _scope_board(actor: Membership, scope: str, board: Board | None,
                 project: Project | None) -> Board | None:
    """The board a rule of this scope belongs to, after checking the actor may manage it."""
    if not role_at_least(actor.role, Role.MEMBER):
        raise PermissionDenied(f"Managing rules needs the member role or higher; you are "
                               f"{actor.role}.")
    if scope == Scope.WORKSPACE:
        if not role_at_least(actor.role, Role.ADMIN):
            raise PermissionDenied("Only workspace admins manage workspace-wide rules.")
        return None
    if scope == Scope.PROJECT:
        if project is None:
            raise ValidationFailed("A project rule names its project.",
                                   fields={"project": ["Required."]})
        board = project.board
    elif board is None:
        raise ValidationFailed("A board rule names its board.", fields={"board": ["Required."]})
    role = board_role(board, actor)
    if role is None or board.deleted_at is not None:
        raise NotFound("Board not found.")
    if not board_role_at_least(role, "editor"):
        raise PermissionDenied(f"Managing the rules of '{board.name}' needs the editor role on "
                               f"it; you are {role}.")
    return board


def rule_clean(*, actor: Membership, scope: str, board: Board | None, trigger: Any,
               conditions: Any, actions: Any) -> tuple[dict, dict, list]:
    """The definition checked against the catalogue and the workspace; a 400 naming every bad
    field ("trigger.config.to_status", "actions.1.config.team", …) otherwise."""
    vctx = ValidationContext(workspace=actor.workspace, editor=actor, scope=scope, board=board)
    errors: dict[str, Any] = {}
    clean_trigger: dict[str, Any] = {}
    if not isinstance(trigger, dict) or not isinstance(trigger.get("type"), str):
        errors["trigger"] = {"type": ["Give the trigger as {\"type\": ..., \"config\": {...}}."]}
    else:
        entry = TRIGGERS.get(trigger["type"])
        if entry is None or set(trigger) - {"type", "config"}:
            errors["trigger"] = {"type": [f"Not a trigger; use one of {', '.join(TRIGGERS.ids())}."
                                          if entry is None else "Only type and config."]}
        else:
            vctx.has_item = entry.has_item
            try:
                clean_trigger = {"type": entry.id,
                                 "config": entry.validate(trigger.get("config"), vctx)}
            except ConfigError as exc:
                errors["trigger"] = {"config": exc.fields}
    try:
        clean_conditions = conditions_clean(conditions, vctx)
    except TreeError as exc:
        errors["conditions"] = exc.fields
        clean_conditions = {}
    if clean_conditions and not vctx.has_item:
        errors["conditions"] = {"non_field_errors": ["This trigger has no item to test."]}
    clean_actions, action_errors = _actions_clean(actions, vctx)
    if action_errors:
        errors["actions"] = action_errors
    if errors:
        raise _invalid(errors)
    return clean_trigger, clean_conditions, clean_actions


def _actions_clean(actions: Any, vctx: ValidationContext) -> tuple[list, dict[str, Any]]:
    if not isinstance(actions, list) or not actions:
        return [], {"non_field_errors": ["Give at least one action."]}
    if len(actions) > MAX_ACTIONS:
        return [], {"non_field_errors": [f"Use at most {MAX_ACTIONS} actions."]}
    errors: dict[str, Any] = {}
    clean = []
    for index, spec in enumerate(actions):
        key = str(index)
        entry = ACTIONS.get(spec.get("type")) if isinstance(spec, dict) and isinstance(
            spec.get("type"), str) else None
        if entry is None or set(spec) - {"type", "config"}:
            errors[key] = {"type": [f"Not an action; use one of {', '.join(ACTIONS.ids())}."
                                    if entry is None else "Only type and config."]}
            continue
        if entry.needs_item and not vctx.has_item:
            errors[key] = {"type": [f"{entry.label} needs an item, and this trigger has none."]}
            continue
        try:
            clean.append({"type": entry.id, "config": entry.validate(spec.get("config"), vctx)})
        except ConfigError as exc:
            errors[key] = {"config": exc.fields}
    return clean, errors


def _check_name(name: Any) -> str:
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        raise ValidationFailed("A rule needs a name.", fields={"name": ["Required."]})
    if len(name) > 200:
        raise ValidationFailed("Keep a rule's name under 200 characters.",
                               fields={"name": ["At most 200 characters."]})
    return name


def _check_limit(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not (
            1 <= value <= MAX_RUNS_PER_MINUTE):
        raise ValidationFailed(
            f"max_runs_per_item_per_minute is a whole number from 1 to {MAX_RUNS_PER_MINUTE}.",
            fields={"max_runs_per_item_per_minute": ["Out of range."]})
    return value


def _version(rule: Rule, actor: Membership) -> None:
    RuleVersion.objects.create(rule=rule, version=rule.version, trigger=rule.trigger,
                               conditions=rule.conditions, actions=rule.actions,
                               created_by=actor)


def _record(actor: Membership, verb: str, rule: Rule, changes: dict[str, Any]) -> None:
    activity_record(workspace=actor.workspace, actor=actor.user, verb=verb, target=rule,
                    changes=changes, data={"board": rule.board_id, "scope": rule.scope})


@transaction.atomic
def rule_create(
    *, actor: Membership, name: str, scope: str = Scope.BOARD, board: Board | None = None,
    project: Project | None = None, trigger: Any, conditions: Any = None, actions: Any,
    enabled: bool = True, triggered_by_automations: bool = False,
    max_runs_per_item_per_minute: int = 10,
) -> Rule:
    name = _check_name(name)
    if scope not in Scope.values:
        raise ValidationFailed(f"scope is one of {', '.join(Scope.values)}.",
                               fields={"scope": ["Not a scope."]})
    rule_board = _scope_board(actor, scope, board, project)
    clean = rule_clean(actor=actor, scope=scope, board=rule_board, trigger=trigger,
                       conditions=conditions, actions=actions)
    rule = Rule.objects.create(
        workspace=actor.workspace, name=name, scope=scope, board=rule_board,
        project=project if scope == Scope.PROJECT else None, enabled=bool(enabled),
        trigger=clean[0], conditions=clean[1], actions=clean[2],
        triggered_by_automations=bool(triggered_by_automations),
        max_runs_per_item_per_minute=_check_limit(max_runs_per_item_per_minute),
        created_by=actor, owner=actor,
    )
    _version(rule, actor)
    _record(actor, "rule.created", rule, {"name": [None, name], "version": [None, 1]})
    return rule


def may_manage(actor: Membership, rule: Rule) -> None:
    """Raise unless the actor may change or delete this rule."""
    _scope_board(actor, rule.scope, rule.board, rule.project)


@transaction.atomic
def rule_update(*, actor: Membership, rule: Rule, **fields: Any) -> Rule:
    """Change a rule. A new trigger, conditions or actions make a new version (kept in
    RuleVersion; later runs record it) and re-arm the loop guard's notice."""
    rule = (Rule.objects.select_for_update(of=("self",)).select_related("board", "project")
            .get(pk=rule.pk))
    may_manage(actor, rule)
    unknown = set(fields) - {"name", "scope", "board", "project", "enabled",
                             "triggered_by_automations", "max_runs_per_item_per_minute",
                             *DEFINITION}
    if unknown:
        raise ValidationFailed(f"Unknown fields: {', '.join(sorted(unknown))}.")
    changes: dict[str, Any] = {}
    scope = fields.get("scope", rule.scope)
    if {"scope", "board", "project"} & set(fields) or set(DEFINITION) & set(fields):
        board = _scope_board(actor, scope, fields.get("board", rule.board),
                             fields.get("project", rule.project))
        definition = rule_clean(
            actor=actor, scope=scope, board=board,
            trigger=fields.get("trigger", rule.trigger),
            conditions=fields.get("conditions", rule.conditions),
            actions=fields.get("actions", rule.actions))
        project = fields.get("project", rule.project) if scope == Scope.PROJECT else None
        for key, value in (("scope", scope), ("board", board), ("project", project)):
            if getattr(rule, key) != value:
                changes[key] = [str(getattr(rule, key) or ""), str(value or "")]
                setattr(rule, key, value)
        for key, value in zip(DEFINITION, definition, strict=True):
            if getattr(rule, key) != value:
                changes[key] = [getattr(rule, key), value]
                setattr(rule, key, value)
    if "name" in fields:
        name = _check_name(fields["name"])
        if name != rule.name:
            changes["name"], rule.name = [rule.name, name], name
    for key in ("enabled", "triggered_by_automations"):
        if key in fields and bool(fields[key]) != getattr(rule, key):
            changes[key] = [getattr(rule, key), bool(fields[key])]
            setattr(rule, key, bool(fields[key]))
    if "max_runs_per_item_per_minute" in fields:
        limit = _check_limit(fields["max_runs_per_item_per_minute"])
        if limit != rule.max_runs_per_item_per_minute:
            changes["max_runs_per_item_per_minute"] = [rule.max_runs_per_item_per_minute, limit]
            rule.max_runs_per_item_per_minute = limit
    if not changes:
        return rule
    if set(DEFINITION) & set(changes):
        rule.version += 1
        changes["version"] = [rule.version - 1, rule.version]
    if set(DEFINITION) & set(changes) or changes.get("enabled") == [False, True]:
        rule.guard_notified_at = None
    rule.save()
    if "version" in changes:
        _version(rule, actor)
    # The definitions themselves are in RuleVersion; the log names what changed.
    _record(actor, "rule.updated", rule, {
        k: (v if k not in DEFINITION else ["changed", "changed"]) for k, v in changes.items()})
    return rule


@transaction.atomic
def rule_delete(*, actor: Membership, rule: Rule) -> None:
    may_manage(actor, rule)
    _record(actor, "rule.deleted", rule, {"name": [rule.name, None]})
    rule.delete()


@transaction.atomic
def runs_retry(*, runs: list[RuleRun]) -> list[int]:
    """Put failed runs back to do and queue them (after commit); their ids. A retried run keeps
    its row, so the history shows one run with more attempts, and the actions it then takes
    are the rule's current version's."""
    from automations.tasks import run_rule

    ids = [r.pk for r in runs if r.status == RunStatus.FAILED]
    ids = list(RuleRun.objects.filter(pk__in=ids, status=RunStatus.FAILED).values_list(
        "id", flat=True))
    RuleRun.objects.filter(pk__in=ids).update(status=RunStatus.RUNNING, finished_at=None,
                                               reason="")
    for run_id in ids:
        transaction.on_commit(lambda run_id=run_id: run_rule.delay(run_id))
    return ids


def run_retry(*, actor: Membership, run: RuleRun) -> RuleRun:
    """Re-run one failed run of a rule the actor manages."""
    may_manage(actor, run.rule)
    if run.status != RunStatus.FAILED:
        raise ValidationFailed(f"Only failed runs are re-run; this one is {run.status}.",
                               fields={"status": ["Not failed."]})
    runs_retry(runs=[run])
    run.refresh_from_db()
    return run



@transaction.atomic
def rules_set_enabled(*, rules: list[Rule], enabled: bool) -> int:
    """Switch rules on or off (the admin's bulk action); re-enabling re-arms the loop guard's
    notice. The number changed."""
    changed = 0
    for rule in rules:
        if rule.enabled == enabled:
            continue
        fields = {"enabled": enabled}
        if enabled:
            fields["guard_notified_at"] = None
        Rule.objects.filter(pk=rule.pk).update(**fields)
        activity_record(workspace=rule.workspace, actor=None, verb="rule.updated", target=rule,
                        changes={"enabled": [rule.enabled, enabled]},
                        data={"board": rule.board_id, "scope": rule.scope})
        changed += 1
    return changed
