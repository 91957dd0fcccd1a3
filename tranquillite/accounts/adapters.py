"""allauth adapters: no public sign-up, MFA secrets encrypted at rest, no way to drop the
last second factor for a role that requires one."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet
from django.conf import settings
from django.http import HttpRequest

from tranquillite.accounts.selectors import user_has_second_factor, user_requires_mfa


class InvitationOnlyAccountAdapter(DefaultAccountAdapter):  # type: ignore[misc]
    """Accounts are created by invitation only (a coordinator or technical administrator)."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs: Any) -> bool:
        """A user who has no second factor yet enrols one right after signing in, without
        typing the password again: adding the first factor cannot weaken the account.
        Changing or removing an existing factor still asks for the password."""
        user = getattr(getattr(self, "request", None), "user", None)
        if (
            app == "allauth.mfa"
            and user is not None
            and user.is_authenticated
            and not user_has_second_factor(user)
        ):
            return False
        return bool(super().is_reauthentication_required(app=app, **kwargs))


def _fernet() -> Fernet:
    key = settings.MFA_ENCRYPTION_KEY
    if not key:
        digest = hashlib.sha256(f"tranquillite-mfa:{settings.SECRET_KEY}".encode()).digest()
        key = base64.urlsafe_b64encode(digest).decode()
    return Fernet(key.encode())


class EncryptedSecretsMFAAdapter(DefaultMFAAdapter):  # type: ignore[misc]
    def encrypt(self, text: str) -> str:
        return _fernet().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text: str) -> str:
        return _fernet().decrypt(encrypted_text.encode()).decode()

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        user: Any = authenticator.user
        if not user_requires_mfa(user) or authenticator.type == Authenticator.Type.RECOVERY_CODES:
            return True
        return user_has_second_factor(user, besides=authenticator)
