"""Writes of the API app: creating and revoking per-account tokens, and finding the token a
request presents."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tranquillite.accounts.permissions import has_right
from tranquillite.api.models import TOKEN_PREFIX, ApiToken, digest
from tranquillite.core.models import Territory
from tranquillite.core.validation import clean_text

# `last_used_at` is written at most this often: a partner's script sending thousands of
# entries must not turn each of them into a second write.
LAST_USED_PRECISION = timedelta(minutes=1)


@transaction.atomic
def create_token(*, actor: Any, territory: Territory, name: str, days: int) -> tuple[ApiToken, str]:
    """A new token for the actor in this territory. Returns it with its secret, which is not
    stored and cannot be shown again."""
    if not has_right(actor, "api.hold_tokens", territory):
        raise PermissionDenied
    name = clean_text(name).strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name.")})
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        raise ValidationError(
            {
                "days": _("A token lasts from 1 to %(days)d days.")
                % {"days": settings.API_TOKEN_MAX_DAYS}
            }
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        territory=territory,
        user=actor,
        name=name,
        hint=secret[: len(TOKEN_PREFIX) + 6],
        key_hash=digest(secret),
        expires_at=timezone.now() + timedelta(days=days),
    )
    return token, secret


@transaction.atomic
def revoke_token(*, actor: Any, token: ApiToken) -> ApiToken:
    """Revoke a token: its holder may, and whoever manages the territory's tokens. Revoking
    twice keeps the first date."""
    own = token.user_id == actor.pk
    if not own and not has_right(actor, "api.manage_tokens", token.territory):
        raise PermissionDenied
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = actor
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def authenticate(secret: str) -> ApiToken | None:
    """The usable token with this secret, its holder still active; its last use noted.
    None for an unknown, revoked or expired token (the caller answers 401 to all three)."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = (
        ApiToken.objects.usable()
        .select_related("user", "territory")
        .filter(key_hash=digest(secret), user__is_active=True, territory__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
