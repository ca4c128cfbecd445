"""Actions about people: assign and unassign (a person, the item's creator, round-robin in a
team, the least loaded member of a team) and notify (in the app and by e-mail)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction

from automations.catalogue.actions_fields import update_item
from automations.catalogue.base import ACTIONS, Action, ConfigError, Field
from automations.catalogue.placeholders import HELP, check_template
from automations.models.rules import RoundRobinCursor
from boards.models import BoardMember, Privacy
from timetracking.selectors import workload_compute_for
from workos.activity.services import notify
from workos.tenancy.models import Membership, Role, Team, Workspace, role_at_least

if TYPE_CHECKING:
    from automations.catalogue.validation import ValidationContext
    from automations.engine.context import RunContext

ASSIGN_TO = ("member", "creator", "round_robin", "least_loaded")
# How far ahead "least loaded" looks at assigned and allocated hours against capacity.
WORKLOAD_DAYS = 14


def team_member_ids(team_id: int) -> list[int]:
    """Active members of the team, in a stable order."""
    return list(
        Membership.objects.filter(teams__id=team_id).exclude(role=Role.GUEST)
        .order_by("id").values_list("id", flat=True)
    )


def next_in_turn(members: list[int], last: int | None) -> int:
    """The member after `last` in id order, wrapping around (round-robin's turn); request
    intake's form routing takes turns the same way."""
    return next((m for m in members if last is None or m > last), members[0])


def round_robin_next(run: RunContext, team_id: int, *, advance: bool = True) -> int | None:
    """The member after the one this rule assigned last in the team (wrapping around). The
    cursor row is locked while it is read and moved, so concurrent runs take turns."""
    members = team_member_ids(team_id)
    if not members:
        return None
    if not advance:
        cursor = RoundRobinCursor.objects.filter(rule=run.rule, team_id=team_id).first()
        return next_in_turn(members, cursor.last_member_id if cursor else None)
    RoundRobinCursor.objects.get_or_create(rule=run.rule, team_id=team_id)
    cursor = RoundRobinCursor.objects.select_for_update().get(rule=run.rule, team_id=team_id)
    chosen = next_in_turn(members, cursor.last_member_id)
    cursor.last_member_id = chosen
    cursor.save(update_fields=["last_member_id", "updated_at"])
    return chosen


def least_loaded(run: RunContext, team_id: int) -> int | None:
    """The team member with the most spare hours over the next two weeks (capacity less
    assigned and allocated work); the lowest id on a tie."""
    return least_loaded_member(workspace=run.workspace, viewer=run.actor, team_id=team_id,
                               today=run.today)


def least_loaded_member(*, workspace: Workspace, viewer: Membership, team_id: int,
                        today: dt.date) -> int | None:
    """`least_loaded` outside a rule run (request intake's form routing uses it too)."""
    members = team_member_ids(team_id)
    if not members:
        return None
    start = today
    workload = workload_compute_for(
        workspace=workspace, viewer=viewer, member_ids=members, start=start,
        end=start + dt.timedelta(days=WORKLOAD_DAYS - 1), with_unscheduled=False,
    )

    def spare(member: int) -> float:
        days = workload.members.get(member)
        if days is None:
            return 0.0
        return sum(c - a - b for c, a, b in zip(days.capacity, days.assigned, days.allocated,
                                                strict=True))

    return max(members, key=lambda m: (spare(m), -m))


@ACTIONS.register
class Assign(Action):
    id = "assign"
    label = "Assign someone"
    description = ("member: a given member; creator: the item's creator; round_robin: the next "
                   "member of a team in turn; least_loaded: the team member with the most spare "
                   "capacity over the next two weeks.")
    fields = (
        Field("to", "string", "Whom.", required=True, choices=ASSIGN_TO),
        Field("member", "integer", "The member, for to=member."),
        Field("team", "integer", "The team, for round_robin and least_loaded."),
        Field("replace", "boolean", "Replace the current assignees instead of adding.",
              default=False),
    )

    def clean(self, config: dict[str, Any], vctx: ValidationContext) -> dict[str, Any]:
        to = config["to"]
        if to == "member":
            if "member" not in config:
                raise ConfigError.on("member", "Name the member to assign.")
            vctx.member(config["member"], "member")
        if to in {"round_robin", "least_loaded"}:
            if "team" not in config:
                raise ConfigError.on("team", f"{to} picks from a team; name it.")
            vctx.team(config["team"], "team")
        return config

    def _who(self, config: dict[str, Any], run: RunContext, *, advance: bool) -> int | None:
        item = run.require_item()
        to = config["to"]
        if to == "member":
            return config["member"]
        if to == "creator":
            creator = item.created_by
            active = creator is not None and creator.removed_at is None
            return creator.pk if active and creator.pk != run.actor.pk else None
        if to == "round_robin":
            return round_robin_next(run, config["team"], advance=advance)
        return least_loaded(run, config["team"])

    def execute(self, config: dict[str, Any], run: RunContext) -> dict[str, Any]:
        member = self._who(config, run, advance=True)
        if member is None:
            return {"assigned": None, "changed": False, "reason": "nobody to assign"}
        current = [m.pk for m in run.require_item().assignees.all()]
        wanted = [member] if config.get("replace") else sorted({*current, member})
        return {"assigned": member, **update_item(run, {"assignees": wanted})}

    def preview(self, config: dict[str, Any], run: RunContext) -> str:
        to = config["to"]
        if to == "least_loaded":
            return f"Assign the least loaded member of team {config['team']} at that moment"
        if to == "round_robin":
            # Turns advance from run to run within a simulation, as they would for real.
            key = f"rr:{config['team']}"
            last = run.memo(key, lambda: round_robin_next(run, config["team"], advance=False))
            members = run.memo(f"team:{config['team']}", lambda: team_member_ids(config["team"]))
            member = last
            if f"{key}:started" in run.shared and members:
                member = next((m for m in members if last is None or m > last), members[0])
            run.shared[key], run.shared[f"{key}:started"] = member, True
        else:
            member = self._who(config, run, advance=False)
        return f"Assign {_names(run, [member] if member else []) or 'nobody'}" + (
            " (round-robin)" if to == "round_robin" else "")


def _names(run: RunContext, ids: list[int]) -> str:
    """Members' names, read once per simulation."""
    known = run.shared.setdefault("names", {})
    missing = [i for i in ids if i not in known]
    if missing:
        known.update({m.pk: m.display_name for m in Membership.all_objects.filter(
            pk__in=missing).select_related("user")})
    return ", ".join(known.get(i, f"member {i}") for i in ids)


@ACTIONS.register
class Unassign(Action):
    id = "unassign"
    label = "Unassign"
    fields = (
        Field("who", "string", "all: everyone; member: one member.", required=True,
              choices=("all", "member")),
        Field("member", "integer", "The member, for who=member."),
    )

    def clean(self, config: dict[str, Any], vctx: ValidationContext) -> dict[str, Any]:
        if config["who"] == "member":
            if "member" not in config:
                raise ConfigError.on("member", "Name the member to unassign.")
            vctx.member(config["member"], "member")
        return config

    def execute(self, config: dict[str, Any], run: RunContext) -> dict[str, Any]:
        current = [m.pk for m in run.require_item().assignees.all()]
        wanted = [] if config["who"] == "all" else [m for m in current if m != config["member"]]
        return {"removed": sorted(set(current) - set(wanted)),
                **update_item(run, {"assignees": wanted})}

    def preview(self, config: dict[str, Any], run: RunContext) -> str:
        return "Unassign everyone" if config["who"] == "all" else (
            f"Unassign member {config['member']}")


def _may_see(members: list[Membership], run: RunContext) -> list[Membership]:
    """Only those who can see the item's board learn of it: a title names the item."""
    item = run.item
    if item is None:
        return members
    board = item.board
    on_board = set(BoardMember.objects.filter(board=board, membership__in=members)
                   .values_list("membership_id", flat=True))

    def sees(member: Membership) -> bool:
        if role_at_least(member.role, Role.ADMIN) or member.pk in on_board:
            return True
        return member.role == Role.MEMBER and board.privacy == Privacy.WORKSPACE

    return [m for m in members if sees(m)]


@ACTIONS.register
class Notify(Action):
    id = "notify"
    label = "Notify people"
    description = ("In the app and, unless email is false, by e-mail: given members, the "
                   "item's assignees, its creator, and/or a team. Only people who can see the "
                   "item are told. " + HELP)
    needs_item = False
    one_of = ("people", "assignees", "creator", "team")
    fields = (
        Field("title", "string", "What they read.", required=True, max_length=300),
        Field("people", "array", "Member ids.", items="integer", max_length=50),
        Field("assignees", "boolean", "The item's assignees."),
        Field("creator", "boolean", "The item's creator (the requester)."),
        Field("team", "integer", "Every member of this team."),
        Field("email", "boolean", "Also send an e-mail.", default=True),
    )

    def clean(self, config: dict[str, Any], vctx: ValidationContext) -> dict[str, Any]:
        check_template(config["title"], "title", has_item=vctx.has_item)
        if config.get("people"):
            vctx.members(config["people"], "people")
        if "team" in config:
            vctx.team(config["team"], "team")
        if not vctx.has_item and (config.get("assignees") or config.get("creator")):
            raise ConfigError.on("assignees" if config.get("assignees") else "creator",
                                 "This trigger has no item, so no assignees or creator.")
        if not (config.get("people") or config.get("assignees") or config.get("creator")
                or "team" in config):
            raise ConfigError.on("people", "Say whom to notify.")
        return config

    def recipients(self, config: dict[str, Any], run: RunContext) -> list[Membership]:
        ids: set[int] = set(config.get("people") or [])
        item = run.item
        if item is not None and config.get("assignees"):
            ids |= {m.pk for m in item.assignees.all()}
        if item is not None and config.get("creator") and item.created_by_id:
            ids.add(item.created_by_id)
        if "team" in config:
            ids |= set(Team.members.through.objects.filter(team_id=config["team"])
                       .values_list("membership_id", flat=True))
        ids.discard(run.actor.pk)
        members = list(Membership.objects.filter(workspace=run.workspace, id__in=ids)
                       .select_related("user").order_by("id"))
        return _may_see(members, run)

    def execute(self, config: dict[str, Any], run: RunContext) -> dict[str, Any]:
        recipients = self.recipients(config, run)
        target = run.item if run.item is not None else run.rule
        link = ""
        if run.item is not None:
            link = str(run.placeholder("item.url"))
        rows = notify(
            workspace=run.workspace, recipients=recipients, verb="automation", target=target,
            title=run.render(config["title"]), actor_label=run.actor_label, link=link,
            data={"rule": run.rule.pk, "run": run.run.pk if run.run else None},
        )
        if rows and config.get("email", True):
            from automations.tasks import send_notification_emails

            ids = [row.pk for row in rows]
            transaction.on_commit(lambda: send_notification_emails.delay(ids))
        return {"notified": [row.recipient_id for row in rows]}

    def preview(self, config: dict[str, Any], run: RunContext) -> str:
        who = []
        if config.get("people"):
            who.append(_names(run, config["people"]))
        if config.get("assignees") and run.item is not None:
            who.append("the assignees (" + (", ".join(
                m.display_name for m in run.item.assignees.all()) or "none") + ")")
        if config.get("creator") and run.item is not None:
            creator = run.item.created_by
            who.append(f"the creator ({creator.display_name if creator else 'unknown'})")
        if "team" in config:
            who.append(f"team {config['team']}")
        how = " in the app and by e-mail" if config.get("email", True) else " in the app"
        return f"Notify {'; '.join(who) or 'nobody'}{how}: {run.render(config['title'])}"
