"""The field API: what the phone pages use, on the same services and selectors as the forms.

Every read starts from `visible_to(request.user)` in the current territory: what one may not
see is a 404. Writes call `tranquillite.field.services`, which check the rights again."""

from datetime import date as date_type
from datetime import datetime, time
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Header, Query, Router, Status, UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from tranquillite.api.schemas import (
    CellOut,
    ClockIn,
    EntryBatchIn,
    EntryBatchOut,
    EntryIn,
    EntryOut,
    Errors,
    PointsOut,
    SectorOut,
    ShiftOut,
    TeamOut,
)
from tranquillite.core.models import Neighbourhood, Territory
from tranquillite.core.validation import check_date
from tranquillite.field import selectors, services
from tranquillite.field.geo import cell_centre, cell_outline, h3_hex, nearest_neighbourhood
from tranquillite.field.models import H3_RESOLUTIONS, Category, Function, Shift

router = Router(tags=["field"])

PAGE_SIZE = 50


def _territory(request: HttpRequest) -> Territory:
    territory = getattr(request, "territory", None)
    if territory is None:
        raise Http404
    return territory  # type: ignore[no-any-return]


def _checked_days(**days: date_type | None) -> None:
    """Query dates pydantic has parsed, held to the dates any page accepts
    (core.validation.SANE_DATES): year 1 or 9999 is a 422 on its field, never a 500."""
    for name, day in days.items():
        try:
            check_date(day)
        except ValidationError as refused:
            raise ValidationError({name: refused.messages[0]}) from refused


def _day_start(day: date_type) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(0)))


def _shift(request: HttpRequest, shift_id: UUID) -> Shift:
    shift = selectors.shift_for(request.user, _territory(request), shift_id)
    if shift is None:
        raise Http404
    return shift


@router.get("/teams", response=list[TeamOut])
def my_teams(request: HttpRequest) -> Any:
    """The teams the signed-in user works in."""
    return selectors.teams_of(request.user, _territory(request))


@router.get("/sectors", response=list[SectorOut])
def sectors(request: HttpRequest) -> Any:
    """The territory's sectors (for a field agent or whoever oversees the field)."""
    territory = _territory(request)
    if not selectors.visible_teams(request.user, territory).exists():
        raise Http404
    return selectors.sectors_of(territory).select_related("neighbourhood")


@router.get("/shifts", response=list[ShiftOut])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def shifts(request: HttpRequest, date: date_type | None = None) -> Any:
    """Shifts the user may see, newest first; `date` keeps one day."""
    queryset = (
        Shift.objects.visible_to(request.user)
        .in_territory(_territory(request))
        .select_related("team", "sector__neighbourhood")
        .order_by("-date", "-planned_start", "-pk")
    )
    if date is not None:
        queryset = queryset.filter(date=date)
    return queryset


@router.post("/shifts/clock-in", response={200: ShiftOut, 404: Errors, 422: Errors})
def clock_in(request: HttpRequest, payload: ClockIn) -> Any:
    """Start or join the team's shift of the day (twice is harmless)."""
    territory = _territory(request)
    team = selectors.teams_of(request.user, territory).filter(public_id=payload.team).first()
    sector = selectors.sectors_of(territory).filter(public_id=payload.sector).first()
    if team is None:
        raise Http404
    if sector is None:
        raise ValidationError({"sector": _("This sector is not in the territory.")})
    return services.clock_in(actor=request.user, team=team, sector=sector)


@router.get("/shifts/{shift_id}", response=ShiftOut)
def shift(request: HttpRequest, shift_id: UUID) -> Any:
    return _shift(request, shift_id)


@router.post("/shifts/{shift_id}/clock-out", response={200: ShiftOut, 404: Errors, 422: Errors})
def clock_out(request: HttpRequest, shift_id: UUID) -> Any:
    return services.clock_out(actor=request.user, shift=_shift(request, shift_id))


@router.post("/shifts/{shift_id}/validate", response={200: ShiftOut, 404: Errors, 422: Errors})
def validate(request: HttpRequest, shift_id: UUID) -> Any:
    """The supervisor's validation: closes the shift; no more entries after it."""
    return services.validate_shift(actor=request.user, shift=_shift(request, shift_id))


@router.get("/shifts/{shift_id}/entries", response=list[EntryOut])
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def shift_entries(request: HttpRequest, shift_id: UUID) -> Any:
    shift = _shift(request, shift_id)
    return selectors.entries(request.user, _territory(request), shift=shift)


