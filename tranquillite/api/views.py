"""The page where a user manages their own API tokens (and the coordinator sees and revokes
every token of the territory). Thin: the form in, services for writes, selectors for reads.

A new token's secret is shown once, in the answer to the form that created it; only its
digest is stored, so it cannot be shown again."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tranquillite.api import selectors, services
from tranquillite.api.forms import TokenForm
from tranquillite.core.decorators import require_right
from tranquillite.core.http import current_territory, error_text
from tranquillite.core.refusals import Refusal


def _page(
    request: HttpRequest, form: TokenForm, *, secret: str = "", status: int = 200
) -> HttpResponse:
    territory = current_territory(request)
    manages = request.user.has_perm("api.manage_tokens", territory)
    context: dict[str, Any] = {
        "form": form,
        "secret": secret,
        "tokens": selectors.own_tokens(request.user, territory),
        "manages": manages,
        "all_tokens": (
            selectors.territory_tokens(request.user, territory).exclude(user=request.user)  # type: ignore[misc]
            if manages
            else None
        ),
    }
    return render(request, "api/tokens.html", context, status=status)


@require_right("api.hold_tokens")
def tokens(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        _token, secret = services.create_token(
            actor=request.user,
            territory=current_territory(request),
            name=form.cleaned_data["name"],
            days=form.cleaned_data["days"],
        )
    except ValidationError as error:
        form.add_error(None, error_text(error))
        return _page(request, form, status=400)
    # Shown in this answer only (never stored, never in a redirect or a message).
    return _page(request, TokenForm(), secret=secret)


@require_POST
@require_right("api.hold_tokens")
def revoke(request: HttpRequest, public_id: Any) -> HttpResponse:
    token = selectors.token_for(request.user, current_territory(request), public_id)
    if token is None:
        raise Refusal("api.token", public_id=public_id)
    try:
        services.revoke_token(actor=request.user, token=token)
    except PermissionDenied as error:
        raise Refusal("api.token", public_id=public_id) from error
    messages.success(request, _("Token revoked: it no longer opens the API."))
    return redirect("api:tokens")
