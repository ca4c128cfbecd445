"""Writes of tenancy: workspaces, members, teams and access tokens.

Each function takes the acting membership (or user, to create a workspace), checks the caller's
rights, changes rows in one transaction and records Activity in that same transaction.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from workos.activity.services import activity_record
from workos.errors import Conflict, PermissionDenied, ValidationFailed
from workos.tenancy.models import (
    ROLE_RANK,
    AccessToken,
    Membership,
    Role,
    Team,
    Workspace,
    role_at_least,
    slug_validator,
)
from workos.tenancy.tokens import token_digest, token_display_prefix, token_generate

User = get_user_model()


# --- workspaces -------------------------------------------------------------------------


def _validate_calendar(
    *, timezone_name: str | None, working_days: Any, holidays: Any, currency: str | None
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    if timezone_name is not None:
        try:
            zoneinfo.ZoneInfo(timezone_name)
            clean["timezone"] = timezone_name
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            errors["timezone"] = [f"'{timezone_name}' is not a known time zone, e.g. Europe/Paris."]
    if working_days is not None:
        if (
            not isinstance(working_days, list)
            or not working_days
            or any(not isinstance(d, int) or isinstance(d, bool) or not 0 <= d <= 6
                   for d in working_days)
        ):
            errors["working_days"] = [
                "Give a non-empty list of weekday numbers from 0 (Monday) to 6 (Sunday)."
            ]
        else:
            clean["working_days"] = sorted(set(working_days))
    if holidays is not None:
        parsed: list[str] = []
        if not isinstance(holidays, list):
            errors["holidays"] = ["Give a list of ISO dates such as 2026-12-25."]
        else:
            for value in holidays:
                try:
                    parsed.append(dt.date.fromisoformat(str(value)).isoformat())
                except ValueError:
                    errors["holidays"] = [f"'{value}' is not an ISO date such as 2026-12-25."]
                    break
            clean["holidays"] = sorted(set(parsed))
    if currency is not None:
        if len(currency) != 3 or not currency.isalpha():
            errors["currency"] = ["Use a three-letter ISO 4217 code such as EUR or USD."]
        else:
            clean["currency"] = currency.upper()
    if errors:
        raise ValidationFailed("Some workspace settings are not valid.", fields=errors)
    return clean


def _unique_slug(base: str) -> str:
    root = (slugify(base)[:40].strip("-") or "workspace").lower()
    candidate, n = root, 1
    while Workspace.objects.filter(slug=candidate).exists():
        n += 1
        candidate = f"{root}-{n}"
    return candidate


@transaction.atomic
def workspace_create(
    *,
    user: AbstractBaseUser,
    name: str,
    slug: str | None = None,
    timezone_name: str | None = None,
    working_days: list[int] | None = None,
    holidays: list[str] | None = None,
    currency: str | None = None,
) -> Workspace:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("A workspace needs a name.", fields={"name": ["Required."]})
    clean = _validate_calendar(
        timezone_name=timezone_name, working_days=working_days, holidays=holidays,
        currency=currency,
    )
    if slug:
        try:
            slug_validator(slug)
        except DjangoValidationError as exc:
            raise ValidationFailed(exc.messages[0], fields={"slug": exc.messages}) from exc
        if Workspace.objects.filter(slug=slug).exists():
            raise Conflict(
                f"The slug '{slug}' is taken; choose another.", fields={"slug": ["Taken."]}
            )
    else:
        slug = _unique_slug(name)
    try:
        with transaction.atomic():
            workspace = Workspace.objects.create(name=name, slug=slug, **clean)
    except IntegrityError as exc:
        raise Conflict(f"The slug '{slug}' is taken; choose another.") from exc
    membership = Membership.objects.create(workspace=workspace, user=user, role=Role.OWNER)
    activity_record(workspace=workspace, actor=user, verb="workspace.created", target=workspace)
    activity_record(
        workspace=workspace, actor=user, verb="member.added", target=membership,
        changes={"role": [None, Role.OWNER]},
    )
    return workspace


@transaction.atomic
def workspace_update(*, actor: Membership, workspace: Workspace, **fields: Any) -> Workspace:
    if not role_at_least(actor.role, Role.ADMIN):
        raise PermissionDenied("Only admins and owners change workspace settings.")
    clean = _validate_calendar(
        timezone_name=fields.pop("timezone", None),
        working_days=fields.pop("working_days", None),
        holidays=fields.pop("holidays", None),
        currency=fields.pop("currency", None),
    )
    if "name" in fields:
        name = (fields.pop("name") or "").strip()
        if not name:
            raise ValidationFailed("A workspace needs a name.", fields={"name": ["Required."]})
        clean["name"] = name
    if fields:
        raise ValidationFailed(f"Unknown workspace fields: {', '.join(sorted(fields))}.")
    workspace = Workspace.objects.select_for_update().get(pk=workspace.pk)
    changes = {
        key: [getattr(workspace, key), value]
        for key, value in clean.items()
        if getattr(workspace, key) != value
    }
    for key, value in clean.items():
        setattr(workspace, key, value)
    if changes:
        workspace.save(update_fields=list(changes))
        activity_record(
            workspace=workspace, actor=actor.user, verb="workspace.updated", target=workspace,
            changes=changes,
        )
    return workspace


@transaction.atomic
def workspace_delete(*, actor: Membership, workspace: Workspace) -> None:
    if actor.role != Role.OWNER:
        raise PermissionDenied("Only an owner can delete a workspace.")
    workspace.delete()


# --- members ----------------------------------------------------------------------------


def _check_role_value(role: str) -> None:
    if role not in ROLE_RANK:
        raise ValidationFailed(
            f"'{role}' is not a role; use owner, admin, member or guest.",
            fields={"role": ["Not a role."]},
        )


def _check_may_manage(actor: Membership, role: str, action: str) -> None:
    """A caller never grants or removes a role above their own; only owners manage owners."""
    if not role_at_least(actor.role, Role.ADMIN):
        raise PermissionDenied("Only admins and owners manage members.")
    if ROLE_RANK[role] > ROLE_RANK[actor.role]:
        raise PermissionDenied(f"As {actor.role} you cannot {action} the role {role}.")


def _owner_count(workspace: Workspace) -> int:
    return Membership.objects.filter(workspace=workspace, role=Role.OWNER).count()


@transaction.atomic
def member_add(
    *,
    actor: Membership,
    email: str,
    role: str = Role.MEMBER,
    name: str = "",
    send_invitation: bool = True,
) -> Membership:
    """Add a person by e-mail. Someone without an account gets one with no usable password."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except DjangoValidationError as exc:
        raise ValidationFailed(
            f"'{email}' is not an e-mail address.", fields={"email": ["Not an e-mail address."]}
        ) from exc
    _check_role_value(role)
    _check_may_manage(actor, role, "grant")
    workspace = actor.workspace
    user = User.objects.filter(email__iexact=email).first()
    created_user = user is None
    if user is None:
        first, _, last = name.strip().partition(" ")
        user = User(username=email, email=email, first_name=first[:150], last_name=last[:150])
        user.set_unusable_password()
        user.save()
    if Membership.objects.filter(workspace=workspace, user=user).exists():
        raise Conflict(f"{email} is already a member of this workspace.")
    former = Membership.all_objects.filter(workspace=workspace, user=user).first()
    if former is not None:
        # Someone coming back gets their old row, with their past time and history.
        former.removed_at, former.role, former.manager = None, role, None
        former.save(update_fields=["removed_at", "role", "manager"])
        membership = former
    else:
        membership = Membership.objects.create(workspace=workspace, user=user, role=role)
    activity_record(
        workspace=workspace, actor=actor.user, verb="member.added", target=membership,
        changes={"role": [None, role]}, data={"email": email, "new_account": created_user},
    )
    if created_user and send_invitation:
        from workos.tenancy.tasks import send_invitation as invite

        transaction.on_commit(lambda: invite.delay(membership.pk))
    return membership


