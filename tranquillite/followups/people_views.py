"""The people pages: search, a person's page, correction, guardians, merge of duplicates.

A person is reached only through `Person.objects.visible_to(user)` (a follow-up of a body
whose charter the user signed); anyone else gets a 404 and the refusal is logged. Searches
are sent by POST: a name never goes into a URL. A person known only through archived files
is shown once one of those files was opened with a stated reason (followups/views.py).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from tranquillite.audit.models import AccessAction
from tranquillite.audit.services import record_access
from tranquillite.core.decorators import require_right
from tranquillite.core.http import current_territory, error_text, safe_next
from tranquillite.core.refusals import Refusal
from tranquillite.followups.forms import PersonForm, PersonSearchForm, with_choice_groups
from tranquillite.followups.selectors import follow_ups_of_people
from tranquillite.followups.views import archive_reason
from tranquillite.people import services
from tranquillite.people.extensions import person_panels
from tranquillite.people.forms import GuardianForm, MergeForm
from tranquillite.people.models import LegalGuardian, Person
from tranquillite.people.selectors import person_for, possible_duplicates, search_people

RIGHT = "core.reach_nominative_data"


def _person_or_404(request: HttpRequest, public_id: Any) -> Person:
    territory = current_territory(request)
    person = person_for(request.user, territory, public_id)
    if person is None:
        raise Refusal("person", model=Person, public_id=public_id)
    follow_ups_of_people(request.user, [person])
    return person


def _archived_only(request: HttpRequest, person: Person) -> bool:
    """True when the person is seen only through archived files none of which was opened
    with a reason in the last minutes: the page then points to those files."""
    files = person.visible_follow_ups  # type: ignore[attr-defined]
    if not files:
        # Seen through another module's record (a community-service placement the user
        # administers), not through an archived file.
        return False
    if any(not follow_up.is_archived for follow_up in files):
        return False
    return not any(archive_reason(request, follow_up) for follow_up in files)


def _person_url(person: Person) -> str:
    return reverse("people:detail", args=[person.public_id])


@require_right(RIGHT)
def person_search(request: HttpRequest) -> HttpResponse:
    form = PersonSearchForm(request.POST if request.method == "POST" else None)
    results: list[Person] = []
    if form.is_bound and form.is_valid():
        matches = search_people(
            request.user,
            current_territory(request),
            form.cleaned_data["query"],
            birth_date=form.cleaned_data["birth_date"],
        )
        results = [match.person for match in matches]
        follow_ups_of_people(request.user, results)
        files = [
            follow_up
            for person in results
            for follow_up in person.visible_follow_ups  # type: ignore[attr-defined]
        ]
        record_access(request, AccessAction.SEARCH, [*results, *files])
    return render(
        request,
        "people/search.html",
        {"form": form, "results": results, "searched": form.is_bound and form.is_valid()},
    )


@require_right(RIGHT, record=Person)
def person_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    person = _person_or_404(request, public_id)
    if _archived_only(request, person):
        return render(request, "people/archived_only.html", {"person_id": person.public_id})
    record_access(request, AccessAction.READ, [person])
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "guardians": list(person.guardians.all()),
            "follow_ups": person.visible_follow_ups,  # type: ignore[attr-defined]
            "merges": list(person.merges.all()),
            # Other modules' records about the person the user may see (people/extensions.py).
            "panels": person_panels(request, person),
        },
    )


@require_right(RIGHT, record=Person)
def person_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    person = _person_or_404(request, public_id)
    if _archived_only(request, person):
        raise Http404
    territory = current_territory(request)
    if request.method == "POST":
        form = PersonForm(request.POST, territory=territory, instance=Person(territory=territory))
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in PersonForm.Meta.fields}
            try:
                services.update_person(actor=request.user, person=person, **fields)
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, error_text(error))
            else:
                messages.success(request, _("The record is corrected."))
                return HttpResponseRedirect(_person_url(person))
    else:
        form = PersonForm(instance=person, territory=territory)
    record_access(request, AccessAction.READ, [person])
    return render(request, "people/person_form.html", {"person": person, "form": form})


@require_right(RIGHT, record=Person)
def guardian_add(request: HttpRequest, public_id: Any) -> HttpResponse:
    person = _person_or_404(request, public_id)
    if _archived_only(request, person):
        raise Http404
    # Back where the user came from (the follow-up's page), if that is on this site.
    back = safe_next(request, _person_url(person))
    form = GuardianForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_guardian(actor=request.user, person=person, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, _("The legal guardian is added."))
            return HttpResponseRedirect(back)
    record_access(request, AccessAction.READ, [person])
    return render(
        request,
        "people/guardian_form.html",
        {"person": person, "form": form, "new": True, "back": back},
    )


@require_right(RIGHT, record=Person)
def guardian_edit(request: HttpRequest, public_id: Any, guardian_id: Any) -> HttpResponse:
    person = _person_or_404(request, public_id)
    if _archived_only(request, person):
        raise Http404
    guardian: LegalGuardian | None = person.guardians.filter(public_id=guardian_id).first()
    if guardian is None:
        raise Http404
    back = safe_next(request, _person_url(person))
    form = GuardianForm(request.POST if request.method == "POST" else None, instance=guardian)
    if request.method == "POST" and form.is_valid():
        services.update_guardian(actor=request.user, guardian=guardian, **form.cleaned_data)
        messages.success(request, _("The legal guardian is updated."))
        return HttpResponseRedirect(back)
    record_access(request, AccessAction.READ, [person, guardian])
    return render(
        request,
        "people/guardian_form.html",
        {"person": person, "form": form, "new": False, "back": back},
    )


@require_right(RIGHT, record=Person)
def person_merge(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Absorb a duplicate into this record: candidates are the possible duplicates the user
    sees, or a record found by a search (POST)."""
    person = _person_or_404(request, public_id)
    if _archived_only(request, person):
        raise Http404
    territory = current_territory(request)
    user = request.user
    candidates = [
        match.person
        for match in possible_duplicates(
            user,
            territory,
            first_name=person.first_name,
            last_name=person.last_name,
            birth_date=person.birth_date,
            exclude=person,
        )
    ]
    post = request.POST if request.method == "POST" else None
    action = post.get("action", "") if post is not None else ""
    search = PersonSearchForm(post if action == "search" else None)
    if action == "search" and search.is_valid():
        found = search_people(
            user,
            territory,
            search.cleaned_data["query"],
            birth_date=search.cleaned_data["birth_date"],
        )
        candidates += [
            match.person
            for match in found
            if match.person.pk != person.pk and match.person not in candidates
        ]
    if action == "merge" and post is not None and post.get("other"):
        chosen = person_for(user, territory, post.get("other"))
        if chosen is not None and chosen not in candidates and chosen.pk != person.pk:
            candidates.append(chosen)
    form = MergeForm(post if action == "merge" else None, candidates=candidates)
    if action == "merge" and form.is_valid():
        absorbed = next(p for p in candidates if str(p.public_id) == form.cleaned_data["other"])
        try:
            services.merge_people(
                actor=user, survivor=person, absorbed=absorbed, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, _("The two records are merged."))
            return HttpResponseRedirect(_person_url(person))
    follow_ups_of_people(user, candidates)
    record_access(request, AccessAction.READ, [person])
    if candidates:
        record_access(request, AccessAction.SEARCH, candidates)
    return render(
        request,
        "people/merge.html",
        {
            "person": person,
            "candidates": candidates,
            "form": with_choice_groups(form),
            "search": search,
        },
    )
