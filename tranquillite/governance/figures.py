from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tranquillite.core.models import Territory
from tranquillite.core.navigation import HomeFigure
from tranquillite.governance.access import bodies_with_case_access
from tranquillite.governance.models import Body, MemberStatus


def home_figures(user: Any, territory: Territory) -> list[HomeFigure]:
    """My bodies, and the charters I still have to sign before seeing their cases."""
    mine = Body.objects.in_territory(territory).filter(
        is_active=True, members__user=user, members__status=MemberStatus.ACTIVE
    )
    to_sign = (
        mine.filter(handles_cases=True, charters__isnull=False)
        .exclude(pk__in=bodies_with_case_access(user).values("pk"))
        .distinct()
    )
    url = reverse("governance:bodies")
    figures = [HomeFigure(_("My bodies"), mine.distinct().count(), url)]
    if user.has_perm("core.reach_nominative_data", territory):
        figures.append(HomeFigure(_("Charters to sign"), to_sign.count(), url))
    return figures
