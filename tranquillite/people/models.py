"""People followed individually, and their legal guardians.

These are the most sensitive rows of the platform: children, families, victims. A person is
shared by the follow-ups of one territory but is seen **only through a follow-up the user may
see** (art. L132-5 CSI; CNIL AU-038 "need to know"): `PersonQuerySet.visible_to` is that rule,
and there is no other way to list people.
"""

from __future__ import annotations

from typing import Any, Self

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tranquillite.accounts.roles import Role
from tranquillite.core.models import PublicIdModel, TerritoryScopedModel, TerritoryScopedQuerySet
from tranquillite.people.search import name_key


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    UNKNOWN = "unknown", _("Not stated")


class Situation(models.TextChoices):
    PUPIL = "pupil", _("Pupil")
    APPRENTICE = "apprentice", _("Apprentice or trainee")
    STUDENT = "student", _("Student")
    EMPLOYED = "employed", _("In work")
    JOB_SEEKER = "job_seeker", _("Looking for work")
    NEET = "neet", _("Neither in education, employment nor training")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class PersonQuerySet(TerritoryScopedQuerySet["Person"]):
    def visible_to(self, user: Any) -> Self:
        """Only the people of a follow-up the user may see (FollowUp.visible_to: the charter
        gate of its body, or the hearing the user presides), or of a community-service
        placement the user administers."""
        # The follow-ups app imports this one, not the reverse: its model is looked up by name.
        follow_up = apps.get_model("followups", "FollowUp")
        seen = follow_up.objects.visible_to(user).filter(person=models.OuterRef("pk"))
        if not apps.is_installed("tranquillite.community_service"):
            return self.filter(models.Exists(seen))
        # And the people of the community-service placements the user administers (the
        # coordinator): a supervisor or a probation officer reads a person only on the
        # placement's page, never through the people pages.
        placement = apps.get_model("community_service", "Placement")
        placed = placement.objects.visible_to(user).filter(
            person=models.OuterRef("pk"),
            territory__memberships__user=user,
            territory__memberships__is_active=True,
            territory__memberships__role=Role.COORDINATOR,
        )
        return self.filter(models.Exists(seen) | models.Exists(placed))


class Person(PublicIdModel, TerritoryScopedModel):
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    address = models.CharField(_("address"), max_length=250, blank=True)
    neighbourhood = models.ForeignKey(
        "core.Neighbourhood",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("neighbourhood"),
    )
    situation = models.CharField(
        _("school or work situation"),
        max_length=20,
        choices=Situation.choices,
        default=Situation.UNKNOWN,
    )
    situation_place = models.CharField(
        _("school or employer"),
        max_length=150,
        blank=True,
        help_text=_("E.g. Collège Jean-Lolive."),
    )
    # Normalised, sorted words of the name (people/search.py): what search and duplicate
    # detection compare. Kept in step by save().
    name_key = models.CharField(max_length=210, editable=False, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [models.Index(fields=["territory", "birth_date"])]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def clean(self) -> None:
        # A birth date in the future would escape the age rules of every follow-up and the
        # 25th-birthday limit (CNIL AU-038): refused on every form and service (full_clean).
        if self.birth_date and self.birth_date > timezone.localdate():
            raise ValidationError({"birth_date": _("A birth date cannot be in the future.")})

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_key = name_key(self.first_name, self.last_name)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        super().save(*args, **kwargs)

    def access_log_label(self) -> str:
        # The access log must never hold a name: the record's type and public id suffice.
        return ""


class GuardianRelationship(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    GUARDIAN = "guardian", _("Guardian")
    CHILD_WELFARE = "child_welfare", _("Child welfare service (ASE)")
    OTHER = "other", _("Other")


class LegalGuardianQuerySet(TerritoryScopedQuerySet["LegalGuardian"]):
    def visible_to(self, user: Any) -> Self:
        return self.filter(person__in=Person.objects.visible_to(user))


class LegalGuardian(PublicIdModel, TerritoryScopedModel):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="guardians")
    relationship = models.CharField(
        _("relationship"), max_length=20, choices=GuardianRelationship.choices
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    address = models.CharField(_("address"), max_length=250, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    has_parental_authority = models.BooleanField(_("holds parental authority"), default=True)

    objects = LegalGuardianQuerySet.as_manager()

    class Meta:
        ordering = ["person", "relationship", "last_name"]
        verbose_name = _("legal guardian")
        verbose_name_plural = _("legal guardians")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def access_log_label(self) -> str:
        return ""


class PersonMergeQuerySet(TerritoryScopedQuerySet["PersonMerge"]):
    def visible_to(self, user: Any) -> Self:
        return self.filter(survivor__in=Person.objects.visible_to(user))


class PersonMerge(TerritoryScopedModel):
    """A duplicate absorbed into `survivor`: its follow-ups and guardians moved there, its row
    deleted. Kept so that "who saw this person" still finds the accesses to the absorbed
    record (by its public id), and goes with the survivor when it is destroyed."""

    survivor = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="merges")
    absorbed_public_id = models.UUIDField()
    merged_at = models.DateTimeField(auto_now_add=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=300)

    objects = PersonMergeQuerySet.as_manager()

    class Meta:
        ordering = ["survivor", "-merged_at"]
        verbose_name = _("merge of duplicates")
        verbose_name_plural = _("merges of duplicates")
