"""Writes of projects, one module per concern; callers import from the module that holds the
write (`projects.services.projects`, `.gates`, `.lifecycle`, `.templates`, ...)."""

from .projects import project_create, project_delete, project_update, require_project_edit

__all__ = ["project_create", "project_delete", "project_update", "require_project_edit"]
