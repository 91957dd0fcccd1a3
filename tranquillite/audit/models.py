"""The access log: who read, listed, searched, exported or printed which record, when, why.

CNIL AU-038 and its 2020 audit of city prevention files: every consultation of nominative
data is traced, and the data protection officer can answer "who saw this file". The log is
append-only: the model refuses updates and deletes, and a database trigger refuses UPDATE
(migration 0002). Only the retention purge removes rows past their retention period.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tranquillite.core.models import Territory


class AccessAction(models.TextChoices):
    READ = "record.read", _("Read")
    LIST = "record.list", _("List")
    SEARCH = "record.search", _("Search")
    EXPORT = "record.export", _("Export")
    PRINT = "record.print", _("Print")
    ARCHIVE_READ = "record.archive_read", _("Archive opened")
    DENIED = "record.denied", _("Access refused")
    LOG_EXPORT = "audit.export", _("Access-log export")
    LOGIN = "auth.login", _("Sign-in")
    LOGIN_FAILED = "auth.login_failed", _("Failed sign-in")
    LOGOUT = "auth.logout", _("Sign-out")


# Actions that must state why (CNIL: exports and archive consultations are justified).
REASON_REQUIRED = frozenset(
    {AccessAction.EXPORT, AccessAction.PRINT, AccessAction.ARCHIVE_READ, AccessAction.LOG_EXPORT}
)


class AppendOnlyError(RuntimeError):
    pass


class AccessLogQuerySet(models.QuerySet["AccessLogEntry"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("The access log is append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("The access log is append-only; use audit.retention.purge().")

    def _raw_delete_for_retention(self) -> int:
        return int(super()._raw_delete(self.db))


class AccessLogEntry(models.Model):
    """One access to one record (or one event with no record: sign-ins, log exports).

    Not territory-scoped by inheritance because sign-in events happen before any territory
    is chosen; `territory` is set for every access to a record.
    """

    at = models.DateTimeField(_("when"), auto_now_add=True)
    # No database constraint and nothing done on delete: the log is never updated (trigger),
    # so deleting an account must not try to null its rows; `actor_label` keeps who it was.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        verbose_name=_("who"),
    )
    # Kept as text so the trace survives the account (and names the e-mail tried on a failure).
    actor_label = models.CharField(_("who (as recorded)"), max_length=254)
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(_("action"), max_length=32, choices=AccessAction.choices)
    object_type = models.CharField(_("record type"), max_length=100, blank=True)
    object_id = models.CharField(_("record"), max_length=64, blank=True)
    # A label that never holds a person's name: a case number, an organisation's name.
    object_label = models.CharField(_("record label"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    path = models.CharField(_("page"), max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects: ClassVar[AccessLogQuerySet] = AccessLogQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        # Insertion order: ids grow with time, and keyset pagination runs on them.
        ordering = ["-id"]
        verbose_name = _("access-log entry")
        verbose_name_plural = _("access log")
        indexes = [
            models.Index(fields=["territory", "-id"], name="access_territory_id"),
            models.Index(fields=["territory", "at"], name="access_territory_at"),
            models.Index(fields=["territory", "action", "-id"], name="access_territory_action"),
            models.Index(fields=["territory", "actor_label", "-id"], name="access_territory_actor"),
            models.Index(
                fields=["territory", "object_type", "object_id", "-id"], name="access_object"
            ),
            models.Index(fields=["actor", "-id"], name="access_actor"),
            models.Index(fields=["at"], name="access_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("The access log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("The access log is append-only.")
