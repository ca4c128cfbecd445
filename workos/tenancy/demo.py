"""Demo people and departments for `manage.py seed_demo`."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from workos.tenancy import services
from workos.tenancy.models import Membership, Role, Workspace

DEMO_PASSWORD = "workos-demo"  # noqa: S105 - printed for the demo; never used outside it

PEOPLE = [
    ("olivia@example.com", "Olivia Owner", Role.OWNER, ["Leadership"]),
    ("adam@example.com", "Adam Admin", Role.ADMIN, ["IT", "Leadership"]),
    ("maria@example.com", "Maria Marketing", Role.MEMBER, ["Marketing"]),
    ("ivan@example.com", "Ivan Support", Role.MEMBER, ["IT"]),
    ("hana@example.com", "Hana People", Role.MEMBER, ["HR"]),
    ("felix@example.com", "Felix Finance", Role.MEMBER, ["Finance"]),
    ("erin@example.com", "Erin Engineer", Role.MEMBER, ["Engineering"]),
    ("gus@example.com", "Gus Guest", Role.GUEST, []),
]
TEAMS = {
    "Leadership": "Company leadership and portfolio decisions.",
    "IT": "IT service desk and infrastructure.",
    "Marketing": "Campaigns, content and events.",
    "HR": "People operations and the annual review cycle.",
    "Finance": "Budgets, purchasing and approvals.",
    "Engineering": "Product development.",
}


@dataclass
class DemoWorkspace:
    workspace: Workspace
    members: dict[str, Membership]


def seed_people() -> DemoWorkspace:
    User = get_user_model()
    owner_email, owner_name, _, _ = PEOPLE[0]
    first, last = owner_name.split(" ", 1)
    owner, _ = User.objects.get_or_create(
        username=owner_email,
        defaults={"email": owner_email, "first_name": first, "last_name": last,
                  "is_staff": True, "is_superuser": True},
    )
    owner.set_password(DEMO_PASSWORD)
    owner.save()
    workspace = services.workspace_create(
        user=owner, name="Acme Corporation", slug="acme", timezone_name="Europe/Berlin",
        currency="EUR", holidays=["2026-12-25", "2026-12-26", "2027-01-01"],
    )
    owner_membership = Membership.objects.get(workspace=workspace, user=owner)
    members = {owner_email: owner_membership}
    for email, name, role, _ in PEOPLE[1:]:
        members[email] = services.member_add(
            actor=owner_membership, email=email, role=role, name=name,
            send_invitation=False,
        )
        user = members[email].user
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    for team_name, description in TEAMS.items():
        ids = [members[email].pk for email, _, _, teams in PEOPLE if team_name in teams]
        services.team_create(
            actor=owner_membership, name=team_name, description=description, members=ids,
            lead=ids[0] if ids else None,
        )
    return DemoWorkspace(workspace=workspace, members=members)
