"""Individual follow-ups: the mayor's reminder of the law (RAO), the family council (CDDF),
individual support and victim support.

One engine (followups/engine.py) runs the four kinds; each kind declares its workflow — states,
steps, closed lists, deadlines — in one file of followups/workflows/.

Each follow-up belongs to exactly one nominative body (a working group or the CDDF) and is seen
only by that body's members who signed its current ethics charter (art. L132-5 CSI; CNIL
AU-038), plus, for a reminder of the law, the elected official who presides its hearing
(art. L132-7 CSI: the mayor or his delegate). `FollowUpQuerySet.visible_to` is that rule.
Everywhere a name must not appear (agendas, minutes, e-mails, statistics) the follow-up is its
`case_number`.
"""

from __future__ import annotations

from typing import Any, Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tranquillite.accounts.roles import NOMINATIVE_ROLES
from tranquillite.core.models import PublicIdModel, TerritoryScopedModel, TerritoryScopedQuerySet
from tranquillite.governance.access import bodies_with_case_access
from tranquillite.letters.models import FiledDocument


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
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        # The official presiding a hearing sees the files he hears, while he holds a role
        # that may reach names in their territory.
        presiding_territories = user.memberships.filter(
            is_active=True, role__in=NOMINATIVE_ROLES
        ).values("territory_id")
        return self.filter(
            models.Q(body__in=bodies_with_case_access(user))
            | models.Q(presiding_official=user, territory__in=presiding_territories)
        )

    def active(self) -> Self:
        return self.filter(closed_on__isnull=True)

    def archived(self) -> Self:
        return self.filter(closed_on__isnull=False)


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
    # Closed lists of the kind's workflow (validated there, shown through it).
    source = models.CharField(_("source"), max_length=30)
    facts = models.CharField(_("facts"), max_length=30, blank=True)
    facts_place = models.CharField(
        _("place of the facts"),
        max_length=150,
        blank=True,
        help_text=_("A street or a place; no one's name."),
    )
    summary = models.TextField(
        _("short summary"),
        max_length=500,
        blank=True,
        help_text=_(
            "500 characters at most. No name of a third party, no extract of a police file."
        ),
    )
    opened_on = models.DateField(_("referral date"))
    case_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("case worker"),
    )
    presiding_official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("presiding official"),
        help_text=_("The mayor or the deputy who holds the hearing."),
    )
    outcome = models.CharField(_("outcome"), max_length=30, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # Set at closure by followups/retention.py: the day the file must be destroyed (3 years
    # in the archive, never past the person's 25th birthday).
    destroy_on = models.DateField(_("to be destroyed on"), null=True, blank=True)
    # RGPD art. 18: a restricted file is kept but no longer processed (no step, no letter).
    restricted_at = models.DateTimeField(_("restricted since"), null=True, blank=True)
    restriction_reason = models.CharField(_("reason for restriction"), max_length=300, blank=True)
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
        indexes = [
            models.Index(fields=["body", "closed_on"]),
            models.Index(fields=["destroy_on"]),
        ]

    def __str__(self) -> str:
        return self.case_number

    def access_log_label(self) -> str:
        return self.case_number

    @property
    def is_archived(self) -> bool:
        return self.closed_on is not None

    @property
    def is_restricted(self) -> bool:
        return self.restricted_at is not None


class ScopedToFollowUpQuerySet[M: models.Model](TerritoryScopedQuerySet[M]):
    """Rows that belong to a follow-up are seen exactly when the follow-up is."""

    def visible_to(self, user: Any) -> Self:
        return self.filter(follow_up__in=FollowUp.objects.visible_to(user))


class FollowUpEvent(TerritoryScopedModel):
    """One step taken in a follow-up: the timeline. `data` holds the step's answers — closed
    list values, dates, yes/no, short texts — as the workflow's form cleaned them."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="events")
    step = models.CharField(_("step"), max_length=40)
    from_state = models.CharField(max_length=30, blank=True)
    to_state = models.CharField(max_length=30)
    occurred_on = models.DateField(_("date"))
    data = models.JSONField(default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedToFollowUpQuerySet["FollowUpEvent"].as_manager()

    class Meta:
        ordering = ["follow_up", "occurred_on", "recorded_at"]
        verbose_name = _("step")
        verbose_name_plural = _("steps")


class DeadlineKind(models.TextChoices):
    PROSECUTOR_ANSWER = "prosecutor_answer", _("Prosecutor's answer")
    HEARING = "hearing", _("Hearing")
    SESSION = "session", _("Family council session")
    REVIEW_3_MONTHS = "review_3_months", _("Review at 3 months")
    REVIEW_6_MONTHS = "review_6_months", _("Review at 6 months")
    REVIEW_12_MONTHS = "review_12_months", _("Review at 12 months")
    SUPPORT_END = "support_end", _("End of support")


class Deadline(TerritoryScopedModel):
    """Something due in a follow-up, for the work lists and the reminders."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(_("kind"), max_length=20, choices=DeadlineKind.choices)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )

    objects = ScopedToFollowUpQuerySet["Deadline"].as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        indexes = [
            models.Index(fields=["owner", "done_on", "due_on"]),
            models.Index(fields=["territory", "done_on", "due_on"]),
        ]


class SupportBeneficiary(models.TextChoices):
    PERSON = "person", _("The young person")
    PARENTS = "parents", _("The parents")


class SupportActionKind(models.TextChoices):
    SCHOOLING = "schooling", _("Schooling and educational support")
    LEISURE = "leisure", _("Sport, culture or leisure activity")
    PARENTING = "parenting", _("Parenting support")
    HEALTH = "health", _("Health or psychological support")
    TRAINING = "training", _("Training or job search")
    CITIZENSHIP = "citizenship", _("Citizenship or responsibility course")
    VICTIM_HELP = "victim_help", _("Help for victims")
    OTHER = "other", _("Other")


class SupportResult(models.TextChoices):
    ONGOING = "ongoing", _("Ongoing")
    COMPLETED = "completed", _("Completed")
    PARTLY = "partly", _("Partly completed")
    NOT_DONE = "not_done", _("Not done")


class SupportAction(TerritoryScopedModel):
    """An action of the support plan, with a partner."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="actions")
    beneficiary = models.CharField(
        _("for"), max_length=10, choices=SupportBeneficiary.choices, default="person"
    )
    kind = models.CharField(_("action"), max_length=20, choices=SupportActionKind.choices)
    partner = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner"),
    )
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"), null=True, blank=True)
    result = models.CharField(
        _("result"), max_length=10, choices=SupportResult.choices, default="ongoing"
    )
    note = models.CharField(
        _("note"), max_length=200, blank=True, help_text=_("Short; no name of a third party.")
    )

    objects = ScopedToFollowUpQuerySet["SupportAction"].as_manager()

    class Meta:
        ordering = ["follow_up", "starts_on"]
        verbose_name = _("support action")
        verbose_name_plural = _("support actions")


class FollowUpLink(TerritoryScopedModel):
    """A link between two follow-ups (e.g. a victim's and an offender's file). It is seen only
    by whoever sees both ends: a link never reveals one file to a user who may not see it."""

    from_follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="+")
    to_follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TerritoryScopedQuerySet["FollowUpLink"].as_manager()

    class Meta:
        verbose_name = _("link between follow-ups")
        verbose_name_plural = _("links between follow-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["from_follow_up", "to_follow_up"], name="unique_follow_up_link"
            )
        ]

    @classmethod
    def visible_between(cls, user: Any) -> models.QuerySet[FollowUpLink]:
        seen = FollowUp.objects.visible_to(user)
        return cls.objects.filter(from_follow_up__in=seen, to_follow_up__in=seen)


class CaseStatistic(TerritoryScopedModel):
    """The anonymous shadow of a follow-up, kept in step by the engine: what the statistics
    read (never the follow-ups themselves) and what survives the file's destruction (CNIL
    AU-038: statistics are anonymous). No name, no birth date, no case number: an age band
    at referral, the sex, the neighbourhood, closed-list values and yes/no facts."""

    follow_up = models.OneToOneField(
        FollowUp, on_delete=models.SET_NULL, null=True, blank=True, related_name="statistic"
    )
    kind = models.CharField(max_length=20, choices=FollowUpKind.choices)
    year = models.PositiveSmallIntegerField()
    referred_on = models.DateField()
    source = models.CharField(max_length=30)
    facts = models.CharField(max_length=30, blank=True)
    age_band = models.CharField(max_length=10)
    sex = models.CharField(max_length=10)
    neighbourhood = models.ForeignKey(
        "core.Neighbourhood", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    summoned = models.BooleanField(default=False)
    heard = models.BooleanField(default=False)
    no_show = models.BooleanField(default=False)
    parents_present = models.BooleanField(default=False)
    support_started = models.BooleanField(default=False)
    support_completed = models.BooleanField(default=False)
    # None: not known yet (the review is not due or not held).
    reoffended_6_months = models.BooleanField(null=True)
    reoffended_12_months = models.BooleanField(null=True)
    # The review was held before its window (workflows/common.py, REVIEW_WINDOW_DAYS), with a
    # reason: its answer is not a 6- or 12-month figure, and the observatory counts it apart.
    review_6_months_early = models.BooleanField(default=False)
    review_12_months_early = models.BooleanField(default=False)
    outcome = models.CharField(max_length=30, blank=True)
    closed = models.BooleanField(default=False)

    objects = TerritoryScopedQuerySet["CaseStatistic"].as_manager()

    class Meta:
        verbose_name = _("case statistic")
        verbose_name_plural = _("case statistics")
        indexes = [models.Index(fields=["territory", "kind", "year"])]


class DocumentKind(models.TextChoices):
    SUMMONS = "summons", _("Summons")
    SECOND_SUMMONS = "second_summons", _("Second summons")
    INFORMATION_NOTICE = "information_notice", _("Information notice")
    NOTE_TO_PROSECUTOR = "note_to_prosecutor", _("Note to the prosecutor")
    OTHER = "other", _("Other")


def case_document_path(document: CaseDocument, filename: str) -> str:
    # A random folder: a file's path says nothing of the case or the person.
    return f"followups/{document.public_id}/{filename}"


class CaseDocument(FiledDocument):
    """A document filed in a follow-up, such as a generated summons letter. Destroyed with
    the follow-up (file included, followups/retention.py)."""

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    guardian = models.ForeignKey(
        "people.LegalGuardian",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("addressee (legal guardian)"),
    )
    file = models.FileField(_("file"), upload_to=case_document_path, max_length=300)

    objects = ScopedToFollowUpQuerySet["CaseDocument"].as_manager()

    class Meta:
        ordering = ["follow_up", "created_at"]
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")

    def access_log_label(self) -> str:
        return f"{self.follow_up.case_number} — {self.get_kind_display()}"
