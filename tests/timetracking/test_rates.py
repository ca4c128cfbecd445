"""Rates: who sees whose, versions by date, board overrides, and the rule that a change never
rewrites the cost of time already logged."""

from __future__ import annotations

import datetime as dt
import decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import MembershipFactory, RateFactory, TimeEntryFactory
from tests.timetracking.conftest import paris
from timetracking.models import Rate
from timetracking.selectors import board_actual_cost

JAN_10 = dt.date(2026, 1, 10)


def _entry(member, day, hours=1, **kwargs):
    return TimeEntryFactory(member=member, started_at=paris(day, 9),
                            duration_minutes=int(hours * 60), date=day, **kwargs)


@pytest.mark.parametrize(("role", "sees"), [
    ("owner", {"member", "admin"}),
    ("admin", {"member", "admin"}),
    ("member", {"member"}),  # their own only
])
def test_who_sees_which_rates(people, api, url, role, sees):
    rates = {"member": RateFactory(member=people.member), "admin": RateFactory(member=people.admin)}
    response = api(people.of(role)).get(url("rates/"))
    assert response.status_code == 200
    assert {r["id"] for r in response.json()["results"]} == {rates[k].pk for k in sees}


def test_guests_see_no_rates_at_all(people, api, url):
    own = RateFactory(member=people.guest)
    assert api(people.guest).get(url("rates/")).status_code == 403
    assert api(people.guest).get(url(f"rates/{own.pk}/")).status_code == 403


def test_a_member_cannot_read_or_set_someone_elses_rate(people, api, url):
    other = RateFactory(member=people.admin)
    assert api(people.member).get(url(f"rates/{other.pk}/")).status_code == 404
    response = api(people.member).post(url("rates/"), {
        "member": people.member.pk, "cost_rate": 1, "bill_rate": 1}, format="json")
    assert response.status_code == 403


def test_an_admin_sets_a_rate_from_today_by_default(people, api, url, clock):
    # 00:30 on 4 March in Paris is still 3 March in UTC: "today" is the workspace's.
    clock(paris(dt.date(2026, 3, 4), 0, 30))
    response = api(people.admin).post(url("rates/"), {
        "member": people.member.pk, "cost_rate": "42.50", "bill_rate": 90}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body == {**body, "member": people.member.pk, "board": None, "cost_rate": 42.5,
                    "bill_rate": 90.0, "effective_from": "2026-03-04"}


def test_a_new_rate_costs_time_from_its_date_and_never_before(people, api, url, board):
    RateFactory(member=people.member, cost_rate=50, bill_rate=100,
                effective_from=dt.date(2026, 1, 1))
    _entry(people.member, JAN_10, hours=2, board=board)
    admin = api(people.admin)
    # A rate from 5 January would re-cost the 10 January entry: refused.
    back_dated = admin.post(url("rates/"), {"member": people.member.pk, "cost_rate": 80,
                                            "bill_rate": 160, "effective_from": "2026-01-05"},
                            format="json")
    assert back_dated.status_code == 409
    assert back_dated.json()["code"] == "rate_in_use"
    assert "2026-01-10" in back_dated.json()["message"]
    later = admin.post(url("rates/"), {"member": people.member.pk, "cost_rate": 80,
                                       "bill_rate": 160, "effective_from": "2026-01-11"},
                       format="json")
    assert later.status_code == 201
    _entry(people.member, dt.date(2026, 1, 12), hours=1, board=board)
    # Two hours at 50, one at 80: the raise did not touch the earlier time.
    assert board_actual_cost(people.workspace, board) == decimal.Decimal("180.00")
    assert board_actual_cost(people.workspace, board, start=dt.date(2026, 1, 11)) == 80
    assert board_actual_cost(people.workspace, board, end=dt.date(2026, 1, 10)) == 100


def test_a_rate_used_for_logged_time_cannot_be_edited_or_deleted(people, api, url):
    rate = RateFactory(member=people.member, effective_from=dt.date(2026, 1, 1))
    _entry(people.member, JAN_10)
    admin = api(people.admin)
    edited = admin.patch(url(f"rates/{rate.pk}/"), {"cost_rate": 999}, format="json")
    assert edited.status_code == 409
    assert admin.delete(url(f"rates/{rate.pk}/")).status_code == 409
    # Moving its start after the logged time would leave that time costed by nothing.
    assert admin.patch(url(f"rates/{rate.pk}/"), {"effective_from": "2026-02-01"},
                       format="json").status_code == 409
    assert Rate.objects.get().cost_rate == 50


def test_a_rate_not_used_yet_can_be_fixed(people, api, url):
    rate = RateFactory(member=people.member, effective_from=dt.date(2026, 2, 1))
    _entry(people.member, JAN_10)  # before the rate: not costed by it
    admin = api(people.admin)
    fixed = admin.patch(url(f"rates/{rate.pk}/"), {"cost_rate": "55.00"}, format="json")
    assert fixed.status_code == 200, fixed.content
    assert fixed.json()["cost_rate"] == 55.0
    assert admin.delete(url(f"rates/{rate.pk}/")).status_code == 204


def test_a_first_rate_may_be_back_dated_over_uncosted_time(people, api, url, board):
    _entry(people.member, JAN_10, board=board)
    response = api(people.admin).post(url("rates/"), {
        "member": people.member.pk, "cost_rate": 60, "bill_rate": 120,
        "effective_from": "2026-01-01"}, format="json")
    assert response.status_code == 201
    assert board_actual_cost(people.workspace, board) == 60


def test_a_board_rate_overrides_the_general_one_on_that_board(people, api, url, board,
                                                                private_board):
    RateFactory(member=people.member, cost_rate=50, effective_from=dt.date(2026, 1, 1))
    response = api(people.admin).post(url("rates/"), {
        "member": people.member.pk, "board": board.pk, "cost_rate": 70, "bill_rate": 140,
        "effective_from": "2026-01-01"}, format="json")
    assert response.status_code == 201
    _entry(people.member, JAN_10, board=board)
    _entry(people.member, dt.date(2026, 1, 11), board=private_board)
    assert board_actual_cost(people.workspace, board) == 70
    assert board_actual_cost(people.workspace, private_board) == 50
    # The same date twice for one scope is a conflict, not a 500.
    again = api(people.admin).post(url("rates/"), {
        "member": people.member.pk, "board": board.pk, "cost_rate": 1, "bill_rate": 1,
        "effective_from": "2026-01-01"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "rate_exists"


def test_negative_rates_are_a_400(people, api, url):
    response = api(people.admin).post(url("rates/"), {
        "member": people.member.pk, "cost_rate": -1, "bill_rate": 1}, format="json")
    assert response.status_code == 400 and "cost_rate" in response.json()["fields"]


def test_rate_list_query_count_does_not_grow_with_page_size(people, api, url):
    for n in range(30):
        RateFactory(member=MembershipFactory(workspace=people.workspace),
                    effective_from=dt.date(2026, 1, 1) + dt.timedelta(days=n))
    client, counts = api(people.admin), []
    for size in (5, 25):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url(f"rates/?page_size={size}"))
        assert len(response.json()["results"]) == size
        counts.append(len(ctx))
    assert counts[0] == counts[1] <= 5, counts
