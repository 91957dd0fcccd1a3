"""The invitation link: shared by the service that invites and the task that mails it, so
neither imports the other."""

from __future__ import annotations

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.urls import reverse

from tranquillite.accounts.models import User
from tranquillite.core.http import absolute_url


def invitation_url(user: User) -> str:
    """A one-time link to choose a password (allauth's reset key, valid as its settings say)."""
    key = default_token_generator.make_token(user)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": key},
    )
    return absolute_url(path)
