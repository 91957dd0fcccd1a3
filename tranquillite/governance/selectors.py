"""Reads of the council's bodies, through `visible_to(user)` and the current territory.

Who sees a body (its name, kind, members) — not its cases: the coordinator, director and
elected officials see every body; everyone else the bodies they are an active member of.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from tranquillite.core.models import Territory
from tranquillite.governance.models import Body, BodyMember, MemberStatus


def bodies_for(user: Any, territory: Territory) -> QuerySet[Body]:
    bodies = Body.objects.visible_to(user).in_territory(territory)
    if not user.has_perm("governance.view_all_bodies", territory):
        bodies = bodies.filter(members__user=user, members__status=MemberStatus.ACTIVE)
    return bodies.annotate(
        member_count=Count("members", filter=Q(members__status=MemberStatus.ACTIVE), distinct=True)
    ).order_by("kind", "name")


def body_for(user: Any, territory: Territory, public_id: Any) -> Body | None:
    return (
        bodies_for(user, territory)
        .filter(public_id=public_id)
        .prefetch_related(
            Prefetch(
                "members",
                queryset=BodyMember.objects.select_related("user", "organisation").prefetch_related(
                    "signatures"
                ),
            ),
            "charters",
        )
        .first()
    )


def member_of(body: Body, public_id: Any) -> BodyMember | None:
    return BodyMember.objects.filter(body=body, public_id=public_id).first()
