"""The API's two ways in: the browser session (with its CSRF check) for the web app, and a
per-account token (`Authorization: Bearer tq_…`) for a partner's application.

A token acts as its holder in its one territory: `request.user` becomes the holder and
`request.territory` the token's territory, whatever the request says otherwise, so every
endpoint goes through the same `visible_to(user)` rules and services as the web pages. An
unknown, revoked or expired token is a 401, with no hint of which."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from tranquillite.api.services import authenticate
from tranquillite.core.models import Territory


class TokenAuth(HttpBearer):
    openapi_description = "Per-account API token: `Authorization: Bearer tq_…`."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = authenticate(token.strip())
        if found is None:
            # A token was given and does not open the API: 401, without falling back to the
            # session (whose CSRF refusal would hide the reason).
            raise AuthenticationError
        # Still a member of the token's territory: a revoked membership ends its tokens too.
        territory = Territory.objects.for_user(found.user).filter(pk=found.territory_id).first()
        if territory is None:
            raise AuthenticationError
        request.user = found.user
        request.territory = territory  # type: ignore[attr-defined]
        request.territories = [territory]  # type: ignore[attr-defined]
        request.api_token = found  # type: ignore[attr-defined]
        return found.user
