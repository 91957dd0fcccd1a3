"""Every refusal a view answers is written to the access log (OWASP ASVS 16.3.2; CNIL
AU-038: the DPO must see who asked for what they may not see), in one place rather than page
by page, so that a module added later logs its refusals without doing anything.

- `core.refusals.Refusal` (a 404 that knows what was asked): the row goes to the territory of
  the record asked for when it exists — with the record, so that its DPO's "who saw this
  record" page shows the attempt — else to the asker's current territory;
- any other 404 a view raises (a record missing from the user's `visible_to`): reason
  `not_found`, in the asker's current territory;
- a 403 (`PermissionDenied`, a right missing): reason `forbidden`.
The asker learns nothing more: the answer is the same 404 (or 403) page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from tranquillite.audit.models import AccessAction
from tranquillite.audit.services import record_access
from tranquillite.core.refusals import Refusal


class RefusalLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None  # the sign-in redirect comes first; failed sign-ins are logged apart
        if isinstance(exception, Refusal):
            asked = exception.asked_record()
            territory = getattr(asked, "territory", None) if asked is not None else None
            record_access(
                request,
                AccessAction.DENIED,
                [asked] if asked is not None else [],
                territory=territory,
                reason=exception.reason,
            )
        elif isinstance(exception, Http404):
            record_access(request, AccessAction.DENIED, reason="not_found")
        elif isinstance(exception, PermissionDenied):
            record_access(request, AccessAction.DENIED, reason="forbidden")
        return None  # Django answers the 404 or 403 as usual
