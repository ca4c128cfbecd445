"""The structure rules of DESIGN.md and STYLE.md, checked on every run."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.db.models import QuerySet

from workos.api.views import WorkspaceViewSet
from workos.tenancy.models import Team

ROOT = Path(__file__).resolve().parents[2]
APPS = ["workos", "boards", "timetracking", "projects", "automations", "dashboards"]


def test_imports_run_one_way_from_kernel_to_dashboards():
    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(linter), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_api_modules_never_query_models_directly():
    offenders = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            rel = path.relative_to(ROOT)
            if "api" not in rel.parts or rel.parts[:2] == ("workos", "api"):
                continue
            for lineno, line in enumerate(path.read_text().splitlines(), 1):
                if re.search(r"\.objects\.", line):
                    offenders.append(f"{rel}:{lineno}: {line.strip()}")
    assert offenders == [], "API code must read through selectors:\n" + "\n".join(offenders)


def test_a_viewset_cannot_replace_the_scoped_queryset():
    with pytest.raises(TypeError, match="scoped_queryset"):

        class Leaky(WorkspaceViewSet):
            scoped_model = Team

            def get_queryset(self) -> QuerySet:
                return Team.objects.all()


def test_no_catch_all_helper_modules():
    names = {"utils.py", "helpers.py", "misc.py"}
    found = [
        str(p.relative_to(ROOT)) for app in APPS for p in (ROOT / app).rglob("*.py")
        if p.name in names
    ]
    assert found == []
