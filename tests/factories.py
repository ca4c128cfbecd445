"""Factories whose sub-factories keep every object inside one workspace."""

from __future__ import annotations

import datetime as dt
import decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from automations.models import (
    ApprovalFlow,
    ApprovalRequest,
    Decision,
    Form,
    IncomingWebhook,
    RecurringOccurrence,
    RecurringSchedule,
    Rule,
    RuleRun,
    RuleVersion,
    Submission,
    WebhookDelivery,
    WebhookEndpoint,
)
from boards.models import (
    Board,
    BoardMember,
    Column,
    Dependency,
    Group,
    Item,
    Status,
    StatusCategory,
    View,
)
from projects.models import (
    Baseline,
    BaselineTask,
    Expense,
    GateItem,
    Goal,
    KeyResult,
    PhaseTransition,
    Project,
    StatusUpdate,
    TaskConstraint,
)
from timetracking.models import (
    Allocation,
    Rate,
    TimeEntry,
    TimeOff,
    Timesheet,
    WorkSchedule,
    week_start_of,
)
from workos.activity.models import Attachment, Comment, Notification
from workos.tenancy.models import AccessToken, Membership, Role, Team, Workspace
from workos.tenancy.tokens import token_digest, token_display_prefix, token_generate

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}@example.com")
    email = factory.SelfAttribute("username")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs) -> None:
        if create:
            obj.save()


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Workspace {n}")
    slug = factory.Sequence(lambda n: f"ws-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    workspace = factory.SubFactory(WorkspaceFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Board {n}")


class BoardMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BoardMember

    board = factory.SubFactory(BoardFactory)
    membership = factory.SubFactory(
        MembershipFactory, workspace=factory.SelfAttribute("..board.workspace")
    )
    role = "editor"


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    board = factory.SubFactory(BoardFactory)
    name = factory.Sequence(lambda n: f"Group {n}")
    # Fixed-width ranks over 0-9a-z keep creation order.
    position = factory.Sequence(lambda n: f"m{n:05d}")


class StatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Status

    board = factory.SubFactory(BoardFactory)
    name = factory.Sequence(lambda n: f"Status {n}")
    category = StatusCategory.TODO
    position = factory.Sequence(lambda n: n)


class ColumnFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Column

    board = factory.SubFactory(BoardFactory)
    key = factory.Sequence(lambda n: f"col_{n}")
    title = factory.Sequence(lambda n: f"Column {n}")
    type = "text"
    settings = factory.LazyFunction(dict)
    position = factory.Sequence(lambda n: n)


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    board = factory.SubFactory(BoardFactory)
    workspace = factory.SelfAttribute("board.workspace")
    group = factory.SubFactory(GroupFactory, board=factory.SelfAttribute("..board"))
    status = None
    name = factory.Sequence(lambda n: f"Item {n}")
    position = factory.Sequence(lambda n: f"m{n:05d}")
    values = factory.LazyFunction(dict)


class DependencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dependency

    predecessor = factory.SubFactory(ItemFactory)
    successor = factory.SubFactory(ItemFactory, board=factory.SelfAttribute("..predecessor.board"))
    workspace = factory.SelfAttribute("predecessor.workspace")
    type = "FS"


class ViewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = View

    board = factory.SubFactory(BoardFactory)
    workspace = factory.SelfAttribute("board.workspace")
    name = factory.Sequence(lambda n: f"View {n}")
    kind = "table"
    config = factory.LazyFunction(dict)


class CommentFactory(factory.django.DjangoModelFactory):
    """A comment on an item; the body is written as the sanitiser would store it."""

    class Meta:
        model = Comment
        exclude = ("item",)

    item = factory.SubFactory(ItemFactory)
    workspace = factory.SelfAttribute("item.workspace")
    target_type = factory.LazyFunction(lambda: ContentType.objects.get_for_model(Item))
    target_id = factory.SelfAttribute("item.pk")
    author = factory.SubFactory(MembershipFactory, workspace=factory.SelfAttribute("..workspace"))
    body_text = factory.Sequence(lambda n: f"Comment {n}")
    body_html = factory.LazyAttribute(lambda o: f"<p>{o.body_text}</p>")


