"""The territory's strategy: a Local Safety Contract or a 3-year territorial strategy (STSPD),
its axes and its action sheets, with their budget lines.

Aggregates and organisations only: an action sheet never names a person followed.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tranquillite.core.models import PublicIdModel, TerritoryScopedModel, TerritoryScopedQuerySet


class StrategyKind(models.TextChoices):
    SAFETY_CONTRACT = "safety_contract", _("Local safety contract")
    TERRITORIAL_STRATEGY = "territorial_strategy", _("Territorial strategy (STSPD)")


class Strategy(PublicIdModel, TerritoryScopedModel):
    kind = models.CharField(_("kind"), max_length=30, choices=StrategyKind.choices)
    title = models.CharField(_("title"), max_length=200)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    signatories = models.TextField(_("signatories"), blank=True, max_length=2000)
    is_current = models.BooleanField(_("current"), default=False)

    objects = TerritoryScopedQuerySet["Strategy"].as_manager()

    class Meta:
        ordering = ["-is_current", "-starts_on"]
        verbose_name = _("strategy")
        verbose_name_plural = _("strategies")

    def __str__(self) -> str:
        return self.title


class Axis(TerritoryScopedModel):
    strategy = models.ForeignKey(Strategy, on_delete=models.CASCADE, related_name="axes")
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=200)

    objects = TerritoryScopedQuerySet["Axis"].as_manager()

    class Meta:
        ordering = ["strategy", "number"]
        verbose_name = _("axis")
        verbose_name_plural = _("axes")
        constraints = [
            models.UniqueConstraint(fields=["strategy", "number"], name="unique_axis_number")
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class SheetStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ON_TRACK = "on_track", _("On track")
    AT_RISK = "at_risk", _("At risk")
    LATE = "late", _("Late")
    DONE = "done", _("Done")
    STOPPED = "stopped", _("Stopped")


class ActionSheet(PublicIdModel, TerritoryScopedModel):
    axis = models.ForeignKey(Axis, on_delete=models.PROTECT, related_name="sheets")
    number = models.CharField(_("number"), max_length=10)
    title = models.CharField(_("title"), max_length=200)
    finding = models.TextField(_("diagnosis finding"), blank=True, max_length=3000)
    objectives = models.TextField(_("objectives"), blank=True, max_length=3000)
    target_public = models.CharField(_("target public"), max_length=300, blank=True)
    neighbourhoods = models.ManyToManyField(
        "core.Neighbourhood",
        blank=True,
        related_name="action_sheets",
        verbose_name=_("neighbourhoods"),
    )
    lead = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="led_sheets",
        verbose_name=_("lead"),
    )
    partners = models.ManyToManyField(
        "accounts.Organisation",
        blank=True,
        related_name="partner_sheets",
        verbose_name=_("partners"),
    )
    calendar = models.TextField(_("steps and calendar"), blank=True, max_length=3000)
    status = models.CharField(
        _("status"), max_length=20, choices=SheetStatus.choices, default=SheetStatus.PLANNED
    )

    objects = TerritoryScopedQuerySet["ActionSheet"].as_manager()

    class Meta:
        ordering = ["axis__number", "number"]
        verbose_name = _("action sheet")
        verbose_name_plural = _("action sheets")
        constraints = [
            models.UniqueConstraint(fields=["axis", "number"], name="unique_sheet_number")
        ]

    def __str__(self) -> str:
        return f"{self.number} — {self.title}"


class Funder(models.TextChoices):
    CITY = "city", _("City")
    FIPD = "fipd", _("State — FIPD")
    DEPARTEMENT = "departement", _("Département")
    SOCIAL_LANDLORDS = "social_landlords", _("Social landlords")
    CAF = "caf", _("CAF")
    OTHER = "other", _("Other")


class BudgetLine(TerritoryScopedModel):
    sheet = models.ForeignKey(ActionSheet, on_delete=models.CASCADE, related_name="budget_lines")
    year = models.PositiveSmallIntegerField(_("year"))
    funder = models.CharField(_("funder"), max_length=20, choices=Funder.choices)
    amount = models.DecimalField(
        _("amount (€)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )

    objects = TerritoryScopedQuerySet["BudgetLine"].as_manager()

    class Meta:
        ordering = ["sheet", "year", "funder"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
