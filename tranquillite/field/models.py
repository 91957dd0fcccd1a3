"""Field presence: the teams of social mediators and park wardens, their sectors, their shifts
and the daily log (main courante) they keep on a phone in the street.

The daily log names no one (CNIL AU-038: minimise; the public only in aggregate — age band,
sex, group size), so these rows are not nominative data: mediators and park wardens reach
them without a second factor, and directors see them in figures. The short free text is
checked by the free-text guard for what looks like a name or a phone number.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any, Self

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tranquillite.core.models import (
    Neighbourhood,
    PublicIdModel,
    Territory,
    TerritoryScopedModel,
    TerritoryScopedQuerySet,
)

# Precomputed hexagonal cells (h3) for the map: a zoomed-out map is a GROUP BY on one of these
# indexed integer columns instead of a computation over every point.
H3_RESOLUTIONS = (6, 8, 10)
# The largest group one entry describes; a larger crowd is several entries.
GROUP_SIZE_MAX = 200
# A note is short: the daily log describes, it does not tell a story (nor name anyone).
NOTE_MAX_LENGTH = 280


class TeamKind(models.TextChoices):
    MEDIATION = "mediation", _("Social mediators")
    PARK_WARDENS = "park_wardens", _("Park wardens")


class SectorKind(models.TextChoices):
    NEIGHBOURHOOD = "neighbourhood", _("Neighbourhood")
    PARK = "park", _("Park")
    ROUTE = "route", _("Route")


class Function(models.TextChoices):
    ACTIVE_PRESENCE = "active_presence", _("Active presence")
    CONFLICT_HANDLING = "conflict_handling", _("Conflict handling")
    TECHNICAL_WATCH = "technical_watch", _("Technical watch")
    PUTTING_IN_CONTACT = "putting_in_contact", _("Putting in contact")
    CONSULTATION = "consultation", _("Consultation (walk-in)")


class Category(models.TextChoices):
    NEIGHBOUR_CONFLICT = "neighbour_conflict", _("Conflict between neighbours")
    GROUP_OF_YOUNG_PEOPLE = "young_people", _("Group of young people")
    NUISANCE = "nuisance", _("Noise or nuisance in public space")
    PERSON_IN_DISTRESS = "distress", _("Person in distress")
    DAMAGED_EQUIPMENT = "equipment", _("Broken or damaged equipment")
    DUMPED_WASTE = "waste", _("Dumped waste")
    WALK_IN = "walk_in", _("Walk-in at the mediation office")
    PARK_RULES = "park_rules", _("Park rules (dogs, bikes, opening hours)")
    LOST_CHILD = "lost_child", _("Child looking for an adult")
    OTHER = "other", _("Other")


C = Category
# The situation categories each kind of team may use (a closed list per team kind).
CATEGORIES_BY_KIND: dict[str, tuple[Category, ...]] = {
    TeamKind.MEDIATION: (
        C.NEIGHBOUR_CONFLICT,
        C.GROUP_OF_YOUNG_PEOPLE,
        C.NUISANCE,
        C.PERSON_IN_DISTRESS,
        C.DAMAGED_EQUIPMENT,
        C.DUMPED_WASTE,
        C.WALK_IN,
        C.OTHER,
    ),
    TeamKind.PARK_WARDENS: (
        C.PARK_RULES,
        C.GROUP_OF_YOUNG_PEOPLE,
        C.NUISANCE,
        C.PERSON_IN_DISTRESS,
        C.LOST_CHILD,
        C.DAMAGED_EQUIPMENT,
        C.DUMPED_WASTE,
        C.OTHER,
    ),
}


class AgeBand(models.TextChoices):
    CHILDREN = "under_12", _("Under 12")
    TEENAGERS = "12_17", _("12–17")
    YOUNG_ADULTS = "18_25", _("18–25")
    ADULTS = "26_59", _("26–59")
    SENIORS = "60_plus", _("60 and over")
    MIXED = "mixed", _("Mixed ages")
    UNKNOWN = "unknown", _("Not known")


class Sex(models.TextChoices):
    FEMALE = "female", _("Women / girls")
    MALE = "male", _("Men / boys")
    MIXED = "mixed", _("Mixed")
    UNKNOWN = "unknown", _("Not known")


class Action(models.TextChoices):
    DIALOGUE = "dialogue", _("Dialogue")
    MEDIATION = "mediation", _("Mediation between the parties")
    REMINDER_OF_RULES = "rules", _("Reminder of the rules")
    INFORMATION = "information", _("Information given")
    ACCOMPANIED = "accompanied", _("Accompanied to a service")
    REPORTED = "reported", _("Reported to a service")
    OBSERVATION = "observation", _("Observation only")


class Partner(models.TextChoices):
    NONE = "none", _("None")
    MUNICIPAL_POLICE = "municipal_police", _("Municipal police")
    NATIONAL_POLICE = "national_police", _("National police")
    EMERGENCY = "emergency", _("Emergency services (15, 18)")
    SOCIAL_SERVICES = "social_services", _("Social services")
    LANDLORD = "landlord", _("Social landlord")
    TECHNICAL_SERVICES = "technical_services", _("City technical services")
    YOUTH_WORKERS = "youth_workers", _("Youth workers")
    ASSOCIATION = "association", _("Association")


class Outcome(models.TextChoices):
    SETTLED = "settled", _("Settled")
    PARTLY_SETTLED = "partly_settled", _("Partly settled")
    NOT_SETTLED = "not_settled", _("Not settled")
    REFERRED = "referred", _("Referred to a partner")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class LocationSource(models.TextChoices):
    DEVICE = "device", _("Device position")
    MAP = "map", _("Point picked on the map")
    LIST = "list", _("Neighbourhood chosen from the list")


def _field_territories(user: Any, right: str) -> Any:
    """The territories where `user` holds `right` through an active membership: the roles
    table decides, read in one subquery (accounts is a lower layer)."""
    from tranquillite.accounts.models import Membership
    from tranquillite.accounts.roles import RIGHTS

    return Membership.objects.filter(
        user=user, is_active=True, territory__is_active=True, role__in=RIGHTS[right]
    ).values("territory_id")


class TeamQuerySet(TerritoryScopedQuerySet["Team"]):
    def visible_to(self, user: Any) -> Self:
        """Those who oversee the field (coordinator, director) see every team of their
        territory; a mediator or park warden sees the teams he belongs to or supervises, and
        only while he holds a field role there. Deny by default."""
        scoped = super().visible_to(user)
        if not scoped.query.is_empty():
            overseen = _field_territories(user, "field.oversee_field")
            in_the_field = _field_territories(user, "field.log_presence")
            mine = Q(memberships__user=user, memberships__is_active=True) | Q(supervisor=user)
            scoped = scoped.filter(
                Q(territory__in=overseen) | (Q(territory__in=in_the_field) & mine)
            ).distinct()
        return scoped

    def visible_in(self, user: Any, territory: Any) -> Self:
        """`visible_to(user)` within one territory: whoever oversees the field there sees
        every team of it, read without the rule's subqueries (the map asks on every zoom)."""
        from tranquillite.accounts.permissions import has_right

        if has_right(user, "field.oversee_field", territory):
            return self.in_territory(territory)
        return self.visible_to(user).in_territory(territory)