class AttachmentFactory(factory.django.DjangoModelFactory):
    """A small file on an item, in the default storage (a temporary MEDIA_ROOT in tests)."""

    class Meta:
        model = Attachment
        exclude = ("item",)

    item = factory.SubFactory(ItemFactory)
    workspace = factory.SelfAttribute("item.workspace")
    target_type = factory.LazyFunction(lambda: ContentType.objects.get_for_model(Item))
    target_id = factory.SelfAttribute("item.pk")
    uploaded_by = factory.SubFactory(
        MembershipFactory, workspace=factory.SelfAttribute("..workspace")
    )
    file = factory.django.FileField(data=b"hello", filename="notes.txt")
    original_name = "notes.txt"
    content_type = "text/plain"
    size = 5


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification
        exclude = ("item",)

    item = factory.SubFactory(ItemFactory)
    workspace = factory.SelfAttribute("item.workspace")
    recipient = factory.SubFactory(
        MembershipFactory, workspace=factory.SelfAttribute("..workspace")
    )
    verb = "mentioned"
    actor_label = "Someone"
    target_type = factory.LazyFunction(lambda: ContentType.objects.get_for_model(Item))
    target_id = factory.SelfAttribute("item.pk")
    title = factory.Sequence(lambda n: f"Notification {n}")


# --- time tracking ------------------------------------------------------------------------


class TimesheetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Timesheet
        django_get_or_create = ("member", "week_start")

    member = factory.SubFactory(MembershipFactory)
    workspace = factory.SelfAttribute("member.workspace")
    week_start = dt.date(2026, 3, 2)


class TimeEntryFactory(factory.django.DjangoModelFactory):
    """An entry written directly (no service checks); one hour per entry, each an hour after
    the previous so sequences of them never overlap."""

    class Meta:
        model = TimeEntry

    member = factory.SubFactory(MembershipFactory)
    workspace = factory.SelfAttribute("member.workspace")
    item = None
    board = factory.LazyAttribute(lambda o: o.item.board if o.item else None)
    started_at = factory.Sequence(
        lambda n: dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC) + dt.timedelta(hours=n)
    )
    duration_minutes = 60
    ended_at = factory.LazyAttribute(
        lambda o: o.started_at + dt.timedelta(minutes=o.duration_minutes)
    )
    date = factory.LazyAttribute(lambda o: o.started_at.date())
    timesheet = factory.SubFactory(
        TimesheetFactory, member=factory.SelfAttribute("..member"),
        week_start=factory.LazyAttribute(lambda o: week_start_of(o.factory_parent.date)),
    )
    billable = True

    @classmethod
    def _create(cls, model_class: type, *args: object, **kwargs: object) -> TimeEntry:
        # The services keep the item's total equal to its entries' minutes; so must this.
        from django.db.models import F

        entry = super()._create(model_class, *args, **kwargs)
        if entry.item_id:
            Item.objects.filter(pk=entry.item_id).update(
                tracked_minutes=F("tracked_minutes") + entry.duration_minutes
            )
            entry.item.refresh_from_db(fields=["tracked_minutes"])
        return entry


class RateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rate

    member = factory.SubFactory(MembershipFactory)
    workspace = factory.SelfAttribute("member.workspace")
    board = None
    cost_rate = decimal.Decimal("50.00")
    bill_rate = decimal.Decimal("100.00")
    effective_from = dt.date(2026, 1, 1)


class WorkScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkSchedule

    member = factory.SubFactory(MembershipFactory)
    workspace = factory.SelfAttribute("member.workspace")
    hours = factory.LazyFunction(lambda: [8, 8, 8, 8, 8, 0, 0])


class TimeOffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TimeOff

    member = factory.SubFactory(MembershipFactory)
    workspace = factory.SelfAttribute("member.workspace")
    start_date = dt.date(2026, 3, 3)
    end_date = factory.SelfAttribute("start_date")
    status = "approved"


class AllocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Allocation

    board = factory.SubFactory(BoardFactory)
    workspace = factory.SelfAttribute("board.workspace")
    member = factory.SubFactory(
        MembershipFactory, workspace=factory.SelfAttribute("..workspace")
    )
    start_date = dt.date(2026, 3, 2)
    end_date = dt.date(2026, 3, 13)
    hours_per_week = decimal.Decimal("10.00")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    board = factory.SubFactory(BoardFactory)
    workspace = factory.SelfAttribute("board.workspace")
    name = factory.Sequence(lambda n: f"Project {n}")


class GateItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GateItem

    project = factory.SubFactory(ProjectFactory)
    phase = "initiation"
    label = factory.Sequence(lambda n: f"Gate item {n}")


class PhaseTransitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PhaseTransition

    project = factory.SubFactory(ProjectFactory)
    from_phase = "initiation"
    to_phase = "planning"


class BaselineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Baseline

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Baseline {n}")


class BaselineTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BaselineTask

    baseline = factory.SubFactory(BaselineFactory)
    item = factory.SubFactory(
        ItemFactory, board=factory.SelfAttribute("..baseline.project.board")
    )
    name = factory.SelfAttribute("item.name")


class TaskConstraintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskConstraint

    project = factory.SubFactory(ProjectFactory)
    item = factory.SubFactory(ItemFactory, board=factory.SelfAttribute("..project.board"))


class StatusUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusUpdate

    project = factory.SubFactory(ProjectFactory)
    health = "on_track"
    text = "All good."


class ExpenseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expense

    project = factory.SubFactory(ProjectFactory)
    date = factory.LazyFunction(dt.date.today)
    amount = decimal.Decimal("100.00")
    category = "Travel"


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Goal {n}")
    period_start = dt.date(2026, 1, 1)
    period_end = dt.date(2026, 12, 31)


class KeyResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyResult

    goal = factory.SubFactory(GoalFactory)
    name = factory.Sequence(lambda n: f"Key result {n}")


class RuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rule

    workspace = factory.SelfAttribute("board.workspace")
    board = factory.SubFactory(BoardFactory)
    name = factory.Sequence(lambda n: f"Rule {n}")
    trigger = factory.LazyFunction(lambda: {"type": "item_created", "config": {}})
    actions = factory.LazyFunction(
        lambda: [{"type": "set_field", "config": {"field": "priority", "value": "high"}}]
    )


class RuleVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RuleVersion

    rule = factory.SubFactory(RuleFactory)
    version = factory.SelfAttribute("rule.version")
    trigger = factory.SelfAttribute("rule.trigger")
    actions = factory.SelfAttribute("rule.actions")


class RuleRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RuleRun

    rule = factory.SubFactory(RuleFactory)
    workspace = factory.SelfAttribute("rule.workspace")
    version = factory.SelfAttribute("rule.version")
    event_key = factory.Sequence(lambda n: f"test:{n}")
    status = "succeeded"


class WebhookEndpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookEndpoint

    workspace = factory.SubFactory(WorkspaceFactory)
    url = "https://hooks.example.com/workos"
    secret = factory.Sequence(lambda n: f"whsec_test_{n:04d}")


class WebhookDeliveryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookDelivery

    endpoint = factory.SubFactory(WebhookEndpointFactory)
    workspace = factory.SelfAttribute("endpoint.workspace")
    url = factory.SelfAttribute("endpoint.url")
    event_type = "item.created"
    payload = factory.LazyFunction(dict)


class IncomingWebhookFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncomingWebhook

    board = factory.SubFactory(BoardFactory)
    workspace = factory.SelfAttribute("board.workspace")
    token_digest = factory.Sequence(lambda n: f"{n:064d}")
    token_prefix = factory.Sequence(lambda n: f"whin_{n:04d}")


class RecurringScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecurringSchedule

    board = factory.SubFactory(BoardFactory)
    workspace = factory.SelfAttribute("board.workspace")
    name = factory.Sequence(lambda n: f"Schedule {n}")
    rrule = "FREQ=WEEKLY;BYDAY=MO;BYHOUR=9;BYMINUTE=0;BYSECOND=0"
    starts_at = factory.LazyFunction(
        lambda: dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
    )
    item_template = factory.LazyFunction(lambda: {"name": "Weekly report {date}"})


class RecurringOccurrenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RecurringOccurrence

    schedule = factory.SubFactory(RecurringScheduleFactory)
    occurs_at = factory.LazyFunction(
        lambda: dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.UTC)
    )


class ApprovalFlowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApprovalFlow

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Approval flow {n}")
    steps = factory.LazyFunction(
        lambda: [{"name": "Manager", "approvers": {"kind": "manager"}}]
    )


class FormFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Form

    board = factory.SubFactory(BoardFactory)
    workspace = factory.SelfAttribute("board.workspace")
    name = factory.Sequence(lambda n: f"Form {n}")
    token = factory.Sequence(lambda n: f"form_test_{n:06d}")
    access = "public"
    fields = factory.LazyFunction(
        lambda: [{"key": "title", "label": "What do you need?", "type": "text",
                  "maps_to": "name", "required": True}]
    )


class SubmissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Submission

    form = factory.SubFactory(FormFactory)
    workspace = factory.SelfAttribute("form.workspace")
    reference = factory.Sequence(lambda n: f"REQ-{n}")
    answers = factory.LazyFunction(lambda: {"title": "A laptop"})
    submitter_email = "requester@example.com"


class ApprovalRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApprovalRequest

    item = factory.SubFactory(ItemFactory)
    workspace = factory.SelfAttribute("item.workspace")
    flow = factory.SubFactory(ApprovalFlowFactory, workspace=factory.SelfAttribute("..workspace"))
    steps = factory.SelfAttribute("flow.steps")


class DecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Decision

    request = factory.SubFactory(ApprovalRequestFactory)
    step = 0
    decision = "approve"


def make_token(membership: Membership, *, read_only: bool = False, **extra) -> tuple[AccessToken, str]:
    secret = token_generate()
    token = AccessToken.objects.create(
        workspace=membership.workspace,
        user=membership.user,
        name="test token",
        prefix=token_display_prefix(secret),
        digest=token_digest(secret),
        read_only=read_only,
        **extra,
    )
    return token, secret


def populate_workspace(owner: Membership) -> dict[type, object]:
    """One object of every workspace-scoped model, for the cross-workspace walk."""
    workspace = owner.workspace
    other = MembershipFactory(workspace=workspace, role=Role.MEMBER)
    team = TeamFactory(workspace=workspace)
    team.members.add(other)
    token, _ = make_token(owner)
    board = BoardFactory(workspace=workspace, created_by=owner)
    board_member = BoardMemberFactory(board=board, membership=other)
    group = GroupFactory(board=board)
    status = StatusFactory(board=board)
    column = ColumnFactory(board=board)
    item = ItemFactory(board=board, group=group, status=status)
    dependency = DependencyFactory(predecessor=item, successor=ItemFactory(board=board, group=group))
    view = ViewFactory(board=board, created_by=owner)
    comment = CommentFactory(item=item, author=owner)
    attachment = AttachmentFactory(item=item, uploaded_by=owner)
    notification = NotificationFactory(item=item, recipient=owner)
    entry = TimeEntryFactory(member=other, item=item)
    rate = RateFactory(member=other)
    schedule = WorkScheduleFactory(member=other)
    time_off = TimeOffFactory(member=other)
    allocation = AllocationFactory(member=other, board=board)
    project = ProjectFactory(board=BoardFactory(workspace=workspace, created_by=owner),
                             manager=owner)
    task = ItemFactory(board=project.board)
    goal = GoalFactory(workspace=workspace, owner=owner)
    goal.projects.add(project)
    baseline = BaselineFactory(project=project)
    project_objects = {
        GateItem: GateItemFactory(project=project),
        PhaseTransition: PhaseTransitionFactory(project=project),
        Baseline: baseline,
        BaselineTask: BaselineTaskFactory(baseline=baseline, item=task),
        TaskConstraint: TaskConstraintFactory(project=project, item=task),
        StatusUpdate: StatusUpdateFactory(project=project),
        Expense: ExpenseFactory(project=project),
        Goal: goal,
        KeyResult: KeyResultFactory(goal=goal),
    }
    rule = RuleFactory(board=board, created_by=owner, owner=owner)
    endpoint = WebhookEndpointFactory(workspace=workspace)
    schedule_ = RecurringScheduleFactory(board=board)
    automation_objects = {
        Rule: rule,
        RuleVersion: RuleVersionFactory(rule=rule),
        RuleRun: RuleRunFactory(rule=rule, item=item),
        WebhookEndpoint: endpoint,
        WebhookDelivery: WebhookDeliveryFactory(endpoint=endpoint),
        IncomingWebhook: IncomingWebhookFactory(board=board),
        RecurringSchedule: schedule_,
        RecurringOccurrence: RecurringOccurrenceFactory(schedule=schedule_),
    }
    flow = ApprovalFlowFactory(workspace=workspace, created_by=owner)
    form = FormFactory(board=board, created_by=owner, approval_flow=flow)
    approval = ApprovalRequestFactory(item=item, flow=flow, requested_by=owner)
    approval.pending_approvers.add(owner)
    automation_objects |= {
        ApprovalFlow: flow,
        Form: form,
        Submission: SubmissionFactory(form=form, item=item),
        ApprovalRequest: approval,
        Decision: DecisionFactory(request=approval, approver=owner),
    }
    return {
        **project_objects,
        **automation_objects,
        Membership: other, Team: team, AccessToken: token, Board: board,
        BoardMember: board_member, Group: group, Status: status, Column: column, Item: item,
        Dependency: dependency, View: view, Comment: comment, Attachment: attachment,
        Notification: notification, TimeEntry: entry, Timesheet: entry.timesheet, Rate: rate,
        WorkSchedule: schedule, TimeOff: time_off, Allocation: allocation, Project: project,
    }
