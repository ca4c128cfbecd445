"""Routes of the CSV export and import; mounted by workos/urls.py under workspaces/{ws}/."""

from django.urls import path

from boards.api import csv_views

scoped = [
    path("boards/<int:board_id>/export/", csv_views.BoardExportView.as_view(),
         name="board-export"),
    path("boards/<int:board_id>/import/", csv_views.BoardImportView.as_view(),
         name="board-import"),
]
