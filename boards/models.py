"""Boards of typed items: Board, its groups, statuses and columns, Item, Dependency and View.

Core item fields are real columns so they can be indexed and joined; custom column values live in
`Item.values`, one JSON object keyed by column key and validated by the column's type.
Positions of groups and items are lexicographic ranks (see `boards.ranking`), so a move writes
one row.
"""

from __future__ import annotations

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q

from workos.tenancy.models import Membership, Workspace


class Privacy(models.TextChoices):
    WORKSPACE = "workspace", "Workspace"
    PRIVATE = "private", "Private"


class BoardRole(models.TextChoices):
    EDITOR = "editor", "Editor"
    CONTRIBUTOR = "contributor", "Contributor"
    VIEWER = "viewer", "Viewer"


class StatusCategory(models.TextChoices):
    BACKLOG = "backlog", "Backlog"
    TODO = "todo", "To do"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class Priority(models.TextChoices):
    NONE = "none", "None"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    URGENT = "urgent", "Urgent"


# Sorting by priority follows urgency, not the alphabet.
PRIORITY_RANK: dict[str, int] = {
    Priority.NONE: 0, Priority.LOW: 1, Priority.MEDIUM: 2, Priority.HIGH: 3, Priority.URGENT: 4,
}


class DependencyType(models.TextChoices):
    FS = "FS", "Finish to start"
    SS = "SS", "Start to start"
    FF = "FF", "Finish to finish"
    SF = "SF", "Start to finish"


class ViewKind(models.TextChoices):
    TABLE = "table", "Table"
    KANBAN = "kanban", "Kanban"
    CALENDAR = "calendar", "Calendar"
    GANTT = "gantt", "Gantt"
    WORKLOAD = "workload", "Workload"
    CHART = "chart", "Chart"


column_key_validator = RegexValidator(
    r"^[a-z][a-z0-9_]{0,62}$",
    "Use 1 to 63 lower-case letters, digits and underscores, starting with a letter.",
)


class Board(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="boards")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    privacy = models.CharField(max_length=10, choices=Privacy.choices, default=Privacy.WORKSPACE)
    is_template = models.BooleanField(default=False)
    # A closed project's board: readable, but every write to it is refused.
    read_only = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    # Soft delete: the board and its items can be restored for 30 days.
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["workspace", "deleted_at", "archived_at"], name="board_live_idx"),
        ]

    def __str__(self) -> str:
        return self.name


class BoardMember(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="members")
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="board_memberships"
    )
    role = models.CharField(max_length=12, choices=BoardRole.choices, default=BoardRole.EDITOR)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["board", "membership"], name="boardmember_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} on {self.board_id} ({self.role})"


class Group(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=200)
    color = models.CharField(max_length=20, blank=True)
    position = models.CharField(max_length=64)
    archived_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["board", "position"], name="group_board_pos_idx")]

    def __str__(self) -> str:
        return self.name


class Status(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="statuses")
    name = models.CharField(max_length=100)
    color = models.CharField(max_length=20, blank=True)
    category = models.CharField(max_length=12, choices=StatusCategory.choices)
    position = models.PositiveIntegerField(default=0)
    wip_limit = models.PositiveIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1)]
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name_plural = "statuses"
        constraints = [
            models.UniqueConstraint(fields=["board", "name"], name="status_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class Column(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="columns")
    key = models.CharField(max_length=63, validators=[column_key_validator])
    title = models.CharField(max_length=200)
    # One of boards.columns.COLUMN_TYPES; validated by the service, not a DB choice, so adding
    # a type needs no migration.
    type = models.CharField(max_length=32)
    settings = models.JSONField(default=dict, blank=True)
    position = models.PositiveIntegerField(default=0)
    width = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["board", "key"], name="column_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.type})"


class Item(models.Model):
    # Denormalised from the board so every item query can be scoped without a join.
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="items")
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="items")
    group = models.ForeignKey(Group, on_delete=models.RESTRICT, related_name="items")
    status = models.ForeignKey(
        Status, null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    name = models.CharField(max_length=500)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    assignees = models.ManyToManyField(Membership, blank=True, related_name="assigned_items")
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True, db_index=True)
    estimate_hours = models.DecimalField(
        max_digits=8, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    priority = models.CharField(max_length=8, choices=Priority.choices, default=Priority.NONE)
    position = models.CharField(max_length=64)
    is_milestone = models.BooleanField(default=False)
    values = models.JSONField(default=dict, blank=True)
    # Bumped on every write; `If-Match` compares against it.
    version = models.PositiveIntegerField(default=1)
    external_id = models.CharField(max_length=200, null=True, blank=True)
    created_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    # The item's own tracked time, kept by time tracking's services so that workload and
    # estimate-vs-actual don't sum entries on every read.
    tracked_minutes = models.PositiveIntegerField(default=0, db_default=0)

    class Meta:
        ordering = ["position", "id"]
        indexes = [
            models.Index(
                fields=["board", "archived_at", "group", "position"], name="item_board_order_idx"
            ),
            # Kanban lanes and group order read a range of one of these, never sort.
            models.Index(
                fields=["board", "status", "position", "id"], name="item_lane_order_idx",
                condition=Q(archived_at__isnull=True),
            ),
            models.Index(fields=["group", "position", "id"], name="item_group_order_idx"),
            models.Index(
                fields=["board", "position", "id"], name="item_board_position_idx",
                condition=Q(archived_at__isnull=True),
            ),
            # A board's page in the list's default order (by id): without it, a board whose
            # items are not the table's oldest is found by walking the primary key.
            models.Index(
                fields=["board", "id"], name="item_board_id_idx",
                condition=Q(archived_at__isnull=True),
            ),
            models.Index(fields=["workspace", "updated_at"], name="item_ws_updated_idx"),
            models.Index(fields=["workspace", "archived_at"], name="item_ws_archived_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["board", "external_id"],
                condition=Q(external_id__isnull=False),
                name="item_unique_external_id",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(due_date__isnull=True)
                | Q(start_date__lte=F("due_date")),
                name="item_start_before_due",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Dependency(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="dependencies")
    predecessor = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="successor_links")
    successor = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="predecessor_links")
    type = models.CharField(max_length=2, choices=DependencyType.choices, default=DependencyType.FS)
    lag_days = models.IntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name_plural = "dependencies"
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="dependency_unique"),
            models.CheckConstraint(
                condition=~Q(predecessor=F("successor")), name="dependency_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor_id} -{self.type}-> {self.successor_id}"


class View(models.Model):
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="views")
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="views")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=ViewKind.choices, default=ViewKind.TABLE)
    config = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # A view that is not shared is visible to its creator only.
    is_shared = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name
