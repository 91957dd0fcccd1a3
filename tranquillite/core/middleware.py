"""The current territory of each request.

A user may belong to several territories; the one they work in is kept in the session and
checked against their active memberships on every request, so a stale or forged value never
opens another city's data.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Min, Q
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


class CurrentTerritoryMiddleware:
    """Sets `request.territories` (the user's, by name) and `request.territory`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        territories: list[Territory] = []
        if request.user.is_authenticated and not request.path.startswith("/static/"):
            territories = list(
                Territory.objects.for_user(request.user)
                .annotate(
                    joined_at=Min(
                        "memberships__created_at", filter=Q(memberships__user=request.user)
                    )
                )
                .order_by("name")
            )
        request.territories = territories  # type: ignore[attr-defined]
        request.territory = choose_territory(request, territories)  # type: ignore[attr-defined]
        return self.get_response(request)
