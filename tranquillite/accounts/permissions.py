"""Rules predicates built from the roles table (roles.py). Deny by default.

Every right is checked against a territory: `user.has_perm("audit.view_access_log", territory)`.
Without a territory, or for a right not in the table, the answer is no.
"""

from __future__ import annotations

from typing import Any

from rules.permissions import add_perm
from rules.predicates import Predicate

from tranquillite.accounts.roles import RIGHTS, Role
from tranquillite.core.models import Territory

_CACHE_ATTRIBUTE = "_tranquillite_roles_by_territory"


def roles_in(user: Any, territory: Territory | None) -> frozenset[Role]:
    """The active roles of `user` in `territory`, read once per user object."""
    if territory is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return frozenset()
    cache: dict[int, frozenset[Role]] | None = getattr(user, _CACHE_ATTRIBUTE, None)
    if cache is None:
        from tranquillite.accounts.models import Membership

        cache = {}
        for territory_id, role in Membership.objects.filter(
            user=user, is_active=True, territory__is_active=True
        ).values_list("territory_id", "role"):
            cache[territory_id] = cache.get(territory_id, frozenset()) | {Role(role)}
        setattr(user, _CACHE_ATTRIBUTE, cache)
    return cache.get(territory.pk, frozenset())


def prime_roles(user: Any, memberships: list[Any]) -> None:
    """Fill the cache from memberships already read (the current-territory middleware reads
    them on every request: core.middleware.on_memberships)."""
    cache: dict[int, frozenset[Role]] = {}
    for membership in memberships:
        cache[membership.territory_id] = cache.get(membership.territory_id, frozenset()) | {
            Role(membership.role)
        }
    setattr(user, _CACHE_ATTRIBUTE, cache)


def forget_roles(user: Any) -> None:
    """Drop the per-object cache after memberships change."""
    if hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def has_right(user: Any, right: str, territory: Territory | None) -> bool:
    return bool(roles_in(user, territory) & RIGHTS.get(right, frozenset()))


def _predicate_for(right: str) -> Predicate:
    def holds_right(user: Any, territory: Territory | None) -> bool:
        if not isinstance(territory, Territory):
            return False
        return has_right(user, right, territory)

    return Predicate(holds_right, name=right)


for _right in RIGHTS:
    add_perm(_right, _predicate_for(_right))  # type: ignore[no-untyped-call]
