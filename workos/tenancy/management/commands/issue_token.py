from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from workos.tenancy import services
from workos.tenancy.models import Membership


class Command(BaseCommand):
    help = "Issue an API access token for a member; prints the secret alone on stdout."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--workspace", required=True, help="workspace slug")
        parser.add_argument("--read-only", action="store_true")
        parser.add_argument("--name", default="issued from the command line")

    def handle(self, *args: Any, **options: Any) -> None:
        membership = (
            Membership.objects.select_related("workspace", "user")
            .filter(user__email__iexact=options["email"], workspace__slug=options["workspace"])
            .first()
        )
        if membership is None:
            raise CommandError(
                f"{options['email']} is not a member of workspace '{options['workspace']}'."
            )
        _, secret = services.token_create(
            actor=membership, name=options["name"], read_only=options["read_only"]
        )
        self.stdout.write(secret)
