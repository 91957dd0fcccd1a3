"""Keep the per-session MFA check honest when a second factor is removed."""

from __future__ import annotations

from typing import Any

from allauth.mfa.signals import authenticator_removed
from django.dispatch import receiver
from django.http import HttpRequest

from tranquillite.accounts.middleware import SESSION_MFA_CHECKED


@receiver(authenticator_removed, dispatch_uid="accounts_mfa_recheck")
def _recheck_mfa(sender: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session.pop(SESSION_MFA_CHECKED, None)
