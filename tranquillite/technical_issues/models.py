"""Technical issues (veille technique): a broken street light, a damaged playground gate, dumped
waste, seen in the street and routed, without anyone forwarding an e-mail, to the body that
fixes it — a city service or a social landlord — which acknowledges, comments and resolves it.

An issue names no one: a closed category, a place (a point snapped to a neighbourhood and its
h3 cells), a short description checked by the free-text guard, a photo re-encoded without its
metadata. Routing rules (category × place → organisation) are the territory's; the issue keeps
the rule that routed it. Each change of an issue is an `IssueEvent` with who and when.
"""

from __future__ import annotations

import uuid
from typing import Any, Self

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tranquillite.accounts.models import Organisation
from tranquillite.core.models import (
    Neighbourhood,
    PublicIdModel,
    TerritoryScopedModel,
    TerritoryScopedQuerySet,
)

# The resolution of the cells an area drawn on the map is turned into (about 15,000 m² each):
# fine enough for a residence's courtyard, and an issue's own r10 cell finds the rule by an
# indexed equality.
AREA_RESOLUTION = 10


class IssueCategory(models.TextChoices):
    LIGHTING = "lighting", _("Street lighting")
    ROADS = "roads", _("Roads and pavements")
    WASTE = "waste", _("Waste and cleanliness")
    BUILDING_ACCESS = "building_access", _("Building access (doors, entry phones, lifts)")
    PARKS = "parks", _("Parks and playgrounds")
    GRAFFITI = "graffiti", _("Graffiti and tags")
    ABANDONED_VEHICLE = "abandoned_vehicle", _("Abandoned vehicle")
    OTHER = "other", _("Other")


class IssueStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    INFORMATION_REQUESTED = "information_requested", _("Information requested")
    RESOLVED = "resolved", _("Resolved")
    REFUSED = "refused", _("Refused")


OPEN_STATUSES = (
    IssueStatus.OPEN,
    IssueStatus.ACKNOWLEDGED,
    IssueStatus.INFORMATION_REQUESTED,
)
CLOSED_STATUSES = (IssueStatus.RESOLVED, IssueStatus.REFUSED)


class IssueSource(models.TextChoices):
    LOG_ENTRY = "log_entry", _("Daily log entry")
    PARTNER = "partner", _("Partner")
    COORDINATION = "coordination", _("Coordination")


class EventKind(models.TextChoices):
    RAISED = "raised", _("Raised")
    ROUTED = "routed", _("Routed")
    REROUTED = "rerouted", _("Re-routed")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    COMMENTED = "commented", _("Comment")
    INFORMATION_REQUESTED = "information_requested", _("Information requested")
    INFORMATION_GIVEN = "information_given", _("Information given")
    RESOLVED = "resolved", _("Resolved")
    REFUSED = "refused", _("Refused")
    REMINDED = "reminded", _("Reminder sent (deadline passed)")
    ESCALATED = "escalated", _("Escalated to the coordination")


def _territories_with(user: Any, right: str) -> Any:
    from tranquillite.accounts.models import Membership
    from tranquillite.accounts.roles import RIGHTS

    return Membership.objects.filter(
        user=user, is_active=True, territory__is_active=True, role__in=RIGHTS[right]
    ).values("territory_id")


def _organisations_of(user: Any) -> Any:
    """The organisations whose queue `user` works: his active memberships holding the right."""
    from tranquillite.accounts.models import Membership
    from tranquillite.accounts.roles import RIGHTS

    return Membership.objects.filter(
        user=user,
        is_active=True,
        territory__is_active=True,
        role__in=RIGHTS["technical_issues.work_queue"],
    ).values("organisation_id")


class RoutingRuleQuerySet(TerritoryScopedQuerySet["RoutingRule"]):
    def visible_to(self, user: Any) -> Self:
        """The rules are the coordination's: those who manage or oversee routing."""
        scoped = super().visible_to(user)
        if scoped.query.is_empty():
            return scoped
        return scoped.filter(
            Q(territory__in=_territories_with(user, "technical_issues.manage_routing"))
            | Q(territory__in=_territories_with(user, "technical_issues.oversee_issues"))
        )


