"""Every write of accounts data. Each takes the acting user and checks their right first."""

from __future__ import annotations

from typing import Any

from allauth.usersessions.models import UserSession
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tranquillite.accounts import tasks
from tranquillite.accounts.forms import OrganisationForm
from tranquillite.accounts.models import Invitation, Membership, Organisation, User
from tranquillite.accounts.permissions import forget_roles, has_right
from tranquillite.accounts.roles import NOMINATIVE_ROLES, Role
from tranquillite.core.models import Territory


def _require(actor: Any, right: str, territory: Territory) -> None:
    if not has_right(actor, right, territory):
        raise PermissionDenied(right)


def _check_may_grant(actor: Any, territory: Territory, role: Role) -> None:
    _require(actor, "accounts.manage_members", territory)
    if role in NOMINATIVE_ROLES:
        _require(actor, "accounts.grant_nominative_roles", territory)


@transaction.atomic
def invite_user(
    *,
    actor: Any,
    territory: Territory,
    email: str,
    first_name: str,
    last_name: str,
    organisation: Organisation,
    role: Role,
    job_title: str = "",
    phone: str = "",
) -> User:
    """Create the account (or reuse it, for someone already working in another territory),
    give the role in this territory and e-mail a link to choose a password."""
    _check_may_grant(actor, territory, role)
    if organisation.territory_id != territory.pk:
        raise ValidationError(_("This organisation does not belong to this territory."))
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email=email).first()
    if user is not None and user.pk == getattr(actor, "pk", None):
        raise PermissionDenied(_("You cannot change your own roles."))
    if user is None:
        user = User.objects.create_user(
            email,
            first_name=first_name,
            last_name=last_name,
            job_title=job_title,
            phone=phone,
        )
    elif not user.is_active:
        raise ValidationError(
            _("This account is deactivated. Reactivate it before inviting it again.")
        )
    membership, created = Membership.objects.get_or_create(
        user=user, territory=territory, role=role, defaults={"organisation": organisation}
    )
    if not created:
        if membership.is_active:
            raise ValidationError(_("This person already holds this role in this territory."))
        membership.is_active = True
        membership.organisation = organisation
        membership.save(update_fields=["is_active", "organisation"])
    Invitation.objects.create(territory=territory, user=user, invited_by=actor)
    invited_by_id = getattr(actor, "pk", None)
    transaction.on_commit(
        lambda: tasks.send_invitation.enqueue(user.pk, territory.pk, invited_by_id)
    )
    forget_roles(user)
    return user


@transaction.atomic
def grant_role(
    *, actor: Any, territory: Territory, user: User, organisation: Organisation, role: Role
) -> Membership:
    _check_may_grant(actor, territory, role)
    if user.pk == getattr(actor, "pk", None):
        raise PermissionDenied(_("You cannot change your own roles."))
    if organisation.territory_id != territory.pk:
        raise ValidationError(_("This organisation does not belong to this territory."))
    if not user.is_active:
        raise ValidationError(_("This account is deactivated: reactivate it first."))
    membership, _created = Membership.objects.update_or_create(
        user=user,
        territory=territory,
        role=role,
        defaults={"organisation": organisation, "is_active": True},
    )
    forget_roles(user)
    return membership


@transaction.atomic
def revoke_role(*, actor: Any, membership: Membership) -> None:
    _check_may_grant(actor, membership.territory, Role(membership.role))
    if membership.user_id == getattr(actor, "pk", None):
        raise PermissionDenied(_("You cannot change your own roles."))
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    forget_roles(membership.user)


@transaction.atomic
def save_organisation(*, actor: Any, territory: Territory, form: OrganisationForm) -> Organisation:
    _require(actor, "core.manage_territory", territory)
    organisation = form.save(commit=False)
    organisation.territory = territory
    organisation.save()
    return organisation


def end_all_sessions(user: User) -> int:
    """Sign the user out everywhere, at once."""
    sessions = list(UserSession.objects.filter(user=user))
    for session in sessions:
        session.end()
    return len(sessions)


@transaction.atomic
def reactivate_account(*, actor: Any, territory: Territory, user: User) -> None:
    """Open a deactivated account again; its roles stay withdrawn until given anew."""
    _require(actor, "accounts.manage_members", territory)
    if not user.memberships.filter(territory=territory).exists():
        raise ValidationError(_("This person never held a role in this territory."))
    user.is_active = True
    user.deactivated_at = None
    user.save(update_fields=["is_active", "deactivated_at"])


@transaction.atomic
def deactivate_member(*, actor: Any, territory: Territory, user: User) -> None:
    """Take every role of `user` in `territory`; an account left with no role anywhere is
    deactivated. Either way the user's sessions end at once."""
    _require(actor, "accounts.manage_members", territory)
    if user.pk == getattr(actor, "pk", None):
        raise PermissionDenied(_("You cannot deactivate yourself."))
    memberships = Membership.objects.filter(user=user, territory=territory, is_active=True)
    if not memberships.exists():
        raise ValidationError(_("This person holds no role in this territory."))
    if any(Role(m.role) in NOMINATIVE_ROLES for m in memberships):
        _require(actor, "accounts.grant_nominative_roles", territory)
    for membership in memberships:
        membership.is_active = False
        membership.save(update_fields=["is_active"])
    if not Membership.objects.filter(user=user, is_active=True).exists():
        user.is_active = False
        user.deactivated_at = timezone.now()
        user.save(update_fields=["is_active", "deactivated_at"])
    forget_roles(user)
    transaction.on_commit(lambda: end_all_sessions(user))
