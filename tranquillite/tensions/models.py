"""Tension alerts (alertes « rixe »): rumours or signs of a fight between groups of two or
more neighbourhoods, raised by the coordinator, told at once to the monitoring cell (cellule de
veille) and followed by a response log until they are lifted with an outcome.

An alert names no one: neighbourhoods, a level, a source, a short description checked by the
free-text guard, and the responses (teams, partner organisations, police informed). Who may
read them is decided in `visible_to` (the coordinator, the monitoring cell's active members,
the field teams' supervisors, the police partners); every read is written to the access log.
"""

from __future__ import annotations

from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tranquillite.core.models import (
    Neighbourhood,
    PublicIdModel,
    TerritoryScopedModel,
    TerritoryScopedQuerySet,
)


class Level(models.TextChoices):
    VIGILANCE = "vigilance", _("Vigilance")
    TENSION = "tension", _("Tension")
    IMMINENT = "imminent_risk", _("Imminent risk")


# Higher is more serious: the figures keep the highest level an alert reached.
LEVEL_RANK = {Level.VIGILANCE: 1, Level.TENSION: 2, Level.IMMINENT: 3}


class Source(models.TextChoices):
    FIELD_TEAM = "field_team", _("Field team (mediators, park wardens)")
    POLICE = "police", _("Police")
    SCHOOL = "school", _("School")
    LANDLORD = "landlord", _("Social landlord")
    YOUTH_WORKERS = "youth_workers", _("Youth workers")
    RESIDENTS = "residents", _("Residents")
    SOCIAL_NETWORKS = "social_networks", _("Social networks")
    OTHER = "other", _("Other")


class AlertOutcome(models.TextChoices):
    NO_VIOLENCE = "no_violence", _("Ended without violence")
    VIOLENCE = "violence", _("Ended with violence")
    MOVED = "moved", _("Moved elsewhere")
    UNFOUNDED = "unfounded", _("Rumour unfounded")


class ResponseKind(models.TextChoices):
    TEAM_DEPLOYED = "team_deployed", _("Team deployed")
    PARTNER_ALERTED = "partner_alerted", _("Partner alerted")
    POLICE_INFORMED = "police_informed", _("Police informed")
    OTHER = "other", _("Other")
    # Written by the service when the coordinator changes the level; not offered in the form.
    LEVEL_CHANGED = "level_changed", _("Level changed")


LOGGABLE_KINDS = (
    ResponseKind.TEAM_DEPLOYED,
    ResponseKind.PARTNER_ALERTED,
    ResponseKind.POLICE_INFORMED,
    ResponseKind.OTHER,
)


class TensionAlertQuerySet(TerritoryScopedQuerySet["TensionAlert"]):
    def visible_to(self, user: Any) -> Self:
        """Deny by default; in the territories where the user holds an active membership, the
        alerts of those where he is the coordinator, an active member of an active monitoring
        cell, the supervisor of an active field team, or a member for a police force."""
        from tranquillite.tensions.access import reader_territories

        scoped = super().visible_to(user)
        if scoped.query.is_empty():
            return scoped
        return scoped.filter(territory__in=reader_territories(user))

    def active(self) -> Self:
        return self.filter(lifted_at__isnull=True)

    def lifted(self) -> Self:
        return self.filter(lifted_at__isnull=False)


class TensionAlert(PublicIdModel, TerritoryScopedModel):
    neighbourhoods = models.ManyToManyField(
        Neighbourhood, related_name="+", verbose_name=_("neighbourhoods involved")
    )
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    description = models.CharField(_("description"), max_length=500)
    raised_at = models.DateTimeField(_("raised at"), default=timezone.now)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    highest_level = models.CharField(max_length=20, choices=Level.choices, editable=False)
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=AlertOutcome.choices, blank=True
    )
    outcome_note = models.CharField(_("note on the outcome"), max_length=500, blank=True)

    objects = TensionAlertQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = _("tension alert")
        verbose_name_plural = _("tension alerts")
        indexes = [
            models.Index(fields=["territory", "lifted_at", "raised_at"], name="alert_board"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(lifted_at__isnull=True, outcome="")
                | (Q(lifted_at__isnull=False) & ~Q(outcome="")),
                name="alert_lifted_with_outcome",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} — {self.raised_at:%d/%m/%Y %H:%M}"

    def access_log_label(self) -> str:
        return f"{self.get_level_display()} {self.raised_at:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.lifted_at is None


class AlertResponse(TerritoryScopedModel):
    """One line of an alert's response log: a team deployed (from, until), a partner
    organisation alerted, the police informed, something else; who wrote it and when."""

    alert = models.ForeignKey(TensionAlert, on_delete=models.CASCADE, related_name="responses")
    kind = models.CharField(_("response"), max_length=20, choices=ResponseKind.choices)
    team = models.ForeignKey(
        "field.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    starts_at = models.DateTimeField(_("from"), null=True, blank=True)
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    level = models.CharField(max_length=20, choices=Level.choices, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = TerritoryScopedQuerySet["AlertResponse"].as_manager()

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("alert response")
        verbose_name_plural = _("alert responses")


class AlertFigure(TerritoryScopedModel):
    """The anonymous trace of a lifted alert, written when it is lifted and kept when the
    alert is purged (tensions/retention.py): month, highest level, outcome, minutes to lift,
    neighbourhoods. No description, no response, no author."""

    alert = models.OneToOneField(
        TensionAlert, on_delete=models.SET_NULL, null=True, blank=True, related_name="figure"
    )
    raised_on = models.DateField()
    level = models.CharField(max_length=20, choices=Level.choices)
    outcome = models.CharField(max_length=20, choices=AlertOutcome.choices)
    minutes_to_lift = models.PositiveIntegerField()
    neighbourhoods = models.ManyToManyField(Neighbourhood, related_name="+")

    objects = TerritoryScopedQuerySet["AlertFigure"].as_manager()

    class Meta:
        verbose_name = _("alert figure")
        verbose_name_plural = _("alert figures")
        indexes = [models.Index(fields=["territory", "raised_on"], name="alert_figure_month")]
