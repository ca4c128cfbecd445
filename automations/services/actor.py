"""The automation actor: the member an automation acts as.

Rules, incoming webhooks and recurring schedules keep working when the person who set them up
leaves, so they never act as that person. Each workspace has one bot member instead: a user who
cannot sign in (unusable password, an address under the reserved `.invalid` domain) with the
admin role, so it reaches private boards the way the automation's author configured it to.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from workos.tenancy.models import Membership, Role, Workspace

AUTOMATION_EMAIL_DOMAIN = "workos.invalid"
AUTOMATION_NAME = "Automations"


def automation_email(workspace: Workspace) -> str:
    # The id, not the slug: a slug can be renamed, and the bot must stay the same user.
    return f"automation+{workspace.pk}@{AUTOMATION_EMAIL_DOMAIN}"


def is_automation_user(email: str) -> bool:
    return email.endswith("@" + AUTOMATION_EMAIL_DOMAIN)


def automation_actor(workspace: Workspace) -> Membership:
    """The workspace's bot membership, created on first use and restored if it was removed.

    Safe to call concurrently: the unique username and (workspace, user) constraints decide the
    race, and the loser reads the winner's rows.
    """
    existing = (
        Membership.all_objects.select_related("user", "workspace")
        .filter(workspace=workspace, user__username=automation_email(workspace))
        .first()
    )
    if existing is not None and existing.removed_at is None and existing.role == Role.ADMIN:
        return existing
    try:
        with transaction.atomic():
            return _create_or_restore(workspace)
    except IntegrityError:
        return (
            Membership.all_objects.select_related("user", "workspace")
            .get(workspace=workspace, user__username=automation_email(workspace))
        )


def _create_or_restore(workspace: Workspace) -> Membership:
    email = automation_email(workspace)
    user_model = get_user_model()
    user = user_model.objects.filter(username=email).first()
    if user is None:
        user = user_model(username=email, email=email, first_name=AUTOMATION_NAME, is_active=True)
        user.set_unusable_password()
        user.save()
    membership = Membership.all_objects.filter(workspace=workspace, user=user).first()
    if membership is None:
        membership = Membership.all_objects.create(workspace=workspace, user=user,
                                                   role=Role.ADMIN)
    elif membership.removed_at is not None or membership.role != Role.ADMIN:
        membership.removed_at = None
        membership.role = Role.ADMIN
        membership.save(update_fields=["removed_at", "role"])
    membership.user = user
    membership.workspace = workspace
    return membership


def human_admins(workspace: Workspace) -> list[Membership]:
    """The workspace's owners and admins who are people (not the automation actor)."""
    return [
        m for m in Membership.objects.select_related("user").filter(
            workspace=workspace, role__in=[Role.OWNER, Role.ADMIN]).order_by("id")
        if not is_automation_user(m.user.email)
    ]