class Team(PublicIdModel, TerritoryScopedModel):
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=TeamKind.choices)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("supervisor"),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("field team")
        verbose_name_plural = _("field teams")
        constraints = [
            models.UniqueConstraint(fields=["territory", "name"], name="unique_team_name")
        ]

    def __str__(self) -> str:
        return self.name


class TeamMembership(TerritoryScopedModel):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    is_active = models.BooleanField(_("active"), default=True)

    objects = TerritoryScopedQuerySet["TeamMembership"].as_manager()

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="unique_team_member")]


class Sector(PublicIdModel, TerritoryScopedModel):
    """Where a team works: a neighbourhood, a park or a route, drawn from the territory's
    neighbourhoods (an entry placed in a sector is counted in its neighbourhood)."""

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=20, choices=SectorKind.choices)
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.PROTECT, related_name="+", verbose_name=_("neighbourhood")
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = TerritoryScopedQuerySet["Sector"].as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        constraints = [
            models.UniqueConstraint(fields=["territory", "name"], name="unique_sector_name")
        ]

    def __str__(self) -> str:
        return self.name


class ImportStatus(models.TextChoices):
    MAPPING = "mapping", _("Columns to match")
    CHECKING = "checking", _("Being checked")
    CHECKED = "checked", _("Checked")
    IMPORTING = "importing", _("Being imported")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")
    UNDONE = "undone", _("Undone")


