"""Project pages, mounted by workos/urls.py under w/<ws>/."""

from django.urls import path

from projects import views

urlpatterns = [
    path("projects/", views.project_list_page, name="project-list-page"),
    path("projects/<int:id>/", views.project_page, name="project-page"),
    path("projects/<int:id>/gantt/", views.project_gantt_page, name="project-gantt-page"),
    path("projects/<int:id>/gantt/data/", views.project_gantt_data, name="project-gantt-data"),
]
