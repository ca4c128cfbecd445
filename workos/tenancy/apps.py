from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "workos.tenancy"
    label = "tenancy"
    verbose_name = "Tenancy"
