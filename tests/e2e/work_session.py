"""What the item, timer and workload browser tests share: a signed-in page (the test client's
session cookie copied into the browser) and the folder screenshots go to."""

import os
import pathlib

from django.conf import settings
from playwright.sync_api import Page


def screenshots() -> pathlib.Path:
    path = pathlib.Path(os.environ.get("E2E_OUTPUT", "test-results"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def signed_in(page: Page, live_server, client, membership) -> None:
    client.force_login(membership.user)
    page.context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }])
