"""Routes of the projects API: lifecycle."""

from __future__ import annotations

from django.urls import URLPattern

scoped: list[URLPattern] = []
