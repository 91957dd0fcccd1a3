"""The territory's strategy: a Local Safety Contract or a 3-year territorial strategy (STSPD),
its axes and its action sheets, with their budget lines.

Aggregates and organisations only: an action sheet never names a person followed.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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
        through="SheetPartner",
        related_name="partner_sheets",
        verbose_name=_("partners"),
    )
    calendar = models.TextField(_("steps and calendar"), blank=True, max_length=3000)
    status = models.CharField(
        _("status"), max_length=20, choices=SheetStatus.choices, default=SheetStatus.PLANNED
    )
    # The last evaluation's progress, kept here by `evaluate_sheet` so that the roll-up to the
    # axis and the strategy is one aggregate, not one subquery per sheet.
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    next_review_on = models.DateField(
        _("next review"),
        null=True,
        blank=True,
        help_text=_("The sheet is due for review by a committee from this date."),
    )
    # A sheet entered by mistake is withdrawn, not deleted: it leaves the public summary, and
    # the change history keeps who withdrew it, when and why.
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("reason for the withdrawal"), max_length=500, blank=True)

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


class SheetPartner(TerritoryScopedModel):
    """A partner organisation of an action sheet, and what it does there."""

    sheet = models.ForeignKey(ActionSheet, on_delete=models.CASCADE, related_name="partner_links")
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="sheet_partnerships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role in the action"), max_length=200, blank=True)

    objects = TerritoryScopedQuerySet["SheetPartner"].as_manager()

    class Meta:
        ordering = ["sheet", "organisation__name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "organisation"], name="unique_partner_per_sheet"
            )
        ]

    def __str__(self) -> str:
        return str(self.organisation)


def sheet_document_path(document: SheetDocument, filename: str) -> str:
    # Stored under a random folder: a file's address says nothing of its sheet or territory.
    return f"strategy/{document.public_id}/{filename}"


class SheetDocument(PublicIdModel, TerritoryScopedModel):
    """A document of an action sheet (convention, diagnosis extract, report). Never nominative:
    the upload form says so. Served through a view that checks access, never from MEDIA_URL."""

    sheet = models.ForeignKey(ActionSheet, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(_("file"), upload_to=sheet_document_path, max_length=300)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = TerritoryScopedQuerySet["SheetDocument"].as_manager()

    class Meta:
        ordering = ["sheet", "-uploaded_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.title


# --- Indicators -----------------------------------------------------------------------------


class IndicatorKind(models.TextChoices):
    OUTPUT = "output", _("Output")
    OUTCOME = "outcome", _("Outcome")


class IndicatorDirection(models.TextChoices):
    INCREASE = "increase", _("Higher is better")
    DECREASE = "decrease", _("Lower is better")


class Indicator(PublicIdModel, TerritoryScopedModel):
    """What an action sheet measures. Values are dated measurements, entered by hand, imported
    from a spreadsheet, or computed from the platform's own data when `source_key` names a
    source of the registry (strategy/sources.py)."""

    sheet = models.ForeignKey(ActionSheet, on_delete=models.CASCADE, related_name="indicators")
    kind = models.CharField(_("kind"), max_length=10, choices=IndicatorKind.choices)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=50, help_text=_("E.g. workshops, %, people."))
    direction = models.CharField(
        _("direction"),
        max_length=10,
        choices=IndicatorDirection.choices,
        default=IndicatorDirection.INCREASE,
    )
    baseline = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline_on = models.DateField(_("baseline date"), null=True, blank=True)
    target = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target_on = models.DateField(_("target date"), null=True, blank=True)
    source_key = models.CharField(
        _("computed from"),
        max_length=80,
        blank=True,
        help_text=_("Leave empty for values entered by hand or imported."),
    )
    is_public = models.BooleanField(_("shown in the public summary"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    objects = TerritoryScopedQuerySet["Indicator"].as_manager()

    class Meta:
        ordering = ["sheet", "position", "name"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["sheet", "name"], name="unique_indicator_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_computed(self) -> bool:
        return bool(self.source_key)


class MeasurementOrigin(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    IMPORT = "import", _("Imported")
    COMPUTED = "computed", _("Computed")


class Measurement(TerritoryScopedModel):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="measurements")
    measured_on = models.DateField(_("date"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    origin = models.CharField(
        _("origin"),
        max_length=10,
        choices=MeasurementOrigin.choices,
        default=MeasurementOrigin.MANUAL,
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    objects = TerritoryScopedQuerySet["Measurement"].as_manager()

    class Meta:
        ordering = ["indicator", "measured_on"]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "measured_on"], name="one_measurement_per_indicator_and_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} {self.measured_on}: {self.value}"


# --- Activities -----------------------------------------------------------------------------


class ActivityKind(models.TextChoices):
    WORKSHOP = "workshop", _("Workshop")
    CLASSROOM_SESSION = "classroom_session", _("Classroom session")
    AWARENESS_EVENT = "awareness_event", _("Awareness event")
    OTHER = "other", _("Other")


class ActivityStatus(models.TextChoices):
    # In their own context: an activity is "prévue"/"réalisée", a meeting "programmée"/"tenue".
    REQUESTED = "requested", pgettext_lazy("activity status", "Requested")
    PLANNED = "planned", pgettext_lazy("activity status", "Planned")
    HELD = "held", pgettext_lazy("activity status", "Held")
    CANCELLED = "cancelled", pgettext_lazy("activity status", "Cancelled")


class Activity(PublicIdModel, TerritoryScopedModel):
    """A concrete event of an action: a youth–police workshop, a police classroom session
    requested by a school head... Participants are counted (ParticipantCount), never named."""

    sheet = models.ForeignKey(ActionSheet, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"), max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    planned_on = models.DateField(_("planned date"), null=True, blank=True)
    held_on = models.DateField(_("date held"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    neighbourhood = models.ForeignKey(
        "core.Neighbourhood",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("neighbourhood"),
    )
    requested_by = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requested_activities",
        verbose_name=_("requested by"),
    )
    requested_on = models.DateField(_("request date"), null=True, blank=True)
    class_name = models.CharField(_("class"), max_length=50, blank=True, help_text=_("E.g. 4e B."))
    facilitators = models.ManyToManyField(
        "accounts.Organisation",
        blank=True,
        related_name="facilitated_activities",
        verbose_name=_("run by"),
    )
    summary = models.TextField(
        _("summary"),
        blank=True,
        max_length=1500,
        help_text=_("What happened. No one's name: participants are counted, not named."),
    )

    objects = TerritoryScopedQuerySet["Activity"].as_manager()

    class Meta:
        ordering = ["sheet", "planned_on"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        indexes = [models.Index(fields=["territory", "planned_on"])]

    def __str__(self) -> str:
        return self.title


class AgeBand(models.TextChoices):
    UNDER_11 = "under_11", _("Under 11")
    FROM_11_TO_13 = "11_13", _("11–13")
    FROM_14_TO_17 = "14_17", _("14–17")
    FROM_18_TO_25 = "18_25", _("18–25")
    OVER_25 = "over_25", _("Over 25")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    NOT_STATED = "not_stated", _("Not stated")


class ParticipantCount(TerritoryScopedModel):
    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="participant_counts"
    )
    age_band = models.CharField(_("age band"), max_length=10, choices=AgeBand.choices)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    count = models.PositiveIntegerField(_("count"))

    objects = TerritoryScopedQuerySet["ParticipantCount"].as_manager()

    class Meta:
        ordering = ["activity", "age_band", "sex"]
        verbose_name = _("participant count")
        verbose_name_plural = _("participant counts")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "age_band", "sex"], name="one_count_per_band_and_sex"
            )
        ]


# --- Evaluations ----------------------------------------------------------------------------


class EvaluationStatus(models.TextChoices):
    ON_TRACK = SheetStatus.ON_TRACK.value, SheetStatus.ON_TRACK.label
    AT_RISK = SheetStatus.AT_RISK.value, SheetStatus.AT_RISK.label
    LATE = SheetStatus.LATE.value, SheetStatus.LATE.label
    DONE = SheetStatus.DONE.value, SheetStatus.DONE.label
    STOPPED = SheetStatus.STOPPED.value, SheetStatus.STOPPED.label


class EvaluationDecision(models.TextChoices):
    CONTINUE = "continue", _("Continue")
    REORIENT = "reorient", _("Reorient")
    STOP = "stop", _("Stop")


class Evaluation(PublicIdModel, TerritoryScopedModel):
    """A committee's evaluation of an action sheet, usually in one of its meetings. The sheet
    keeps every evaluation; the last one sets its status and progress."""

    sheet = models.ForeignKey(ActionSheet, on_delete=models.CASCADE, related_name="evaluations")
    meeting = models.ForeignKey(
        "governance.Meeting",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("meeting"),
    )
    evaluated_on = models.DateField(_("date"))
    status = models.CharField(_("status"), max_length=20, choices=EvaluationStatus.choices)
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MaxValueValidator(100)]
    )
    decision = models.CharField(_("decision"), max_length=10, choices=EvaluationDecision.choices)
    # Internal to the committees: never in the public summary.
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    objects = TerritoryScopedQuerySet["Evaluation"].as_manager()

    class Meta:
        ordering = ["sheet", "-evaluated_on", "-recorded_at"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "meeting"], name="one_evaluation_per_sheet_and_meeting"
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="evaluation_progress_at_most_100"
            ),
        ]
        indexes = [models.Index(fields=["sheet", "evaluated_on"])]

    def __str__(self) -> str:
        return f"{self.sheet.number} {self.evaluated_on}"
