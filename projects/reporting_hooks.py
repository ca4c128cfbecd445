"""What the projects app plugs into time tracking's reports: time grouped by project.

Time tracking sits below projects and cannot read them, so it sums time per board and asks
the folder registered here which project each board belongs to. Time on boards that are no
project's (and time with no board) is reported on one row, "No project".
"""

from __future__ import annotations

from typing import Any

from projects.models import Project
from timetracking.selectors import report_grouping_register
from workos.tenancy.models import Workspace

NO_PROJECT = "No project"


def project_of_boards(workspace: Workspace, board_ids: list[int]) -> dict[int, tuple[Any, str]]:
    """(project id, project name) of each board that is a project's, else (None, "No project"),
    in one query."""
    projects = {
        board_id: (project_id, name)
        for board_id, project_id, name in Project.objects.filter(
            workspace=workspace, board_id__in=board_ids
        ).values_list("board_id", "id", "name")
    }
    return {board_id: projects.get(board_id, (None, NO_PROJECT)) for board_id in board_ids}


def register() -> None:
    """Called once from the app's `ready()`."""
    report_grouping_register("project", project_of_boards)
