"""Pages of community service. Thin: fetch through a selector (404 when the user may not see
the record: whoever may not see it must not learn it exists, art. L132-5 CSI), log every read,
export and print (`record_access`), call a service for every write and show its refusal on
the same form, answers kept."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tranquillite.audit.models import AccessAction
from tranquillite.audit.services import record_access
from tranquillite.community_service import forms, selectors, services, states
from tranquillite.community_service.catalogue import catalogue_workbook
from tranquillite.community_service.models import Placement, Post
from tranquillite.core.decorators import require_right
from tranquillite.core.http import as_date, current_territory, error_text, query_value
from tranquillite.people import selectors as people_selectors
from tranquillite.people.models import Person

CATALOGUE = "community_service.view_catalogue"
FOLLOW = "community_service.follow_placements"
RECORD = "community_service.record_sessions"
MANAGE = "community_service.manage"


def _refuse(form: Any, error: ValidationError | PermissionDenied) -> None:
    if isinstance(error, PermissionDenied):
        raise Http404 from error
    form.add_error(None, error_text(error))


# --- Catalogue -------------------------------------------------------------------------------


@require_right(CATALOGUE)
def catalogue(request: HttpRequest) -> HttpResponse:
    territory = current_territory(request)
    posts = list(selectors.catalogue(request.user, territory))
    record_access(request, AccessAction.LIST)
    return render(
        request,
        "community_service/catalogue.html",
        {
            "posts": posts,
            "export_form": forms.ReasonForm(),
            "administers": selectors.administers(request.user, territory),
        },
    )


@require_POST
@require_right(CATALOGUE)
def catalogue_export(request: HttpRequest) -> HttpResponse:
    territory = current_territory(request)
    form = forms.ReasonForm(request.POST)
    posts = list(selectors.catalogue(request.user, territory))
    if not form.is_valid():
        return render(
            request,
            "community_service/catalogue.html",
            {"posts": posts, "export_form": form},
            status=400,
        )
    reason = form.cleaned_data["reason"]
    if request.POST.get("format") == "print":
        record_access(request, AccessAction.PRINT, posts, reason=reason)
        return render(
            request,
            "community_service/catalogue_print.html",
            {"posts": posts, "printed_at": timezone.localtime()},
        )
    record_access(request, AccessAction.EXPORT, posts, reason=reason)
    response = HttpResponse(
        catalogue_workbook(posts, exported_by=request.user),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="postes-tig-{territory.slug}.xlsx"'
    return response


@require_right(MANAGE)
def post_edit(request: HttpRequest, public_id: Any = None) -> HttpResponse:
    territory = current_territory(request)
    post = None
    if public_id is not None:
        post = selectors.post_for(request.user, territory, public_id)
        if post is None:
            raise Http404
    form = forms.PostForm(request.POST or None, instance=post, territory=territory)
    if request.method == "POST" and form.is_valid():
        fields = {
            name: value for name, value in form.cleaned_data.items() if name not in ("supervisors",)
        }
        try:
            saved = services.save_post(
                actor=request.user,
                territory=territory,
                post=Post.objects.get(pk=post.pk) if post else None,
                supervisors=form.cleaned_data["supervisors"],
                **fields,
            )
        except (ValidationError, PermissionDenied) as error:
            _refuse(form, error)
        else:
            messages.success(request, _("The post is saved."))
            return redirect("community_service:post", saved.public_id)
    return render(
        request,
        "community_service/post_form.html",
        {"form": form, "post": post},
        status=400 if form.errors else 200,
    )


@require_right(CATALOGUE)
def post_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    territory = current_territory(request)
    post = selectors.post_for(request.user, territory, public_id)
    if post is None:
        raise Http404
    record_access(request, AccessAction.READ, [post])
    return render(
        request,
        "community_service/post_detail.html",
        {
            "post": post,
            "history": post.status_changes.select_related("changed_by")[:20],
            "administers": selectors.administers(request.user, territory),
            "status_form": forms.PostStatusForm(initial={"is_open": not post.is_open}),
        },
    )


@require_POST
@require_right(MANAGE)
def post_status(request: HttpRequest, public_id: Any) -> HttpResponse:
    territory = current_territory(request)
    post = selectors.post_for(request.user, territory, public_id)
    if post is None:
        raise Http404
    form = forms.PostStatusForm(request.POST)
    if form.is_valid():
        try:
            services.set_post_open(
                actor=request.user,
                post=post,
                is_open=form.cleaned_data["is_open"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("The post's status is saved."))
        except ValidationError as error:
            messages.error(request, error_text(error))
    return redirect("community_service:post", post.public_id)


# --- Placements ------------------------------------------------------------------------------


@require_right(FOLLOW)
def placements(request: HttpRequest) -> HttpResponse:
    """The work list: placements under way (those behind their pace first), then the rest."""
    territory = current_territory(request)
    today = timezone.localdate()
    lines = selectors.work_list(request.user, territory, today)
    ended = selectors.ended_list(request.user, territory, today)
    record_access(
        request,
        AccessAction.LIST,
        [line.placement for line in lines] + [placement for placement, _due in ended],
    )
    return render(
        request,
        "community_service/placements.html",
        {
            "lines": lines,
            "ended": ended,
            "administers": selectors.administers(request.user, territory),
        },
    )


def _chosen_person(request: HttpRequest) -> Person | None:
    value = request.POST.get("personne") or request.GET.get("personne") or ""
    try:
        return people_selectors.person_for(request.user, current_territory(request), value)
    except ValidationError:
        return None


@require_right(MANAGE)
def placement_new(request: HttpRequest) -> HttpResponse:
    """Open a placement from the probation service's proposal: the person from the shared
    registry (search, possible duplicates), then the terms."""
    territory = current_territory(request)
    person = _chosen_person(request)
    search = forms.PersonSearchForm(request.GET or None)
    matches: list[Any] = []
    if person is None and search.is_valid() and search.cleaned_data["q"]:
        matches = people_selectors.search_people(
            request.user, territory, search.cleaned_data["q"], limit=10
        )
        record_access(request, AccessAction.SEARCH, [match.person for match in matches])
    data = request.POST if request.method == "POST" else None
    person_form = forms.NewPersonForm(data, prefix="personne") if person is None else None
    form = forms.PlacementForm(data, territory=territory)
    duplicates: list[Any] = []
    if data is not None:
        person_ok = person_form is None or person_form.is_valid()
        if form.is_valid() and person_ok:
            new_person = person_form.cleaned_data if person_form is not None else None
            if new_person is not None and not new_person["confirm_new"]:
                duplicates = people_selectors.possible_duplicates(
                    request.user,
                    territory,
                    first_name=new_person["first_name"],
                    last_name=new_person["last_name"],
                    birth_date=new_person["birth_date"],
                )
            if duplicates:
                form.add_error(
                    None,
                    _(
                        "Records look like this person: choose one of them, or tick that "
                        "none is this person."
                    ),
                )
            else:
                try:
                    placement = services.propose_placement(
                        actor=request.user,
                        territory=territory,
                        person=person,
                        new_person=new_person,
                        terms=services.PlacementTerms(**form.cleaned_data),
                    )
                except (ValidationError, PermissionDenied) as error:
                    _refuse(form, error)
                else:
                    messages.success(
                        request,
                        _("Placement %(case)s is proposed.") % {"case": placement.case_number},
                    )
                    return redirect("community_service:placement", placement.public_id)
    if person is not None:
        record_access(request, AccessAction.READ, [person])
    return render(
        request,
        "community_service/placement_new.html",
        {
            "person": person,
            "search": search,
            "matches": matches,
            "person_form": person_form,
            "form": form,
            "duplicates": duplicates,
        },
        status=400 if data is not None else 200,
    )


def _placement(request: HttpRequest, public_id: Any) -> Placement:
    placement = selectors.placement_for(request.user, current_territory(request), public_id)
    if placement is None:
        raise Http404
    return placement


def _placement_page(
    request: HttpRequest, placement: Placement, *, status: int = 200, **bound: Any
) -> HttpResponse:
    territory = current_territory(request)
    administers = selectors.administers(request.user, territory)
    records = request.user.has_perm(RECORD, territory)
    today = timezone.localdate()
    record_access(request, AccessAction.READ, [placement])
    context: dict[str, Any] = {
        "placement": placement,
        "administers": administers,
        "records": records,
        # A supervisor sees what he needs: first name, last name, planned sessions, sessions.
        "full": administers or not records,
        "pace": selectors.pace_of(placement, today),
        "done_hours": round(int(getattr(placement, "done", 0)) / 60, 1),
        "sessions": selectors.sessions_of(placement),
        "occurrences": [
            (
                occurrence,
                bound.get("notice_forms", {}).get(occurrence.pk)
                or forms.NoticeForm(
                    initial={"informed_on": today}, auto_id=f"id_notice{occurrence.pk}_%s"
                ),
            )
            for occurrence in selectors.occurrences_of(placement)
        ],
        "events": placement.events.select_related("recorded_by"),
        "documents": placement.documents.select_related("mail"),
        "moves": states.moves_from(placement.state) if administers else [],
        "state_form": bound.get("state_form") or forms.StateForm(initial={"occurred_on": today}),
        "details_form": bound.get("details_form")
        or forms.StartDetailsForm(
            initial={
                "agreement_on": placement.agreement_on,
                "first_interview_on": placement.first_interview_on,
                "deadline": placement.deadline,
                "deadline_reason": placement.deadline_reason,
            }
        ),
        "session_form": bound.get("session_form") or forms.SessionForm(initial={"day": today}),
        "occurrence_form": bound.get("occurrence_form")
        or forms.OccurrenceForm(initial={"day": today}),
        "document_form": forms.DocumentForm(auto_id="id_doc_%s"),
        "today": today,
    }
    return render(request, "community_service/placement_detail.html", context, status=status)


@require_right(FOLLOW, hide=True)
def placement_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _placement_page(request, _placement(request, public_id))


@require_POST
@require_right(MANAGE, hide=True)
def placement_details(request: HttpRequest, public_id: Any) -> HttpResponse:
    placement = _placement(request, public_id)
    form = forms.StartDetailsForm(request.POST)
    if form.is_valid():
        try:
            services.record_start_details(
                actor=request.user, placement=placement, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as error:
            _refuse(form, error)
        else:
            messages.success(request, _("The placement is saved."))
            return redirect("community_service:placement", placement.public_id)
    return _placement_page(request, placement, status=400, details_form=form)


@require_POST
@require_right(MANAGE, hide=True)
def placement_state(request: HttpRequest, public_id: Any) -> HttpResponse:
    placement = _placement(request, public_id)
    form = forms.StateForm(request.POST)
    if form.is_valid():
        try:
            services.change_state(
                actor=request.user,
                placement=placement,
                target=request.POST.get("target", "")[:20],
                occurred_on=form.cleaned_data["occurred_on"],
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except (ValidationError, PermissionDenied) as error:
            _refuse(form, error)
        else:
            messages.success(request, _("The placement's state is saved."))
            return redirect("community_service:placement", placement.public_id)
    return _placement_page(request, placement, status=400, state_form=form)


# --- Sessions and occurrences ------------------------------------------------------------


def _times(data: dict[str, Any], *, end: bool = True) -> services.SessionTimes:
    return services.SessionTimes(
        day=data["day"],
        start=data["start"],
        end=data["end"] if end else None,
        overnight=data.get("overnight", False),
        break_minutes=data.get("break_minutes") or 0,
        tasks=data.get("tasks", ""),
    )


def _back(request: HttpRequest, placement: Placement) -> HttpResponse:
    if request.POST.get("retour") == "journee":
        return redirect("community_service:my_day")
    return redirect("community_service:placement", placement.public_id)


@require_POST
@require_right(RECORD, hide=True)
def session_record(request: HttpRequest, public_id: Any) -> HttpResponse:
    placement = _placement(request, public_id)
    form = forms.SessionForm(request.POST)
    if form.is_valid():
        try:
            _session, created = services.record_session(
                actor=request.user,
                placement=placement,
                token=form.cleaned_data["token"],
                times=_times(form.cleaned_data),
            )
        except (ValidationError, PermissionDenied) as error:
            _refuse(form, error)
        else:
            if created:
                messages.success(request, _("The session is recorded."))
            else:
                messages.info(request, _("This session was already recorded."))
            return _back(request, placement)
    return _placement_page(request, placement, status=400, session_form=form)


@require_POST
@require_right(RECORD, hide=True)
def session_open(request: HttpRequest, public_id: Any) -> HttpResponse:
    """One tap on the supervisor's day: the person arrived now."""
    placement = _placement(request, public_id)
    form = forms.TokenForm(request.POST)
    if not form.is_valid():
        raise Http404
    now = timezone.localtime()
    _one_tap(
        request,
        lambda: services.record_session(
            actor=request.user,
            placement=placement,
            token=form.cleaned_data["token"],
            times=services.SessionTimes(day=now.date(), start=now.time(), end=None),
        ),
    )
    return redirect("community_service:my_day")


