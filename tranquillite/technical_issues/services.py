"""Every write of the technical issues: the routing settings (coordination), raising an issue,
the fixer's moves (acknowledge, comment, ask for information, resolve, refuse), the reporter's
answer, re-routing. Each move checks who acts first and leaves an `IssueEvent`.

A move is made by a signed-in `actor`, or by an organisation through its signed link (`link`,
acknowledge and resolve only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tranquillite.accounts.models import Membership, Organisation
from tranquillite.accounts.permissions import has_right
from tranquillite.accounts.roles import RIGHTS, Role
from tranquillite.core.models import Neighbourhood, Territory
from tranquillite.field.geo import cells_of, nearest_neighbourhood
from tranquillite.field.guards import note_warnings
from tranquillite.field.models import LogEntry, Team
from tranquillite.field.photos import reencode
from tranquillite.technical_issues import routing
from tranquillite.technical_issues.conf import DEFAULT_DEADLINE_DAYS
from tranquillite.technical_issues.geo import area_cells, nearby_cells, parse_area
from tranquillite.technical_issues.links import LinkGrant
from tranquillite.technical_issues.models import (
    OPEN_STATUSES,
    CategoryDeadline,
    EventKind,
    IssueCategory,
    IssueEvent,
    IssueSource,
    IssueStatus,
    RoutingDefault,
    RoutingRule,
    RuleCell,
    TechnicalIssue,
)

# --- Who may do what -----------------------------------------------------------------------


def _require(condition: bool) -> None:
    if not condition:
        raise PermissionDenied


def works_on(user: Any, issue: TechnicalIssue) -> bool:
    """A member of the organisation the issue is routed to (working its queue), or the
    coordination, which may act for a service that answered by telephone."""
    if user is None or not user.is_authenticated:
        return False
    if has_right(user, "technical_issues.manage_routing", issue.territory):
        return True
    return (
        has_right(user, "technical_issues.work_queue", issue.territory)
        and Membership.objects.filter(
            user=user,
            territory=issue.territory,
            organisation_id=issue.organisation_id,
            is_active=True,
            role__in=RIGHTS["technical_issues.work_queue"],
        ).exists()
    )


def follows(user: Any, issue: TechnicalIssue) -> bool:
    """The reporter, his team, or the coordination: may answer a question and comment."""
    if user is None or not user.is_authenticated:
        return False
    if has_right(user, "technical_issues.manage_routing", issue.territory):
        return True
    if not has_right(user, "technical_issues.raise_issue", issue.territory):
        return False
    if issue.reporter_id == user.pk:
        return True
    return (
        issue.team_id is not None
        and Team.objects.visible_to(user).filter(pk=issue.team_id).exists()
    )


# --- Routing settings (the coordination) ---------------------------------------------------


def _check_organisation(territory: Territory, organisation: Organisation) -> None:
    if organisation.territory_id != territory.pk or not organisation.is_active:
        raise ValidationError({"organisation": _("This organisation is not in the territory.")})


@transaction.atomic
def set_default_organisation(
    *, actor: Any, territory: Territory, organisation: Organisation
) -> RoutingDefault:
    _require(has_right(actor, "technical_issues.manage_routing", territory))
    _check_organisation(territory, organisation)
    default, _created = RoutingDefault.objects.update_or_create(
        territory=territory, defaults={"organisation": organisation}
    )
    return default


@transaction.atomic
def set_deadline(*, actor: Any, territory: Territory, category: str, days: int) -> CategoryDeadline:
    _require(has_right(actor, "technical_issues.manage_routing", territory))
    if category not in IssueCategory.values:
        raise ValidationError({"category": _("Choose a category from the list.")})
    if not 1 <= days <= 365:
        raise ValidationError({"days": _("A deadline is between 1 and 365 days.")})
    deadline, _created = CategoryDeadline.objects.update_or_create(
        territory=territory, category=category, defaults={"days": days}
    )
    return deadline


def deadline_days(territory: Territory, category: str) -> int:
    days = (
        CategoryDeadline.objects.filter(territory=territory, category=category)
        .values_list("days", flat=True)
        .first()
    )
    return days or DEFAULT_DEADLINE_DAYS[category]


@transaction.atomic
def save_rule(
    *,
    actor: Any,
    territory: Territory,
    name: str,
    organisation: Organisation,
    category: str = "",
    neighbourhood: Neighbourhood | None = None,
    area: str | dict[str, Any] | None = None,
    priority: int = 100,
    is_active: bool = True,
    rule: RoutingRule | None = None,
) -> RoutingRule:
    """Create (or change) a rule; a drawn area is turned into its cells here, once."""
    _require(has_right(actor, "technical_issues.manage_routing", territory))
    _check_organisation(territory, organisation)
    if category and category not in IssueCategory.values:
        raise ValidationError({"category": _("Choose a category from the list.")})
    if neighbourhood is not None and neighbourhood.territory_id != territory.pk:
        raise ValidationError({"neighbourhood": _("This neighbourhood is not in the territory.")})
    geometry = parse_area(area)
    if neighbourhood is not None and geometry is not None:
        raise ValidationError(
            {"area": _("A rule applies to a neighbourhood or to a drawn area, not both.")}
        )
    if not 0 <= priority <= 1000:
        raise ValidationError({"priority": _("The priority is between 0 and 1000.")})
    if not name.strip():
        raise ValidationError({"name": _("Give the rule a name.")})
    cells = area_cells(geometry) if geometry is not None else []
    if rule is None:
        rule = RoutingRule(territory=territory)
    elif rule.territory_id != territory.pk:
        raise PermissionDenied
    rule.name = name.strip()
    rule.organisation = organisation
    rule.category = category
    rule.neighbourhood = neighbourhood
    rule.area = geometry
    rule.priority = priority
    rule.is_active = is_active
    rule.save()
    RuleCell.objects.filter(rule=rule).delete()
    RuleCell.objects.bulk_create(
        [RuleCell(territory=territory, rule=rule, cell=cell) for cell in cells], batch_size=2000
    )
    return rule


@transaction.atomic
def delete_rule(*, actor: Any, rule: RoutingRule) -> None:
    """Issues it routed keep their organisation; they then read "rule since deleted"."""
    _require(has_right(actor, "technical_issues.manage_routing", rule.territory))
    rule.delete()


# --- Raising an issue -------------------------------------------------------------------------


@dataclass(frozen=True)
class IssueInput:
    category: str
    description: str
    neighbourhood: Neighbourhood | None = None
    latitude: Decimal | float | None = None
    longitude: Decimal | float | None = None
    log_entry: LogEntry | None = None


@dataclass(frozen=True)
class Place:
    neighbourhood: Neighbourhood
    latitude: Decimal
    longitude: Decimal
    given_by: str


def _six_places(value: Decimal | float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)


def place_of(territory: Territory, data: IssueInput) -> Place:
    """The entry's place, else the point given (snapped to its neighbourhood, refused outside
    the territory), else the chosen neighbourhood's centre."""
    entry = data.log_entry
    if entry is not None:
        if entry.latitude is not None and entry.longitude is not None:
            return Place(entry.neighbourhood, entry.latitude, entry.longitude, "log_entry")
        centre = entry.neighbourhood
        return Place(centre, centre.centre_latitude, centre.centre_longitude, "log_entry")
    if (data.latitude is None) != (data.longitude is None):
        raise ValidationError({"latitude": _("Give both the latitude and the longitude.")})
    if data.latitude is not None and data.longitude is not None:
        lat, lon = float(data.latitude), float(data.longitude)
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValidationError({"latitude": _("This position is not a valid position.")})
        snapped = nearest_neighbourhood(
            list(Neighbourhood.objects.filter(territory=territory)), lat, lon
        )
        if snapped is None:
            message = _("This position is outside the territory of %(territory)s.")
            raise ValidationError({"latitude": message % {"territory": territory.name}})
        return Place(snapped, _six_places(lat), _six_places(lon), "point")
    if data.neighbourhood is None:
        raise ValidationError(
            {"neighbourhood": _("Give the position or choose a neighbourhood from the list.")}
        )
    if data.neighbourhood.territory_id != territory.pk:
        raise ValidationError({"neighbourhood": _("This neighbourhood is not in the territory.")})
    n = data.neighbourhood
    return Place(n, n.centre_latitude, n.centre_longitude, "neighbourhood")


