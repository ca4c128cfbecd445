"""Who may call a workspace endpoint: membership, role per method, read-only tokens."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions, permissions
from rest_framework.request import Request

from workos.tenancy import selectors
from workos.tenancy.models import AccessToken, Role, role_at_least

DEFAULT_ROLES: dict[str, str] = {
    "GET": Role.GUEST,
    "HEAD": Role.GUEST,
    "OPTIONS": Role.GUEST,
    "POST": Role.MEMBER,
    "PUT": Role.MEMBER,
    "PATCH": Role.MEMBER,
    "DELETE": Role.MEMBER,
}


class WorkspaceRole(permissions.BasePermission):
    """Resolve the URL's workspace and the caller's membership, then check the role.

    Missing workspace and not-a-member answer the same 404; a token made for another workspace
    is treated as not a member. A read-only token may only read.
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        if not request.user or not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()
        token = request.auth if isinstance(request.auth, AccessToken) else None
        if token is not None:
            # Read with the token itself; a token of another workspace answers 404 here.
            membership = selectors.membership_for_token(token=token,
                                                        workspace_slug=view.kwargs["ws"])
        else:
            membership = selectors.membership_for(user=request.user,
                                                  workspace_slug=view.kwargs["ws"])
        view.membership = membership
        view.workspace = membership.workspace
        if request.method not in permissions.SAFE_METHODS and token is not None and token.read_only:
            raise exceptions.PermissionDenied("This token is read-only.")
        needed = view.required_role(request)
        if not role_at_least(membership.role, needed):
            raise exceptions.PermissionDenied(
                f"This needs the {needed} role or higher; you are {membership.role}."
            )
        return True
