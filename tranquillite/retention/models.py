"""What the daily purge keeps of what it destroyed: anonymous counts, one row per territory and
run (CNIL AU-038: statistics are anonymous). No name, no case number, no identifier of a
destroyed record — only how many of each kind went, and when."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from tranquillite.core.models import TerritoryScopedModel, TerritoryScopedQuerySet


class PurgeRun(TerritoryScopedModel):
    ran_at = models.DateTimeField(_("ran at"), auto_now_add=True)
    # The day the rule was applied for (the command's --today, normally the current date).
    day = models.DateField(_("day"))
    follow_ups = models.PositiveIntegerField(_("follow-ups destroyed"), default=0)
    # {"law_reminder": 3, "victim_support": 1}: follow-ups destroyed by kind.
    follow_ups_by_kind = models.JSONField(_("follow-ups by kind"), default=dict, blank=True)
    persons = models.PositiveIntegerField(_("people destroyed"), default=0)
    guardians = models.PositiveIntegerField(_("legal guardians destroyed"), default=0)
    documents = models.PositiveIntegerField(_("documents destroyed"), default=0)
    stored_files = models.PositiveIntegerField(_("stored files deleted"), default=0)
    # Every row deleted, by model ("followups.followupevent": 12), change history included.
    rows = models.JSONField(_("rows deleted by table"), default=dict, blank=True)

    objects = TerritoryScopedQuerySet["PurgeRun"].as_manager()

    class Meta:
        ordering = ["-ran_at", "-pk"]
        verbose_name = _("purge run")
        verbose_name_plural = _("purge runs")
        indexes = [models.Index(fields=["territory", "-ran_at"])]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d}"

    def as_counts(self) -> dict[str, Any]:
        return {
            "follow_ups": self.follow_ups,
            "follow_ups_by_kind": dict(self.follow_ups_by_kind),
            "persons": self.persons,
            "guardians": self.guardians,
            "documents": self.documents,
            "stored_files": self.stored_files,
        }
