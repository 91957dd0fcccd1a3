"""Community service (travail d'intérêt général, TIG) hosted in the territory's own services.

- A `Post` is what a municipal service offers (tasks, skills, supervisors, capacity, weekly
  schedule, accessibility, minors accepted, the State's TIG360° reference); it opens and
  closes, each change kept in `PostStatusChange`.
- A `Placement` is one person's sentence done on one post: the person comes from the shared
  people registry, the probation (SPIP) or youth-justice (PJJ) service follows. Its states are
  in `community_service/states.py`, each change kept in `PlacementEvent`.
- A `WorkSession` is one session of the timesheet; an `Occurrence` an absence, a lateness or
  an incident reported to the probation officer; a `PlacementDocument` a PDF filed in the
  placement (hours form, final report, attestation).

**No offence and no judicial detail is stored anywhere** (domain rule, CNIL AU-038
minimisation): a city hosts the person, it does not judge them. The sentence is known only
by its date, the hours ordered and the deadline, which the host needs to plan the work. No
field here may ever hold the offence, the court's decision or a criminal record.

Who sees what (`PlacementQuerySet.visible_to`, art. L132-5 CSI and art. 131-22 code pénal:
the probation service follows the sentence, the host reports to it): the coordinator
administers every placement of his territory; a supervisor sees the placements on the posts
he supervises; a probation officer's account sees the placements his service follows.
"""

from __future__ import annotations

from typing import Any, Self

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from tranquillite.accounts.roles import Role
from tranquillite.core.models import PublicIdModel, TerritoryScopedModel, TerritoryScopedQuerySet
from tranquillite.letters.models import FiledDocument

# Art. 131-8 code pénal: a community-service sentence is 20 to 400 hours.
MIN_HOURS = 20
MAX_HOURS = 400


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


def weekday_labels(days: list[int]) -> str:
    labels = dict(Weekday.choices)
    return ", ".join(str(labels[day]) for day in sorted(days) if day in labels)


