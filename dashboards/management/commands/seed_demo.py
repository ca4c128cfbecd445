from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from automations.demo import seed_rules
from automations.demo_approvals import seed_purchase_approvals
from automations.demo_hooks import seed_recurring
from automations.demo_intake import seed_it_requests
from boards.demo import seed_boards
from projects.demo import seed_project
from timetracking.demo import seed_time
from workos.tenancy import demo, services
from workos.tenancy.models import Workspace


class Command(BaseCommand):
    help = "Create the demo workspace 'acme' (departments, people of every role, tokens)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when any workspace exists"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if Workspace.objects.filter(slug="acme").exists() or (
            options["if_empty"] and Workspace.objects.exists()
        ):
            self.stdout.write("Demo workspace already present: sign in as "
                              f"olivia@example.com / {demo.DEMO_PASSWORD}")
            return
        with transaction.atomic():
            seeded = demo.seed_people()
            owner = seeded.members["olivia@example.com"]
            today = timezone.localdate()
            boards = seed_boards(owner, seeded.members, today)
            seed_time(owner, seeded.members, boards, today)
            project = seed_project(owner, seeded.members, today)
            seed_rules(owner.workspace)
            seed_recurring(owner.workspace)
            seed_it_requests(owner.workspace)
            seed_purchase_approvals(owner.workspace)
            tokens = {
                email: services.token_create(actor=membership, name="demo token")[1]
                for email, membership in seeded.members.items()
                if email in {"olivia@example.com", "maria@example.com", "gus@example.com"}
            }
        self.stdout.write(self.style.SUCCESS(
            f"Demo workspace 'acme' created with boards: {', '.join(b.name for b in boards)} "
            f"and the project '{project.name}'."
        ))
        self.stdout.write(f"Sign in at /login/ as any of these, password '{demo.DEMO_PASSWORD}':")
        for email, _, role, teams in demo.PEOPLE:
            self.stdout.write(f"  {email:<24} {role:<7} {', '.join(teams)}")
        self.stdout.write("API tokens (shown once):")
        for email, secret in tokens.items():
            self.stdout.write(f"  {email:<24} {secret}")
