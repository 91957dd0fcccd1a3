"""Small helpers every app's views share."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest

from tranquillite.core.models import Territory


def current_territory(request: HttpRequest) -> Territory:
    """The territory CurrentTerritoryMiddleware chose; views behind `require_right` have one."""
    return request.territory  # type: ignore[attr-defined,no-any-return]


def error_text(error: ValidationError | PermissionDenied) -> str:
    """A service's refusal as one sentence for a flash message."""
    return " ".join(getattr(error, "messages", [str(error)]))


def absolute_url(path: str) -> str:
    """An address of the platform for e-mails (the site's base URL from the settings)."""
    return f"{settings.SITE_URL.rstrip('/')}{path}"