def acting_user() -> Any:
    """Who did it: kept when the account goes (set to NULL), never a reverse accessor."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )


def _memberships(user: Any, roles: set[Role]) -> Any:
    return user.memberships.filter(is_active=True, territory__is_active=True, role__in=roles)


class PostQuerySet(TerritoryScopedQuerySet["Post"]):
    """The catalogue names no person followed: every member of the territory may read it
    (TerritoryScopedQuerySet.visible_to); the view asks for the catalogue right."""

    def open(self) -> Self:
        return self.filter(is_open=True)


class Post(PublicIdModel, TerritoryScopedModel):
    service = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="community_service_posts",
        verbose_name=_("municipal service"),
    )
    title = models.CharField(_("title"), max_length=150)
    tasks = models.TextField(_("tasks"), max_length=1000)
    skills = models.TextField(_("skills it teaches"), max_length=500, blank=True)
    supervisors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="supervised_posts",
        verbose_name=_("supervisors"),
        blank=True,
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        validators=[MinValueValidator(1), MaxValueValidator(50)],
        help_text=_("How many people the post can host at the same time."),
    )
    # The weekly schedule: the days, and the usual hours of a session.
    days = models.JSONField(_("days"), default=list)
    starts_at = models.TimeField(_("usual start"))
    ends_at = models.TimeField(_("usual end"))
    neighbourhood = models.ForeignKey(
        "core.Neighbourhood",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("neighbourhood"),
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    reduced_mobility = models.BooleanField(_("accessible with reduced mobility"), default=False)
    minors_accepted = models.BooleanField(_("minors (16–18) accepted"), default=False)
    tig360_reference = models.CharField(_("TIG360° reference"), max_length=40, blank=True)
    is_open = models.BooleanField(_("open"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["service__name", "title"]
        verbose_name = _("community-service post")
        verbose_name_plural = _("community-service posts")

    def __str__(self) -> str:
        return self.title

    def access_log_label(self) -> str:
        return f"{self.title} ({self.tig360_reference})" if self.tig360_reference else self.title

    @property
    def days_label(self) -> str:
        return weekday_labels(self.days)


class PostStatusChange(TerritoryScopedModel):
    """Each opening and closing of a post: when, who, why."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="status_changes")
    is_open = models.BooleanField(_("open"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = acting_user()

    objects = TerritoryScopedQuerySet["PostStatusChange"].as_manager()

    class Meta:
        ordering = ["-changed_at", "-pk"]


class PlacementState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    COMPLETED = "completed", _("Completed")
    INTERRUPTED = "interrupted", _("Interrupted")


# A post's places are taken by these placements (availability, capacity).
CURRENT_STATES = (PlacementState.PROPOSED, PlacementState.ACTIVE, PlacementState.SUSPENDED)
CLOSED_STATES = (PlacementState.COMPLETED, PlacementState.INTERRUPTED)


class InterruptionReason(models.TextChoices):
    """A closed list, and nothing judicial: why the placement stopped, as the host saw it."""

    WITHDRAWN = "withdrawn", _("Withdrawn by the probation service")
    ABSENCES = "absences", _("Repeated absences")
    BEHAVIOUR = "behaviour", _("Behaviour on the post")
    HEALTH = "health", _("Health")
    MOVED = "moved", _("Moved away")
    POST_CLOSED = "post_closed", _("Post closed")
    DEADLINE = "deadline", _("Deadline reached")
    OTHER = "other", _("Other")


class PlacementQuerySet(TerritoryScopedQuerySet["Placement"]):
    def visible_to(self, user: Any) -> Self:
        """Need to know (art. L132-5 CSI; CNIL AU-038): the coordinator of the territory, the
        supervisors of the post, the probation or youth-justice service that follows the
        person (through its officers' accounts). Nobody else, whatever his role."""
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        coordinated = _memberships(user, {Role.COORDINATOR}).values("territory_id")
        supervising = _memberships(user, {Role.SUPERVISOR}).values("territory_id")
        # The officer's service and the territory must come from the SAME membership: an
        # officer of one service in one territory and of another in a second one follows
        # neither service in the other territory (two separate `__in` lists would cross them).
        # One correlated EXISTS, served by the (territory, organisation) index of memberships.
        follows = models.Exists(
            _memberships(user, {Role.PARTNER_MEMBER}).filter(
                organisation=models.OuterRef("probation_service"),
                territory=models.OuterRef("territory"),
                organisation__kind__in=PROBATION_KINDS,
            )
        )
        # Subqueries, not joins: a post with two supervisors must not count a placement twice.
        supervised = Post.objects.filter(supervisors=user).values("pk")
        return self.filter(
            models.Q(territory__in=coordinated)
            | models.Q(post__in=supervised, territory__in=supervising)
            | models.Q(follows)
        )

    def current(self) -> Self:
        return self.filter(state__in=CURRENT_STATES)


# The organisations that follow a sentence: the probation service, or youth justice for a
# minor (accounts.OrganisationKind values).
PROBATION_KINDS = ("probation_service", "youth_justice")


class Placement(PublicIdModel, TerritoryScopedModel):
    """One person's community service on one post. No offence, no judicial detail: see the
    module's docstring."""

    case_number = models.CharField(_("case number"), max_length=20)
    post = models.ForeignKey(
        Post, on_delete=models.PROTECT, related_name="placements", verbose_name=_("post")
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="placements",
        verbose_name=_("person"),
    )
    probation_service = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("probation or youth-justice service"),
    )
    # The officer: an account (he then follows the placement on the platform) or an outside
    # contact (name and e-mail, where the notices go).
    probation_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("probation officer (account)"),
    )
    officer_name = models.CharField(_("probation officer"), max_length=150, blank=True)
    officer_email = models.EmailField(_("probation officer's e-mail"), blank=True)
    probation_reference = models.CharField(_("probation service's reference"), max_length=40)
    hours_ordered = models.PositiveSmallIntegerField(
        _("hours ordered"), validators=[MinValueValidator(MIN_HOURS), MaxValueValidator(MAX_HOURS)]
    )
    sentence_date = models.DateField(_("sentence date"))
    deadline = models.DateField(_("deadline"))
    deadline_reason = models.CharField(
        _("why the deadline differs from 18 months"), max_length=300, blank=True
    )
    # The planned sessions: the days of the week and the hours of each.
    planned_days = models.JSONField(_("planned days"), default=list)
    planned_start = models.TimeField(_("planned start"))
    planned_end = models.TimeField(_("planned end"))
    planned_break_minutes = models.PositiveSmallIntegerField(
        _("planned break (minutes)"), default=0
    )
    agreement_on = models.DateField(_("agreement of the person"), null=True, blank=True)
    first_interview_on = models.DateField(_("first interview"), null=True, blank=True)
    started_on = models.DateField(_("start"), null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=PlacementState.choices, default=PlacementState.PROPOSED
    )
    interruption_reason = models.CharField(
        _("reason for interruption"), max_length=20, choices=InterruptionReason.choices, blank=True
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    # Set at the end by community_service/retention.py; the daily purge destroys it then.
    destroy_on = models.DateField(_("to be destroyed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = acting_user()

    objects = PlacementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "case_number"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "case_number"], name="unique_placement_number_per_territory"
            ),
            models.CheckConstraint(
                condition=models.Q(hours_ordered__gte=MIN_HOURS, hours_ordered__lte=MAX_HOURS),
                name="placement_hours_ordered_20_400",
            ),
        ]
        indexes = [models.Index(fields=["territory", "state"])]

    def __str__(self) -> str:
        return self.case_number

    def access_log_label(self) -> str:
        return self.case_number

    @property
    def is_closed(self) -> bool:
        return self.state in CLOSED_STATES

    @property
    def planned_days_label(self) -> str:
        return weekday_labels(self.planned_days)