@router.post(
    "/shifts/{shift_id}/entries",
    response={201: EntryOut, 400: Errors, 404: Errors, 422: Errors},
)
def add_entry(
    request: HttpRequest,
    response: HttpResponse,
    shift_id: UUID,
    payload: EntryIn,
    idempotency_key: UUID | None = Header(None, alias="Idempotency-Key"),  # type: ignore[type-arg]  # noqa: B008
) -> Status[Any]:
    """Add an entry to the daily log. Idempotent: the same client UUID (body `client_uuid`
    or `Idempotency-Key` header) sent again returns the first answer, never a second entry
    (the header `Idempotent-Replayed: true` says so)."""
    shift = _shift(request, shift_id)
    client_uuid = payload.client_uuid or idempotency_key
    if client_uuid is None:
        raise ValidationError({"client_uuid": _("This field is required.")})
    if idempotency_key is not None and payload.client_uuid not in (None, idempotency_key):
        raise ValidationError(
            {"client_uuid": _("The Idempotency-Key header and client_uuid differ.")}
        )
    neighbourhood = None
    if payload.neighbourhood is not None:
        neighbourhood = Neighbourhood.objects.filter(
            territory=shift.territory, public_id=payload.neighbourhood
        ).first()
        if neighbourhood is None:
            raise ValidationError(
                {"neighbourhood": _("This neighbourhood is not in the territory.")}
            )
    data = services.EntryInput(
        **payload.model_dump(exclude={"client_uuid", "neighbourhood"}),
        client_uuid=client_uuid,
        neighbourhood=neighbourhood,
    )
    entry, created = services.log_entry(actor=request.user, shift=shift, data=data)
    if not created:
        response["Idempotent-Replayed"] = "true"
    return Status(201, entry)


