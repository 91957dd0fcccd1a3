"""Sign-ins, failures and sign-outs go to the access log."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from tranquillite.audit.models import AccessAction
from tranquillite.audit.services import record_security_event


@receiver(user_logged_in, dispatch_uid="audit_login")
def _logged_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    record_security_event(request, AccessAction.LOGIN, actor=user)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    attempted = str(credentials.get("email") or credentials.get("username") or "").lower()
    account = get_user_model().objects.filter(email=attempted).first() if attempted else None
    record_security_event(request, AccessAction.LOGIN_FAILED, actor=account, label=attempted)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        record_security_event(request, AccessAction.LOGOUT, actor=user)
