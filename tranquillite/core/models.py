"""Territories and their neighbourhoods, and the scoping every domain row inherits.

One database serves many communes. Every row of the domain belongs to exactly one territory
(`TerritoryScopedModel`), so that nothing crosses between cities by accident and a future
PostgreSQL sharded by territory needs nothing more than this column.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Self

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    # Django's own user types: core names no app of ours (docs/architecture.md, import rule).
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser


class PublicIdModel(models.Model):
    """Records reached by URL carry a random public identifier: URLs never expose the
    primary key (nor how many records exist)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class TerritoryKind(models.TextChoices):
    COMMUNE = "commune", _("Commune (CLSPD)")
    INTERCOMMUNAL = "intercommunal", _("Intercommunal council (CISPD)")


class TerritoryQuerySet(models.QuerySet["Territory"]):
    def for_user(self, user: AbstractBaseUser | AnonymousUser | Any) -> Self:
        """Territories in which the user holds at least one active membership."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.filter(
            memberships__user=user, memberships__is_active=True, is_active=True
        ).distinct()


class Territory(PublicIdModel):
    """A commune, or a group of communes sharing one council (CISPD)."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=TerritoryKind.choices, default=TerritoryKind.COMMUNE
    )
    insee_codes = models.CharField(
        _("INSEE codes"),
        max_length=200,
        help_text=_("Official code of each commune, separated by commas."),
        validators=[RegexValidator(r"^\d[\dAB]\d{3}(,\s*\d[\dAB]\d{3})*$")],
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    council_name = models.CharField(
        _("council name"), max_length=200, help_text=_("E.g. CLSPD de Pantin.")
    )
    # The letterhead of letters and reports.
    address = models.TextField(_("postal address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    primary_colour = models.CharField(
        _("primary colour"),
        max_length=7,
        default="#1b4f72",
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$")],
    )
    centre_latitude = models.DecimalField(
        _("centre latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    centre_longitude = models.DecimalField(
        _("centre longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("territory")
        verbose_name_plural = _("territories")

    def __str__(self) -> str:
        return self.name


class TerritoryScopedQuerySet[M: models.Model](models.QuerySet[M]):
    """Base queryset of every domain model: scoping first, then need-to-know.

    `visible_to(user)` is deny-by-default: a model that holds personal data overrides it
    with its own rule; the default only opens the territories the user is an active member of.
    """

    def in_territory(self, territory: Territory) -> Self:
        return self.filter(territory=territory)

    def visible_to(self, user: AbstractBaseUser | AnonymousUser | Any) -> Self:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        return self.filter(territory__in=Territory.objects.for_user(user).values("pk"))


class TerritoryScopedModel(models.Model):
    """Abstract base of every domain row: it belongs to exactly one territory.

    tests/core/test_territory_scoping.py fails for any concrete model of ours that does not
    inherit from this class and is not listed there with the reason why.
    """

    territory = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("territory"),
    )

    class Meta:
        abstract = True


class Neighbourhood(PublicIdModel, TerritoryScopedModel):
    name = models.CharField(_("name"), max_length=120)
    is_priority = models.BooleanField(
        _("priority neighbourhood (QPV)"),
        default=False,
        help_text=_("Quartier prioritaire de la politique de la ville."),
    )
    centre_latitude = models.DecimalField(
        _("centre latitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(Decimal(-90)), MaxValueValidator(Decimal(90))],
    )
    centre_longitude = models.DecimalField(
        _("centre longitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(Decimal(-180)), MaxValueValidator(Decimal(180))],
    )
    # GeoJSON Polygon or MultiPolygon geometry, WGS84; optional.
    outline = models.JSONField(_("outline (GeoJSON)"), null=True, blank=True)

    objects = TerritoryScopedQuerySet["Neighbourhood"].as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "name"], name="unique_neighbourhood_name_per_territory"
            )
        ]

    def __str__(self) -> str:
        return self.name
