"""Triggers fired by events (activities): what changed, on which item.

Each reads the event's verb, `changes` ({field: [old, new]}) and `data`; anything else it needs
(statuses, sub-items, successors, comments, tracked time) comes through the batch, which reads
it once for all events of a dispatch. Clock-driven triggers live in `triggers_timed`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, Sum

from automations.catalogue.base import TRIGGERS, ConfigError, Field, Match, Trigger
from automations.catalogue.values import CHANGEABLE_FIELDS, column_value, compare, plain
from boards.models import Dependency, DependencyType, Item, StatusCategory
from timetracking.models import TimeEntry
from workos.activity.models import Comment

if TYPE_CHECKING:
    from automations.catalogue.validation import ValidationContext
    from automations.engine.events import Batch, Event

CHANGE_VERBS = frozenset({"item.updated", "item.moved"})


def _status_change(event: Event) -> tuple[Any, Any] | None:
    change = event.changes.get("status")
    if event.verb not in CHANGE_VERBS or not isinstance(change, list) or len(change) != 2:
        return None
    return change[0], change[1]


def _status_names(batch: Batch, *ids: Any) -> list[str | None]:
    statuses = batch.statuses(ids)
    return [statuses[i].name if i in statuses else None for i in ids]


@TRIGGERS.register
class ItemCreated(Trigger):
    id = "item_created"
    label = "An item is created"
    verbs = frozenset({"item.created"})
    fields = (Field("include_sub_items", "boolean", "Also when a sub-item is created.",
                    default=True),)

    def match(self, config: dict[str, Any], event: Event, batch: Batch) -> list[Match]:
        item = batch.item(event.item_id)
        if item is None or (item.parent_id and not config.get("include_sub_items", True)):
            return []
        return [Match(item.pk, {"new": item.name})]


@TRIGGERS.register
class StatusChanged(Trigger):
    id = "status_changed"
    label = "The status changes"
    description = ("From and to a status of the board, or into / out of a category (which also "
                   "works for workspace rules, across boards). Without settings: any change.")
    verbs = CHANGE_VERBS
    fields = (
        Field("from_status", "integer", "The status it leaves."),
        Field("to_status", "integer", "The status it gets."),
        Field("from_category", "string", "The category it leaves.",
              choices=tuple(StatusCategory.values)),
        Field("to_category", "string", "The category it enters.",
              choices=tuple(StatusCategory.values)),
    )

    def clean(self, config: dict[str, Any], vctx: ValidationContext) -> dict[str, Any]:
        for key in ("from_status", "to_status"):
            if key in config:
                vctx.status(config[key], key)
        return config

    def match(self, config: dict[str, Any], event: Event, batch: Batch) -> list[Match]:
        change = _status_change(event)
        if change is None or event.item_id is None:
            return []
        old, new = change
        if "from_status" in config and old != config["from_status"]:
            return []
        if "to_status" in config and new != config["to_status"]:
            return []
        old_cat, new_cat = batch.status_category(old), batch.status_category(new)
        if "to_category" in config and (
            new_cat != config["to_category"] or old_cat == new_cat
        ):
            return []
        if "from_category" in config and (
            old_cat != config["from_category"] or old_cat == new_cat
        ):
            return []
        old_name, new_name = _status_names(batch, old, new)
        return [Match(event.item_id, {"field": "status", "old": old_name, "new": new_name})]


@TRIGGERS.register
class FieldChanged(Trigger):
    id = "field_changed"
    label = "A field or column changes"
    description = ("A core field (" + ", ".join(CHANGEABLE_FIELDS) + ") or a column by key; "
                   "with `to`, only when it becomes that value.")
    verbs = CHANGE_VERBS | {"item.archived", "item.restored"}
    one_of = ("field", "column")
    fields = (
        Field("field", "string", "A core field.", choices=CHANGEABLE_FIELDS),
        Field("column", "string", "A column's key."),
        Field("to", "any", "The new value it must have (compared like a condition's eq)."),
    )

    def clean(self, config: dict[str, Any], vctx: ValidationContext) -> dict[str, Any]:
        if "field" in config and "column" in config:
            raise ConfigError.on("column", "Give a field or a column, not both.")
        if "column" in config:
            vctx.column(config["column"], "column")
        return config

    def match(self, config: dict[str, Any], event: Event, batch: Batch) -> list[Match]:
        if event.item_id is None:
            return []
        if "column" in config:
            key = config["column"]
            change = event.changes.get("values")
            if not isinstance(change, list) or len(change) != 2:
                return []
            old, new = ((change[0] or {}).get(key), (change[1] or {}).get(key))
            if old == new:
                return []
            column = batch.columns(event.board_id).get(key) if event.board_id else None
            old, new = column_value(column, old), column_value(column, new)
            name = key
        else:
            name = config["field"]
            change = event.changes.get(name)
            if not isinstance(change, list) or len(change) != 2:
                return []
            old, new = change
        if "to" in config and not compare("eq", plain(new), config["to"], field=name):
            return []
        return [Match(event.item_id, {"field": name, "old": old, "new": new})]


@TRIGGERS.register
class ItemMoved(Trigger):
    id = "item_moved"
    label = "An item moves to a group or board"
    verbs = CHANGE_VERBS
    fields = (
        Field("to_group", "integer", "The group it arrives in."),
        Field("to_board", "integer", "The board it arrives on (from another board)."),
    )

    def clean(self, config: dict[str, Any], vctx: ValidationContext) -> dict[str, Any]:
        board = None
        if "to_board" in config:
            board = vctx.editable_board(config["to_board"], "to_board")
        if "to_group" in config:
            vctx.group(config["to_group"], "to_group", board)
        return config

    def match(self, config: dict[str, Any], event: Event, batch: Batch) -> list[Match]:
        group, board = event.changes.get("group"), event.changes.get("board")
        if event.item_id is None or not (group or board):
            return []
        if "to_board" in config and (not board or board[1] != config["to_board"]):
            return []
        if "to_group" in config and (not group or group[1] != config["to_group"]):
            return []
        old, new = (group or board)[0], (group or board)[1]
        return [Match(event.item_id, {"field": "group" if group else "board",
                                      "old": old, "new": new})]


class _AssigneesChanged(Trigger):
    verbs = frozenset({"item.created", "item.updated"})
    fields = (Field("member", "integer", "Only when this member is the one (un)assigned."),)
    added = True

    def clean(self, config: dict[str, Any], vctx: ValidationContext) -> dict[str, Any]:
        if "member" in config:
            vctx.member(config["member"], "member")
        return config

    def match(self, config: dict[str, Any], event: Event, batch: Batch) -> list[Match]:
        change = event.changes.get("assignees")
        if event.item_id is None or not isinstance(change, list) or len(change) != 2:
            return []
        old, new = set(change[0] or []), set(change[1] or [])
        moved = sorted((new - old) if self.added else (old - new))
        if not moved or ("member" in config and config["member"] not in moved):
            return []
        return [Match(event.item_id, {"field": "assignees", "old": sorted(old),
                                      "new": sorted(new), "members": moved})]


@TRIGGERS.register
class Assigned(_AssigneesChanged):
    id = "assigned"
    label = "Someone is assigned"


@TRIGGERS.register
class Unassigned(_AssigneesChanged):
    id = "unassigned"
    label = "Someone is unassigned"
    verbs = frozenset({"item.updated"})
    added = False


def _became_done(event: Event, batch: Batch) -> bool:
    change = _status_change(event)
    if change is None:
        return False
    old, new = change
    done = StatusCategory.DONE
    return batch.status_category(new) == done and batch.status_category(old) != done


@TRIGGERS.register
class SubItemsDone(Trigger):
    id = "sub_items_done"
    label = "All sub-items are done"
    description = "Fires for the parent when its last open sub-item is done."
    verbs = CHANGE_VERBS

    def match(self, config: dict[str, Any], event: Event, batch: Batch) -> list[Match]:
        item = batch.item(event.item_id)
        if item is None or item.parent_id is None or not _became_done(event, batch):
            return []
        open_children = Item.objects.filter(parent_id=item.parent_id, archived_at__isnull=True)
        if open_children.filter(~Q(status__category=StatusCategory.DONE) | Q(
                status__isnull=True)).exists():
            return []
        batch.load_items([item.parent_id])
        return [Match(item.parent_id, {"field": "status", "new": item.name},
                      key=f"item:{item.parent_id}")]


@TRIGGERS.register
class PredecessorDone(Trigger):
    id = "predecessor_done"
    label = "A predecessor is done"
    description = "Fires for each successor of an item that becomes done."
    verbs = CHANGE_VERBS
    fields = (
        Field("type", "string", "Only links of this type.", choices=tuple(DependencyType.values)),
        Field("all_predecessors", "boolean", "Only when every predecessor of the successor "
              "is done.", default=False),
    )

    def match(self, config: dict[str, Any], event: Event, batch: Batch) -> list[Match]:
        if event.item_id is None or not _became_done(event, batch):
            return []
        links = Dependency.objects.filter(predecessor_id=event.item_id)
        if "type" in config:
            links = links.filter(type=config["type"])
        successors = list(links.values_list("successor_id", flat=True))
        if successors and config.get("all_predecessors"):
            not_done = ~Q(predecessor__status__category=StatusCategory.DONE) | Q(
                predecessor__status__isnull=True)
            blocked = set(
                Dependency.objects.filter(successor_id__in=successors).values("successor_id")
                .annotate(open=Count("id", filter=not_done)).filter(open__gt=0)
                .values_list("successor_id", flat=True)
            )
            successors = [s for s in successors if s not in blocked]
        batch.load_items(successors)
        name = batch.item(event.item_id).name if batch.item(event.item_id) else ""
        return [Match(s, {"field": "predecessor", "new": name, "predecessor": event.item_id},
                      key=f"item:{s}") for s in successors]


@TRIGGERS.register
class CommentAdded(Trigger):
    id = "comment_added"
    label = "A comment is added"
    verbs = frozenset({"comment.added"})
    fields = (Field("contains", "string", "Only comments containing this text (any case).",
                    max_length=200),)

    def match(self, config: dict[str, Any], event: Event, batch: Batch) -> list[Match]:
        if event.item_id is None:
            return []
        comment_id = event.data.get("comment")
        comments = batch.memo("comments", lambda: dict(Comment.objects.filter(
            id__in=[e.data.get("comment") for e in batch.events if e.verb == "comment.added"],
            deleted_at__isnull=True).values_list("id", "body_text")))
        text = comments.get(comment_id)
        if text is None:
            return []
        if config.get("contains") and config["contains"].casefold() not in text.casefold():
            return []
        return [Match(event.item_id, {"field": "comment", "new": text[:500],
                                      "comment": comment_id})]


@TRIGGERS.register
class FormSubmitted(Trigger):
    id = "form_submitted"
    label = "A form is submitted"
    description = "The item a form submission created (request intake)."
    verbs = frozenset({"intake.submitted"})
    fields = (Field("form", "integer", "Only submissions of this form."),)

    def match(self, config: dict[str, Any], event: Event, batch: Batch) -> list[Match]:
        if event.item_id is None:
            return []
        if "form" in config and event.data.get("form") != config["form"]:
            return []
        return [Match(event.item_id, {"field": "form", "new": event.data.get("form")})]


@TRIGGERS.register
class ApprovalDecided(Trigger):
    id = "approval_decided"
    label = "An approval is decided"
    verbs = frozenset({"approval.decided"})
    fields = (
        Field("decision", "string", "Only this outcome.", choices=("approved", "rejected")),
        Field("flow", "integer", "Only requests of this approval flow."),
    )

    def match(self, config: dict[str, Any], event: Event, batch: Batch) -> list[Match]:
        if event.item_id is None:
            return []
        decision = event.data.get("decision")
        if "decision" in config and decision != config["decision"]:
            return []
        if "flow" in config and event.data.get("flow") != config["flow"]:
            return []
        return [Match(event.item_id, {"field": "decision", "new": decision})]


@TRIGGERS.register
class TimeOverEstimate(Trigger):
    id = "time_over_estimate"
    label = "Time logged passes the estimate"
    description = ("Fires once when an item's tracked time first exceeds its estimate, and again "
                   "only if the estimate changes and is passed again.")
    verbs = frozenset({"time_entry.created", "time_entry.updated", "timer.stopped"})

    def match(self, config: dict[str, Any], event: Event, batch: Batch) -> list[Match]:
        item = batch.item(event.item_id)
        if item is None or not item.estimate_hours:
            return []
        tracked = batch.memo("tracked", lambda: dict(
            TimeEntry.objects.filter(item_id__in={e.item_id for e in batch.events if e.item_id})
            .order_by().values("item_id").annotate(minutes=Sum("duration_minutes"))
            .values_list("item_id", "minutes")))
        minutes = tracked.get(item.pk) or 0
        if minutes <= float(item.estimate_hours) * 60:
            return []
        estimate = f"{item.estimate_hours:f}"
        return [Match(item.pk, {"field": "tracked_hours", "old": float(item.estimate_hours),
                                "new": round(minutes / 60, 2)},
                      event_key=f"estimate:{item.pk}:{estimate}")]
