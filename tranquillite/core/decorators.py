"""View guards. Deny by default: a view declares the right it needs in the current territory."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse

from tranquillite.core.refusals import Refusal


def require_right(
    right: str, *, hide: bool = False, record: type[models.Model] | None = None
) -> Callable[..., Callable[..., HttpResponse]]:
    """Signed in, with a current territory, holding `right` there; otherwise 403 — or 404 with
    `hide=True` (or a `record` model), for the address of a nominative record: whoever may not
    see it must not learn that it exists (art. L132-5 CSI). Both refusals are logged by
    `audit.middleware.RefusalLogMiddleware`; with `record`, in the territory of the record
    whose `public_id` the URL names."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @login_required
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            territory = getattr(request, "territory", None)
            if territory is None or not request.user.has_perm(right, territory):
                if hide or record is not None:
                    raise Refusal(f"right:{right}", model=record, public_id=kwargs.get("public_id"))
                raise PermissionDenied(right)
            return view(request, *args, **kwargs)

        return guarded

    return decorator