def check_description(actor: Any, territory: Territory, description: str) -> str:
    """An issue names no one: what looks like a name or a phone number is refused (the
    text stays in the form, to be corrected)."""
    text = description.strip()
    if not text:
        raise ValidationError({"description": _("Describe the issue in a few words.")})
    if len(text) > 500:
        raise ValidationError({"description": _("At most 500 characters.")})
    problems = note_warnings(actor, territory, text)
    if problems:
        raise ValidationError(
            {
                "description": [
                    *problems,
                    _("An issue names no one: describe the thing, not people."),
                ]
            }
        )
    return text


def possible_duplicates(
    territory: Territory, *, category: str, cell: int, limit: int = 5
) -> list[TechnicalIssue]:
    """Open issues of the same category in the same or a neighbouring r10 cell (about 150 m):
    shown before a new one is created. They name no one, so they may be shown to any
    reporter of the territory."""
    return list(
        TechnicalIssue.objects.filter(
            territory=territory,
            category=category,
            status__in=OPEN_STATUSES,
            h3_r10__in=nearby_cells(cell),
        )
        .select_related("neighbourhood", "organisation")
        .order_by("-created_at")[:limit]
    )


def _source_of(actor: Any, territory: Territory, entry: LogEntry | None) -> str:
    if entry is not None:
        return IssueSource.LOG_ENTRY
    roles = set(
        Membership.objects.filter(user=actor, territory=territory, is_active=True).values_list(
            "role", flat=True
        )
    )
    return IssueSource.PARTNER if Role.PARTNER_MEMBER in roles else IssueSource.COORDINATION


