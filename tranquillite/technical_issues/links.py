"""Signed, expiring links for the organisations without accounts (a city service reached by its
generic e-mail): the link opens that one issue, lets them acknowledge and resolve it without
signing in, and nothing else.

The token is Django's `TimestampSigner` over the issue's public id, the organisation it was
routed to and the routing round: another issue's address, an altered token, a link sent before
a re-routing, or one older than TECHNICAL_ISSUE_LINK_DAYS is refused with a French message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from tranquillite.technical_issues.conf import link_max_age_days
from tranquillite.technical_issues.models import TechnicalIssue

SALT = "tranquillite.technical_issues.link"


class LinkRefused(Exception):
    """The link cannot be used; `message` says why, in French, for the page."""

    def __init__(self, message: str, *, expired: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.expired = expired


@dataclass(frozen=True)
class LinkGrant:
    """What a valid link allows: acting on this issue, for this organisation."""

    issue: TechnicalIssue

    @property
    def organisation(self) -> Any:
        return self.issue.organisation


def make_token(issue: TechnicalIssue) -> str:
    payload = {
        "i": str(issue.public_id),
        "o": str(issue.organisation.public_id),
        "r": issue.routing_round,
    }
    return signing.TimestampSigner(salt=SALT).sign_object(payload, compress=True)


def link_path(issue: TechnicalIssue) -> str:
    return reverse("technical_issues:link", args=[issue.public_id, make_token(issue)])


def read_link(public_id: UUID, token: str) -> LinkGrant:
    """The grant of a link, or LinkRefused with the reason."""
    invalid = LinkRefused(
        _(
            "This link is not valid: it may have been altered or cut while copied. Use the "
            "link of the e-mail as it is, or ask the coordination for a new one."
        )
    )
    try:
        payload = signing.TimestampSigner(salt=SALT).unsign_object(
            token, max_age=timedelta(days=link_max_age_days())
        )
    except signing.SignatureExpired as error:
        raise LinkRefused(
            _(
                "This link has expired (links are valid %(days)d days). Nothing was changed. "
                "Ask the coordination of the city for a new link."
            )
            % {"days": link_max_age_days()},
            expired=True,
        ) from error
    except signing.BadSignature as error:
        raise invalid from error
    if not isinstance(payload, dict) or payload.get("i") != str(public_id):
        # A valid token of another issue: it opens that issue alone, never this one.
        raise invalid
    issue = (
        TechnicalIssue.objects.filter(public_id=public_id)
        .select_related("organisation", "neighbourhood", "territory")
        .first()
    )
    if issue is None:
        raise invalid
    if payload.get("o") != str(issue.organisation.public_id) or payload.get("r") != (
        issue.routing_round
    ):
        raise LinkRefused(
            _(
                "This issue has been sent to another organisation since this link was sent: "
                "it no longer opens it. Nothing was changed."
            )
        )
    return LinkGrant(issue)
