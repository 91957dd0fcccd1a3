"""The placements of a person, on the person's page (people/extensions.py). Only those the
user may see (`Placement.objects.visible_to`): a user who may see none gets no panel at all,
not even a heading — nothing says that the person did community service."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tranquillite.audit.models import AccessAction
from tranquillite.audit.services import record_access
from tranquillite.community_service.models import Placement
from tranquillite.core.http import current_territory
from tranquillite.people.models import Person


def person_placements(request: HttpRequest, person: Person) -> dict[str, Any] | None:
    placements = list(
        Placement.objects.visible_to(request.user)
        .in_territory(current_territory(request))
        .filter(person=person)
        .select_related("post")
        .order_by("-created_at")
    )
    if not placements:
        return None
    record_access(request, AccessAction.LIST, placements)
    return {"placements": placements}
