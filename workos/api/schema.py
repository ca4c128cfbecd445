"""OpenAPI generation: every operation documents the error answers it can give."""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema as BaseAutoSchema
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField()


_ERRORS = {
    400: "Bad input; `fields` says which and why.",
    401: "No or bad credentials.",
    403: "Your role does not allow this.",
    404: "Not found, or not visible to you.",
    429: "Throttled.",
}


class AutoSchema(BaseAutoSchema):
    def _get_response_bodies(self, direction: str = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for status, description in _ERRORS.items():
            key = str(status)
            if key not in responses:
                responses[key] = self._get_response_for_code(
                    OpenApiResponse(response=ErrorSerializer, description=description),
                    key,
                    direction=direction,
                )
        return responses
