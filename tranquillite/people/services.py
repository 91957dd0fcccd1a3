"""Every write of people and guardians. Each takes the acting user, who must see the person
(through a follow-up) — or, for a new person, be about to open a follow-up for them."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tranquillite.people.models import LegalGuardian, Person, PersonMerge

# What a merge may copy from the absorbed record when the survivor's field is empty.
FILLABLE = ("address", "neighbourhood", "situation_place")


def _require_visible(actor: Any, person: Person) -> None:
    if not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise PermissionDenied("people.person")


def _save_changes(
    record: Person | LegalGuardian, fields: dict[str, Any], exclude: list[str]
) -> None:
    """Validate and save a correction. When refused, the caller's object goes back to what is
    saved: a refused change leaves no trace."""
    for name, value in fields.items():
        setattr(record, name, value)
    try:
        record.full_clean(exclude=exclude)
    except ValidationError:
        record.refresh_from_db(fields=list(fields))
        raise
    record.save()


def _has_restricted_file(person: Person) -> bool:
    return person.follow_ups.filter(restricted_at__isnull=False).exists()


@transaction.atomic
def update_person(*, actor: Any, person: Person, **fields: Any) -> Person:
    _require_visible(actor, person)
    _save_changes(person, fields, exclude=["territory", "created_by"])
    return person


@transaction.atomic
def add_guardian(*, actor: Any, person: Person, **fields: Any) -> LegalGuardian:
    _require_visible(actor, person)
    guardian = LegalGuardian(territory=person.territory, person=person, **fields)
    guardian.full_clean(exclude=["territory", "person"])
    guardian.save()
    return guardian


@transaction.atomic
def update_guardian(*, actor: Any, guardian: LegalGuardian, **fields: Any) -> LegalGuardian:
    _require_visible(actor, guardian.person)
    _save_changes(guardian, fields, exclude=["territory", "person"])
    return guardian


@transaction.atomic
def merge_people(*, actor: Any, survivor: Person, absorbed: Person, reason: str) -> Person:
    """Absorb a duplicate: its follow-ups and guardians move to `survivor`, empty fields of
    `survivor` are filled from it, a PersonMerge keeps its public id for "who saw this
    person", and the duplicate is deleted. Only someone who sees both records may merge."""
    if survivor.pk == absorbed.pk:
        raise ValidationError(_("A record cannot be merged with itself."))
    if survivor.territory_id != absorbed.territory_id:
        raise PermissionDenied("people.person")
    _require_visible(actor, survivor)
    _require_visible(actor, absorbed)
    if _has_restricted_file(survivor) or _has_restricted_file(absorbed):
        # RGPD art. 18: a restricted file is kept as it is; it does not move to another record.
        raise ValidationError(
            _("A file of one of these records is restricted (RGPD art. 18): they cannot be merged.")
        )
    if not reason.strip():
        raise ValidationError(_("Say why these two records are the same person."))
    if survivor.birth_date != absorbed.birth_date and not reason.strip():
        raise ValidationError(_("The birth dates differ: say why the records are the same."))
    for field in FILLABLE:
        if not getattr(survivor, field) and getattr(absorbed, field):
            setattr(survivor, field, getattr(absorbed, field))
    survivor.save()
    absorbed.follow_ups.update(person=survivor)
    # Whatever else refers to the duplicate (a community-service placement…) follows the
    # survivor too: people imports none of the modules that hang from it.
    for relation in Person._meta.related_objects:
        if relation.related_model in (LegalGuardian, PersonMerge) or relation.name == "follow_ups":
            continue
        field = relation.field.name
        relation.related_model._base_manager.filter(**{field: absorbed}).update(**{field: survivor})
    absorbed.guardians.update(person=survivor)
    absorbed.merges.update(survivor=survivor)
    PersonMerge.objects.create(
        territory=survivor.territory,
        survivor=survivor,
        absorbed_public_id=absorbed.public_id,
        merged_by=actor,
        reason=reason.strip()[:300],
    )
    absorbed.delete()
    return survivor