@transaction.atomic
def member_update(
    *,
    actor: Membership,
    membership: Membership,
    role: str | None = None,
    manager: Membership | type[Ellipsis] | None = ...,
) -> Membership:
    membership = Membership.objects.select_for_update().select_related("user").get(
        pk=membership.pk
    )
    changes: dict[str, list[Any]] = {}
    if role is not None and role != membership.role:
        _check_role_value(role)
        _check_may_manage(actor, membership.role, "change")
        _check_may_manage(actor, role, "grant")
        if membership.role == Role.OWNER and _owner_count(actor.workspace) <= 1:
            raise Conflict("A workspace keeps at least one owner; make someone else owner first.")
        changes["role"] = [membership.role, role]
        membership.role = role
    if manager is not ...:
        if not role_at_least(actor.role, Role.ADMIN):
            raise PermissionDenied("Only admins and owners set a member's manager.")
        if manager is not None and (
            manager.workspace_id != membership.workspace_id or manager.pk == membership.pk
        ):
            raise ValidationFailed(
                "A manager must be another member of this workspace.",
                fields={"manager": ["Not another member of this workspace."]},
            )
        new_id = manager.pk if manager else None
        if new_id != membership.manager_id:
            changes["manager"] = [membership.manager_id, new_id]
            membership.manager = manager
    if changes:
        membership.save()
        activity_record(
            workspace=actor.workspace, actor=actor.user, verb="member.updated",
            target=membership, changes=changes,
        )
    return membership


