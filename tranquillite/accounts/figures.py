from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tranquillite.accounts.models import Membership, Organisation
from tranquillite.core.models import Territory
from tranquillite.core.navigation import HomeFigure


def home_figures(user: Any, territory: Territory) -> list[HomeFigure]:
    organisations = Organisation.objects.visible_to(user).in_territory(territory)
    figures = [
        HomeFigure(
            _("Partner organisations"),
            organisations.filter(is_active=True).count(),
            reverse("accounts:organisations"),
        )
    ]
    if user.has_perm("accounts.view_members", territory):
        members = (
            Membership.objects.visible_to(user)
            .in_territory(territory)
            .active()
            .values("user_id")
            .distinct()
            .count()
        )
        figures.append(HomeFigure(_("Active members"), members, reverse("accounts:members")))
    return figures
