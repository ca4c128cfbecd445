"""Reads of projects, one module per concern, scoped to the workspace and the viewer."""

from .projects import project_get, project_list

__all__ = ["project_get", "project_list"]
