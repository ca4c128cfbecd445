from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "workos.activity"
    label = "activity"
    verbose_name = "Activity"
