"""A token's last use is recorded once the answer is on its way, at most once a minute."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager

from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory
from django.utils import timezone
from rest_framework.request import Request

from tests.factories import make_token
from workos.tenancy.authentication import BearerTokenAuthentication
from workos.tenancy.models import AccessToken


def _authenticate(secret: str) -> None:
    request = RequestFactory().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    BearerTokenAuthentication().authenticate(Request(request))


@contextmanager
def _a_request():
    """Django's request signals around the block, as a server sends them (without closing the
    test's database connection, as Django's test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        request_started.send(sender=None)
        yield
        request_finished.send(sender=None)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_the_use_is_written_after_the_response(people):
    token, secret = make_token(people.member)
    with _a_request():
        _authenticate(secret)
        assert AccessToken.objects.get(pk=token.pk).last_used_at is None
    assert AccessToken.objects.get(pk=token.pk).last_used_at is not None


def test_a_use_within_the_minute_writes_nothing(people, django_assert_num_queries):
    recent = timezone.now() - dt.timedelta(seconds=20)
    token, secret = make_token(people.member, last_used_at=recent)
    with django_assert_num_queries(1):  # the look-up alone
        _authenticate(secret)
    assert AccessToken.objects.get(pk=token.pk).last_used_at == recent
