from django.contrib import admin

from workos.activity.models import Activity


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("created_at", "workspace", "actor_label", "verb", "target_repr", "depth",
                    "dispatched_at")
    list_filter = ("verb", "workspace")
    search_fields = ("verb", "target_repr", "actor_label")
    date_hierarchy = "created_at"
    list_select_related = ("workspace",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # the audit log is append-only
