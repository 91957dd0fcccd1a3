"""The ethics-charter gate to nominative cases (art. L132-5 CSI; CNIL AU-038).

A user reaches a body's cases only if all of these hold, checked on every request:
1. the body handles nominative cases (a working group or the family council);
2. the user holds, in the body's territory, a role that may reach nominative data;
3. the user is an active member of the body (not suspended, not left);
4. the user has signed the body's *current* charter version.
Anything else is a refusal, and a refusal asked for through `require_case_access` is written
to the access log. Deny by default: no exception for any role, the coordinator included.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.http import HttpRequest

from tranquillite.accounts.models import Membership
from tranquillite.accounts.roles import NOMINATIVE_ROLES
from tranquillite.core.refusals import Refusal
from tranquillite.governance.models import (
    Body,
    BodyMember,
    CharterSignature,
    EthicsCharter,
    MemberStatus,
)


class CaseAccess(StrEnum):
    GRANTED = "granted"
    NOT_NOMINATIVE = "not_nominative"
    NO_NOMINATIVE_ROLE = "no_nominative_role"
    NOT_A_MEMBER = "not_a_member"
    SUSPENDED = "suspended"
    NO_CHARTER = "no_charter"
    UNSIGNED = "unsigned"
    OUTDATED_SIGNATURE = "outdated_signature"


def case_access(user: Any, body: Body) -> CaseAccess:
    if not body.handles_cases or not body.is_active:
        return CaseAccess.NOT_NOMINATIVE
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return CaseAccess.NOT_A_MEMBER
    if not user.has_perm("core.reach_nominative_data", body.territory):
        return CaseAccess.NO_NOMINATIVE_ROLE
    member = _member_of(body, user)
    if member is None or member.status == MemberStatus.LEFT:
        return CaseAccess.NOT_A_MEMBER
    if member.status == MemberStatus.SUSPENDED:
        return CaseAccess.SUSPENDED
    charter = _current_charter(body)
    if charter is None:
        return CaseAccess.NO_CHARTER
    signed = {signature.charter_id for signature in member.signatures.all()}
    if charter.pk in signed:
        return CaseAccess.GRANTED
    return CaseAccess.OUTDATED_SIGNATURE if signed else CaseAccess.UNSIGNED


def _prefetched(instance: Any, relation: str) -> bool:
    return relation in getattr(instance, "_prefetched_objects_cache", {})


def _member_of(body: Body, user: Any) -> BodyMember | None:
    # A page that prefetched the body's members (and their signatures) costs no query here.
    if _prefetched(body, "members"):
        return next((m for m in body.members.all() if m.user_id == user.pk), None)
    return BodyMember.objects.filter(body=body, user=user).first()


def _current_charter(body: Body) -> EthicsCharter | None:
    if _prefetched(body, "charters"):
        return max(body.charters.all(), key=lambda charter: charter.version, default=None)
    return body.current_charter()


def may_access_cases(user: Any, body: Body) -> bool:
    return case_access(user, body) == CaseAccess.GRANTED


def require_case_access(request: HttpRequest, body: Body) -> None:
    """For views showing a body's cases: a refusal is logged and answered 404 (the case's
    existence is itself confidential)."""
    outcome = case_access(request.user, body)
    if outcome != CaseAccess.GRANTED:
        raise Refusal(outcome.value, asked=body)  # logged by audit's RefusalLogMiddleware


def bodies_with_case_access(user: Any) -> QuerySet[Body]:
    """The bodies whose cases `user` may see: the same four conditions, as one query, for
    the `visible_to(user)` of every model holding nominative cases."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Body.objects.none()
    current_charter = Subquery(
        EthicsCharter.objects.filter(body=OuterRef(OuterRef("body")))
        .order_by("-version")
        .values("pk")[:1]
    )
    signed_current = CharterSignature.objects.filter(member=OuterRef("pk"), charter=current_charter)
    good_members = BodyMember.objects.filter(user=user, status=MemberStatus.ACTIVE).filter(
        Exists(signed_current)
    )
    nominative_territories = Membership.objects.filter(
        user=user, is_active=True, role__in=NOMINATIVE_ROLES, territory__is_active=True
    ).values("territory_id")
    return Body.objects.filter(
        handles_cases=True,
        is_active=True,
        territory__in=nominative_territories,
        pk__in=good_members.values("body_id"),
    )


def users_with_case_access(body: Body) -> QuerySet[Any]:
    """The users who may see `body`'s cases today (e.g. to choose a file's case worker)."""
    from tranquillite.accounts.models import User

    current = body.current_charter()
    if not body.handles_cases or not body.is_active or current is None:
        return User.objects.none()
    return (
        User.objects.filter(
            is_active=True,
            body_memberships__body=body,
            body_memberships__status=MemberStatus.ACTIVE,
            body_memberships__signatures__charter=current,
            memberships__territory=body.territory,
            memberships__is_active=True,
            memberships__role__in=NOMINATIVE_ROLES,
        )
        .distinct()
        .order_by("last_name", "first_name")
    )
