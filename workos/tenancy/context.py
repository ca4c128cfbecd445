"""Template context: the signed-in user's workspaces, for the navigation."""

from typing import Any

from django.http import HttpRequest

from workos.tenancy.selectors import user_memberships


def workspaces(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_memberships": []}
    return {"nav_memberships": list(user_memberships(user=user))}
