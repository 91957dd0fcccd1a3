"""Individual follow-ups: the mayor's reminder of the law (RAO), the family council (CDDF),
individual support and victim support.

Each follow-up belongs to exactly one nominative body (a working group or the CDDF) and is
seen only by that body's members who signed its current ethics charter (art. L132-5 CSI;
CNIL AU-038): `FollowUpQuerySet.visible_to`. Everywhere a name must not appear (agendas,
minutes, e-mails, statistics) the follow-up is its `case_number`.
"""

from __future__ import annotations

from typing import Any, Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tranquillite.core.models import PublicIdModel, TerritoryScopedModel, TerritoryScopedQuerySet
from tranquillite.governance.access import bodies_with_case_access


class FollowUpKind(models.TextChoices):
    LAW_REMINDER = "law_reminder", _("Reminder of the law (RAO)")
    FAMILY_COUNCIL = "family_council", _("Family council (CDDF)")
    INDIVIDUAL_SUPPORT = "individual_support", _("Individual support")
    VICTIM_SUPPORT = "victim_support", _("Victim support")


# The prefix of each kind's case numbers: RAO-2026-0012.
CASE_PREFIXES = {
    FollowUpKind.LAW_REMINDER: "RAO",
    FollowUpKind.FAMILY_COUNCIL: "CDDF",
    FollowUpKind.INDIVIDUAL_SUPPORT: "ACC",
    FollowUpKind.VICTIM_SUPPORT: "VIC",
}


class FollowUpQuerySet(TerritoryScopedQuerySet["FollowUp"]):
    def visible_to(self, user: Any) -> Self:
        return self.filter(body__in=bodies_with_case_access(user))


class FollowUp(PublicIdModel, TerritoryScopedModel):
    kind = models.CharField(_("kind"), max_length=20, choices=FollowUpKind.choices)
    case_number = models.CharField(_("case number"), max_length=20)
    body = models.ForeignKey(
        "governance.Body",
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("body"),
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="follow_ups",
        verbose_name=_("person"),
    )
    # The current state of the kind's workflow (followups/workflows/<kind>.py).
    state = models.CharField(_("state"), max_length=30)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    case_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case worker"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_on", "case_number"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "case_number"], name="unique_case_number_per_territory"
            )
        ]

    def __str__(self) -> str:
        return self.case_number

    def access_log_label(self) -> str:
        return self.case_number