class ImportBatchQuerySet(TerritoryScopedQuerySet["ImportBatch"]):
    def visible_to(self, user: Any) -> Self:
        """Only those who oversee the field of the territory import its history."""
        scoped = super().visible_to(user)
        if scoped.query.is_empty():
            return scoped
        return scoped.filter(territory__in=_field_territories(user, "field.oversee_field"))


class ImportBatch(PublicIdModel, TerritoryScopedModel):
    """A spreadsheet of a daily log kept before the platform (field/imports.py): its columns,
    the result of its check, then of its import. The file itself waits in `content` only
    until it is imported or abandoned (it may hold a name in a note): it is emptied then,
    and by the daily purge after FIELD_IMPORT_KEEP_HOURS."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(_("file"), max_length=200)
    content = models.BinaryField(editable=False, default=bytes)
    # The rows the check found ready to write (compressed), and a digest of the teams,
    # sectors and neighbourhoods they were checked against: the import writes them as
    # checked while that digest holds, and checks the file again from scratch when not.
    prepared = models.BinaryField(editable=False, default=bytes)
    reference = models.CharField(max_length=64, blank=True, editable=False)
    # The file's header line (its number, its cells), and field -> index of the column
    # chosen for it.
    header_line = models.PositiveIntegerField(default=1)
    headers = models.JSONField(default=list)
    mapping = models.JSONField(default=dict)
    # The team of every row, when the file has no team column.
    default_team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=12, choices=ImportStatus.choices)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    # new / already imported / older than the retention / in error / warnings.
    counts = models.JSONField(default=dict)
    # The first messages (French, by line and column), and the first rows as they will read.
    errors = models.JSONField(default=list)
    warnings = models.JSONField(default=list)
    preview = models.JSONField(default=list)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    finished_at = models.DateTimeField(null=True, blank=True)
    # An import undone: its entries and shifts deleted, by whom and when.
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("daily log import")
        verbose_name_plural = _("daily log imports")

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_running(self) -> bool:
        return self.status in (ImportStatus.CHECKING, ImportStatus.IMPORTING)

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0
        return min(100, round(100 * self.processed_rows / self.total_rows))


class ShiftQuerySet(TerritoryScopedQuerySet["Shift"]):
    def visible_to(self, user: Any) -> Self:
        return self.filter(team__in=Team.objects.visible_to(user).values("pk"))


class Shift(PublicIdModel, TerritoryScopedModel):
    """A team's shift (vacation) in a sector: planned hours, the actual start and end clocked
    from the phone, and the supervisor's validation, after which it no longer changes."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="shifts")
    sector = models.ForeignKey(Sector, on_delete=models.PROTECT, related_name="+")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    date = models.DateField(_("date"))
    planned_start = models.DateTimeField(_("planned start"))
    planned_end = models.DateTimeField(_("planned end"))
    started_at = models.DateTimeField(_("clocked in at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("clocked out at"), null=True, blank=True)
    validated_at = models.DateTimeField(_("validated at"), null=True, blank=True)
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # A shift made by the historical import to hold a team's entries of one day (one per
    # import: undoing an import deletes its shifts and their entries): its hours are unknown
    # (no clock-in), so it counts no hours of presence, and it is validated.
    import_batch = models.ForeignKey(
        ImportBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="shifts"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ShiftQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-planned_start"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        indexes = [models.Index(fields=["territory", "date"], name="field_shift_day")]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_end__gt=models.F("planned_start")),
                name="shift_planned_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True)
                | Q(started_at__isnull=False, ended_at__gte=models.F("started_at")),
                name="shift_end_after_start",
            ),
            # What the entries' composite foreign key refers to (LogEntry).
            models.UniqueConstraint(
                fields=["id", "team", "territory"], name="field_shift_id_team_territory"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} — {self.date:%d/%m/%Y}"

    @property
    def is_open(self) -> bool:
        return self.started_at is not None and self.ended_at is None

    @property
    def duration(self) -> timedelta | None:
        if self.started_at is None or self.ended_at is None:
            return None
        return self.ended_at - self.started_at

    @property
    def hours(self) -> float | None:
        """Hours of presence of the shift (actual start to actual end)."""
        duration = self.duration
        return None if duration is None else round(duration.total_seconds() / 3600, 2)


def entry_photo_path(entry: LogEntry, filename: str) -> str:
    # A random name: the file's address says nothing of the entry, its team or its place.
    return f"field/{uuid.uuid4()}.jpg"


class LogEntryQuerySet(TerritoryScopedQuerySet["LogEntry"]):
    def visible_to(self, user: Any) -> Self:
        return self.filter(team__in=Team.objects.visible_to(user).values("pk"))

    def visible_in(self, user: Any, territory: Any) -> Self:
        """`visible_to(user)` within one territory, in a shape the planner can read off the
        indexes: whoever oversees the field there sees every team of the territory
        (TeamQuerySet.visible_to), hence every entry of it, so no team subquery is needed.
        With it, the map's GROUP BY over a territory-year joined each of 53,000 entries to
        its team: 4.7× the raw SQL of the aggregation on 10,000,000 entries
        (docs/benchmarks.md, field presence). Anyone else: the rule as it is."""
        from tranquillite.accounts.permissions import has_right

        if has_right(user, "field.oversee_field", territory):
            return self.in_territory(territory)
        return self.visible_to(user).in_territory(territory)


class LogEntry(PublicIdModel, TerritoryScopedModel):
    """One line of the daily log. The public is described in aggregate only: no name, no
    field that could hold one but the short note, checked by the free-text guard."""

    # An entry's shift, team and territory are held together by one composite foreign key,
    # (shift, team, territory) -> the shift's (id, team, territory), added on PostgreSQL by
    # migration field/0003: an entry cannot name another team or territory than its shift's,
    # which three separate keys did not ensure, and the database checks one key per row
    # instead of three (the import's 20,000 rows/s: docs/benchmarks.md). Django keeps the
    # relations and PROTECT; SQLite (development, tests) has no constraint on these three.
    # The territory's own index would be redundant: every index below starts with it.
    territory = models.ForeignKey(
        Territory,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("territory"),
        db_index=False,
        db_constraint=False,
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="entries", db_constraint=False
    )
    shift = models.ForeignKey(
        Shift, on_delete=models.PROTECT, related_name="entries", db_constraint=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The phone's own identifier of the entry (Idempotency-Key): a resend finds this row.
    client_uuid = models.UUIDField(_("client identifier"))
    occurred_at = models.DateTimeField(_("time"))
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.PROTECT, related_name="+", verbose_name=_("neighbourhood")
    )
    location_source = models.CharField(
        _("place given by"), max_length=10, choices=LocationSource.choices
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    h3_r6 = models.BigIntegerField(editable=False)
    h3_r8 = models.BigIntegerField(editable=False)
    h3_r10 = models.BigIntegerField(editable=False)
    function = models.CharField(_("function"), max_length=20, choices=Function.choices)
    category = models.CharField(_("situation"), max_length=20, choices=Category.choices)
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    group_size = models.PositiveSmallIntegerField(
        _("number of people"),
        validators=[MinValueValidator(1), MaxValueValidator(GROUP_SIZE_MAX)],
    )
    action = models.CharField(_("action taken"), max_length=20, choices=Action.choices)
    partner = models.CharField(
        _("partner alerted or referral"), max_length=20, choices=Partner.choices
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    follow_up_needed = models.BooleanField(_("follow-up needed"), default=False)
    note = models.CharField(_("note"), max_length=NOTE_MAX_LENGTH, blank=True)
    # What the free-text guard said about the note when it was saved (shown, not blocking).
    note_warnings = models.JSONField(default=list, blank=True, editable=False)
    # Re-encoded by field/photos.py (no original kept, no EXIF, no GPS); served through the API
    # after `visible_to`, never from MEDIA_URL.
    photo = models.FileField(
        _("photo"), upload_to=entry_photo_path, max_length=200, blank=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = LogEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at"]
        verbose_name = _("daily log entry")
        verbose_name_plural = _("daily log entries")
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "client_uuid"], name="unique_entry_client_uuid"
            )
        ]
        indexes = [
            models.Index(fields=["territory", "occurred_at"], name="field_entry_time"),
            models.Index(fields=["territory", "h3_r6", "occurred_at"], name="field_entry_h3_6"),
            models.Index(fields=["territory", "h3_r8", "occurred_at"], name="field_entry_h3_8"),
            models.Index(fields=["territory", "h3_r10", "occurred_at"], name="field_entry_h3_10"),
        ]

    def __str__(self) -> str:
        return f"{self.get_function_display()} — {self.occurred_at:%d/%m/%Y %H:%M}"
