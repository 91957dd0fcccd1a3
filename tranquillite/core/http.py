"""Small helpers every app's views share."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from tranquillite.core.models import Territory
from tranquillite.core.validation import SANE_DATES


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


# --- Query parameters -------------------------------------------------------------------------
# Every value read from a query string goes through `query_value`: a value that cannot be read
# (not a number, an impossible date, a date out of range, not a UUID) falls back to the
# default with a message in French, never a server error (OWASP ASVS 1.2, 2.2.1).


def as_int(minimum: int = 0, maximum: int = 2**31 - 1) -> Callable[[str], int]:
    def parse(raw: str) -> int:
        # "²".isdigit() is True but int("²") fails: only ASCII digits are numbers here.
        if not raw.isascii() or not raw.lstrip("-").isdigit():
            raise ValueError(raw)
        value = int(raw)
        if not minimum <= value <= maximum:
            raise ValueError(raw)
        return value

    return parse


def as_uuid(raw: str) -> uuid.UUID:
    return uuid.UUID(raw)


def as_date(raw: str) -> date:
    """An ISO date within the dates any page can mean (core.validation.SANE_DATES)."""
    value = date.fromisoformat(raw)
    if not SANE_DATES.earliest <= value <= SANE_DATES.latest():
        raise ValueError(raw)
    return value


def as_month(raw: str) -> date:
    """A month written "YYYY-MM" (or a whole ISO date), as its first day, within sane dates."""
    return as_date(f"{raw[:7]}-01")


def query_value[T](request: HttpRequest, name: str, parse: Callable[[str], T], default: T) -> T:
    raw = request.GET.get(name, "")
    if not raw:
        return default
    try:
        return parse(raw)
    except (ValueError, TypeError, OverflowError, ValidationError):
        messages.warning(
            request,
            _("The address holds a value that cannot be read (%(name)s): the default is shown.")
            % {"name": name[:40]},
        )
        return default
