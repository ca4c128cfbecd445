"""Board pages, mounted by workos/urls.py under w/<ws>/."""

from django.urls import path

from boards import views, views_calendar, views_kanban

urlpatterns = [
    path("boards/", views.board_list_page, name="board-list-page"),
    path("boards/<int:board_id>/kanban/", views_kanban.board_kanban_page,
         name="board-kanban-page"),
    path("boards/<int:board_id>/kanban/cards/", views_kanban.board_kanban_cards,
         name="board-kanban-cards"),
    path("boards/<int:board_id>/calendar/", views_calendar.board_calendar_page,
         name="board-calendar-page"),
]
