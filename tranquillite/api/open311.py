"""Open311 GeoReport v2 (JSON) for the technical issues: a city's request-management tool reads
the territory's issues with the field names it already knows.

- `GET services.json` — the categories (service_code, service_name, description, metadata,
  type, keywords, group);
- `GET requests.json` — the issues (filters: service_request_id, service_code, start_date,
  end_date, status), newest first, at most 1,000 (GeoReport's default of 90 days applies);
- `GET requests/{service_request_id}.json` — one issue (a list of one, as the spec says);
- `POST requests.json` — a new issue (GeoReport's form fields), routed like any other;
- `POST requests/{service_request_id}/status.json` — Tranquillité's extension (GeoReport v2
  has no update): the organisation the issue is routed to acknowledges, resolves or refuses
  it from its own request-management tool.

No personal data, in either direction: no reporter, no member, no account; the description
has passed the name guard; `address` is the neighbourhood. A new request carrying GeoReport's
personal fields (email, first_name, last_name, phone, device_id, account_id) is refused rather
than stored (RGPD art. 5(1)(c), data minimisation: the platform's issues name no one), and
so is a `media_url` (the platform never fetches a picture from an address: a photo is
attached in Tranquillité, where its metadata are stripped).

Whoever reads sees only what `visible_to` lets him see (the coordination: the territory; an
organisation: its issues), in the current territory. Writes need a per-account API token,
as GeoReport's `api_key` form field or an `Authorization: Bearer` header; they go through the
same services, rights and checks as the pages."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Form, Header, Router, Schema, Status

from tranquillite.api.auth import TokenAuth
from tranquillite.core.http import absolute_url
from tranquillite.core.models import Territory
from tranquillite.technical_issues import services as issue_services
from tranquillite.technical_issues.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    IssueCategory,
    TechnicalIssue,
)

router = Router(tags=["open311"])

# GeoReport v2's fields about the person who reports: never accepted (see above).
PERSONAL_FIELDS = ("email", "first_name", "last_name", "phone", "device_id", "account_id")

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


def _issue(request: HttpRequest, service_request_id: str) -> TechnicalIssue:
    """The visible issue of this identifier; 404 when not visible or not an identifier."""
    try:
        public_id = UUID(service_request_id)
    except ValueError as error:
        raise Http404 from error
    issue = _issues(request).filter(public_id=public_id).first()
    if issue is None:
        raise Http404
    return issue


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
    issue = _issue(request, service_request_id)
    return [as_request(issue)]


# --- Writing back -----------------------------------------------------------------------------


class FormApiKey(TokenAuth):
    """GeoReport v2 clients send their key as the `api_key` field of the POST body. Never read
    from the query string, where it would be written in every access log."""

    openapi_description = "GeoReport v2 `api_key` form field: a per-account API token (tq_…)."

    def __call__(self, request: HttpRequest) -> Any:
        key = request.POST.get("api_key", "") if request.method == "POST" else ""
        if not key:
            return None
        return self.authenticate(request, key)


# Writes: a token only (the city's tool is a program, not a browser session).
WRITE_AUTH = [TokenAuth(), FormApiKey()]


class RequestCreatedOut(Schema):
    service_request_id: str
    service_notice: str | None
    account_id: str | None


def _refuse_personal_data(request: HttpRequest) -> None:
    given = [name for name in PERSONAL_FIELDS if request.POST.get(name, "").strip()]
    if given:
        message = _(
            "Tranquillité records no personal data: send the request without %(fields)s."
        ) % {"fields": ", ".join(given)}
        raise ValidationError(dict.fromkeys(given, message))
    if request.POST.get("media_url", "").strip():
        raise ValidationError(
            {
                "media_url": _(
                    "A photo is not taken from an address: attach it to the issue in "
                    "Tranquillité, which removes its metadata."
                )
            }
        )


@router.post(
    "/requests.json", response={201: list[RequestCreatedOut]}, auth=WRITE_AUTH, url_name="create"
)
def create_request(
    request: HttpRequest,
    response: HttpResponse,
    service_code: Form[str],
    description: Form[str] = "",
    lat: Form[float | None] = None,
    long: Form[float | None] = None,
    jurisdiction_id: Form[str | None] = None,
    idempotency_key: UUID | None = Header(None, alias="Idempotency-Key"),  # type: ignore[type-arg]  # noqa: B008
) -> Any:
    """A new issue, routed to the organisation that fixes it (GeoReport v2 "POST Service
    Request"). The position (`lat`, `long`) is required: it decides the routing. With an
    `Idempotency-Key` (a UUID), the same request sent again after a lost answer returns the
    first issue (header `Idempotent-Replayed: true`), never a second one."""
    territory = _territory(request)
    earlier = issue_services.sent_before(request.user, territory, idempotency_key)
    if earlier is not None:
        response["Idempotent-Replayed"] = "true"
        return Status(201, [_created(earlier)])
    _refuse_personal_data(request)
    if service_code not in IssueCategory.values:
        raise ValidationError({"service_code": _("Unknown service code.")})
    if lat is None or long is None:
        raise ValidationError(
            {"lat": _("Give lat and long: the position decides who fixes the issue.")}
        )
    issue = issue_services.raise_issue(
        actor=request.user,
        territory=territory,
        data=issue_services.IssueInput(
            category=service_code, description=description, latitude=lat, longitude=long
        ),
        client_uuid=idempotency_key,
    )
    return Status(201, [_created(issue)])


def _created(issue: TechnicalIssue) -> dict[str, Any]:
    notice = _("Sent to %(organisation)s, to be fixed by %(date)s.") % {
        "organisation": issue.organisation.name,
        "date": timezone.localtime(issue.due_at).strftime("%d/%m/%Y"),
    }
    return {
        "service_request_id": str(issue.public_id),
        "service_notice": notice,
        "account_id": None,
    }


@router.post(
    "/requests/{service_request_id}/status.json",
    response=list[RequestOut],
    auth=WRITE_AUTH,
    url_name="update_status",
)
def update_status(
    request: HttpRequest,
    service_request_id: str,
    status: Form[str],
    status_notes: Form[str] = "",
) -> Any:
    """Extension: the organisation the issue is routed to acknowledges, resolves (with an
    optional note) or refuses it (with its reason, which the reporter reads). Anyone else,
    and an issue one may not see, get a 404."""
    issue = _issue(request, service_request_id)
    if not issue_services.works_on(request.user, issue):
        raise Http404
    if status == "acknowledged":
        issue = issue_services.acknowledge(actor=request.user, issue=issue)
    elif status == "resolved":
        issue = issue_services.resolve(actor=request.user, issue=issue, note=status_notes)
    elif status == "refused":
        issue = issue_services.refuse(actor=request.user, issue=issue, reason=status_notes)
    else:
        raise ValidationError({"status": _("The status is acknowledged, resolved or refused.")})
    return [as_request(_issues(request).get(pk=issue.pk))]