def _one_tap(request: HttpRequest, write: Callable[[], object], done: str = "") -> None:
    """A button's write: its refusal becomes a message on the page it returns to; a record
    the user may not touch is a 404, as if it did not exist."""
    try:
        write()
    except ValidationError as error:
        messages.error(request, error_text(error))
    except PermissionDenied as error:
        raise Http404 from error
    else:
        if done:
            messages.success(request, done)


def _session(request: HttpRequest, public_id: Any) -> Any:
    session = selectors.session_for(request.user, current_territory(request), public_id)
    if session is None:
        raise Http404
    return session


@require_POST
@require_right(RECORD, hide=True)
def session_close(request: HttpRequest, public_id: Any) -> HttpResponse:
    """One tap: the person leaves now (with the break and the tasks done)."""
    session = _session(request, public_id)
    form = forms.CloseSessionForm(request.POST)
    if form.is_valid():
        _one_tap(
            request,
            lambda: services.close_session(
                actor=request.user,
                session=session,
                ends_at=timezone.now(),
                break_minutes=form.cleaned_data["break_minutes"] or 0,
                tasks=form.cleaned_data["tasks"],
            ),
            _("The session is closed."),
        )
    else:
        messages.error(request, _("Check the break (0 to 240 minutes)."))
    return redirect("community_service:my_day")