class PlacementEvent(TerritoryScopedModel):
    """Each change of state: from, to, when, who, and the reason when there is one."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="events")
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, choices=PlacementState.choices)
    occurred_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = acting_user()

    objects = TerritoryScopedQuerySet["PlacementEvent"].as_manager()

    class Meta:
        ordering = ["recorded_at", "pk"]


class ScopedToPlacementQuerySet[M: models.Model](TerritoryScopedQuerySet[M]):
    def visible_to(self, user: Any) -> Self:
        return self.filter(placement__in=Placement.objects.visible_to(user))


class WorkSession(PublicIdModel, TerritoryScopedModel):
    """One session of the timesheet. Start and end are aware datetimes (Europe/Paris stored
    as UTC): a session across midnight or a change of clock counts the hours really worked.
    `client_token` is generated by the form the supervisor submits: a resend of the same form
    (a dropped connection on a phone) finds the first session instead of making a second."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="sessions")
    day = models.DateField(_("date"))
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("end"), null=True, blank=True)
    break_minutes = models.PositiveSmallIntegerField(_("break (minutes)"), default=0)
    minutes = models.PositiveIntegerField(_("minutes worked"), default=0)
    tasks = models.CharField(_("tasks done"), max_length=300, blank=True)
    validated_at = models.DateTimeField(_("validated on"), null=True, blank=True)
    validated_by = acting_user()
    client_token = models.UUIDField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = acting_user()

    objects = ScopedToPlacementQuerySet["WorkSession"].as_manager()

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "client_token"], name="unique_session_token_per_territory"
            )
        ]
        indexes = [models.Index(fields=["placement", "day"])]

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 2)

    @property
    def is_open(self) -> bool:
        return self.ends_at is None


class SessionCorrection(TerritoryScopedModel):
    """A correction of a session keeps what it replaced, who changed it and why."""

    session = models.ForeignKey(WorkSession, on_delete=models.CASCADE, related_name="corrections")
    previous = models.JSONField(_("previous values"))
    reason = models.CharField(_("reason"), max_length=300)
    corrected_at = models.DateTimeField(auto_now_add=True)
    corrected_by = acting_user()

    objects = TerritoryScopedQuerySet["SessionCorrection"].as_manager()

    class Meta:
        ordering = ["corrected_at", "pk"]


class OccurrenceKind(models.TextChoices):
    ABSENCE = "absence", _("Absence")
    LATENESS = "lateness", _("Lateness")
    INCIDENT = "incident", _("Incident")


class InformedBy(models.TextChoices):
    PLATFORM_EMAIL = "platform_email", _("E-mail sent by the platform")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    LETTER = "letter", _("Letter")