class RoutingRule(PublicIdModel, TerritoryScopedModel):
    """Category × place → the organisation that fixes it. A blank category matches every
    category; a rule's place is a neighbourhood, or an area drawn on the map (a GeoJSON
    polygon whose h3 cells are stored in `RuleCell`), or nothing (the whole territory).
    Among the rules that match, the highest priority wins (then the area, then the
    neighbourhood, then the oldest rule)."""

    name = models.CharField(_("name"), max_length=120)
    category = models.CharField(
        _("category"), max_length=30, choices=IssueCategory.choices, blank=True
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("neighbourhood"),
    )
    area = models.JSONField(_("area (GeoJSON)"), null=True, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=100, validators=[MaxValueValidator(1000)]
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoutingRuleQuerySet.as_manager()

    class Meta:
        ordering = ["-priority", "name"]
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        indexes = [
            models.Index(fields=["territory", "is_active", "category"], name="ti_rule_match"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(neighbourhood__isnull=True) | Q(area__isnull=True),
                name="ti_rule_one_place",
            )
        ]

    def __str__(self) -> str:
        return self.name


class RuleCell(TerritoryScopedModel):
    """One h3 cell (resolution AREA_RESOLUTION) covered by a rule's area, precomputed when the
    area is saved, so that matching an issue is an indexed lookup on its own cell."""

    rule = models.ForeignKey(RoutingRule, on_delete=models.CASCADE, related_name="cells")
    cell = models.BigIntegerField()

    objects = TerritoryScopedQuerySet["RuleCell"].as_manager()

    class Meta:
        indexes = [models.Index(fields=["territory", "cell"], name="ti_rule_cell")]
        constraints = [models.UniqueConstraint(fields=["rule", "cell"], name="ti_unique_rule_cell")]


class RoutingDefault(TerritoryScopedModel):
    """The organisation an issue goes to when no rule matches (one per territory)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )

    objects = TerritoryScopedQuerySet["RoutingDefault"].as_manager()

    class Meta:
        verbose_name = _("default organisation")
        constraints = [
            models.UniqueConstraint(fields=["territory"], name="ti_one_default_per_territory")
        ]


class CategoryDeadline(TerritoryScopedModel):
    """The territory's service-level deadline for a category, in days from routing."""

    category = models.CharField(_("category"), max_length=30, choices=IssueCategory.choices)
    days = models.PositiveSmallIntegerField(
        _("days to fix"), validators=[MinValueValidator(1), MaxValueValidator(365)]
    )

    objects = TerritoryScopedQuerySet["CategoryDeadline"].as_manager()

    class Meta:
        verbose_name = _("deadline")
        constraints = [
            models.UniqueConstraint(fields=["territory", "category"], name="ti_one_deadline")
        ]


def issue_photo_path(issue: TechnicalIssue, filename: str) -> str:
    # A random name: the file's address says nothing of the issue or its place.
    return f"technical_issues/{uuid.uuid4()}.jpg"


class TechnicalIssueQuerySet(TerritoryScopedQuerySet["TechnicalIssue"]):
    def visible_to(self, user: Any) -> Self:
        """Need to know. Whoever oversees issues sees the territory's; an organisation's
        member working its queue sees the issues routed to that organisation; a reporter sees
        what he raised, and a field agent what his teams raised. Nothing else (deny by
        default)."""
        scoped = super().visible_to(user)
        if scoped.query.is_empty():
            return scoped
        from tranquillite.field.models import Team

        raisers = _territories_with(user, "technical_issues.raise_issue")
        return scoped.filter(
            Q(territory__in=_territories_with(user, "technical_issues.oversee_issues"))
            | Q(
                territory__in=_territories_with(user, "technical_issues.work_queue"),
                organisation__in=_organisations_of(user),
            )
            | Q(territory__in=raisers, reporter=user)
            | Q(territory__in=raisers, team__in=Team.objects.visible_to(user).values("pk"))
        )

    def routed_to(self, organisation: Organisation) -> Self:
        return self.filter(organisation=organisation)

    def still_open(self) -> Self:
        return self.filter(status__in=OPEN_STATUSES)


class TechnicalIssue(PublicIdModel, TerritoryScopedModel):
    reference = models.CharField(_("reference"), max_length=20, editable=False)
    category = models.CharField(_("category"), max_length=30, choices=IssueCategory.choices)
    description = models.CharField(_("description"), max_length=500)
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.PROTECT, related_name="+", verbose_name=_("neighbourhood")
    )
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    place_given_by = models.CharField(_("place given by"), max_length=20, blank=True)
    h3_r6 = models.BigIntegerField(editable=False)
    h3_r8 = models.BigIntegerField(editable=False)
    h3_r10 = models.BigIntegerField(editable=False)
    # Re-encoded by field/photos.py (no original, no EXIF, no GPS); served after visible_to.
    photo = models.FileField(
        _("photo"), upload_to=issue_photo_path, max_length=200, blank=True, editable=False
    )
    source = models.CharField(_("raised from"), max_length=20, choices=IssueSource.choices)
    log_entry = models.ForeignKey(
        "field.LogEntry", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    team = models.ForeignKey(
        "field.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=30, choices=IssueStatus.choices, default=IssueStatus.OPEN
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("routed to")
    )
    # The rule that routed it; None: the territory's default organisation.
    routing_rule = models.ForeignKey(
        RoutingRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    routed_by_default = models.BooleanField(default=False)
    routed_at = models.DateTimeField(_("routed at"))
    due_at = models.DateTimeField(_("to fix by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closing_note = models.CharField(_("reason or note"), max_length=500, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Incremented at each re-routing: a signed link sent to the previous organisation dies.
    routing_round = models.PositiveSmallIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # Given by a partner's program (Open311 `Idempotency-Key`): the same request sent again
    # after a lost answer finds this issue instead of raising a second one.
    client_uuid = models.UUIDField(null=True, blank=True, editable=False)

    objects = TechnicalIssueQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("technical issue")
        verbose_name_plural = _("technical issues")
        indexes = [
            models.Index(fields=["territory", "organisation", "status", "due_at"], name="ti_queue"),
            models.Index(fields=["territory", "created_at"], name="ti_time"),
            models.Index(fields=["territory", "category", "h3_r10"], name="ti_nearby"),
            models.Index(fields=["status", "due_at"], name="ti_late"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["territory", "reference"], name="ti_unique_reference"),
            models.UniqueConstraint(
                fields=["territory", "client_uuid"],
                condition=Q(client_uuid__isnull=False),
                name="ti_unique_client_uuid",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def access_log_label(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_late(self) -> bool:
        return self.is_open and self.due_at < timezone.now()


class IssueEventQuerySet(TerritoryScopedQuerySet["IssueEvent"]):
    def visible_to(self, user: Any) -> Self:
        return self.filter(issue__in=TechnicalIssue.objects.visible_to(user).values("pk"))


class IssueEvent(TerritoryScopedModel):
    """One change of an issue: who (a user, or an organisation through its signed link) and
    when; the comment, reason or question when there is one."""

    issue = models.ForeignKey(TechnicalIssue, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # The organisation acting (the actor's, or the one a signed link was sent to).
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    via_link = models.BooleanField(default=False)
    text = models.CharField(_("text"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = IssueEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("issue event")
        verbose_name_plural = _("issue events")
