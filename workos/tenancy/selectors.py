"""Reads of workspaces, memberships, teams and tokens, always scoped to a workspace or user."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Prefetch, QuerySet

from workos.errors import NotFound
from workos.tenancy.models import AccessToken, Membership, Team, Workspace


def workspace_list(*, user: AbstractBaseUser, token: AccessToken | None = None) -> QuerySet:
    qs = Workspace.objects.filter(memberships__user=user, memberships__removed_at__isnull=True)
    if token is not None:
        qs = qs.filter(id=token.workspace_id)
    return qs.order_by("name", "id")


def membership_for(*, user: AbstractBaseUser, workspace_slug: str) -> Membership:
    """The caller's membership in a workspace; missing and not-a-member answer alike."""
    if not user.is_authenticated or not user.is_active:
        raise NotFound("Workspace not found.")
    membership = (
        Membership.objects.select_related("workspace", "user")
        .filter(user=user, workspace__slug=workspace_slug)
        .first()
    )
    if membership is None:
        raise NotFound("Workspace not found.")
    return membership


def membership_list(*, workspace: Workspace) -> QuerySet:
    return Membership.objects.filter(workspace=workspace).select_related("user").order_by("id")


def membership_get(*, workspace: Workspace, id: int) -> Membership:
    membership = membership_list(workspace=workspace).filter(id=id).first()
    if membership is None:
        raise NotFound("Member not found.")
    return membership


def user_memberships(*, user: AbstractBaseUser) -> QuerySet:
    return Membership.objects.filter(user=user).select_related("workspace").order_by("id")


def team_list(*, workspace: Workspace) -> QuerySet:
    return (
        Team.objects.filter(workspace=workspace)
        .select_related("lead")
        .prefetch_related(Prefetch("members", queryset=Membership.objects.only("id")))
        .order_by("name", "id")
    )


def team_get(*, workspace: Workspace, id: int) -> Team:
    team = team_list(workspace=workspace).filter(id=id).first()
    if team is None:
        raise NotFound("Team not found.")
    return team


def token_list(*, workspace: Workspace, user: AbstractBaseUser) -> QuerySet:
    return AccessToken.objects.filter(
        workspace=workspace, user=user, revoked_at__isnull=True
    ).order_by("-created_at", "-id")
