"""Users, partner organisations and per-territory memberships.

A user is a person with an individual account (never a shared one: CNIL). Inside each
territory they work in, they hold memberships: each names the organisation they act for there
and one role. Rights come from roles (see roles.py); nominative data needs more (a group and
its ethics charter), which later modules check through their own `visible_to`.
"""

from __future__ import annotations

from typing import Any, ClassVar, Self

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tranquillite.accounts.roles import Role
from tranquillite.core.models import (
    PublicIdModel,
    Territory,
    TerritoryScopedModel,
    TerritoryScopedQuerySet,
)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password) if password else user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(PublicIdModel, AbstractBaseUser, PermissionsMixin):
    """An individual account, signed in by e-mail.

    Not territory-scoped on purpose: one person may work for several territories (an
    intercommunal probation officer, say); what they see is scoped by their memberships.
    """

    email = models.EmailField(_("e-mail address"), unique=True)
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    phone = models.CharField(_("professional phone"), max_length=30, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Django's admin site is not installed; kept for the contrib.auth contract only.
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    deactivated_at = models.DateTimeField(_("deactivated on"), null=True, blank=True)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name


class OrganisationKind(models.TextChoices):
    CITY_SERVICE = "city_service", _("City service")
    NATIONAL_POLICE = "national_police", _("National police")
    MUNICIPAL_POLICE = "municipal_police", _("Municipal police")
    PROSECUTOR = "prosecutor", _("Public prosecutor")
    PREFECTURE = "prefecture", _("Prefecture")
    NATIONAL_EDUCATION = "national_education", _("National education")
    SOCIAL_LANDLORD = "social_landlord", _("Social landlord")
    YOUTH_JUSTICE = "youth_justice", _("Youth justice (PJJ)")
    PROBATION_SERVICE = "probation_service", _("Probation service (SPIP)")
    DEPARTEMENT = "departement", _("Département")
    ASSOCIATION = "association", _("Association")
    OTHER = "other", _("Other")


class Organisation(PublicIdModel, TerritoryScopedModel):
    """A partner institution as it takes part in one territory's council."""

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("generic e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = TerritoryScopedQuerySet["Organisation"].as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "name"], name="unique_organisation_name_per_territory"
            )
        ]

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(TerritoryScopedQuerySet["Membership"]):
    def active(self) -> Self:
        return self.filter(is_active=True, user__is_active=True)


class Membership(PublicIdModel, TerritoryScopedModel):
    """One role held by a user in one territory, acting for one organisation there."""

    # Overrides the abstract base's field only to name the reverse relation.
    territory = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("territory"),
    )
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["user__last_name", "user__first_name", "role"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "territory", "role"], name="unique_role_per_user_and_territory"
            )
        ]
        indexes = [
            models.Index(fields=["territory", "organisation"]),
            models.Index(fields=["user", "is_active"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.territory})"


class Invitation(PublicIdModel, TerritoryScopedModel):
    """A trace of each invitation sent: who invited whom, when, and whether it was used."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="invitations_sent"
    )
    sent_at = models.DateTimeField(default=timezone.now)

    objects = TerritoryScopedQuerySet["Invitation"].as_manager()

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
