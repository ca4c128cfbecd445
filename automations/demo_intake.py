"""Demo request intake for `manage.py seed_demo`: a public IT request form on the IT service
desk, whose follow-up questions depend on the kind of request, routed round-robin within the IT
team, with a few requests already sent and turned into items."""

from __future__ import annotations

from automations.models import Form, FormAccess
from automations.services.intake import form_create, submission_create, submission_process
from boards.models import Board
from workos.tenancy.models import Membership, Role, Team, Workspace
from workos.tenancy.services import team_create

FORM_NAME = "IT request"
DEMO_REQUESTS = [
    ("maria@example.com", {"kind": "Hardware", "title": "Second monitor for the design desk",
                           "device": "Monitor", "impact": "2"}),
    ("felix@example.com", {"kind": "Access", "title": "Access to the budgeting tool",
                           "system": "Budget planner", "impact": "3"}),
    ("visitor@example.org", {"kind": "Software", "title": "Licence for a diagram editor",
                             "software": "A diagram editor", "impact": "1"}),
]


def _it_team(owner: Membership) -> Team:
    team = Team.objects.filter(workspace=owner.workspace, name="IT").first()
    if team is not None:
        return team
    admins = list(Membership.objects.filter(workspace=owner.workspace, role__in=[
        Role.OWNER, Role.ADMIN]).values_list("id", flat=True))
    return team_create(actor=owner, name="IT", description="IT service desk.", members=admins)


def _fields() -> list[dict]:
    kind = {"field": "kind", "op": "equals"}
    return [
        {"key": "kind", "label": "What kind of request?", "maps_to": "values.category",
         "options": ["Hardware", "Software", "Access"], "required": True},
        {"key": "title", "label": "In a few words, what do you need?", "maps_to": "name",
         "required": True},
        {"key": "device", "label": "Which device?", "type": "dropdown", "maps_to": "",
         "options": ["Laptop", "Monitor", "Phone", "Other"], "required": True,
         "show_if": {**kind, "value": "Hardware"}},
        {"key": "software", "label": "Which software?", "type": "text", "maps_to": "",
         "show_if": {**kind, "value": "Software"}},
        {"key": "system", "label": "Which system?", "type": "text", "maps_to": "",
         "required": True, "show_if": {**kind, "value": "Access"}},
        {"key": "details", "label": "Anything else we should know?", "maps_to": "description",
         "help": "Error messages, when it started, who else is affected."},
        {"key": "impact", "label": "How much does it hold you up?", "maps_to": "values.impact",
         "help": "1: a nuisance, 5: I cannot work."},
        {"key": "needed_by", "label": "Needed by", "maps_to": "due_date"},
        {"key": "source", "label": "Source", "type": "text", "maps_to": "", "hidden": True,
         "default": "intranet"},
    ]


def seed_it_requests(workspace: Workspace) -> Form | None:
    """The IT request form and a few requests, made by the first owner; None when the IT
    service desk board is missing or the form exists already."""
    owner = (Membership.objects.filter(workspace=workspace, role=Role.OWNER)
             .select_related("workspace", "user").order_by("id").first())
    desk = Board.objects.filter(workspace=workspace, name="IT service desk",
                                deleted_at__isnull=True).first()
    if owner is None or desk is None or Form.objects.filter(board=desk, name=FORM_NAME).exists():
        return None
    team = _it_team(owner)
    groups = {g.name: g.pk for g in desk.groups.filter(archived_at__isnull=True)}
    round_robin = {"mode": "round_robin", "team": team.pk}
    routing = [
        {"when": {"field": "kind", "op": "equals", "value": "Hardware"},
         "group": groups.get("Hardware"), "assign": round_robin},
        {"when": {"field": "kind", "op": "equals", "value": "Access"},
         "group": groups.get("Access and accounts"), "assign": round_robin},
        {"when": {"field": "impact", "op": "gt", "value": 4}, "priority": "urgent"},
    ]
    form = form_create(
        actor=owner, board=desk, name=FORM_NAME, access=FormAccess.PUBLIC, fields=_fields(),
        description="Ask the IT service desk for hardware, software or access.",
        routing=routing, routing_default={"group": groups.get("Incoming"),
                                          "assign": round_robin},
        reference_prefix="IT",
        confirmation_message="The IT service desk answers most requests within a day.",
    )
    for email, answers in DEMO_REQUESTS:
        submission, _ = submission_create(form=form, answers=answers, files=None,
                                          submitter=None, email=email)
        submission_process(submission_id=submission.pk)
    return form
