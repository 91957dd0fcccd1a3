"""The data protection officer's page for access requests (RGPD art. 15).

The DPO is usually a member of no working group, so the charter gate
(`Person.objects.visible_to`) would show them nobody. Answering an access request is the
DPO's task (RGPD art. 38–39) and the right `followups.answer_access_requests` is theirs
alone: these views bypass the gate, explicitly and only here, with
`Person.objects.in_territory(territory)` — the territory still bounds everything — and every
search and every export is written to the access log with the reason the DPO typed.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from tranquillite.audit.models import AccessAction
from tranquillite.audit.services import record_access
from tranquillite.community_service import access_request as placements_access
from tranquillite.core.decorators import require_right
from tranquillite.core.http import current_territory
from tranquillite.core.models import Territory
from tranquillite.followups import access_request
from tranquillite.followups.models import FollowUp
from tranquillite.people.models import Person
from tranquillite.people.search import name_key
from tranquillite.people.selectors import Match, similar_names
from tranquillite.retention.forms import AccessRequestExportForm, AccessRequestSearchForm
from tranquillite.retention.models import PurgeRun

RIGHT = "followups.answer_access_requests"


def _people(territory: Territory) -> Any:
    # The explicit bypass of the charter gate (see the module's docstring): the DPO answers
    # access requests for the whole territory. Only these views use it.
    return Person.objects.in_territory(territory)


def _page(
    request: HttpRequest,
    search_form: AccessRequestSearchForm,
    *,
    matches: list[Match] | None = None,
    reason: str = "",
    export_error: str = "",
    status: int = 200,
) -> HttpResponse:
    territory = current_territory(request)
    return render(
        request,
        "retention/access_requests.html",
        {
            "form": search_form,
            "matches": matches,
            "reason": reason,
            "export_error": export_error,
            "runs": PurgeRun.objects.in_territory(territory)[:10],
        },
        status=status,
    )


@require_right(RIGHT)
def access_requests(request: HttpRequest) -> HttpResponse:
    """Search a person by name and birth date (POST: names never travel in URLs)."""
    if request.method != "POST":
        return _page(request, AccessRequestSearchForm())
    form = AccessRequestSearchForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    data = form.cleaned_data
    territory = current_territory(request)
    people = (
        _people(territory)
        .filter(birth_date=data["birth_date"])
        .prefetch_related(Prefetch("follow_ups", queryset=FollowUp.objects.order_by("opened_on")))
    )
    matches = similar_names(
        people, name_key(data["first_name"], data["last_name"]), limit=20, territory=territory
    )
    record_access(
        request, AccessAction.SEARCH, [match.person for match in matches], reason=data["reason"]
    )
    return _page(request, form, matches=matches, reason=data["reason"])


@require_POST
@require_right(RIGHT)
def access_request_export(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Everything held about one person, as a PDF for the family or JSON for the record;
    logged as an export of each record, with the reason, before anything leaves."""
    territory = current_territory(request)
    person = _people(territory).filter(public_id=public_id).select_related("territory").first()
    if person is None:
        raise Http404
    form = AccessRequestExportForm(request.POST)
    if not form.is_valid():
        return _page(
            request,
            AccessRequestSearchForm(),
            export_error=" ".join(
                str(error) for errors in form.errors.values() for error in errors
            ),
            status=400,
        )
    reason = form.cleaned_data["reason"]
    record_access(
        request,
        AccessAction.EXPORT,
        [*access_request.records_of(person), *placements_access.records_of(person)],
        reason=reason,
    )
    data = access_request.collect(
        person,
        exported_by=request.user,
        reason=reason,
        other_records=placements_access.reader_labels(person),
    )
    # Community-service placements (what the host keeps; no offence is stored).
    data["placements"] = placements_access.placements_of(person)
    stamp = f"{timezone.localdate():%Y%m%d}-{str(person.public_id)[:8]}"
    if form.cleaned_data["format"] == "json":
        response = HttpResponse(
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="acces-{stamp}.json"'
        return response
    from weasyprint import HTML

    html = render_to_string(
        "retention/pdf/access_request.html",
        {
            "data": data,
            "readers": access_request.grouped_readers(data["readers"]),
            "territory": territory,
            "log_days": settings.AUDIT_LOG_RETENTION_DAYS,
        },
    )
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="acces-{stamp}.pdf"'
    return response
