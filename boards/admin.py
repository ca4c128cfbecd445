from django.contrib import admin

from boards.models import Board, BoardMember, Column, Dependency, Group, Item, Status, View


class GroupInline(admin.TabularInline):
    model = Group
    extra = 0
    fields = ("name", "color", "position", "archived_at")


class StatusInline(admin.TabularInline):
    model = Status
    extra = 0
    fields = ("name", "category", "color", "position", "wip_limit")


class ColumnInline(admin.TabularInline):
    model = Column
    extra = 0
    fields = ("key", "title", "type", "settings", "position", "width")


class BoardMemberInline(admin.TabularInline):
    model = BoardMember
    extra = 0
    raw_id_fields = ("membership",)


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ("name", "workspace", "privacy", "is_template", "created_at", "archived_at",
                    "deleted_at")
    search_fields = ("name", "description", "workspace__name", "workspace__slug")
    list_filter = ("workspace", "privacy", "is_template")
    raw_id_fields = ("created_by",)
    list_select_related = ("workspace",)
    inlines = [GroupInline, StatusInline, ColumnInline, BoardMemberInline]


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ("name", "board", "group", "status", "priority", "due_date", "version",
                    "updated_at", "archived_at")
    search_fields = ("name", "external_id", "board__name")
    list_filter = ("workspace", "status__category", "priority", "is_milestone")
    raw_id_fields = ("workspace", "board", "group", "status", "parent", "created_by")
    filter_horizontal = ("assignees",)
    list_select_related = ("board", "group", "status")
    date_hierarchy = "updated_at"
    # Writes made here bypass the services' checks, so the version and completion stay theirs.
    readonly_fields = ("version", "created_at", "updated_at", "completed_at")


@admin.register(Dependency)
class DependencyAdmin(admin.ModelAdmin):
    list_display = ("predecessor", "successor", "type", "lag_days", "workspace")
    list_filter = ("workspace", "type")
    raw_id_fields = ("predecessor", "successor", "workspace")
    list_select_related = ("predecessor", "successor", "workspace")


@admin.register(View)
class ViewAdmin(admin.ModelAdmin):
    list_display = ("name", "board", "kind", "is_shared", "workspace")
    search_fields = ("name", "board__name")
    list_filter = ("workspace", "kind", "is_shared")
    raw_id_fields = ("workspace", "board", "created_by")
    list_select_related = ("board", "workspace")
