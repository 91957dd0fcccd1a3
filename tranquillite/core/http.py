"""Small helpers every app's views share."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from tranquillite.core.models import Territory


def current_territory(request: HttpRequest) -> Territory:
    """The territory CurrentTerritoryMiddleware chose; views behind `require_right` have one."""
    return request.territory  # type: ignore[attr-defined,no-any-return]


def error_text(error: ValidationError | PermissionDenied) -> str:
    """A service's refusal as one sentence for a flash message."""
    return " ".join(getattr(error, "messages", [str(error)]))
