"""A project's notes (comments on the project) and documents (files on it).

Routes under `projects/{project_id}/notes/` and `.../documents/`; the project is resolved
through the viewer's visibility first. Files are served only by the download action, always
as a download with the same guarded headers as item attachments.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from boards.api.collab import attachment_download
from projects.api import reporting_serializers as s
from projects.api.reporting import ProjectChildViewSet
from projects.services.notes import document_create, document_delete, note_create, note_delete
from workos.activity import selectors as activity_selectors
from workos.activity.models import Attachment, Comment
from workos.tenancy.models import Role


class NoteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProjectChildViewSet):
    """Anyone who sees the project reads and writes notes, guests included; the author or a
    workspace admin deletes one."""

    scoped_model = Comment
    serializer_class = s.NoteSerializer
    roles = {"POST": Role.GUEST, "DELETE": Role.GUEST}
    http_method_names = ["get", "post", "delete", "head", "options"]
    ordering_fields = ["id", "created_at"]
    ordering = ["-id"]

    def scoped_queryset(self) -> QuerySet:
        return activity_selectors.comment_list(workspace=self.workspace, target=self.project)

    @extend_schema(request=s.NoteWriteSerializer, responses={201: s.NoteSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = s.NoteWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        note = note_create(actor=self.membership, project=self.project,
                           body=body.validated_data["body"])
        fresh = activity_selectors.comment_get(workspace=self.workspace, target=self.project,
                                               id=note.pk)
        return Response(s.NoteSerializer(fresh).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        note_delete(actor=self.membership, project=self.project, note=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class DocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProjectChildViewSet):
    """Anyone who sees the project reads and downloads documents; its manager, admins and
    editors of its board add them; the uploader, the manager or an admin removes one."""

    scoped_model = Attachment
    serializer_class = s.DocumentSerializer
    http_method_names = ["get", "post", "delete", "head", "options"]
    parser_classes = [MultiPartParser, FormParser]
    ordering_fields = ["id", "created_at", "original_name", "size"]
    ordering = ["-id"]

    def scoped_queryset(self) -> QuerySet:
        return activity_selectors.attachment_list(workspace=self.workspace, target=self.project)

    @extend_schema(request={"multipart/form-data": s.DocumentUploadSerializer},
                   responses={201: s.DocumentSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        body = s.DocumentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        document = document_create(actor=self.membership, project=self.project,
                                   upload=body.validated_data["file"])
        data = s.DocumentSerializer(document, context=self.get_serializer_context()).data
        return Response(data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        document_delete(actor=self.membership, project=self.project,
                        document=self.get_object())
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
