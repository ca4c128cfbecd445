from django.contrib import admin

from workos.tenancy.models import AccessToken, Membership, Team, Workspace


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user", "manager")


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "timezone", "currency", "created_at")
    search_fields = ("name", "slug")
    list_filter = ("timezone", "currency")
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "workspace", "role", "joined_at", "removed_at")
    search_fields = ("user__email", "user__username", "workspace__name", "workspace__slug")
    list_filter = ("role", "workspace", ("removed_at", admin.EmptyFieldListFilter))
    raw_id_fields = ("user", "manager")
    list_select_related = ("user", "workspace")

    def get_queryset(self, request):
        return Membership.all_objects.select_related("user", "workspace")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "workspace", "lead")
    search_fields = ("name", "workspace__name")
    list_filter = ("workspace",)
    raw_id_fields = ("lead",)
    filter_horizontal = ("members",)


@admin.register(AccessToken)
class AccessTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "user", "workspace", "read_only", "expires_at",
                    "last_used_at", "revoked_at")
    search_fields = ("name", "prefix", "user__email", "workspace__slug")
    list_filter = ("read_only", "workspace")
    # The digest is never shown or edited: the secret cannot be recovered from it anyway.
    readonly_fields = ("prefix", "last_used_at", "created_at")
    exclude = ("digest",)
    raw_id_fields = ("user",)

    def has_add_permission(self, request) -> bool:
        return False  # tokens are made through the API or `manage.py issue_token`