class Occurrence(PublicIdModel, TerritoryScopedModel):
    """An absence, a lateness or an incident, and when and how the probation officer was told
    (art. 131-22 code pénal: the host reports to the probation service)."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="occurrences")
    kind = models.CharField(_("kind"), max_length=20, choices=OccurrenceKind.choices)
    day = models.DateField(_("date"))
    note = models.CharField(
        _("short note"),
        max_length=300,
        blank=True,
        help_text=_("300 characters at most. Facts seen on the post; no third party's name."),
    )
    informed_at = models.DateTimeField(_("probation officer informed on"), null=True, blank=True)
    informed_by = models.CharField(
        _("informed by"), max_length=20, choices=InformedBy.choices, blank=True
    )
    client_token = models.UUIDField()
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = acting_user()

    objects = ScopedToPlacementQuerySet["Occurrence"].as_manager()

    class Meta:
        ordering = ["-day", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "client_token"], name="unique_occurrence_token_per_territory"
            )
        ]


# How a person tells the probation officer himself (the platform's e-mail is recorded by
# the task that sends it, on the occurrence).
MANUAL_MEANS = (InformedBy.PHONE, InformedBy.LETTER, InformedBy.EMAIL)


class OccurrenceNotice(TerritoryScopedModel):
    """The probation officer told by someone — by phone, by letter, or by an e-mail of his
    own — recorded with its date and means, next to the platform's automatic e-mail. The
    first way the officer was told (platform or person) also fills the occurrence's
    `informed_at` / `informed_by`, which the lists read."""

    occurrence = models.ForeignKey(Occurrence, on_delete=models.CASCADE, related_name="notices")
    means = models.CharField(_("means"), max_length=20, choices=InformedBy.choices)
    informed_on = models.DateField(_("informed on"))
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = acting_user()

    objects = TerritoryScopedQuerySet["OccurrenceNotice"].as_manager()

    class Meta:
        ordering = ["informed_on", "pk"]


class PlacementDocumentKind(models.TextChoices):
    HOURS_FORM = "hours_form", _("Hours form")
    FINAL_REPORT = "final_report", _("Final report")
    ATTESTATION = "attestation", _("Attestation of hours")


def placement_document_path(document: PlacementDocument, filename: str) -> str:
    return f"community_service/{document.territory_id}/{document.public_id}.pdf"


class PlacementDocument(FiledDocument):
    """A PDF filed in the placement; destroyed with it (file included)."""

    placement = models.ForeignKey(Placement, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=PlacementDocumentKind.choices)
    file = models.FileField(_("file"), upload_to=placement_document_path, max_length=300)

    objects = ScopedToPlacementQuerySet["PlacementDocument"].as_manager()

    class Meta:
        ordering = ["placement", "created_at"]

    def access_log_label(self) -> str:
        return f"{self.placement.case_number} — {self.get_kind_display()}"


class PlacementStatistic(TerritoryScopedModel):
    """The anonymous shadow of a placement, kept in step by the services
    (community_service/statistics.py): what the observatory reads (never the placements) and
    what survives the placement's destruction by the daily purge (`placement` set to NULL;
    CNIL AU-038: statistics are anonymous). No name, no birth date, no case number, no
    reference of the probation service, nothing judicial: an age band at the proposal, the
    sex, the service and post, dates, hours, the state and the closed-list reason of an
    interruption."""

    placement = models.OneToOneField(
        Placement, on_delete=models.SET_NULL, null=True, blank=True, related_name="statistic"
    )
    service = models.ForeignKey(
        "accounts.Organisation", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    post = models.ForeignKey(Post, on_delete=models.SET_NULL, null=True, related_name="+")
    age_band = models.CharField(max_length=10)
    sex = models.CharField(max_length=10)
    hours_ordered = models.PositiveSmallIntegerField()
    proposed_on = models.DateField()
    started_on = models.DateField(null=True)
    ended_on = models.DateField(null=True)
    state = models.CharField(max_length=20, choices=PlacementState.choices)
    interruption_reason = models.CharField(max_length=20, blank=True)
    minutes_done = models.PositiveIntegerField(default=0)

    objects = TerritoryScopedQuerySet["PlacementStatistic"].as_manager()

    class Meta:
        verbose_name = _("placement statistic")
        verbose_name_plural = _("placement statistics")
        indexes = [
            models.Index(fields=["territory", "started_on"]),
            models.Index(fields=["territory", "ended_on"]),
        ]


class PlacementHoursStatistic(TerritoryScopedModel):
    """Minutes worked in one calendar year by the placement of a shadow (the hours done per
    year survive the purge with the shadow)."""

    statistic = models.ForeignKey(
        PlacementStatistic, on_delete=models.CASCADE, related_name="hours_by_year"
    )
    year = models.PositiveSmallIntegerField()
    minutes = models.PositiveIntegerField()

    objects = TerritoryScopedQuerySet["PlacementHoursStatistic"].as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["statistic", "year"], name="one_hours_row_per_year")
        ]
        indexes = [models.Index(fields=["territory", "year"])]