@transaction.atomic
def member_remove(*, actor: Membership, membership: Membership) -> None:
    """Remove a member; their sessions and tokens lose this workspace at once."""
    leaving = actor.pk == membership.pk
    if not leaving:
        _check_may_manage(actor, membership.role, "remove")
    if membership.role == Role.OWNER and _owner_count(actor.workspace) <= 1:
        raise Conflict("A workspace keeps at least one owner; make someone else owner first.")
    activity_record(
        workspace=actor.workspace, actor=actor.user, verb="member.removed", target=membership,
        changes={"role": [membership.role, None]}, data={"email": membership.user.email},
    )
    now = timezone.now()
    AccessToken.objects.filter(workspace=actor.workspace, user=membership.user).update(
        revoked_at=now
    )
    membership.teams.clear()
    Membership.objects.filter(manager=membership).update(manager=None)
    # The row stays (removed), so time entries, costs and history keep their person.
    Membership.objects.filter(pk=membership.pk).update(removed_at=now, manager=None)


# --- teams ------------------------------------------------------------------------------


def _team_members(workspace: Workspace, ids: list[int] | None, field: str) -> list[Membership]:
    if ids is None:
        return []
    found = list(Membership.objects.filter(workspace=workspace, id__in=ids))
    missing = sorted(set(ids) - {m.pk for m in found})
    if missing:
        raise ValidationFailed(
            f"No members with ids {missing} in this workspace.", fields={field: ["Unknown."]}
        )
    return found


