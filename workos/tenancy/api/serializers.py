from __future__ import annotations

from rest_framework import serializers

from workos.tenancy.models import AccessToken, Membership, Role, Team, Workspace


class WorkspaceSerializer(serializers.ModelSerializer):
    working_days = serializers.ListField(child=serializers.IntegerField(min_value=0, max_value=6))
    holidays = serializers.ListField(child=serializers.DateField())
    role = serializers.SerializerMethodField()

    class Meta:
        model = Workspace
        fields = [
            "id", "name", "slug", "timezone", "working_days", "holidays", "currency", "role",
            "created_at",
        ]
        read_only_fields = fields

    def get_role(self, workspace: Workspace) -> str | None:
        roles = self.context.get("roles", {})
        return roles.get(workspace.pk)


class WorkspaceCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, min_length=1)
    slug = serializers.CharField(max_length=50, min_length=1, required=False)
    timezone = serializers.CharField(max_length=64, required=False)
    working_days = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6), required=False, min_length=1,
        max_length=7,
    )
    holidays = serializers.ListField(child=serializers.DateField(), required=False)
    currency = serializers.CharField(min_length=3, max_length=3, required=False)


class WorkspaceUpdateSerializer(WorkspaceCreateSerializer):
    name = serializers.CharField(max_length=120, min_length=1, required=False)
    slug = None


class MembershipSerializer(serializers.ModelSerializer):
    user = serializers.IntegerField(source="user_id", read_only=True)
    email = serializers.EmailField(source="user.email", read_only=True)
    name = serializers.CharField(source="display_name", read_only=True)
    manager = serializers.IntegerField(source="manager_id", read_only=True, allow_null=True)

    class Meta:
        model = Membership
        fields = ["id", "user", "email", "name", "role", "manager", "joined_at"]
        read_only_fields = fields


class MemberAddSerializer(serializers.Serializer):
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Role.choices, default=Role.MEMBER)
    name = serializers.CharField(max_length=300, required=False, default="")


class MemberUpdateSerializer(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    manager = serializers.IntegerField(required=False, allow_null=True)


class TeamSerializer(serializers.ModelSerializer):
    lead = serializers.IntegerField(source="lead_id", read_only=True, allow_null=True)
    members = serializers.SerializerMethodField()

    class Meta:
        model = Team
        fields = ["id", "name", "description", "lead", "members", "created_at"]
        read_only_fields = fields

    def get_members(self, team: Team) -> list[int]:
        return sorted(m.pk for m in team.members.all())


class TeamWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, min_length=1)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    lead = serializers.IntegerField(required=False, allow_null=True)
    members = serializers.ListField(child=serializers.IntegerField(), required=False)


class AccessTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = AccessToken
        fields = ["id", "name", "prefix", "read_only", "expires_at", "last_used_at", "created_at"]
        read_only_fields = fields


class AccessTokenCreatedSerializer(AccessTokenSerializer):
    token = serializers.CharField(read_only=True, help_text="The secret. Shown only this once.")

    class Meta(AccessTokenSerializer.Meta):
        fields = [*AccessTokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


class AccessTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120, min_length=1)
    read_only = serializers.BooleanField(default=False)
    expires_at = serializers.DateTimeField(required=False, allow_null=True)


class MeMembershipSerializer(serializers.ModelSerializer):
    workspace = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    workspace_name = serializers.CharField(source="workspace.name", read_only=True)

    class Meta:
        model = Membership
        fields = ["id", "workspace", "workspace_name", "role"]
        read_only_fields = fields


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    name = serializers.CharField()
    memberships = MeMembershipSerializer(many=True)
