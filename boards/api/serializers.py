"""Shapes of the boards API: ids are plain values, never nested objects."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from rest_framework import serializers

from boards.computed import HAS_COMPUTED, fill_computed
from boards.models import (
    Board,
    BoardMember,
    BoardRole,
    Column,
    Dependency,
    DependencyType,
    Group,
    Item,
    Priority,
    Privacy,
    Status,
    StatusCategory,
    View,
    ViewKind,
)
from boards.selectors import board_role


class BoardSerializer(serializers.ModelSerializer):
    created_by = serializers.IntegerField(source="created_by_id", read_only=True, allow_null=True)
    role = serializers.SerializerMethodField(help_text="Your role on this board.")

    class Meta:
        model = Board
        fields = [
            "id", "name", "description", "privacy", "is_template", "read_only", "created_by",
            "role", "created_at", "updated_at", "archived_at",
        ]
        read_only_fields = fields
        extra_kwargs = {"read_only": {"help_text": "A closed project's board: every write to "
                                      "it is refused (409) until the project is reopened."}}

    def get_role(self, board: Board) -> str | None:
        membership = self.context.get("membership")
        return board_role(board, membership) if membership is not None else None


class BoardWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    privacy = serializers.ChoiceField(choices=Privacy.choices, required=False)
    is_template = serializers.BooleanField(required=False)
    groups = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, max_length=50,
        help_text="Names of the first groups (create only); default one group 'Tasks'.",
    )


class BoardDuplicateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    with_items = serializers.BooleanField(default=False)
    is_template = serializers.BooleanField(required=False, allow_null=True, default=None)


class BoardMemberSerializer(serializers.ModelSerializer):
    board = serializers.IntegerField(source="board_id", read_only=True)
    membership = serializers.IntegerField(source="membership_id", read_only=True)

    class Meta:
        model = BoardMember
        fields = ["id", "board", "membership", "role", "created_at"]
        read_only_fields = fields


class BoardMemberWriteSerializer(serializers.Serializer):
    membership = serializers.IntegerField()
    role = serializers.ChoiceField(choices=BoardRole.choices, default=BoardRole.EDITOR)


class GroupSerializer(serializers.ModelSerializer):
    board = serializers.IntegerField(source="board_id", read_only=True)

    class Meta:
        model = Group
        fields = ["id", "board", "name", "color", "position", "archived_at", "created_at"]
        read_only_fields = fields


class GroupWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    color = serializers.CharField(max_length=20, required=False, allow_blank=True)
    before = serializers.IntegerField(required=False, help_text="Place before this group.")
    after = serializers.IntegerField(required=False, help_text="Place after this group.")
    archived = serializers.BooleanField(required=False)


class StatusSerializer(serializers.ModelSerializer):
    board = serializers.IntegerField(source="board_id", read_only=True)

    class Meta:
        model = Status
        fields = ["id", "board", "name", "color", "category", "position", "wip_limit"]
        read_only_fields = fields


class StatusWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    category = serializers.ChoiceField(choices=StatusCategory.choices)
    color = serializers.CharField(max_length=20, required=False, allow_blank=True)
    position = serializers.IntegerField(min_value=0, required=False)
    wip_limit = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class ColumnSerializer(serializers.ModelSerializer):
    board = serializers.IntegerField(source="board_id", read_only=True)

    class Meta:
        model = Column
        fields = ["id", "board", "key", "title", "type", "settings", "position", "width"]
        read_only_fields = fields


class ColumnUpdatedSerializer(ColumnSerializer):
    unconverted = serializers.ListField(
        child=serializers.IntegerField(), read_only=True,
        help_text="Items whose value could not convert to the new type (the value was "
                  "removed; the old one is in the Activity).",
    )

    class Meta(ColumnSerializer.Meta):
        fields = [*ColumnSerializer.Meta.fields, "unconverted"]
        read_only_fields = fields


class ColumnWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    type = serializers.CharField(max_length=32)
    key = serializers.CharField(max_length=63, required=False,
                                help_text="Set once, at creation; derived from the title if "
                                          "not given.")
    settings = serializers.JSONField(required=False)
    width = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    position = serializers.IntegerField(min_value=0, required=False)


class ItemPageSerializer(serializers.ListSerializer):
    """Items rendered together: computed column values are worked out for all of them at once."""

    def to_representation(self, data: Any) -> list[dict[str, Any]]:
        rows = super().to_representation(data)
        if self.context.get("page"):
            return rows  # the caller fills the whole page
        return fill_computed(rows, hide_time=self.context.get("hide_time", True))


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    return value.astimezone(dt.UTC) if value is not None else None


def _hours(value: Any) -> decimal.Decimal | None:
    if value is None:
        return None
    return decimal.Decimal(str(value)).quantize(decimal.Decimal("0.01"))


class ItemSerializer(serializers.ModelSerializer):
    board = serializers.IntegerField(source="board_id", read_only=True)
    group = serializers.IntegerField(source="group_id", read_only=True)
    status = serializers.IntegerField(source="status_id", read_only=True, allow_null=True)
    parent = serializers.IntegerField(source="parent_id", read_only=True, allow_null=True)
    assignees = serializers.SerializerMethodField()
    estimate_hours = serializers.DecimalField(
        max_digits=8, decimal_places=2, coerce_to_string=False, read_only=True, allow_null=True
    )
    values = serializers.DictField(read_only=True)

    class Meta:
        model = Item
        fields = [
            "id", "board", "group", "status", "name", "description", "parent", "assignees",
            "start_date", "due_date", "estimate_hours", "priority", "position", "is_milestone",
            "values", "version", "external_id", "created_at", "updated_at", "completed_at",
            "archived_at",
        ]
        read_only_fields = fields
        list_serializer_class = ItemPageSerializer

    def to_representation(self, instance: Item) -> dict[str, Any]:
        # Written out rather than walked field by field (the fields above stay for the schema):
        # every item write answers with this, and the generic walk cost as much as the write's
        # UPDATE. Times stay datetimes, dates dates and decimals decimals: the JSON renderer
        # writes them exactly as the field classes would (and as the item list does).
        data = {
            "id": instance.pk, "board": instance.board_id, "group": instance.group_id,
            "status": instance.status_id, "name": instance.name,
            "description": instance.description, "parent": instance.parent_id,
            "assignees": self.get_assignees(instance), "start_date": instance.start_date,
            "due_date": instance.due_date, "estimate_hours": _hours(instance.estimate_hours),
            "priority": instance.priority, "position": instance.position,
            "is_milestone": instance.is_milestone, "values": dict(instance.values or {}),
            "version": instance.version, "external_id": instance.external_id,
            "created_at": _utc(instance.created_at), "updated_at": _utc(instance.updated_at),
            "completed_at": _utc(instance.completed_at),
            "archived_at": _utc(instance.archived_at),
        }
        if (
            not isinstance(self.parent, serializers.ListSerializer)
            and not self.context.get("page")  # a page fills all its items at once
            and getattr(instance, HAS_COMPUTED, None) is not False  # known: nothing to fill
        ):
            fill_computed([data], hide_time=self.context.get("hide_time", True))
        return data

    def get_assignees(self, item: Item) -> list[int]:
        # A write that already knows the assignees leaves them here, saving a query.
        known = getattr(item, "assignee_ids_cache", None)
        if known is not None:
            return known
        return sorted(m.pk for m in item.assignees.all())


class StaleItemSerializer(serializers.Serializer):
    """A 412: the error, and the item as it is now, so the client can merge and retry."""

    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField()
    current = ItemSerializer()


class ItemWriteSerializer(serializers.Serializer):
    """Fields an item takes; on PATCH only the ones sent change."""

    board = serializers.IntegerField(required=False, help_text="Required to create.")
    name = serializers.CharField(max_length=500, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    group = serializers.IntegerField(required=False)
    status = serializers.IntegerField(required=False, allow_null=True)
    parent = serializers.IntegerField(required=False, allow_null=True)
    assignees = serializers.ListField(child=serializers.IntegerField(), required=False,
                                      max_length=100)
    start_date = serializers.DateField(required=False, allow_null=True)
    due_date = serializers.DateField(required=False, allow_null=True)
    estimate_hours = serializers.DecimalField(
        max_digits=8, decimal_places=2, min_value=0, required=False, allow_null=True,
        coerce_to_string=False,
    )
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    is_milestone = serializers.BooleanField(required=False)
    values = serializers.DictField(required=False, help_text="Custom column values by key.")
    external_id = serializers.CharField(max_length=200, required=False, allow_null=True,
                                        allow_blank=True)


class ItemUpsertSerializer(ItemWriteSerializer):
    board = serializers.IntegerField()
    external_id = serializers.CharField(max_length=200)


class ItemMoveSerializer(serializers.Serializer):
    board = serializers.IntegerField(required=False, help_text="Move to this board.")
    group = serializers.IntegerField(required=False)
    status = serializers.IntegerField(required=False, allow_null=True)
    before = serializers.IntegerField(required=False, help_text="Place before this item.")
    after = serializers.IntegerField(required=False, help_text="Place after this item.")


class ItemBulkMoveSerializer(serializers.Serializer):
    board = serializers.IntegerField(required=False)
    group = serializers.IntegerField(required=False)
    status = serializers.IntegerField(required=False, allow_null=True)


class ItemBulkFieldsSerializer(ItemWriteSerializer):
    board = None
    external_id = None


class ItemBulkSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=500)
    action = serializers.ChoiceField(choices=["update", "move", "archive", "restore"])
    fields = ItemBulkFieldsSerializer(required=False, help_text="For update.")
    move = ItemBulkMoveSerializer(required=False, help_text="For move.")


class ItemListSerializer(serializers.Serializer):
    results = ItemSerializer(many=True)


class ItemChangesSerializer(serializers.Serializer):
    since = serializers.DateTimeField()
    until = serializers.DateTimeField(help_text="Pass this as `since` next time.")
    archived = serializers.ListField(child=serializers.IntegerField())
    deleted = serializers.ListField(child=serializers.IntegerField())


class ItemFilterSerializer(serializers.Serializer):
    """The list's query parameters; `values.<key>[__op]` are read separately."""

    board = serializers.IntegerField(required=False)
    group = serializers.IntegerField(required=False)
    status = serializers.IntegerField(required=False)
    status_category = serializers.ChoiceField(choices=StatusCategory.choices, required=False)
    assignee = serializers.IntegerField(required=False)
    parent = serializers.CharField(required=False,
                                   help_text="An item id, or `none` for top-level items.")
    due_before = serializers.DateField(required=False)
    due_after = serializers.DateField(required=False)
    q = serializers.CharField(required=False, max_length=200)
    archived = serializers.BooleanField(required=False)
    updated_after = serializers.DateTimeField(required=False)

    def validate_parent(self, value: str) -> Any:
        if value.lower() in {"none", "null"}:
            return "none"
        if not value.isdigit():
            raise serializers.ValidationError("An item id, or none for top-level items.")
        return int(value)


class KanbanLaneSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    category = serializers.CharField(allow_null=True)
    color = serializers.CharField(allow_blank=True)
    wip_limit = serializers.IntegerField(allow_null=True)
    count = serializers.IntegerField()
    items = ItemSerializer(many=True)
    next = serializers.CharField(allow_null=True, help_text="Pass as `cursor` with `column`.")


class KanbanSerializer(serializers.Serializer):
    board = serializers.IntegerField()
    by = serializers.CharField()
    columns = KanbanLaneSerializer(many=True)


class SnapshotSerializer(serializers.Serializer):
    board = BoardSerializer()
    groups = GroupSerializer(many=True)
    statuses = StatusSerializer(many=True)
    columns = ColumnSerializer(many=True)
    items = ItemSerializer(many=True)


class DependencySerializer(serializers.ModelSerializer):
    predecessor = serializers.IntegerField(source="predecessor_id", read_only=True)
    successor = serializers.IntegerField(source="successor_id", read_only=True)

    class Meta:
        model = Dependency
        fields = ["id", "predecessor", "successor", "type", "lag_days", "created_at"]
        read_only_fields = fields


class DependencyWriteSerializer(serializers.Serializer):
    predecessor = serializers.IntegerField()
    successor = serializers.IntegerField()
    type = serializers.ChoiceField(choices=DependencyType.choices, default=DependencyType.FS)
    lag_days = serializers.IntegerField(default=0, min_value=-3650, max_value=3650)


class ViewSerializer(serializers.ModelSerializer):
    board = serializers.IntegerField(source="board_id", read_only=True)
    created_by = serializers.IntegerField(source="created_by_id", read_only=True, allow_null=True)
    config = serializers.DictField(read_only=True)

    class Meta:
        model = View
        fields = ["id", "board", "name", "kind", "config", "is_shared", "created_by",
                  "created_at", "updated_at"]
        read_only_fields = fields


class ViewWriteSerializer(serializers.Serializer):
    board = serializers.IntegerField(help_text="Set at creation.")
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=ViewKind.choices, default=ViewKind.TABLE)
    config = serializers.JSONField(required=False)
    is_shared = serializers.BooleanField(default=True)
