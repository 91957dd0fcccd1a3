"""Password rules of the CNIL (deliberation 2022-100 of 21 July 2022).

The CNIL asks for about 80 bits of entropy when a password is the only factor, and gives
equivalent examples: 12 characters mixing upper case, lower case, digits and special
characters; or 14 characters mixing upper case, lower case and digits; or a long passphrase.
Known-breached passwords are refused by the HIBP range API when it is enabled (it sends only
the first five characters of the SHA-1 hash: k-anonymity), and always by Django's list of
20,000 passwords most found in breaches (CommonPasswordValidator).
"""

from __future__ import annotations

import hashlib
import logging
import string
import urllib.request
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def character_classes(password: str) -> set[str]:
    classes = set()
    for char in password:
        if char in string.ascii_lowercase or (char.isalpha() and char.islower()):
            classes.add("lower")
        elif char in string.ascii_uppercase or (char.isalpha() and char.isupper()):
            classes.add("upper")
        elif char.isdigit():
            classes.add("digit")
        else:
            classes.add("special")
    return classes


def meets_cnil_rule(password: str) -> bool:
    classes = character_classes(password)
    if len(password) >= 12 and len(classes) == 4:
        return True
    if len(password) >= 14 and {"lower", "upper", "digit"} <= classes:
        return True
    # A passphrase: long, several words.
    return len(password) >= 20 and len(password.split()) >= 4


class CnilEntropyValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if not meets_cnil_rule(password):
            raise ValidationError(self.get_help_text(), code="password_too_weak")

    def get_help_text(self) -> str:
        return _(
            "Your password must have at least 12 characters mixing upper case, lower case, "
            "digits and special characters; or at least 14 characters mixing upper case, "
            "lower case and digits; or be a passphrase of at least four words and 20 characters."
        )


Fetcher = Callable[[str], str]


def fetch_hibp_range(prefix: str) -> str:
    request = urllib.request.Request(
        f"https://api.pwnedpasswords.com/range/{prefix}",
        headers={"Add-Padding": "true", "User-Agent": "Tranquillite"},
    )
    with urllib.request.urlopen(request, timeout=3) as response:  # noqa: S310
        body: bytes = response.read()
    return body.decode("utf-8")


def breach_count(password: str, fetch: Fetcher = fetch_hibp_range) -> int:
    digest = hashlib.sha1(password.encode("utf-8")).hexdigest().upper()  # noqa: S324 (HIBP API)
    prefix, suffix = digest[:5], digest[5:]
    for line in fetch(prefix).splitlines():
        candidate, _sep, count = line.strip().partition(":")
        if candidate == suffix:
            return int(count or 0)
    return 0


class BreachedPasswordValidator:
    """Refuses passwords found in known breaches, when PASSWORD_BREACH_CHECK is on.

    Off by default because many city networks reach no outside service; when the service
    cannot be reached the password is accepted and a warning is logged (the common-password
    list still applies).
    """

    def __init__(self, fetch: Fetcher | None = None) -> None:
        self.fetch = fetch or fetch_hibp_range

    def validate(self, password: str, user: Any = None) -> None:
        if not getattr(settings, "PASSWORD_BREACH_CHECK", False):
            return
        try:
            count = breach_count(password, self.fetch)
        except OSError:
            logger.warning("Breached-password service unreachable; check skipped.")
            return
        if count:
            raise ValidationError(
                _("This password appears in known data breaches. Choose another one."),
                code="password_breached",
            )

    def get_help_text(self) -> str:
        return _("Your password must not appear in known data breaches.")
