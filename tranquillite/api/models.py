"""Per-account API tokens, for a partner's application (or a script) that calls the API
without a browser session.

A token belongs to one user and one territory: it acts as that user in that territory only,
through the same `visible_to(user)` rules and the same services as the web pages, and only
while the user still holds an active membership there. Only a SHA-256 digest of the secret is
stored (the secret is 256 random bits, so a plain digest is enough: nothing to guess, nothing
to salt against); the secret itself is shown once, at creation, and never again. A token
expires (at most `API_TOKEN_MAX_DAYS`) and can be revoked by its holder or by the
territory's coordinator."""

from __future__ import annotations

import hashlib
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tranquillite.core.models import PublicIdModel, TerritoryScopedModel, TerritoryScopedQuerySet

# Every secret starts with this, so that a leaked token is recognisable (secret scanners).
TOKEN_PREFIX = "tq_"  # noqa: S105  (a prefix, not a secret)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(TerritoryScopedQuerySet["ApiToken"]):
    def visible_to(self, user: Any) -> Self:
        """One's own tokens; every token of the territory for whoever manages them there."""
        scoped = super().visible_to(user)
        if scoped.query.is_empty():
            return scoped
        from tranquillite.accounts.models import Membership
        from tranquillite.accounts.roles import RIGHTS

        managed = Membership.objects.filter(
            user=user,
            is_active=True,
            territory__is_active=True,
            role__in=RIGHTS["api.manage_tokens"],
        ).values("territory_id")
        return scoped.filter(Q(user=user) | Q(territory__in=managed))

    def usable(self) -> Self:
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(PublicIdModel, TerritoryScopedModel):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=80)
    # The first characters of the secret, shown in lists so that a holder recognises it.
    hint = models.CharField(_("starts with"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return not self.is_revoked and not self.is_expired
