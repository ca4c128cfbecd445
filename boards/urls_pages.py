"""Board pages, mounted by workos/urls.py under w/<ws>/."""

from django.urls import path

from boards import views, views_calendar, views_item, views_kanban, views_table

urlpatterns = [
    path("boards/", views.board_list_page, name="board-list-page"),
    path("boards/new/", views.board_create_page, name="board-create-page"),
    path("boards/<int:id>/", views_table.board_table_page, name="board-table-page"),
    path("boards/<int:id>/table/rows/", views_table.board_table_rows, name="board-table-rows"),
    path("boards/<int:id>/table/changes/", views_table.board_table_changes,
         name="board-table-changes"),
    path("boards/<int:board_id>/kanban/", views_kanban.board_kanban_page,
         name="board-kanban-page"),
    path("boards/<int:board_id>/kanban/cards/", views_kanban.board_kanban_cards,
         name="board-kanban-cards"),
    path("boards/<int:board_id>/calendar/", views_calendar.board_calendar_page,
         name="board-calendar-page"),
    path("items/<int:id>/", views_item.item_page, name="item-page"),
]