def _next_reference(territory: Territory) -> str:
    year = timezone.localdate().year
    prefix = f"VT-{year}-"
    last = (
        TechnicalIssue.objects.filter(territory=territory, reference__startswith=prefix)
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.removeprefix(prefix)) + 1 if last else 1
    return f"{prefix}{number:05d}"


def sent_before(
    actor: Any, territory: Territory, client_uuid: UUID | None
) -> TechnicalIssue | None:
    """The issue this actor already raised under this identifier (a program's resend after a
    lost answer). Another reporter's identifier is a conflict, refused without showing it."""
    if client_uuid is None:
        return None
    issue = (
        TechnicalIssue.objects.filter(territory=territory, client_uuid=client_uuid)
        .select_related("organisation")
        .first()
    )
    if issue is not None and issue.reporter_id != actor.pk:
        raise ValidationError(
            {"client_uuid": _("This identifier is already used by another request.")}
        )
    return issue


@transaction.atomic
def raise_issue(
    *,
    actor: Any,
    territory: Territory,
    data: IssueInput,
    photo: Any = None,
    client_uuid: UUID | None = None,
) -> TechnicalIssue:
    """Raise, route and notify. With `client_uuid`, idempotent: the same identifier sent
    again by the same reporter returns the first issue, unchanged."""
    _require(has_right(actor, "technical_issues.raise_issue", territory))
    earlier = sent_before(actor, territory, client_uuid)
    if earlier is not None:
        return earlier
    entry = data.log_entry
    team = None
    if entry is not None:
        visible = LogEntry.objects.visible_to(actor).filter(pk=entry.pk, territory=territory)
        _require(visible.exists())
        team = entry.team
    if data.category not in IssueCategory.values:
        raise ValidationError({"category": _("Choose a category from the list.")})
    description = check_description(actor, territory, data.description)
    place = place_of(territory, data)
    cells = cells_of(place.latitude, place.longitude)
    route = routing.route(
        territory, category=data.category, neighbourhood_id=place.neighbourhood.pk, cell=cells.r10
    )
    content = reencode(photo, photo.size) if photo is not None else None
    now = timezone.now()
    issue = TechnicalIssue(
        territory=territory,
        category=data.category,
        description=description,
        neighbourhood=place.neighbourhood,
        latitude=place.latitude,
        longitude=place.longitude,
        place_given_by=place.given_by,
        h3_r6=cells.r6,
        h3_r8=cells.r8,
        h3_r10=cells.r10,
        source=_source_of(actor, territory, entry),
        log_entry=entry,
        reporter=actor,
        team=team,
        organisation=route.organisation,
        routing_rule=route.rule,
        routed_by_default=route.by_default,
        routed_at=now,
        due_at=now + timedelta(days=deadline_days(territory, data.category)),
        client_uuid=client_uuid,
    )
    for attempt in range(3):
        issue.reference = _next_reference(territory)
        try:
            with transaction.atomic():
                issue.save()
            break
        except IntegrityError:
            # Two resends racing each other: the other one saved it first.
            earlier = sent_before(actor, territory, client_uuid)
            if earlier is not None:
                return earlier
            if attempt == 2:
                raise
    if content is not None:
        issue.photo.save("photo.jpg", ContentFile(content), save=True)
    _event(issue, EventKind.RAISED, actor=actor)
    _event(issue, EventKind.ROUTED, actor=None, organisation=route.organisation)
    _notify_routed(issue)
    return issue


