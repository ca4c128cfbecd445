"""Factories whose sub-factories keep every object inside one workspace."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from workos.tenancy.models import AccessToken, Membership, Role, Team, Workspace
from workos.tenancy.tokens import token_digest, token_display_prefix, token_generate

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}@example.com")
    email = factory.SelfAttribute("username")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs) -> None:
        if create:
            obj.save()


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Workspace {n}")
    slug = factory.Sequence(lambda n: f"ws-{n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    workspace = factory.SubFactory(WorkspaceFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.MEMBER


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


def make_token(membership: Membership, *, read_only: bool = False, **extra) -> tuple[AccessToken, str]:
    secret = token_generate()
    token = AccessToken.objects.create(
        workspace=membership.workspace,
        user=membership.user,
        name="test token",
        prefix=token_display_prefix(secret),
        digest=token_digest(secret),
        read_only=read_only,
        **extra,
    )
    return token, secret


def populate_workspace(owner: Membership) -> dict[type, object]:
    """One object of every workspace-scoped model, for the cross-workspace walk."""
    workspace = owner.workspace
    other = MembershipFactory(workspace=workspace, role=Role.MEMBER)
    team = TeamFactory(workspace=workspace)
    team.members.add(other)
    token, _ = make_token(owner)
    return {Membership: other, Team: team, AccessToken: token}