def _check_team_name(workspace: Workspace, name: str, exclude: int | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed("A team needs a name.", fields={"name": ["Required."]})
    clash = Team.objects.filter(workspace=workspace, name__iexact=name)
    if exclude:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise Conflict(f"There is already a team called '{name}'.", fields={"name": ["Taken."]})
    return name


@transaction.atomic
def team_create(
    *,
    actor: Membership,
    name: str,
    description: str = "",
    lead: int | None = None,
    members: list[int] | None = None,
) -> Team:
    if not role_at_least(actor.role, Role.ADMIN):
        raise PermissionDenied("Only admins and owners manage teams.")
    workspace = actor.workspace
    name = _check_team_name(workspace, name)
    lead_m = _team_members(workspace, [lead] if lead else None, "lead")
    member_list = _team_members(workspace, members, "members")
    team = Team.objects.create(
        workspace=workspace, name=name, description=description,
        lead=lead_m[0] if lead_m else None,
    )
    team.members.set(member_list)
    activity_record(
        workspace=workspace, actor=actor.user, verb="team.created", target=team,
        changes={"name": [None, name], "members": [[], sorted(m.pk for m in member_list)]},
    )
    return team


_UNSET: Any = object()


@transaction.atomic
def team_update(
    *,
    actor: Membership,
    team: Team,
    name: str | None = None,
    description: str | None = None,
    lead: Any = _UNSET,
    members: list[int] | None = None,
) -> Team:
    if not role_at_least(actor.role, Role.ADMIN):
        raise PermissionDenied("Only admins and owners manage teams.")
    workspace = actor.workspace
    team = Team.objects.select_for_update().get(pk=team.pk)
    changes: dict[str, list[Any]] = {}
    if name is not None and name != team.name:
        name = _check_team_name(workspace, name, exclude=team.pk)
        changes["name"] = [team.name, name]
        team.name = name
    if description is not None and description != team.description:
        changes["description"] = [team.description, description]
        team.description = description
    if lead is not _UNSET:
        lead_m = _team_members(workspace, [lead] if lead else None, "lead")
        new_lead = lead_m[0] if lead_m else None
        if (new_lead.pk if new_lead else None) != team.lead_id:
            changes["lead"] = [team.lead_id, new_lead.pk if new_lead else None]
            team.lead = new_lead
    team.save()
    if members is not None:
        before = sorted(team.members.values_list("id", flat=True))
        member_list = _team_members(workspace, members, "members")
        after = sorted(m.pk for m in member_list)
        if before != after:
            team.members.set(member_list)
            changes["members"] = [before, after]
    if changes:
        activity_record(
            workspace=workspace, actor=actor.user, verb="team.updated", target=team,
            changes=changes,
        )
    return team


@transaction.atomic
def team_delete(*, actor: Membership, team: Team) -> None:
    if not role_at_least(actor.role, Role.ADMIN):
        raise PermissionDenied("Only admins and owners manage teams.")
    activity_record(
        workspace=actor.workspace, actor=actor.user, verb="team.deleted", target=team,
        changes={"name": [team.name, None]},
    )
    team.delete()


# --- access tokens ----------------------------------------------------------------------


@transaction.atomic
def token_create(
    *,
    actor: Membership,
    name: str,
    read_only: bool = False,
    expires_at: dt.datetime | None = None,
) -> tuple[AccessToken, str]:
    """Create a token for the acting member; returns the row and the secret (shown once)."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(
            "Name the token after what will use it.", fields={"name": ["Required."]}
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationFailed(
            "The expiry must be in the future.", fields={"expires_at": ["In the past."]}
        )
    secret = token_generate()
    token = AccessToken.objects.create(
        workspace=actor.workspace,
        user=actor.user,
        name=name[:120],
        prefix=token_display_prefix(secret),
        digest=token_digest(secret),
        read_only=read_only,
        expires_at=expires_at,
    )
    activity_record(
        workspace=actor.workspace, actor=actor.user, verb="token.created", target=token,
        data={"read_only": read_only},
    )
    return token, secret


@transaction.atomic
def token_revoke(*, actor: Membership, token: AccessToken) -> None:
    if token.user_id != actor.user_id or token.workspace_id != actor.workspace_id:
        raise PermissionDenied("You can revoke only your own tokens.")
    AccessToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    activity_record(
        workspace=actor.workspace, actor=actor.user, verb="token.revoked", target=token
    )


def token_touch(*, token: AccessToken, now: dt.datetime | None = None) -> None:
    """Record use; written at most once a minute per token to keep reads cheap."""
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
