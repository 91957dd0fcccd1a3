"""Open311 GeoReport v2 (JSON) for the technical issues: a city's request-management tool reads
the territory's issues with the field names it already knows.

- `GET services.json` — the categories (service_code, service_name, description, metadata,
  type, keywords, group);
- `GET requests.json` — the issues (filters: service_request_id, service_code, start_date,
  end_date, status), newest first, at most 1,000 (GeoReport's default of 90 days applies);
- `GET requests/{service_request_id}.json` — one issue (a list of one, as the spec says).

No personal data: no reporter, no member, no account; the description has passed the name
guard; `address` is the neighbourhood. Whoever reads sees only what `visible_to` lets him see
(the coordination: the territory; an organisation: its issues), in the current territory.
Writing back through Open311 (POST requests) comes with per-account API tokens (planned)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema

from tranquillite.core.http import absolute_url
from tranquillite.core.models import Territory
from tranquillite.technical_issues.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    IssueCategory,
    TechnicalIssue,
)

router = Router(tags=["open311"])

DEFAULT_SPAN = timedelta(days=90)
MAX_REQUESTS = 1000

# One keyword list and group per service (GeoReport: comma-separated keywords, one group).
SERVICE_GROUPS: dict[str, tuple[str, str]] = {
    IssueCategory.LIGHTING: ("éclairage,lampadaire,candélabre", "voirie"),
    IssueCategory.ROADS: ("chaussée,trottoir,nid-de-poule,signalisation", "voirie"),
    IssueCategory.WASTE: ("dépôt sauvage,encombrants,propreté", "propreté"),
    IssueCategory.BUILDING_ACCESS: ("porte,interphone,ascenseur,hall", "habitat"),
    IssueCategory.PARKS: ("parc,aire de jeux,portillon,mobilier", "espaces verts"),
    IssueCategory.GRAFFITI: ("tag,graffiti", "propreté"),
    IssueCategory.ABANDONED_VEHICLE: ("épave,véhicule ventouse", "voirie"),
    IssueCategory.OTHER: ("autre", "autre"),
}


class ServiceOut(Schema):
    service_code: str
    service_name: str
    description: str
    metadata: bool
    type: str
    keywords: str
    group: str


class RequestOut(Schema):
    service_request_id: str
    status: str
    status_notes: str | None
    service_name: str
    service_code: str
    description: str
    agency_responsible: str
    service_notice: str | None
    requested_datetime: datetime
    updated_datetime: datetime
    expected_datetime: datetime | None
    address: str
    address_id: str | None
    zipcode: str | None
    lat: float
    long: float
    media_url: str | None


def _territory(request: HttpRequest) -> Territory:
    territory = getattr(request, "territory", None)
    if territory is None:
        raise Http404
    return territory  # type: ignore[no-any-return]


def _issues(request: HttpRequest) -> QuerySet[TechnicalIssue]:
    return (
        TechnicalIssue.objects.visible_to(request.user)
        .in_territory(_territory(request))
        .select_related("organisation", "neighbourhood", "territory")
    )


def as_request(issue: TechnicalIssue) -> dict[str, Any]:
    closed = issue.status in CLOSED_STATUSES
    notes = issue.get_status_display()
    if issue.closing_note:
        notes = f"{notes} : {issue.closing_note}"
    return {
        "service_request_id": str(issue.public_id),
        "status": "closed" if closed else "open",
        "status_notes": notes,
        "service_name": str(issue.get_category_display()),
        "service_code": issue.category,
        "description": issue.description,
        "agency_responsible": issue.organisation.name,
        "service_notice": None,
        "requested_datetime": issue.created_at,
        "updated_datetime": issue.updated_at,
        "expected_datetime": None if closed else issue.due_at,
        "address": f"{issue.neighbourhood.name}, {issue.territory.name}",
        "address_id": None,
        "zipcode": None,
        "lat": float(issue.latitude),
        "long": float(issue.longitude),
        "media_url": (
            absolute_url(reverse("technical_issues:photo", args=[issue.public_id]))
            if issue.photo
            else None
        ),
    }


@router.get("/services.json", response=list[ServiceOut])
def services(request: HttpRequest, jurisdiction_id: str | None = None) -> Any:
    """The service list: one service per category of technical issue."""
    _territory(request)
    return [
        {
            "service_code": value,
            "service_name": str(label),
            "description": str(label),
            "metadata": False,
            "type": "realtime",
            "keywords": SERVICE_GROUPS[value][0],
            "group": SERVICE_GROUPS[value][1],
        }
        for value, label in IssueCategory.choices
    ]


@router.get("/requests.json", response=list[RequestOut])
def requests(
    request: HttpRequest,
    jurisdiction_id: str | None = None,
    service_request_id: str | None = None,
    service_code: str | None = None,
    start_date: datetime | None = None,
    end_date: datetime | None = None,
    status: str | None = None,
) -> Any:
    """The issues (GeoReport's filters; without dates, the last 90 days)."""
    issues = _issues(request)
    if service_request_id:
        ids = []
        for raw in service_request_id.split(","):
            try:
                ids.append(UUID(raw.strip()))
            except ValueError as error:
                raise ValidationError(
                    {"service_request_id": _("Not a request identifier.")}
                ) from error
        return [as_request(issue) for issue in issues.filter(public_id__in=ids)]
    if service_code:
        codes = [code.strip() for code in service_code.split(",")]
        if any(code not in IssueCategory.values for code in codes):
            raise ValidationError({"service_code": _("Unknown service code.")})
        issues = issues.filter(category__in=codes)
    if status:
        wanted = {value.strip() for value in status.split(",")}
        if not wanted <= {"open", "closed"}:
            raise ValidationError({"status": _("The status is open or closed.")})
        statuses = [
            *(OPEN_STATUSES if "open" in wanted else ()),
            *(CLOSED_STATUSES if "closed" in wanted else ()),
        ]
        issues = issues.filter(status__in=statuses)
    end = end_date or timezone.now()
    start = start_date or end - DEFAULT_SPAN
    if start > end:
        raise ValidationError({"start_date": _("The start date comes after the end date.")})
    issues = issues.filter(created_at__gte=start, created_at__lte=end)
    return [as_request(issue) for issue in issues.order_by("-created_at")[:MAX_REQUESTS]]


@router.get("/requests/{service_request_id}.json", response=list[RequestOut])
def request_status(request: HttpRequest, service_request_id: str) -> Any:
    """One request, as a list of one (GeoReport v2); 404 when not visible or not an id."""
    try:
        public_id = UUID(service_request_id)
    except ValueError as error:
        raise Http404 from error
    issue = _issues(request).filter(public_id=public_id).first()
    if issue is None:
        raise Http404
    return [as_request(issue)]