def _refusal(error: ValidationError) -> list[dict[str, str]]:
    """A refusal as the API words it everywhere (api/errors.py): field and French message."""
    if hasattr(error, "error_dict"):
        return [
            {"field": field, "message": message}
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return [{"field": "__all__", "message": message} for message in error.messages]


@router.post(
    "/shifts/{shift_id}/entries/batch",
    response={200: EntryBatchOut, 400: Errors, 404: Errors, 422: Errors},
)
def add_entries(request: HttpRequest, shift_id: UUID, payload: EntryBatchIn) -> Any:
    """Add up to 100 entries at once — what a phone sends when the network comes back, or a
    partner's application. Each entry carries its own `client_uuid` and is answered on its
    own, in order: `created`, `replayed` (already saved: the entry as it was, never a
    second one) or `refused` with its errors; a refused entry never stops the others."""
    shift = _shift(request, shift_id)
    places = {n.public_id: n for n in selectors.neighbourhoods_of(shift.territory)}
    items: list[services.EntryInput] = []
    answers: list[dict[str, Any] | None] = []
    for item in payload.entries:
        refusal = None
        if item.client_uuid is None:
            refusal = ValidationError({"client_uuid": _("This field is required.")})
        elif item.neighbourhood is not None and item.neighbourhood not in places:
            refusal = ValidationError(
                {"neighbourhood": _("This neighbourhood is not in the territory.")}
            )
        if refusal is not None:
            answers.append(
                {"client_uuid": item.client_uuid, "status": "refused", "errors": _refusal(refusal)}
            )
            continue
        assert item.client_uuid is not None
        answers.append(None)
        items.append(
            services.EntryInput(
                **item.model_dump(exclude={"client_uuid", "neighbourhood"}),
                client_uuid=item.client_uuid,
                neighbourhood=places.get(item.neighbourhood) if item.neighbourhood else None,
            )
        )
    results = iter(services.log_entries(actor=request.user, shift=shift, items=items))
    for index, answer in enumerate(answers):
        if answer is not None:
            continue
        result = next(results)
        if result.error is not None:
            answers[index] = {
                "client_uuid": result.client_uuid,
                "status": "refused",
                "errors": _refusal(result.error),
            }
        else:
            answers[index] = {
                "client_uuid": result.client_uuid,
                "status": "created" if result.created else "replayed",
                "entry": result.entry,
            }
    return {"results": answers}


@router.post(
    "/entries/{entry_id}/photo", response={200: EntryOut, 400: Errors, 404: Errors, 422: Errors}
)
def post_photo(
    request: HttpRequest,
    entry_id: UUID,
    photo: UploadedFile = File(...),  # type: ignore[type-arg]  # noqa: B008
) -> Any:
    """Attach the entry's photo (multipart field `photo`): re-encoded on the server, EXIF and
    GPS removed, size capped. Sending it again replaces it."""
    found = selectors.entry_for(request.user, _territory(request), entry_id)
    if found is None:
        raise Http404
    return services.attach_photo(actor=request.user, entry=found, upload=photo)


@router.get("/entries/{entry_id}/photo", response={200: None, 404: Errors})
def get_photo(request: HttpRequest, entry_id: UUID) -> Any:
    """The entry's photo, for whoever may see the entry."""
    found = selectors.entry_for(request.user, _territory(request), entry_id)
    if found is None or not found.photo:
        raise Http404
    return FileResponse(found.photo.open("rb"), content_type="image/jpeg")


def _map_filters(
    request: HttpRequest,
    *,
    start: date_type,
    end: date_type,
    team: UUID | None,
    function: Function | None,
    category: Category | None,
    neighbourhood: UUID | None,
) -> tuple[Territory, selectors.MapFilters]:
    """The map's filters, checked: a team one may not see is a 404, a neighbourhood of
    another territory a 422."""
    _checked_days(start=start, end=end)
    territory = _territory(request)
    teams = selectors.visible_teams(request.user, territory)
    if not teams.exists():
        raise Http404
    chosen = None
    if team is not None:
        chosen = teams.filter(public_id=team).first()
        if chosen is None:
            raise Http404
    place = None
    if neighbourhood is not None:
        place = selectors.neighbourhoods_of(territory).filter(public_id=neighbourhood).first()
        if place is None:
            raise ValidationError(
                {"neighbourhood": _("This neighbourhood is not in the territory.")}
            )
    if end <= start:
        raise ValidationError({"end": _("The end must come after the start.")})
    filters = selectors.MapFilters(
        chosen, function.value if function else "", category.value if category else "", place
    )
    return territory, filters


@router.get(
    "/cells", response={200: list[CellOut], 404: Errors, 422: Errors}, url_name="field_cells"
)
def cells(
    request: HttpRequest,
    start: date_type,
    end: date_type,
    resolution: int = 8,
    team: UUID | None = None,
    function: Function | None = None,
    category: Category | None = None,
    neighbourhood: UUID | None = None,
) -> Any:
    """Entries per h3 cell between two dates (end excluded), at resolution 6, 8 or 10: the
    counts of the map, among the entries the user may see, filtered by team, function,
    situation and neighbourhood. Each cell says its nearest neighbourhood; nothing names
    anyone."""
    territory, filters = _map_filters(
        request,
        start=start,
        end=end,
        team=team,
        function=function,
        category=category,
        neighbourhood=neighbourhood,
    )
    if resolution not in H3_RESOLUTIONS:
        raise ValidationError({"resolution": _("Choose a value from the list.")})
    rows = selectors.cell_counts(
        request.user,
        territory,
        resolution=resolution,
        start=_day_start(start),
        end=_day_start(end),
        filters=filters,
    )
    neighbourhoods = list(selectors.neighbourhoods_of(territory))
    result = []
    for cell, count in rows:
        latitude, longitude = cell_centre(cell)
        near = nearest_neighbourhood(neighbourhoods, latitude, longitude)
        result.append(
            {
                "cell": h3_hex(cell),
                "count": count,
                "latitude": latitude,
                "longitude": longitude,
                "place": near.name if near else "",
                "outline": cell_outline(cell),
            }
        )
    return result


@router.get("/points", response={200: PointsOut, 404: Errors, 422: Errors}, url_name="field_points")
def points(
    request: HttpRequest,
    start: date_type,
    end: date_type,
    zoom: int,
    south: float = Query(..., ge=-90, le=90),  # type: ignore[type-arg]
    west: float = Query(..., ge=-180, le=180),  # type: ignore[type-arg]
    north: float = Query(..., ge=-90, le=90),  # type: ignore[type-arg]
    east: float = Query(..., ge=-180, le=180),  # type: ignore[type-arg]
    team: UUID | None = None,
    function: Function | None = None,
    category: Category | None = None,
    neighbourhood: UUID | None = None,
) -> Any:
    """The entries placed by a position in the map's view, as points (function and
    situation only: no author, no note, no time), when the map is zoomed in (zoom ≥ 16) and
    they are few (at most 200); otherwise `points` is empty and `shown` false: the map keeps
    its cells."""
    territory, filters = _map_filters(
        request,
        start=start,
        end=end,
        team=team,
        function=function,
        category=category,
        neighbourhood=neighbourhood,
    )
    if zoom < selectors.POINTS_ZOOM:
        return {"shown": False, "points": []}
    found = selectors.points_in(
        request.user,
        territory,
        start=_day_start(start),
        end=_day_start(end),
        box=(min(south, north), min(west, east), max(south, north), max(west, east)),
        cap=selectors.POINTS_CAP,
        filters=filters,
    )
    if found is None:
        return {"shown": False, "points": []}
    functions, categories = dict(Function.choices), dict(Category.choices)
    return {
        "shown": True,
        "points": [
            {
                "latitude": point.latitude,
                "longitude": point.longitude,
                "function": str(functions.get(point.function, point.function)),
                "category": str(categories.get(point.category, point.category)),
            }
            for point in found
        ],
    }


@router.get("/entries/{entry_id}", response=EntryOut)
def entry(request: HttpRequest, entry_id: UUID) -> Any:
    found = selectors.entry_for(request.user, _territory(request), entry_id)
    if found is None:
        raise Http404
    return found
