"""Writes of rates. Only admins and owners set rates.

A rate change never rewrites the past: rates are versions from a date, and a create, change or
delete is refused (409) when it would change the cost or revenue of time already costed at
another rate. Filling a gap is allowed — time logged before the member had any applicable rate
was never costed, so a rate back-dated over it rewrites nothing.
"""

from __future__ import annotations

import datetime as dt
import decimal
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from boards.models import Board
from timetracking.models import Rate, TimeEntry
from timetracking.services.entries import local_date
from workos.activity.services import activity_record
from workos.errors import Conflict, PermissionDenied, ValidationFailed
from workos.tenancy.models import Membership, Role, role_at_least


@dataclass(frozen=True)
class RateVersion:
    id: int | None
    board_id: int | None
    effective_from: dt.date
    cost_rate: decimal.Decimal
    bill_rate: decimal.Decimal


def rate_applicable(
    versions: list[RateVersion], board_id: int | None, day: dt.date
) -> RateVersion | None:
    """The rate costing time on `board_id` on `day`: the latest board rate in force, else the
    latest general rate in force."""
    for scope in ([board_id, None] if board_id is not None else [None]):
        in_force = [v for v in versions if v.board_id == scope and v.effective_from <= day]
        if in_force:
            return max(in_force, key=lambda v: v.effective_from)
    return None


def _versions(member: Membership) -> list[RateVersion]:
    return [
        RateVersion(r.pk, r.board_id, r.effective_from, r.cost_rate, r.bill_rate)
        for r in Rate.objects.filter(member=member)
    ]


def _check_past_unchanged(
    member: Membership, before: list[RateVersion], after: list[RateVersion], since: dt.date
) -> None:
    """Refuse when any entry from `since` on would be costed differently."""
    pairs = (
        TimeEntry.objects.filter(member=member, date__gte=since)
        .order_by("date").values_list("date", "board_id").distinct()
    )
    changed = []
    for day, board_id in pairs:
        old = rate_applicable(before, board_id, day)
        if old is None:
            continue  # never costed: nothing to rewrite
        new = rate_applicable(after, board_id, day)
        if new is None or (new.cost_rate, new.bill_rate) != (old.cost_rate, old.bill_rate):
            changed.append(day)
    if changed:
        raise Conflict(
            f"This would change the cost of time already logged from {changed[0]} on; rates "
            "never rewrite the past. Add a new rate from a date after that time instead.",
            code="rate_in_use",
        )


def _require_admin(actor: Membership) -> None:
    if not role_at_least(actor.role, Role.ADMIN):
        raise PermissionDenied("Only admins and owners set rates.")


def _check_amounts(cost_rate: Any, bill_rate: Any) -> None:
    for name, value in (("cost_rate", cost_rate), ("bill_rate", bill_rate)):
        if value is None or decimal.Decimal(value) < 0:
            raise ValidationFailed("Rates are amounts of 0 or more per hour.",
                                   fields={name: ["0 or more."]})


def _record(actor: Membership, verb: str, rate: Rate, changes: dict[str, list[Any]]) -> None:
    activity_record(workspace=actor.workspace, actor=actor.user, verb=verb, target=rate,
                    changes=changes, data={"member": rate.member_id, "board": rate.board_id})


def _save(rate: Rate) -> None:
    try:
        with transaction.atomic():
            rate.save()
    except IntegrityError as exc:
        raise Conflict(
            f"This member already has a rate from {rate.effective_from} "
            f"{'on this board' if rate.board_id else '(general)'}; change that one instead.",
            code="rate_exists", fields={"effective_from": ["Taken."]},
        ) from exc


@transaction.atomic
def rate_create(
    *,
    actor: Membership,
    member: Membership,
    board: Board | None = None,
    cost_rate: decimal.Decimal,
    bill_rate: decimal.Decimal,
    effective_from: dt.date | None = None,
) -> Rate:
    _require_admin(actor)
    _check_amounts(cost_rate, bill_rate)
    if member.workspace_id != actor.workspace_id:
        raise ValidationFailed("That member is not in this workspace.",
                               fields={"member": ["Unknown member."]})
    day = effective_from or local_date(actor.workspace, timezone.now())
    Membership.objects.select_for_update().filter(pk=member.pk).first()
    before = _versions(member)
    new = RateVersion(None, board.pk if board else None, day, decimal.Decimal(cost_rate),
                      decimal.Decimal(bill_rate))
    _check_past_unchanged(member, before, [*before, new], since=day)
    rate = Rate(workspace=actor.workspace, member=member, board=board, cost_rate=cost_rate,
                bill_rate=bill_rate, effective_from=day, created_by=actor)
    _save(rate)
    _record(actor, "rate.created", rate, {
        "cost_rate": [None, str(cost_rate)], "bill_rate": [None, str(bill_rate)],
        "effective_from": [None, day.isoformat()],
    })
    return rate


@transaction.atomic
def rate_update(*, actor: Membership, rate: Rate, fields: dict[str, Any]) -> Rate:
    """Change amounts or start date: allowed only while no costed time depends on it."""
    _require_admin(actor)
    unknown = set(fields) - {"cost_rate", "bill_rate", "effective_from"}
    if unknown:
        raise ValidationFailed(
            "A rate's member and board do not change; delete it and add another.",
            fields={name: ["Cannot change."] for name in sorted(unknown)},
        )
    Membership.objects.select_for_update().filter(pk=rate.member_id).first()
    rate = Rate.objects.select_related("member").get(pk=rate.pk)
    old = {"cost_rate": rate.cost_rate, "bill_rate": rate.bill_rate,
           "effective_from": rate.effective_from}
    new = {**old, **{k: v for k, v in fields.items() if v is not None}}
    _check_amounts(new["cost_rate"], new["bill_rate"])
    before = _versions(rate.member)
    after = [v for v in before if v.id != rate.pk] + [RateVersion(
        rate.pk, rate.board_id, new["effective_from"], decimal.Decimal(new["cost_rate"]),
        decimal.Decimal(new["bill_rate"]),
    )]
    _check_past_unchanged(rate.member, before, after,
                          since=min(old["effective_from"], new["effective_from"]))
    for key, value in new.items():
        setattr(rate, key, value)
    _save(rate)
    changes = {k: [str(old[k]), str(new[k])] for k in old if str(old[k]) != str(new[k])}
    if changes:
        _record(actor, "rate.updated", rate, changes)
    return rate


@transaction.atomic
def rate_delete(*, actor: Membership, rate: Rate) -> None:
    _require_admin(actor)
    Membership.objects.select_for_update().filter(pk=rate.member_id).first()
    before = _versions(rate.member)
    after = [v for v in before if v.id != rate.pk]
    _check_past_unchanged(rate.member, before, after, since=rate.effective_from)
    _record(actor, "rate.deleted", rate, {"cost_rate": [str(rate.cost_rate), None]})
    rate.delete()
