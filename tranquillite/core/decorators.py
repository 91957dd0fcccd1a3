"""View guards. Deny by default: a view declares the right it needs in the current territory."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


def require_right(right: str) -> Callable[..., Callable[..., HttpResponse]]:
    """Signed in, with a current territory, holding `right` there; otherwise 403."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            territory = getattr(request, "territory", None)
            if territory is None or not request.user.has_perm(right, territory):
                raise PermissionDenied(right)
            return view(request, *args, **kwargs)

        return guarded

    return decorator
