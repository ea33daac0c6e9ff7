"""One error shape for the whole API: {"detail", "code", "fields"}."""

from typing import Any

from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from core.exceptions import DomainError, TransitionNotAllowed


def domain_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        code = (
            status.HTTP_409_CONFLICT
            if isinstance(exc, TransitionNotAllowed)
            else status.HTTP_400_BAD_REQUEST
        )
        return Response({"detail": exc.message, "code": exc.code, "fields": {}}, status=code)
    response = exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" not in response.data:
        response.data = {
            "detail": "Invalid input.",
            "code": "invalid",
            "fields": response.data,
        }
    return response
