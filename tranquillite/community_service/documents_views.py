"""Producing and reading a placement's documents (PDF). Each is a print of nominative data:
logged with its reason (CNIL AU-038)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tranquillite.audit.models import AccessAction
from tranquillite.audit.services import record_access
from tranquillite.community_service import forms, selectors
from tranquillite.community_service.documents import produce_document
from tranquillite.community_service.models import PlacementDocument
from tranquillite.core.decorators import require_right
from tranquillite.core.http import current_territory, error_text

MANAGE = "community_service.manage"
FOLLOW = "community_service.follow_placements"


@require_POST
@require_right(MANAGE, hide=True)
def document_new(request: HttpRequest, public_id: Any) -> HttpResponse:
    placement = selectors.placement_for(request.user, current_territory(request), public_id)
    if placement is None:
        raise Http404
    form = forms.DocumentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the document and give a reason."))
        return redirect("community_service:placement", placement.public_id)
    try:
        document = produce_document(
            actor=request.user, placement=placement, kind=form.cleaned_data["kind"]
        )
    except ValidationError as error:
        messages.error(request, error_text(error))
        return redirect("community_service:placement", placement.public_id)
    except PermissionDenied as error:
        raise Http404 from error
    record_access(request, AccessAction.PRINT, [placement], reason=form.cleaned_data["reason"])
    messages.success(
        request,
        _("%(document)s produced, letter no. %(number)s.")
        % {"document": document.get_kind_display(), "number": document.mail.number},  # type: ignore[union-attr]
    )
    return redirect("community_service:placement", placement.public_id)


@require_right(FOLLOW, hide=True)
def document_download(request: HttpRequest, public_id: Any) -> HttpResponseBase:
    document = (
        PlacementDocument.objects.visible_to(request.user)
        .in_territory(current_territory(request))
        .select_related("placement")
        .filter(public_id=public_id)
        .first()
    )
    if document is None or (
        not selectors.administers(request.user, document.territory)
        and (request.user.has_perm("community_service.record_sessions", document.territory))
    ):
        # A supervisor does not read the documents sent to the probation service.
        raise Http404
    record_access(request, AccessAction.READ, [document])
    return FileResponse(
        document.file.open("rb"),
        content_type="application/pdf",
        filename=f"{document.placement.case_number}-{document.kind}.pdf",
    )
