"""The project's settings for a benchmark server whose static files are collected apart (in
BENCH_STATIC_ROOT), so a bench never rewrites the project's own staticfiles/."""

import os

from workos.settings import *  # noqa: F403 - these settings, one path changed
from workos.settings import STATIC_ROOT as _PROJECT_STATIC_ROOT

STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT") or _PROJECT_STATIC_ROOT
