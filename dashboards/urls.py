from django.urls import path

from dashboards import views

urlpatterns = [
    path("", views.root, name="home"),
    path("w/<slug:ws>/", views.workspace_home, name="workspace-home"),
    path("w/<slug:ws>/search/", views.search_page, name="search-page"),
    path("w/<slug:ws>/items/<int:id>/approvals/", views.item_approvals, name="item-approvals"),
]
