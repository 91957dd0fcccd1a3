"""Every write of the council's bodies. Each takes the acting user and checks the right."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from tranquillite.accounts.models import Organisation, User
from tranquillite.core.models import Territory
from tranquillite.governance.forms import BodyForm
from tranquillite.governance.models import (
    Body,
    BodyMember,
    CharterSignature,
    EthicsCharter,
    MemberStatus,
)


def _require_manage(actor: Any, territory: Territory) -> None:
    if not actor.has_perm("governance.manage_bodies", territory):
        raise PermissionDenied("governance.manage_bodies")


@transaction.atomic
def save_body(*, actor: Any, territory: Territory, form: BodyForm) -> Body:
    _require_manage(actor, territory)
    body = form.save(commit=False)
    body.territory = territory
    body.full_clean()
    body.save()
    return body


@transaction.atomic
def add_member(
    *,
    actor: Any,
    body: Body,
    user: User | None = None,
    contact_name: str = "",
    contact_email: str = "",
    organisation: Organisation | None = None,
    is_chair: bool = False,
) -> BodyMember:
    _require_manage(actor, body.territory)
    if organisation is not None and organisation.territory_id != body.territory_id:
        raise ValidationError(_("This organisation does not belong to this territory."))
    if user is not None:
        if not user.memberships.filter(territory=body.territory, is_active=True).exists():
            raise ValidationError(_("This person holds no role in this territory."))
        if BodyMember.objects.filter(body=body, user=user).exists():
            raise ValidationError(_("This person is already a member of this body."))
        if organisation is None:
            first = user.memberships.filter(territory=body.territory, is_active=True).first()
            organisation = first.organisation if first else None
    return BodyMember.objects.create(
        territory=body.territory,
        body=body,
        user=user,
        contact_name="" if user else contact_name.strip(),
        contact_email="" if user else contact_email.strip(),
        organisation=organisation,
        is_chair=is_chair,
    )


def _set_status(actor: Any, member: BodyMember, status: MemberStatus, reason: str) -> BodyMember:
    _require_manage(actor, member.territory)
    if member.user_id is not None and member.user_id == getattr(actor, "pk", None):
        raise PermissionDenied(_("You cannot change your own membership."))
    member.status = status
    member.status_reason = reason.strip()[:300]
    member.status_changed_at = timezone.now()
    member.status_changed_by = actor
    member.save(update_fields=["status", "status_reason", "status_changed_at", "status_changed_by"])
    return member


@transaction.atomic
def suspend_member(*, actor: Any, member: BodyMember, reason: str) -> BodyMember:
    """Suspension takes effect at once: the gate reads the status on every request."""
    if not reason.strip():
        raise ValidationError(_("A suspension needs a reason."))
    return _set_status(actor, member, MemberStatus.SUSPENDED, reason)


@transaction.atomic
def reinstate_member(*, actor: Any, member: BodyMember) -> BodyMember:
    return _set_status(actor, member, MemberStatus.ACTIVE, "")


@transaction.atomic
def publish_charter(*, actor: Any, body: Body, text: str) -> EthicsCharter:
    _require_manage(actor, body.territory)
    if not body.handles_cases:
        raise ValidationError(_("Only a body handling nominative cases has an ethics charter."))
    # Lock the body row so two publications cannot take the same version number.
    Body.objects.select_for_update().get(pk=body.pk)
    last = body.charters.aggregate(last=Max("version"))["last"] or 0
    return EthicsCharter.objects.create(
        territory=body.territory, body=body, version=last + 1, text=text.strip(), published_by=actor
    )


@transaction.atomic
def sign_charter(*, actor: Any, body: Body) -> CharterSignature:
    """The acting user signs the body's current charter, as an active member."""
    member = BodyMember.objects.filter(body=body, user=actor).first()
    if member is None or member.status != MemberStatus.ACTIVE:
        raise PermissionDenied(_("Only an active member of the body signs its charter."))
    charter = body.current_charter()
    if charter is None:
        raise ValidationError(_("This body has no charter to sign yet."))
    signature, _created = CharterSignature.objects.get_or_create(
        territory=body.territory, member=member, charter=charter
    )
    return signature
