from django.urls import path

from dashboards import views

urlpatterns = [
    path("", views.root, name="home"),
    path("w/<slug:ws>/", views.workspace_home, name="workspace-home"),
]
