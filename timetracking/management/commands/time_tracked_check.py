"""Check that every item's stored tracked time equals the sum of its entries; `--fix` repairs.

The services keep the two equal. Rows changed around them (SQL by hand, a restore of one
table) can break that; this finds such items, lists a few, and with `--fix` recomputes them.
Without `--fix` it exits non-zero when any disagree, so it can run as a scheduled check.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from timetracking.services.tracked import tracked_mismatches, tracked_recompute
from workos.tenancy.models import Workspace

SHOWN = 20


class Command(BaseCommand):
    help = "Compare items' tracked minutes with their time entries; --fix recomputes them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--workspace", help="slug of one workspace (default: all)")
        parser.add_argument("--fix", action="store_true", help="recompute the items that differ")

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = None
        if options["workspace"]:
            workspace = Workspace.objects.filter(slug=options["workspace"]).first()
            if workspace is None:
                raise CommandError(f"No workspace '{options['workspace']}'.")
        wrong = tracked_mismatches(workspace=workspace)
        shown = list(wrong.values_list("id", "tracked_minutes", "entries_minutes")[:SHOWN])
        if not shown:
            self.stdout.write("tracked minutes agree with the entries")
            return
        for item_id, stored, actual in shown:
            self.stdout.write(f"item {item_id}: stored {stored} min, entries {actual} min")
        if options["fix"]:
            fixed = tracked_recompute(workspace=workspace)
            self.stdout.write(f"recomputed {fixed} item(s)")
            return
        total = wrong.count()
        more = f" (first {SHOWN} shown)" if total > SHOWN else ""
        raise CommandError(f"{total} item(s) disagree with their entries{more}; run with --fix.")
