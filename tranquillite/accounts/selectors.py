"""Reads of accounts data. Every list goes through `visible_to(user)` and the current territory."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from tranquillite.accounts.models import Membership, Organisation, User
from tranquillite.accounts.roles import MFA_REQUIRED_ROLES
from tranquillite.core.models import Territory


def user_requires_mfa(user: Any) -> bool:
    """True when any active role of the user, in any territory, requires a second factor."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(
        user=user, is_active=True, role__in=MFA_REQUIRED_ROLES
    ).exists()


def user_has_second_factor(user: Any, *, besides: Any = None) -> bool:
    """A TOTP or WebAuthn authenticator, other than `besides` if given."""
    from allauth.mfa.models import Authenticator

    factors = Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    )
    if besides is not None:
        factors = factors.exclude(pk=besides.pk)
    return bool(factors.exists())


def organisations_for(user: Any, territory: Territory) -> QuerySet[Organisation]:
    return (
        Organisation.objects.visible_to(user)
        .in_territory(territory)
        .annotate(
            member_count=Count(
                "memberships__user",
                filter=Q(memberships__is_active=True, memberships__user__is_active=True),
                distinct=True,
            )
        )
        .order_by("name")
    )


def organisation_for(user: Any, territory: Territory, public_id: Any) -> Organisation | None:
    return (
        Organisation.objects.visible_to(user)
        .in_territory(territory)
        .filter(public_id=public_id)
        .first()
    )


def members_for(
    user: Any,
    territory: Territory,
    *,
    organisation: Organisation | None = None,
    role: str = "",
    query: str = "",
    include_inactive: bool = False,
) -> QuerySet[User]:
    """Users holding a membership in `territory`, with their memberships there prefetched."""
    memberships = Membership.objects.visible_to(user).in_territory(territory)
    if not include_inactive:
        memberships = memberships.filter(is_active=True)
    if organisation is not None:
        memberships = memberships.filter(organisation=organisation)
    if role:
        memberships = memberships.filter(role=role)
    users = User.objects.filter(pk__in=memberships.values("user_id"))
    if not include_inactive:
        # On the outer query, not joined inside the subquery: PostgreSQL otherwise tends to
        # scan every account twice (benchmarks/, member list).
        users = users.filter(is_active=True)
    if query:
        users = users.filter(
            Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
        )
    return users.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.in_territory(territory).select_related("organisation"),
            to_attr="territory_memberships",
        )
    ).order_by("last_name", "first_name", "pk")


def member_for(user: Any, territory: Territory, public_id: Any) -> User | None:
    return members_for(user, territory, include_inactive=True).filter(public_id=public_id).first()
