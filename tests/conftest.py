import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from tests.factories import MembershipFactory, UserFactory, WorkspaceFactory, make_token
from workos.celery import app as celery_app
from workos.tenancy.models import Membership, Role, Workspace

# Property tests check answers, never speed: a loaded CI machine must not fail them on time.
hypothesis_settings.register_profile("workos", deadline=None, database=None)
hypothesis_settings.load_profile("workos")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium",
            "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _temporary_media_root(settings, tmp_path_factory):
    """Uploaded files go to a temporary directory, never into the project's media/."""
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _eager_celery(request):
    """Tasks run in process unless a test starts a real worker."""
    if request.node.get_closest_marker("worker"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@dataclass
class People:
    workspace: Workspace
    owner: Membership
    admin: Membership
    member: Membership
    guest: Membership
    outsider: Membership  # a member of another workspace only

    def of(self, role: str) -> Membership:
        return getattr(self, role)


@pytest.fixture
def people(db) -> People:
    workspace = WorkspaceFactory()
    other = WorkspaceFactory()
    return People(
        workspace=workspace,
        owner=MembershipFactory(workspace=workspace, role=Role.OWNER),
        admin=MembershipFactory(workspace=workspace, role=Role.ADMIN),
        member=MembershipFactory(workspace=workspace, role=Role.MEMBER),
        guest=MembershipFactory(workspace=workspace, role=Role.GUEST),
        outsider=MembershipFactory(workspace=other, role=Role.OWNER),
    )


@pytest.fixture
def api():
    """api(membership) signs in by session; api(token=secret) sends a Bearer token."""

    def make(membership: Membership | None = None, *, token: str | None = None) -> APIClient:
        client = APIClient()
        if token is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
        elif membership is not None:
            client.force_login(membership.user)
        return client

    return make


@pytest.fixture
def token_for():
    def make(membership: Membership, **kwargs) -> str:
        return make_token(membership, **kwargs)[1]

    return make


@pytest.fixture
def user(db):
    return UserFactory()