def _notify_routed(issue: TechnicalIssue) -> None:
    from tranquillite.technical_issues.tasks import send_routed_notice

    issue_id = issue.pk
    transaction.on_commit(lambda: send_routed_notice.enqueue(issue_id))


def _event(
    issue: TechnicalIssue,
    kind: str,
    *,
    actor: Any = None,
    organisation: Organisation | None = None,
    via_link: bool = False,
    text: str = "",
) -> IssueEvent:
    if organisation is None and actor is not None:
        organisation = (
            Organisation.objects.filter(
                pk__in=Membership.objects.filter(
                    user=actor, territory=issue.territory, is_active=True
                ).values("organisation_id")
            )
            .order_by("pk")
            .first()
        )
        if works_on(actor, issue) and _is_member_of(actor, issue.organisation_id):
            organisation = issue.organisation
    return IssueEvent.objects.create(
        territory=issue.territory,
        issue=issue,
        kind=kind,
        actor=actor,
        organisation=organisation,
        via_link=via_link,
        text=text,
    )


def _is_member_of(user: Any, organisation_id: int) -> bool:
    return Membership.objects.filter(
        user=user, organisation_id=organisation_id, is_active=True
    ).exists()


# --- The fixer's moves ----------------------------------------------------------------------


def _locked(issue: TechnicalIssue) -> TechnicalIssue:
    return (
        TechnicalIssue.objects.select_for_update()
        .select_related("organisation", "territory")
        .get(pk=issue.pk)
    )


def _check_fixer(actor: Any, link: LinkGrant | None, issue: TechnicalIssue) -> None:
    if link is not None:
        _require(link.issue.pk == issue.pk and link.issue.routing_round == issue.routing_round)
        return
    _require(works_on(actor, issue))


def _check_open(issue: TechnicalIssue) -> None:
    if not issue.is_open:
        raise ValidationError(
            _("This issue is closed (%(status)s): it changes no more.")
            % {"status": issue.get_status_display()}
        )


def _text(text: str, field: str, message: str, *, actor: Any, issue: TechnicalIssue) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: message})
    if len(text) > 500:
        raise ValidationError({field: _("At most 500 characters.")})
    problems = note_warnings(actor, issue.territory, text)
    if problems:
        raise ValidationError({field: problems})
    return text


@transaction.atomic
def acknowledge(
    *, actor: Any = None, issue: TechnicalIssue, link: LinkGrant | None = None
) -> TechnicalIssue:
    """Acknowledge (twice is harmless: a link clicked again changes nothing)."""
    issue = _locked(issue)
    _check_fixer(actor, link, issue)
    if issue.status == IssueStatus.ACKNOWLEDGED:
        return issue
    _check_open(issue)
    if issue.status == IssueStatus.INFORMATION_REQUESTED:
        raise ValidationError(_("Information has been requested: wait for the answer."))
    issue.status = IssueStatus.ACKNOWLEDGED
    issue.acknowledged_at = issue.acknowledged_at or timezone.now()
    issue.save(update_fields=["status", "acknowledged_at", "updated_at"])
    _event(
        issue,
        EventKind.ACKNOWLEDGED,
        actor=actor,
        organisation=issue.organisation if link else None,
        via_link=link is not None,
    )
    return issue


@transaction.atomic
def resolve(
    *, actor: Any = None, issue: TechnicalIssue, note: str = "", link: LinkGrant | None = None
) -> TechnicalIssue:
    issue = _locked(issue)
    _check_fixer(actor, link, issue)
    if issue.status == IssueStatus.RESOLVED:
        return issue
    _check_open(issue)
    note = note.strip()
    if note:
        note = _text(note, "note", "", actor=actor, issue=issue)
    now = timezone.now()
    issue.status = IssueStatus.RESOLVED
    issue.acknowledged_at = issue.acknowledged_at or now
    issue.closed_at = now
    issue.closing_note = note
    issue.save(
        update_fields=["status", "acknowledged_at", "closed_at", "closing_note", "updated_at"]
    )
    _event(
        issue,
        EventKind.RESOLVED,
        actor=actor,
        organisation=issue.organisation if link else None,
        via_link=link is not None,
        text=note,
    )
    return issue


