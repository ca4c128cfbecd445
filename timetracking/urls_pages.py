"""Time-tracking pages, mounted by workos/urls.py under w/<ws>/."""

from django.urls import path

from timetracking import views

urlpatterns = [
    path("workload/", views.workload_page, name="workload-page"),
    path("workload/cell/", views.workload_cell_page, name="workload-cell"),
    path("items/<int:id>/time/", views.item_time, name="item-time"),
]
