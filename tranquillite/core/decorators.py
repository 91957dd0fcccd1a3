"""View guards. Deny by default: a view declares the right it needs in the current territory."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse


def require_right(right: str, *, hide: bool = False) -> Callable[..., Callable[..., HttpResponse]]:
    """Signed in, with a current territory, holding `right` there; otherwise 403 — or 404 with
    `hide=True`, for the address of a nominative record: whoever may not see it must not
    learn that it exists (art. L132-5 CSI)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            territory = getattr(request, "territory", None)
            if territory is None or not request.user.has_perm(right, territory):
                if hide:
                    raise Http404
                raise PermissionDenied(right)
            return view(request, *args, **kwargs)

        return guarded

    return decorator
