"""Content negotiation that skips the parsing when there is nothing to choose."""

from __future__ import annotations

from typing import Any

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request


class SingleRendererNegotiation(DefaultContentNegotiation):
    """DRF's negotiation, answered at once for the common call: one renderer, no format asked
    for, and an Accept header that is absent, `*/*` or the renderer's own type. Anything else
    (several renderers, `?format=`, another Accept) is DRF's, with its 406 and 404 answers."""

    def select_renderer(self, request: Request, renderers: list[BaseRenderer],
                        format_suffix: str | None = None) -> tuple[Any, str]:
        if (len(renderers) == 1 and format_suffix is None
                and self.settings.URL_FORMAT_OVERRIDE not in request.query_params):
            renderer = renderers[0]
            if request.META.get("HTTP_ACCEPT", "*/*") in {"*/*", renderer.media_type}:
                return renderer, renderer.media_type
        return super().select_renderer(request, renderers, format_suffix)
