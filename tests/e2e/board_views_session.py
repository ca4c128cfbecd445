"""What the Kanban and calendar browser tests share: a signed-in page without the login form,
and the folder their screenshots go to."""

import os
import pathlib

from django.conf import settings
from playwright.sync_api import Page


def output_dir() -> pathlib.Path:
    path = pathlib.Path(os.environ.get("E2E_OUTPUT", "test-results"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def sign_in(page: Page, live_server, client, membership) -> None:
    """Sign `membership`'s user in by copying a test-client session cookie into the browser."""
    client.force_login(membership.user)
    page.context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": live_server.url,
    }])
