"""The current territory of each request.

A user may belong to several territories; the one they work in is kept in the session and
checked against their active memberships on every request, so a stale or forged value never
opens another city's data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from tranquillite.core.models import Territory

SESSION_TERRITORY = "tranquillite_territory"


def choose_territory(request: HttpRequest, territories: list[Territory]) -> Territory | None:
    """The territory kept in the session if the user still belongs to it, else the first."""
    wanted = request.session.get(SESSION_TERRITORY)
    territory = next((t for t in territories if str(t.public_id) == wanted), None)
    if territory is None and territories:
        # By default, the territory the user joined first (their home council).
        territory = min(territories, key=lambda t: (t.joined_at, t.pk))  # type: ignore[attr-defined]
        request.session[SESSION_TERRITORY] = str(territory.public_id)
    return territory


# Apps that need the user's memberships on every request (accounts: the roles behind every
# right) register a reader here: the memberships are read once, with the territories, instead
# of once for the territories and once more for the roles.
MembershipReader = Callable[[Any, list[Any]], None]
_membership_readers: dict[str, MembershipReader] = {}


def on_memberships(key: str, reader: MembershipReader) -> None:
    _membership_readers[key] = reader


def _memberships_of(user: Any) -> list[Any]:
    # The membership model belongs to accounts, which core does not import: it is reached
    # through the territory's reverse relation.
    membership = Territory._meta.get_field("memberships").related_model
    return list(
        membership._default_manager.filter(user=user, is_active=True, territory__is_active=True)
        .select_related("territory")
        .order_by("created_at", "pk")
    )


class CurrentTerritoryMiddleware:
    """Sets `request.territories` (the user's, by name) and `request.territory`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        territories: list[Territory] = []
        user = request.user
        if user.is_authenticated and user.is_active and not request.path.startswith("/static/"):
            memberships = _memberships_of(user)
            joined: dict[int, Territory] = {}
            for membership in memberships:  # oldest first: the first one is when they joined
                if membership.territory_id not in joined:
                    territory = membership.territory
                    territory.joined_at = membership.created_at
                    joined[membership.territory_id] = territory
            territories = sorted(joined.values(), key=lambda territory: territory.name)
            for reader in _membership_readers.values():
                reader(user, memberships)
        request.territories = territories  # type: ignore[attr-defined]
        request.territory = choose_territory(request, territories)  # type: ignore[attr-defined]
        return self.get_response(request)


class PrivateCacheMiddleware:
    """Nothing answered to a signed-in user is kept by a browser or a proxy cache (CNIL AU-038,
    security of nominative data; OWASP ASVS 14.3.2): `Cache-Control: no-store, private` on
    every response whose request carries a signed-in user, whatever the view said. Public
    pages (the strategy's public summary, the sign-in page for an anonymous visitor) keep
    their own header and may be cached."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        response = self.get_response(request)
        user = getattr(request, "user", None)
        # Before and after the view: the answers to signing in and to signing out are private.
        if signed_in or (user is not None and user.is_authenticated):
            response.headers["Cache-Control"] = "no-store, private"
            response.headers.pop("Expires", None)
        return response
