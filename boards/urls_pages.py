"""Board pages, mounted by workos/urls.py under w/<ws>/."""

from django.urls import path

from boards import views

urlpatterns = [
    path("boards/", views.board_list_page, name="board-list-page"),
]
