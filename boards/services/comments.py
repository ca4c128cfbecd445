"""Comments on items.

Anyone who can see an item may comment on it, viewers included: commenting is how a viewer
asks for a change without making it. Guests see, and so comment on, only boards shared with
them. Only the author edits a comment, so nobody can put words in another's mouth; the author
or a workspace admin (moderation) deletes it. Mentioned members who can see the item are
notified once per comment, not again when an edit keeps their mention.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from boards.models import Item
from boards.selectors import visible_board_ids
from boards.services.access import VIEWER, require_board_role
from workos.activity.models import Comment
from workos.activity.richtext import RichText, mention_ids, render
from workos.activity.services import activity_record, notify
from workos.errors import NotFound, PermissionDenied, ValidationFailed
from workos.tenancy.models import Membership, Role, role_at_least

COMMENT_MAX_CHARS = 20_000
# More mentions than this in one comment is a broadcast, which members and teams are for.
MAX_MENTIONS = 20


def item_link(item: Item) -> str:
    """Where a notification about an item leads: its page."""
    return reverse("item-page", kwargs={"ws": item.workspace.slug, "id": item.pk})


def _render(*, actor: Membership, body: str) -> tuple[RichText, dict[int, Membership]]:
    """The sanitised comment, and the members its mentions name (members of this workspace
    only: an id from elsewhere stays plain text)."""
    if not isinstance(body, str) or len(body) > COMMENT_MAX_CHARS:
        raise ValidationFailed(
            f"Keep a comment under {COMMENT_MAX_CHARS} characters.",
            fields={"body": [f"At most {COMMENT_MAX_CHARS} characters."]},
        )
    wanted = mention_ids(body)
    if len(wanted) > MAX_MENTIONS:
        raise ValidationFailed(
            f"Mention at most {MAX_MENTIONS} people in one comment.",
            fields={"body": ["Too many mentions."]},
        )
    members = {
        m.pk: m
        for m in Membership.objects.filter(workspace=actor.workspace, id__in=wanted)
        .select_related("user")
    }
    rich = render(body, members={pk: m.display_name for pk, m in members.items()})
    if not rich.text:
        raise ValidationFailed("A comment needs some text.", fields={"body": ["Empty."]})
    return rich, members


def _notify_mentioned(
    *, actor: Membership, item: Item, comment: Comment, mentioned: list[Membership]
) -> None:
    # Only those who can see the item: the title names it, and a private board stays private.
    board_id = item.board_id
    can_see = [
        m for m in mentioned
        if visible_board_ids(workspace=item.workspace, membership=m).filter(id=board_id).exists()
    ]
    name = actor.display_name
    notify(
        workspace=item.workspace, recipients=can_see, verb="mentioned", target=item,
        title=f"{name} mentioned you on '{item.name}'", actor_label=name, actor=actor,
        link=item_link(item),
        data={"board": board_id, "item": item.pk, "comment": comment.pk,
              "excerpt": comment.body_text[:200]},
    )


def _same_item(comment: Comment, item: Item) -> None:
    on_item = comment.target_type_id == ContentType.objects.get_for_model(Item).pk
    if not on_item or comment.target_id != item.pk or comment.workspace_id != item.workspace_id:
        raise NotFound("Comment not found.")


def _locked(comment: Comment) -> Comment:
    locked = Comment.objects.select_for_update().filter(pk=comment.pk).first()
    if locked is None or locked.deleted_at is not None:
        raise NotFound("Comment not found.")
    return locked


@transaction.atomic
def comment_create(*, actor: Membership, item: Item, body: str) -> Comment:
    require_board_role(board=item.board, actor=actor, minimum=VIEWER, doing="Commenting")
    rich, members = _render(actor=actor, body=body)
    comment = Comment.objects.create(
        workspace=item.workspace, target_type=ContentType.objects.get_for_model(Item),
        target_id=item.pk, author=actor, body_html=rich.html, body_text=rich.text,
        mentions=rich.mentions,
    )
    activity_record(
        workspace=item.workspace, actor=actor.user, verb="comment.added", target=item,
        data={"board": item.board_id, "comment": comment.pk},
    )
    _notify_mentioned(actor=actor, item=item, comment=comment,
                      mentioned=[members[pk] for pk in rich.mentions])
    return comment


@transaction.atomic
def comment_update(*, actor: Membership, item: Item, comment: Comment, body: str) -> Comment:
    """Replace the text; members newly mentioned are notified."""
    _same_item(comment, item)
    require_board_role(board=item.board, actor=actor, minimum=VIEWER, doing="Editing a comment")
    comment = _locked(comment)
    if comment.author_id != actor.pk:
        raise PermissionDenied("Only the author can edit a comment.")
    rich, members = _render(actor=actor, body=body)
    if rich.html == comment.body_html:
        return comment
    before = set(comment.mentions or [])
    comment.body_html, comment.body_text, comment.mentions = rich.html, rich.text, rich.mentions
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body_html", "body_text", "mentions", "edited_at"])
    activity_record(
        workspace=item.workspace, actor=actor.user, verb="comment.edited", target=item,
        data={"board": item.board_id, "comment": comment.pk},
    )
    _notify_mentioned(actor=actor, item=item, comment=comment,
                      mentioned=[members[pk] for pk in rich.mentions if pk not in before])
    return comment


@transaction.atomic
def comment_delete(*, actor: Membership, item: Item, comment: Comment) -> None:
    """Soft delete that erases the text: the row stays so the history can refer to it."""
    _same_item(comment, item)
    require_board_role(board=item.board, actor=actor, minimum=VIEWER,
                      doing="Deleting a comment")
    comment = _locked(comment)
    if comment.author_id != actor.pk and not role_at_least(actor.role, Role.ADMIN):
        raise PermissionDenied("Only the author or a workspace admin can delete a comment.")
    comment.body_html, comment.body_text, comment.mentions = "", "", []
    comment.deleted_at = timezone.now()
    comment.save(update_fields=["body_html", "body_text", "mentions", "deleted_at"])
    activity_record(
        workspace=item.workspace, actor=actor.user, verb="comment.deleted", target=item,
        data={"board": item.board_id, "comment": comment.pk},
    )
