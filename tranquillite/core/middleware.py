"""The current territory of each request.

A user may belong to several territories; the one they work in is kept in the session and
checked against their active memberships on every request, so a stale or forged value never
opens another city's data.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from tranquillite.core.models import Territory

SESSION_TERRITORY = "tranquillite_territory"


def current_territory_for(request: HttpRequest) -> Territory | None:
    user = request.user
    if not user.is_authenticated:
        return None
    territories = Territory.objects.for_user(user)
    wanted = request.session.get(SESSION_TERRITORY)
    territory = territories.filter(public_id=wanted).first() if wanted else None
    if territory is None:
        territory = territories.order_by("name").first()
        if territory is not None:
            request.session[SESSION_TERRITORY] = str(territory.public_id)
    return territory


class CurrentTerritoryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.territory = current_territory_for(request)  # type: ignore[attr-defined]
        return self.get_response(request)
