"""The council's bodies, their members, and the ethics charter that gates nominative cases.

Art. L132-5 of the Code de la sécurité intérieure lets the working groups of a CLSPD share
confidential facts, which may not go to third parties; CNIL AU-038 asks that a member sees a
nominative case only after signing the group's ethics charter, version and date kept, and
that revoking a member is traced. `governance.access` is that gate; every module holding
nominative cases (follow-ups, family council) asks it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from tranquillite.core.models import PublicIdModel, TerritoryScopedModel, TerritoryScopedQuerySet


class BodyKind(models.TextChoices):
    PLENARY = "plenary", _("CLSPD plenary")
    RESTRICTED = "restricted", _("CLSPD restricted session")
    STEERING_COMMITTEE = "steering_committee", _("Steering committee")
    MONITORING_COMMITTEE = "monitoring_committee", _("Monitoring committee")
    WORKING_GROUP = "working_group", _("Working group")
    FAMILY_COUNCIL = "family_council", _("Family council (CDDF)")
    # Told at once of tension alerts (tranquillite/tensions); sees no nominative case.
    MONITORING_CELL = "monitoring_cell", _("Monitoring cell (cellule de veille)")


# Only these may ever handle nominative cases; plenary and committees see aggregates only.
NOMINATIVE_KINDS = frozenset({BodyKind.WORKING_GROUP, BodyKind.FAMILY_COUNCIL})


class Body(PublicIdModel, TerritoryScopedModel):
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=30, choices=BodyKind.choices)
    purpose = models.TextField(_("purpose"), blank=True, max_length=1000)
    handles_cases = models.BooleanField(
        _("handles nominative cases"),
        default=False,
        help_text=_(
            "Only a working group or the family council may; its members must sign its "
            "ethics charter before seeing any case."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = TerritoryScopedQuerySet["Body"].as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("body")
        verbose_name_plural = _("bodies")
        constraints = [
            models.UniqueConstraint(fields=["territory", "name"], name="unique_body_name")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.handles_cases and self.kind not in NOMINATIVE_KINDS:
            raise ValidationError(
                {
                    "handles_cases": _(
                        "Only a working group or the family council may handle nominative cases."
                    )
                }
            )

    def current_charter(self) -> EthicsCharter | None:
        return self.charters.order_by("-version").first()


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    LEFT = "left", _("Left")


class BodyMember(PublicIdModel, TerritoryScopedModel):
    """A member of a body: a user of the platform, or an outside contact with no account."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="body_memberships",
        verbose_name=_("user"),
    )
    contact_name = models.CharField(_("name (no account)"), max_length=150, blank=True)
    contact_email = models.EmailField(_("e-mail (no account)"), blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    is_chair = models.BooleanField(_("chair"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    status_reason = models.CharField(_("reason"), max_length=300, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = TerritoryScopedQuerySet["BodyMember"].as_manager()

    class Meta:
        ordering = ["-is_chair", "user__last_name", "contact_name"]
        verbose_name = _("body member")
        verbose_name_plural = _("body members")
        constraints = [
            models.UniqueConstraint(
                fields=["body", "user"],
                condition=models.Q(user__isnull=False),
                name="unique_user_per_body",
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(contact_name=""),
                name="member_is_a_user_or_a_named_contact",
            ),
        ]

    def __str__(self) -> str:
        return str(self.user) if self.user_id else self.contact_name

    @property
    def display_name(self) -> str:
        return str(self)


class EthicsCharter(PublicIdModel, TerritoryScopedModel):
    """One version of a body's ethics charter. A new version must be signed again."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="charters")
    version = models.PositiveIntegerField(_("version"))
    text = models.TextField(_("text"), max_length=20000)
    published_at = models.DateTimeField(_("published on"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects = TerritoryScopedQuerySet["EthicsCharter"].as_manager()

    class Meta:
        ordering = ["body", "-version"]
        verbose_name = _("ethics charter")
        verbose_name_plural = _("ethics charters")
        constraints = [
            models.UniqueConstraint(fields=["body", "version"], name="unique_charter_version")
        ]

    def __str__(self) -> str:
        return f"{self.body} — v{self.version}"


class CharterSignature(TerritoryScopedModel):
    member = models.ForeignKey(BodyMember, on_delete=models.CASCADE, related_name="signatures")
    charter = models.ForeignKey(EthicsCharter, on_delete=models.PROTECT, related_name="signatures")
    signed_at = models.DateTimeField(_("signed on"), auto_now_add=True)

    objects = TerritoryScopedQuerySet["CharterSignature"].as_manager()

    class Meta:
        ordering = ["-signed_at"]
        verbose_name = _("charter signature")
        verbose_name_plural = _("charter signatures")
        constraints = [
            models.UniqueConstraint(fields=["member", "charter"], name="unique_signature")
        ]

    def __str__(self) -> str:
        return f"{self.member} — {self.charter}"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(PublicIdModel, TerritoryScopedModel):
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200)
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    # The decision record's introduction; decisions themselves are rows (Decision).
    minutes_summary = models.TextField(_("summary of the discussion"), blank=True, max_length=5000)
    # Why a meeting was cancelled: kept (and its change in the history), shown to members.
    cancellation_reason = models.CharField(
        _("reason for the cancellation"), max_length=500, blank=True
    )

    objects = TerritoryScopedQuerySet["Meeting"].as_manager()

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["body", "-starts_at"])]

    def __str__(self) -> str:
        return f"{self.body} — {self.starts_at:%d/%m/%Y}"


class AgendaItem(PublicIdModel, TerritoryScopedModel):
    """An item of the agenda. A confidential item of a nominative body names a case by its
    number only, never a person (art. L132-5 CSI; CNIL AU-038)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=200, blank=True)
    is_confidential = models.BooleanField(_("confidential item"), default=False)
    case_number = models.CharField(
        _("case number"),
        max_length=30,
        blank=True,
        help_text=_("For a confidential item: the case's number, never a name."),
    )

    objects = TerritoryScopedQuerySet["AgendaItem"].as_manager()

    class Meta:
        ordering = ["meeting", "position"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "position"], name="unique_agenda_position")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.is_confidential:
            return str(_("Case %(number)s") % {"number": self.case_number})
        return self.title


class Presence(models.TextChoices):
    PRESENT = "present", _("Present")
    EXCUSED = "excused", _("Excused")
    ABSENT = "absent", _("Absent")
    REPRESENTED = "represented", _("Represented")


class Attendance(TerritoryScopedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(BodyMember, on_delete=models.CASCADE, related_name="attendances")
    presence = models.CharField(_("presence"), max_length=20, choices=Presence.choices)

    objects = TerritoryScopedQuerySet["Attendance"].as_manager()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="unique_attendance")
        ]


class Decision(PublicIdModel, TerritoryScopedModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField(_("decision"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TerritoryScopedQuerySet["Decision"].as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return self.text[:60]


class TaskStatus(models.TextChoices):
    OPEN = "open", _("To do")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class FollowUpTask(PublicIdModel, TerritoryScopedModel):
    """A task a decision gives to someone, with a due date."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="follow_up_tasks",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = TerritoryScopedQuerySet["FollowUpTask"].as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("follow-up task")
        verbose_name_plural = _("follow-up tasks")
        indexes = [models.Index(fields=["owner", "status", "due_on"])]

    def __str__(self) -> str:
        return self.title


def _new_feed_token() -> str:
    import secrets

    return secrets.token_urlsafe(32)


class CalendarFeed(TerritoryScopedModel):
    """A private calendar address: the meetings of the bodies a user belongs to in one
    territory, for any calendar application. The token is the only credential, so the feed
    carries bodies, dates and places only; the user can replace it at any time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token = models.CharField(max_length=64, unique=True, default=_new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TerritoryScopedQuerySet["CalendarFeed"].as_manager()

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(fields=["user", "territory"], name="one_feed_per_territory")
        ]
