"""CSV export and import of a board's items: thin views over `board_csv_export` and
`csv_import`. The board is resolved through visibility first, so another workspace's board
or a private one the caller cannot see answers 404 before anything else happens."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from boards import selectors
from boards.models import Board, View
from boards.selectors.csv_export import board_csv_export
from boards.services.csv_import import MAX_IMPORT_BYTES, MAX_IMPORT_ROWS, csv_import
from workos.api.views import WorkspaceAPIView
from workos.errors import ValidationFailed
from workos.tenancy.models import Role

# Room for the multipart boundaries and the other form fields around the file.
_FORM_OVERHEAD = 64 * 1024
_TOO_LARGE = f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB; split it."


class CsvImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=f"The CSV file: UTF-8 (a byte order mark is fine), comma, semicolon or tab "
                  f"separated, a header row, at most {MAX_IMPORT_BYTES // (1024 * 1024)} MB "
                  f"and {MAX_IMPORT_ROWS:,} rows.")
    # binary: multipart sends the mapping as text, read here as JSON.
    mapping = serializers.JSONField(
        binary=True, required=False,
        help_text='CSV header → "name", "description", "status", "group", "assignees", '
                  '"start_date", "due_date", "estimate_hours", "priority", "is_milestone", '
                  '"parent", "external_id", "values.<column key>" or "ignore". Headers left out '
                  "are ignored; without a mapping, headers are matched by name.")
    dry_run = serializers.BooleanField(
        default=False, help_text="Only check the file and answer the report.")


class CsvImportErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="As a spreadsheet numbers it; the header is 1.")
    field = serializers.CharField(help_text="The item field or values.<key>.")
    column = serializers.CharField(allow_null=True, help_text="The CSV header, when known.")
    message = serializers.CharField()


class CsvImportReportSerializer(serializers.Serializer):
    rows = serializers.IntegerField()
    valid = serializers.IntegerField()
    created = serializers.IntegerField()
    dry_run = serializers.BooleanField()
    error_count = serializers.IntegerField(help_text="All errors; `errors` lists the first "
                                                     "1,000.")
    errors = CsvImportErrorSerializer(many=True)
    groups_created = serializers.ListField(child=serializers.CharField(),
                                           help_text="Groups the import creates (or created).")
    mapping = serializers.DictField(child=serializers.CharField(),
                                    help_text="The mapping used, header → field.")


class CsvImportRejectedSerializer(CsvImportReportSerializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField()


def _view_param(request: Request) -> int | None:
    raw = request.query_params.get("view")
    if raw in (None, ""):
        return None
    if not raw.isdigit():
        raise ValidationFailed("view is the id of a saved view.", fields={"view": ["Not an id."]})
    return int(raw)


class BoardCsvView(WorkspaceAPIView):
    """Routes under `boards/{board_id}/`, with the board resolved through visibility."""

    def board(self) -> Board:
        return selectors.board_get(workspace=self.workspace, membership=self.membership,
                                   id=int(self.kwargs["board_id"]))


class BoardExportView(BoardCsvView):
    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # The CSV bypasses renderers; errors are JSON whatever the client said it accepts.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        parameters=[OpenApiParameter("view", int, description=(
            "A saved view of this board: only the items its filters keep, in its order."))],
        responses={(200, "text/csv"): OpenApiResponse(
            response=OpenApiTypes.STR,
            description="The board's items, one row each, streamed. Core fields first, then "
                        "one column per custom column, headed by its title."
        )},
    )
    def get(self, request: Request, ws: str, board_id: int) -> StreamingHttpResponse:
        """The board's items that are not archived, as a CSV file written in chunks."""
        board = self.board()
        view: View | None = None
        view_id = _view_param(request)
        if view_id is not None:
            view = selectors.view_get(workspace=self.workspace, membership=self.membership,
                                      id=view_id)
            if view.board_id != board.pk:
                raise ValidationFailed(f"The view {view_id} belongs to another board.",
                                       fields={"view": ["Not a view of this board."]})
        export = board_csv_export(board=board, view=view, me=self.membership.pk)
        response = StreamingHttpResponse(export.chunks, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{export.filename}"; '
            f"filename*=UTF-8''{quote(board.name + '.csv', safe='')}"
        )
        response["Cache-Control"] = "no-store"
        return response


class BoardImportView(BoardCsvView):
    # Any member may call; the board role (editor) is the service's question.
    roles = {"POST": Role.GUEST}
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": CsvImportRequestSerializer},
        responses={
            200: OpenApiResponse(CsvImportReportSerializer, description="Dry run: no errors."),
            201: OpenApiResponse(CsvImportReportSerializer,
                                 description="Every row created, in one transaction."),
            400: OpenApiResponse(CsvImportRejectedSerializer, description=(
                "Rows with errors (nothing written; the report lists them) or a file that "
                "cannot be read (`code`, `message` and `fields` only).")),
        },
    )
    def post(self, request: Request, ws: str, board_id: int) -> Response:
        """Create items from a CSV file: every row is checked first, and only a file without
        errors is imported, all in one transaction. Needs the editor role on the board."""
        board = self.board()
        # Refused before the body is parsed, so an oversized upload is never spooled to disk.
        declared = request.META.get("CONTENT_LENGTH") or "0"
        if declared.isdigit() and int(declared) > MAX_IMPORT_BYTES + _FORM_OVERHEAD:
            raise ValidationFailed(_TOO_LARGE, fields={"file": [_TOO_LARGE]})
        body = CsvImportRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationFailed(_TOO_LARGE, fields={"file": [_TOO_LARGE]})
        report = csv_import(
            actor=self.membership, board=board, data=upload.read(),
            mapping=body.validated_data.get("mapping"), dry_run=body.validated_data["dry_run"],
        )
        data = report.as_dict()
        if report.error_count:
            rows = "row has" if report.rows - report.valid == 1 else "rows have"
            message = (f"{report.rows - report.valid} {rows} errors; nothing was imported. "
                       f"The first is row {report.errors[0]['row']}: "
                       f"{report.errors[0]['message']}")
            return Response({"code": "invalid", "message": message, "fields": {}, **data},
                            status=status.HTTP_400_BAD_REQUEST)
        return Response(data, status=status.HTTP_200_OK if report.dry_run
                        else status.HTTP_201_CREATED)
