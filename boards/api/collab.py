"""The collaboration around an item: comments, its history and attachments.

Every route is under `items/{item_id}/`, and the item is resolved through the boards' item
selector before anything else (body parsing included), so another workspace's item, or one on
a private board the caller cannot see, answers 404 like a missing one. Files are served only
by the download action here, always as a download, never rendered by the browser.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from boards import selectors
from boards.api.views.base import BoardsViewSet
from boards.models import Item
from boards.services.attachments import attachment_create, attachment_delete
from boards.services.comments import (
    COMMENT_MAX_CHARS,
    comment_create,
    comment_delete,
    comment_update,
)
from workos.activity import selectors as activity_selectors
from workos.activity.models import Activity, Attachment, Comment

# Types a browser shows but does not run; everything else is sent as opaque bytes, so an
# uploaded HTML, SVG, XML or script file can never execute in this site's origin.
DOWNLOAD_TYPES_KEPT = frozenset({
    "application/pdf", "application/zip", "image/gif", "image/jpeg", "image/png", "image/webp",
    "text/csv", "text/plain", "audio/mpeg", "video/mp4",
    "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
})


def download_type(content_type: str) -> str:
    return content_type if content_type in DOWNLOAD_TYPES_KEPT else "application/octet-stream"


# --- shapes -------------------------------------------------------------------------------



def attachment_download(attachment: Attachment) -> FileResponse:
    """A stored file, always as a download, never rendered in our origin."""
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name,
        content_type=download_type(attachment.content_type),
    )
    response["X-Content-Type-Options"] = "nosniff"
    # Even if something rendered it, it would run nothing and load nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response

class CommentSerializer(serializers.ModelSerializer):
    item = serializers.IntegerField(source="target_id", read_only=True)
    author = serializers.IntegerField(source="author_id", read_only=True, allow_null=True)
    author_name = serializers.SerializerMethodField()
    mentions = serializers.ListField(child=serializers.IntegerField(), read_only=True,
                                     help_text="Ids of the members mentioned.")

    class Meta:
        model = Comment
        fields = ["id", "item", "author", "author_name", "body_html", "body_text", "mentions",
                  "created_at", "edited_at"]
        read_only_fields = fields

    def get_author_name(self, comment: Comment) -> str | None:
        return comment.author.display_name if comment.author is not None else None


class CommentWriteSerializer(serializers.Serializer):
    body = serializers.CharField(
        max_length=COMMENT_MAX_CHARS, trim_whitespace=False,
        help_text="Plain text or HTML (sanitised on the way in). Mention a member with "
                  "`@[Their Name](member:<membership id>)`.",
    )


class ItemActivitySerializer(serializers.ModelSerializer):
    changes = serializers.DictField(
        child=serializers.ListField(), help_text="{field: [old, new]} for each field changed.")
    data = serializers.DictField()

    class Meta:
        model = Activity
        fields = ["id", "verb", "actor_label", "changes", "data", "created_at"]
        read_only_fields = fields


class AttachmentSerializer(serializers.ModelSerializer):
    item = serializers.IntegerField(source="target_id", read_only=True)
    uploaded_by = serializers.IntegerField(source="uploaded_by_id", read_only=True,
                                           allow_null=True)
    download = serializers.SerializerMethodField(help_text="The path to download the file.")

    class Meta:
        model = Attachment
        fields = ["id", "item", "uploaded_by", "original_name", "content_type", "size",
                  "created_at", "download"]
        read_only_fields = fields

    def get_download(self, attachment: Attachment) -> str:
        return reverse("item-attachment-download", kwargs={
            "ws": self.context["ws"], "item_id": attachment.target_id, "id": attachment.pk})


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, use_url=False,
                                 help_text="The file; its name is kept for the download.")


# --- views --------------------------------------------------------------------------------


class ItemChildViewSet(BoardsViewSet):
    """Routes under `items/{item_id}/`. Any member may call; what they may do is the board
    role's question, which the services answer."""

    @cached_property
    def item(self) -> Item:
        return selectors.item_get(workspace=self.workspace, membership=self.membership,
                                  id=int(self.kwargs["item_id"]))

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.item  # noqa: B018 - a hidden item is a 404 before the body is even read

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "ws": self.kwargs.get("ws")}


class ItemCommentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ItemChildViewSet):
    scoped_model = Comment
    serializer_class = CommentSerializer
    ordering_fields = ["id", "created_at"]
    ordering = ["-id"]

    def scoped_queryset(self) -> QuerySet:
        return activity_selectors.comment_list(workspace=self.workspace, target=self.item)

    def _render(self, comment: Comment, code: int = status.HTTP_200_OK) -> Response:
        fresh = activity_selectors.comment_get(workspace=self.workspace, target=self.item,
                                               id=comment.pk)
        return Response(CommentSerializer(fresh).data, status=code)

    @extend_schema(request=CommentWriteSerializer, responses={201: CommentSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = CommentWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        comment = comment_create(actor=self.membership, item=self.item,
                                 body=body.validated_data["body"])
        return self._render(comment, status.HTTP_201_CREATED)

    @extend_schema(request=CommentWriteSerializer, responses=CommentSerializer)
    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        comment = self.get_object()
        body = CommentWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        comment = comment_update(actor=self.membership, item=self.item, comment=comment,
                                 body=body.validated_data["body"])
        return self._render(comment)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        comment_delete(actor=self.membership, item=self.item, comment=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class ItemActivityViewSet(mixins.ListModelMixin, ItemChildViewSet):
    """The item's history, newest first: every change with its old and new values, comments
    and attachments added or removed."""

    scoped_model = Activity
    serializer_class = ItemActivitySerializer
    http_method_names = ["get", "head", "options"]
    ordering_fields = ["id", "created_at"]
    ordering = ["-id"]

    def scoped_queryset(self) -> QuerySet:
        return activity_selectors.activity_for_target(workspace=self.workspace, target=self.item)


class ItemAttachmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                            ItemChildViewSet):
    scoped_model = Attachment
    serializer_class = AttachmentSerializer
    http_method_names = ["get", "post", "delete", "head", "options"]
    # Uploads are multipart; the other routes of this viewset read no body.
    parser_classes = [MultiPartParser, FormParser]
    ordering_fields = ["id", "created_at", "original_name", "size"]
    ordering = ["-id"]

    def scoped_queryset(self) -> QuerySet:
        return activity_selectors.attachment_list(workspace=self.workspace, target=self.item)

    @extend_schema(request={"multipart/form-data": AttachmentUploadSerializer},
                   responses={201: AttachmentSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = AttachmentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        attachment = attachment_create(actor=self.membership, item=self.item,
                                       upload=body.validated_data["file"])
        data = AttachmentSerializer(attachment, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        attachment_delete(actor=self.membership, item=self.item, attachment=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # A download bypasses renderers; errors are JSON whatever the client accepts.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse(
        response=OpenApiTypes.BINARY,
        description="The file, always as a download (Content-Disposition: attachment).")})
    @action(detail=True, methods=["get"])
    def download(self, request: Request, *args: Any, **kwargs: Any) -> FileResponse:
        return attachment_download(self.get_object())