@transaction.atomic
def refuse(*, actor: Any, issue: TechnicalIssue, reason: str) -> TechnicalIssue:
    """Refuse (not ours, not a fault…): always with a reason the reporter reads."""
    issue = _locked(issue)
    _check_fixer(actor, None, issue)
    _check_open(issue)
    reason = _text(reason, "reason", _("Say why the issue is refused."), actor=actor, issue=issue)
    now = timezone.now()
    issue.status = IssueStatus.REFUSED
    issue.acknowledged_at = issue.acknowledged_at or now
    issue.closed_at = now
    issue.closing_note = reason
    issue.save(
        update_fields=["status", "acknowledged_at", "closed_at", "closing_note", "updated_at"]
    )
    _event(issue, EventKind.REFUSED, actor=actor, text=reason)
    return issue


@transaction.atomic
def request_information(*, actor: Any, issue: TechnicalIssue, question: str) -> TechnicalIssue:
    issue = _locked(issue)
    _check_fixer(actor, None, issue)
    _check_open(issue)
    question = _text(
        question, "question", _("Write the question for the reporter."), actor=actor, issue=issue
    )
    issue.status = IssueStatus.INFORMATION_REQUESTED
    issue.acknowledged_at = issue.acknowledged_at or timezone.now()
    issue.save(update_fields=["status", "acknowledged_at", "updated_at"])
    _event(issue, EventKind.INFORMATION_REQUESTED, actor=actor, text=question)
    return issue


@transaction.atomic
def give_information(*, actor: Any, issue: TechnicalIssue, answer: str) -> TechnicalIssue:
    """The reporter (or his team, or the coordination) answers: back to acknowledged."""
    issue = _locked(issue)
    _require(follows(actor, issue))
    if issue.status != IssueStatus.INFORMATION_REQUESTED:
        raise ValidationError(_("No information is requested on this issue."))
    answer = _text(answer, "answer", _("Write the answer."), actor=actor, issue=issue)
    issue.status = IssueStatus.ACKNOWLEDGED
    issue.save(update_fields=["status", "updated_at"])
    _event(issue, EventKind.INFORMATION_GIVEN, actor=actor, text=answer)
    return issue


@transaction.atomic
def comment(*, actor: Any, issue: TechnicalIssue, text: str) -> IssueEvent:
    issue = _locked(issue)
    _require(works_on(actor, issue) or follows(actor, issue))
    text = _text(text, "text", _("Write the comment."), actor=actor, issue=issue)
    return _event(issue, EventKind.COMMENTED, actor=actor, text=text)


@transaction.atomic
def reroute(
    *, actor: Any, issue: TechnicalIssue, organisation: Organisation, reason: str
) -> TechnicalIssue:
    """The coordination sends the issue to another organisation, with a reason: the previous
    one's signed link dies, the deadline starts again."""
    issue = _locked(issue)
    _require(has_right(actor, "technical_issues.manage_routing", issue.territory))
    _check_open(issue)
    _check_organisation(issue.territory, organisation)
    if organisation.pk == issue.organisation_id:
        raise ValidationError({"organisation": _("The issue is already routed there.")})
    reason = _text(reason, "reason", _("Say why the issue is re-routed."), actor=actor, issue=issue)
    now = timezone.now()
    previous = issue.organisation.name
    issue.organisation = organisation
    issue.routing_rule = None
    issue.routed_by_default = False
    issue.routed_at = now
    issue.due_at = now + timedelta(days=deadline_days(issue.territory, issue.category))
    issue.status = IssueStatus.OPEN
    issue.acknowledged_at = None
    issue.reminded_at = None
    issue.escalated_at = None
    issue.routing_round += 1
    issue.save()
    _event(
        issue,
        EventKind.REROUTED,
        actor=actor,
        organisation=organisation,
        text=_("From %(previous)s: %(reason)s") % {"previous": previous, "reason": reason},
    )
    _notify_routed(issue)
    return issue
