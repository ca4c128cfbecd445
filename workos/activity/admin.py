from django.contrib import admin

from workos.activity.models import Activity, Attachment, Comment, Notification


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


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ("created_at", "workspace", "author", "target_type", "target_id", "__str__",
                    "edited_at", "deleted_at")
    list_filter = ("workspace",)
    search_fields = ("body_text",)
    date_hierarchy = "created_at"
    list_select_related = ("workspace", "author__user", "target_type")
    raw_id_fields = ("author",)
    # Text goes through the sanitiser in the services; the admin reads it, never writes it.
    readonly_fields = ("workspace", "target_type", "target_id", "author", "body_html",
                       "body_text", "mentions", "created_at", "edited_at", "deleted_at")

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ("created_at", "workspace", "original_name", "content_type", "size",
                    "uploaded_by", "target_type", "target_id")
    list_filter = ("workspace", "content_type")
    search_fields = ("original_name",)
    date_hierarchy = "created_at"
    list_select_related = ("workspace", "uploaded_by__user", "target_type")
    # The stored name as text, not a link: files are served only by the permission-checked
    # download endpoint, never from a media URL.
    fields = readonly_fields = ("workspace", "target_type", "target_id", "uploaded_by",
                                "stored_as", "original_name", "content_type", "size",
                                "created_at")

    @admin.display(description="stored as")
    def stored_as(self, obj: Attachment) -> str:
        return obj.file.name

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "workspace", "recipient", "verb", "title", "read_at")
    list_filter = ("verb", "workspace")
    search_fields = ("title", "actor_label")
    date_hierarchy = "created_at"
    list_select_related = ("workspace", "recipient__user")
    raw_id_fields = ("recipient",)

    def has_add_permission(self, request) -> bool:
        return False