@require_POST
@require_right(RECORD, hide=True)
def session_validate(request: HttpRequest, public_id: Any) -> HttpResponse:
    session = _session(request, public_id)
    _one_tap(
        request,
        lambda: services.validate_session(actor=request.user, session=session),
        _("The session is validated."),
    )
    return _back(request, session.placement)


@require_right(RECORD, hide=True)
def session_correct(request: HttpRequest, public_id: Any) -> HttpResponse:
    session = _session(request, public_id)
    local_start = timezone.localtime(session.starts_at)
    local_end = timezone.localtime(session.ends_at) if session.ends_at else None
    form = forms.CorrectionForm(
        request.POST or None,
        initial={
            "day": session.day,
            "start": local_start.time().replace(second=0, microsecond=0),
            "end": local_end.time().replace(second=0, microsecond=0) if local_end else None,
            "overnight": bool(local_end and local_end.date() > session.day),
            "break_minutes": session.break_minutes,
            "tasks": session.tasks,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_session(
                actor=request.user,
                session=session,
                times=_times(form.cleaned_data),
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, PermissionDenied) as error:
            _refuse(form, error)
        else:
            messages.success(request, _("The session is corrected; it must be validated again."))
            return redirect("community_service:placement", session.placement.public_id)
    record_access(request, AccessAction.READ, [session.placement])
    return render(
        request,
        "community_service/session_correct.html",
        {"form": form, "session": session},
        status=400 if form.errors else 200,
    )


@require_right(RECORD, hide=True)
def occurrence_new(request: HttpRequest, public_id: Any) -> HttpResponse:
    """An absence, a lateness or an incident: the probation officer is told by e-mail."""
    placement = _placement(request, public_id)
    form = forms.OccurrenceForm(request.POST or None, initial={"day": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            _occurrence, created = services.record_occurrence(
                actor=request.user, placement=placement, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as error:
            _refuse(form, error)
        else:
            if created:
                messages.success(request, _("Recorded. The probation officer is told by e-mail."))
            else:
                messages.info(request, _("This report was already recorded."))
            return _back(request, placement)
    record_access(request, AccessAction.READ, [placement])
    return render(
        request,
        "community_service/occurrence_form.html",
        {"form": form, "placement": placement, "retour": request.GET.get("retour", "")[:10]},
        status=400 if form.errors else 200,
    )


@require_POST
@require_right(RECORD, hide=True)
def occurrence_notice(request: HttpRequest, public_id: Any) -> HttpResponse:
    """The probation officer was told by phone, letter or e-mail: the date and the means."""
    occurrence = selectors.occurrence_for(request.user, current_territory(request), public_id)
    if occurrence is None:
        raise Http404
    placement = occurrence.placement
    form = forms.NoticeForm(request.POST, auto_id=f"id_notice{occurrence.pk}_%s")
    if form.is_valid():
        try:
            services.record_notice(actor=request.user, occurrence=occurrence, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            _refuse(form, error)
        else:
            messages.success(request, _("Recorded: the probation officer was informed."))
            return redirect("community_service:placement", placement.public_id)
    placement = _placement(request, placement.public_id)
    return _placement_page(request, placement, status=400, notice_forms={occurrence.pk: form})


# --- The supervisor's day ----------------------------------------------------------------


def _day_of(request: HttpRequest) -> date:
    return query_value(request, "jour", as_date, timezone.localdate())


@require_right(RECORD)
def my_day(request: HttpRequest) -> HttpResponse:
    territory = current_territory(request)
    day = _day_of(request)
    lines = selectors.supervisor_day(request.user, territory, day)
    record_access(request, AccessAction.LIST, [line.placement for line in lines])
    return render(
        request,
        "community_service/my_day.html",
        {
            "day": day,
            "is_today": day == timezone.localdate(),
            "lines": [
                (
                    line,
                    forms.TokenForm(auto_id=f"id_open{line.placement.pk}_%s"),
                    forms.CloseSessionForm(auto_id=f"id_close{line.placement.pk}_%s"),
                )
                for line in lines
            ],
        },
    )
