"""The outgoing-mail register (registre du courrier départ) of a territory's prevention
service: every official letter gets the next number of its year, e.g. 2026-00042.

The register names no one: it records the date, the reference of the file (a case number)
and the kind of addressee ("the minor", "a legal guardian"), so that it can be shown to an
auditor without opening a file, and outlives the files it numbers.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tranquillite.core.models import PublicIdModel, TerritoryScopedModel, TerritoryScopedQuerySet


class OutgoingMail(TerritoryScopedModel):
    year = models.PositiveSmallIntegerField(_("year"))
    sequence = models.PositiveIntegerField(_("number in the year"))
    sent_on = models.DateField(_("date"))
    subject = models.CharField(_("subject"), max_length=200)
    reference = models.CharField(
        _("file reference"), max_length=40, blank=True, help_text=_("A case number, never a name.")
    )
    addressee = models.CharField(
        _("addressee"), max_length=100, help_text=_("A role (the minor, a legal guardian).")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = TerritoryScopedQuerySet["OutgoingMail"].as_manager()

    class Meta:
        ordering = ["-year", "-sequence"]
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "year", "sequence"], name="unique_mail_number"
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"{self.year}-{self.sequence:05d}"


class FiledDocument(PublicIdModel, TerritoryScopedModel):
    """What every document filed in a file has: its number in the outgoing-mail register
    (a letter that left), when and by whom it was made. The file it belongs to, its kind
    and where its PDF goes are the concrete model's (a follow-up's `CaseDocument`, a
    placement's `PlacementDocument`); each is destroyed with its file, PDF included."""

    mail = models.ForeignKey(
        OutgoingMail,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("outgoing-mail number"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Who made it: kept when the account goes (set to NULL), never a reverse accessor.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        abstract = True
