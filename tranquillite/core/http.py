"""Small helpers every app's views share."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

from tranquillite.core.models import Territory


def current_territory(request: HttpRequest) -> Territory:
    """The territory CurrentTerritoryMiddleware chose; views behind `require_right` have one."""
    return request.territory  # type: ignore[attr-defined,no-any-return]


def error_text(error: ValidationError | PermissionDenied) -> str:
    """A service's refusal as one sentence for a flash message."""
    return " ".join(getattr(error, "messages", [str(error)]))


def safe_next(request: HttpRequest, default: str) -> str:
    """Where to go back to: the `next` the page was given (POST, else GET) when it is an
    address of this site, else `default` — never another site (an open redirect would
    let a forged link send a signed-in user anywhere)."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return default


def absolute_url(path: str) -> str:
    """An address of the platform for e-mails (the site's base URL from the settings)."""
    return f"{settings.SITE_URL.rstrip('/')}{path}"
