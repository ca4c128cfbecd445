"""Demo rules for `manage.py seed_demo`, on the demo boards of `boards.demo`: the IT service
desk assigns new requests round-robin in the IT team, tells the requester when a request is
done, escalates urgent ones, and opens a weekly report item; the content calendar reminds
authors two days before a piece is due."""

from __future__ import annotations

from automations.models import Rule
from automations.services.rules import rule_create
from boards.models import Board
from workos.tenancy.models import Membership, Role, Team, Workspace


def _when(kind: str, **config: object) -> dict:
    return {"type": kind, "config": config}


def seed_rules(workspace: Workspace) -> list[Rule]:
    """Rules on the demo boards, written by the workspace's first owner. Boards or teams that
    are missing are skipped, so this works on a partly seeded workspace too."""
    owner = (Membership.objects.filter(workspace=workspace, role=Role.OWNER)
             .select_related("workspace", "user").order_by("id").first())
    if owner is None:
        return []
    boards = {b.name: b for b in Board.objects.filter(workspace=workspace, deleted_at__isnull=True)}
    teams = {t.name: t for t in Team.objects.filter(workspace=workspace)}
    made: list[Rule] = []
    desk = boards.get("IT service desk")
    if desk is not None:
        made += _it_desk_rules(owner, desk, teams.get("IT"))
    calendar = boards.get("Marketing content calendar")
    if calendar is not None:
        made.append(rule_create(
            actor=owner, name="Remind the author two days before a piece is due",
            board=calendar, trigger=_when("date_arrived", field="due_date",
                                          offset="2 days before", hour=9),
            conditions={"all": [{"type": "status_category",
                                 "config": {"op": "in", "value": ["todo", "in_progress"]}}]},
            actions=[_when("notify", assignees=True,
                           title="'{item.name}' is due on {item.due_date}")],
        ))
    return made


def _it_desk_rules(owner: Membership, desk: Board, it_team: Team | None) -> list[Rule]:
    groups = {g.name: g.pk for g in desk.groups.all()}
    made = []
    if it_team is not None:
        made.append(rule_create(
            actor=owner, name="Assign new requests round-robin in IT", board=desk,
            trigger=_when("item_created", include_sub_items=False),
            conditions={"all": [{"type": "field", "config": {"field": "assignees",
                                                             "op": "is_empty"}}]},
            actions=[_when("assign", to="round_robin", team=it_team.pk)],
        ))
    made.append(rule_create(
        actor=owner, name="Tell the requester when a request is done", board=desk,
        trigger=_when("status_changed", to_category="done"),
        actions=[
            _when("notify", creator=True, title="Your request '{item.name}' is done"),
            _when("add_comment", body="Done on {today}. Reopen it if anything is missing."),
        ],
    ))
    escalate = [_when("set_field", field="due_date", value="today + 1 working day")]
    if "Incidents" in groups:
        escalate.insert(0, _when("move_item", group=groups["Incidents"]))
    if it_team is not None:
        escalate.append(_when("notify", team=it_team.pk,
                              title="Urgent: '{item.name}' needs someone now"))
    made.append(rule_create(
        actor=owner, name="Escalate urgent requests", board=desk,
        trigger=_when("field_changed", field="priority", to="urgent"), actions=escalate,
    ))
    made.append(rule_create(
        actor=owner, name="Open the weekly IT report", board=desk,
        trigger=_when("every_period", rrule="FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0"),
        actions=[_when("create_item", name="Weekly IT report {today}",
                       group=groups.get("Incoming", next(iter(groups.values()))),
                       due_date="today + 2 working days")],
    ))
    return made
