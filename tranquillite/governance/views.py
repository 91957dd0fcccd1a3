from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tranquillite.accounts.models import User
from tranquillite.core.decorators import require_right
from tranquillite.core.http import current_territory, error_text
from tranquillite.governance import documents, selectors, services
from tranquillite.governance.access import case_access
from tranquillite.governance.extensions import meeting_panels
from tranquillite.governance.forms import (
    AgendaItemForm,
    AttendanceForm,
    BodyForm,
    CancellationForm,
    CharterForm,
    DecisionForm,
    MeetingForm,
    MemberForm,
    SignatureForm,
    SuspensionForm,
    TaskStatusForm,
)
from tranquillite.governance.models import Body, BodyMember, Meeting, MemberStatus, TaskStatus


def _body_or_404(request: HttpRequest, public_id: Any) -> Body:
    body = selectors.body_for(request.user, current_territory(request), public_id)
    if body is None:
        raise Http404
    return body


@require_right("core.view_territory")
def body_list(request: HttpRequest) -> HttpResponse:
    territory = current_territory(request)
    return render(
        request,
        "governance/body_list.html",
        {
            "bodies": selectors.bodies_for(request.user, territory),
            "can_manage": request.user.has_perm("governance.manage_bodies", territory),
        },
    )


@require_right("core.view_territory")
def body_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    body = _body_or_404(request, public_id)
    territory = current_territory(request)
    can_manage = request.user.has_perm("governance.manage_bodies", territory)
    charter = max(body.charters.all(), key=lambda c: c.version, default=None)
    members = list(body.members.all())
    for member in members:
        signed = {s.charter_id for s in member.signatures.all()}
        member.signed_current = charter is not None and charter.pk in signed  # type: ignore[attr-defined]
    return render(
        request,
        "governance/body_detail.html",
        {
            "body": body,
            "members": members,
            "charter": charter,
            "my_access": case_access(request.user, body),
            "can_manage": can_manage,
            "meeting_form": MeetingForm() if can_manage else None,
            "meetings": selectors.meetings_of(body),
        },
    )


@require_right("governance.manage_bodies")
def body_create(request: HttpRequest) -> HttpResponse:
    territory = current_territory(request)
    form = BodyForm(request.POST or None, territory=territory)
    if request.method == "POST" and form.is_valid():
        body = services.save_body(actor=request.user, territory=territory, form=form)
        messages.success(request, _("The body has been created."))
        return HttpResponseRedirect(reverse("governance:body", args=[body.public_id]))
    return render(request, "governance/body_form.html", {"form": form})


@require_right("governance.manage_bodies")
def member_add(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Its own page: the list of the territory's accounts is long (a thousand in a city)."""
    body = _body_or_404(request, public_id)
    data = request.POST if request.method == "POST" else None
    form = MemberForm(data, territory=current_territory(request), body=body)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_member(actor=request.user, body=body, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, _("The member has been added."))
            return HttpResponseRedirect(reverse("governance:body", args=[body.public_id]))
    return render(request, "governance/member_form.html", {"body": body, "form": form})


def _member_or_404(body: Body, member_id: Any) -> BodyMember:
    member = selectors.member_of(body, member_id)
    if member is None:
        raise Http404
    return member


@require_POST
@require_right("governance.manage_bodies")
def member_suspend(request: HttpRequest, public_id: Any, member_id: Any) -> HttpResponse:
    body = _body_or_404(request, public_id)
    member = _member_or_404(body, member_id)
    form = SuspensionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A suspension needs a reason."))
    else:
        try:
            services.suspend_member(
                actor=request.user, member=member, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(
                request, _("%(name)s is suspended from this body.") % {"name": member.display_name}
            )
    return HttpResponseRedirect(reverse("governance:body", args=[body.public_id]))


@require_POST
@require_right("governance.manage_bodies")
def member_reinstate(request: HttpRequest, public_id: Any, member_id: Any) -> HttpResponse:
    body = _body_or_404(request, public_id)
    member = _member_or_404(body, member_id)
    try:
        services.reinstate_member(actor=request.user, member=member)
    except PermissionDenied as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("%(name)s is active again.") % {"name": member.display_name})
    return HttpResponseRedirect(reverse("governance:body", args=[body.public_id]))


@require_right("governance.manage_bodies")
def charter_publish(request: HttpRequest, public_id: Any) -> HttpResponse:
    body = _body_or_404(request, public_id)
    current = body.current_charter()
    form = CharterForm(request.POST or None, initial={"text": current.text if current else ""})
    if request.method == "POST" and form.is_valid():
        try:
            charter = services.publish_charter(
                actor=request.user, body=body, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Version %(version)s of the charter is published: every member must sign it.")
                % {"version": charter.version},
            )
            return HttpResponseRedirect(reverse("governance:body", args=[body.public_id]))
    return render(request, "governance/charter_form.html", {"body": body, "form": form})


@require_right("core.view_territory")
def charter_sign(request: HttpRequest, public_id: Any) -> HttpResponse:
    body = _body_or_404(request, public_id)
    charter = body.current_charter()
    if charter is None:
        raise Http404
    form = SignatureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_charter(actor=request.user, body=body)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(
                request,
                _("You have signed version %(version)s of the charter.")
                % {"version": charter.version},
            )
            return HttpResponseRedirect(reverse("governance:body", args=[body.public_id]))
    return render(
        request,
        "governance/charter_sign.html",
        {
            "body": body,
            "charter": charter,
            "form": form,
            "my_access": case_access(request.user, body),
        },
    )


# --- Meetings ------------------------------------------------------------------------------


@require_POST
@require_right("governance.manage_bodies")
def meeting_create(request: HttpRequest, public_id: Any) -> HttpResponse:
    body = _body_or_404(request, public_id)
    form = MeetingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the meeting's date, time and place."))
        return HttpResponseRedirect(reverse("governance:body", args=[body.public_id]))
    meeting = services.plan_meeting(actor=request.user, body=body, **form.cleaned_data)
    messages.success(request, _("The meeting is planned."))
    return HttpResponseRedirect(reverse("governance:meeting", args=[meeting.public_id]))


def _meeting_or_404(request: HttpRequest, public_id: Any) -> Meeting:
    meeting = selectors.meeting_for(request.user, current_territory(request), public_id)
    if meeting is None:
        raise Http404
    return meeting


def _meeting_forms(request: HttpRequest, meeting: Meeting, **bound: Any) -> dict[str, Any]:
    members = list(meeting.body.members.filter(status=MemberStatus.ACTIVE).select_related("user"))
    current = {a.member_id: a.presence for a in meeting.attendances.all()}
    owners = User.objects.filter(
        is_active=True,
        memberships__territory_id=meeting.territory_id,
        memberships__is_active=True,
        body_memberships__body=meeting.body,
    ).distinct()
    return {
        "active_members": len(members),
        "agenda_form": bound.get("agenda_form") or AgendaItemForm(),
        "attendance_form": bound.get("attendance_form")
        or AttendanceForm(members=members, current=current),
        "decision_form": bound.get("decision_form") or DecisionForm(owners=owners),
        "cancellation_form": bound.get("cancellation_form") or CancellationForm(),
    }


@require_right("core.view_territory")
def meeting_detail(request: HttpRequest, public_id: Any, **bound: Any) -> HttpResponse:
    meeting = _meeting_or_404(request, public_id)
    can_manage = request.user.has_perm("governance.manage_bodies", current_territory(request))
    context: dict[str, Any] = {"meeting": meeting, "can_manage": can_manage}
    if can_manage:
        context.update(_meeting_forms(request, meeting, **bound))
    context["quorum"] = services.quorum(meeting, active_members=context.get("active_members"))
    # Other apps' panels (the strategy's evaluations for a committee), see extensions.py.
    context["panels"] = meeting_panels(request, meeting)
    return render(request, "governance/meeting_detail.html", context, status=400 if bound else 200)


@require_POST
@require_right("governance.manage_bodies")
def meeting_cancel(request: HttpRequest, public_id: Any) -> HttpResponse:
    meeting = _meeting_or_404(request, public_id)
    form = CancellationForm(request.POST)
    if not form.is_valid():
        return meeting_detail(request, public_id, cancellation_form=form)
    try:
        services.cancel_meeting(
            actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"]
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The meeting is cancelled."))
    return HttpResponseRedirect(reverse("governance:meeting", args=[meeting.public_id]))


@require_POST
@require_right("governance.manage_bodies")
def agenda_add(request: HttpRequest, public_id: Any) -> HttpResponse:
    meeting = _meeting_or_404(request, public_id)
    form = AgendaItemForm(request.POST)
    if not form.is_valid():
        return meeting_detail(request, public_id, agenda_form=form)
    try:
        services.add_agenda_item(actor=request.user, meeting=meeting, **form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return meeting_detail(request, public_id, agenda_form=form)
    messages.success(request, _("The item is on the agenda."))
    return HttpResponseRedirect(reverse("governance:meeting", args=[meeting.public_id]))


@require_POST
@require_right("governance.manage_bodies")
def attendance_record(request: HttpRequest, public_id: Any) -> HttpResponse:
    meeting = _meeting_or_404(request, public_id)
    members = list(meeting.body.members.filter(status=MemberStatus.ACTIVE).select_related("user"))
    form = AttendanceForm(request.POST, members=members, current={})
    if not form.is_valid():
        return meeting_detail(request, public_id, attendance_form=form)
    services.record_attendance(actor=request.user, meeting=meeting, presences=form.presences())
    messages.success(request, _("The attendance is recorded."))
    return HttpResponseRedirect(reverse("governance:meeting", args=[meeting.public_id]))


@require_POST
@require_right("governance.manage_bodies")
def decision_add(request: HttpRequest, public_id: Any) -> HttpResponse:
    meeting = _meeting_or_404(request, public_id)
    owners = _meeting_forms(request, meeting)["decision_form"].fields["task_owner"].queryset
    form = DecisionForm(request.POST, owners=owners)
    if not form.is_valid():
        return meeting_detail(request, public_id, decision_form=form)
    try:
        services.record_decision(actor=request.user, meeting=meeting, **form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return meeting_detail(request, public_id, decision_form=form)
    messages.success(request, _("The decision is recorded."))
    return HttpResponseRedirect(reverse("governance:meeting", args=[meeting.public_id]))


@require_right("core.view_territory")
def my_tasks(request: HttpRequest) -> HttpResponse:
    tasks = selectors.tasks_of(request.user, current_territory(request))
    return render(
        request,
        "governance/my_tasks.html",
        {"tasks": tasks, "status_form": TaskStatusForm(), "today": timezone.localdate()},
    )


@require_POST
@require_right("core.view_territory")
def task_status(request: HttpRequest, public_id: Any) -> HttpResponse:
    task = selectors.task_for(request.user, current_territory(request), public_id)
    if task is None:
        raise Http404
    form = TaskStatusForm(request.POST)
    if form.is_valid():
        try:
            services.set_task_status(
                actor=request.user, task=task, status=TaskStatus(form.cleaned_data["status"])
            )
        except PermissionDenied as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("The task is updated."))
    next_url = request.POST.get("next", "")
    if next_url != reverse("governance:meeting", args=[task.decision.meeting.public_id]):
        next_url = reverse("governance:my_tasks")
    return HttpResponseRedirect(next_url)


@require_right("core.view_territory")
def meeting_document(request: HttpRequest, public_id: Any, kind: str) -> HttpResponse:
    """The agenda or the decision record as PDF, stamped with who printed it and when."""
    meeting = _meeting_or_404(request, public_id)
    pdf = documents.meeting_pdf(meeting, kind=kind, printed_by=request.user)
    name = "releve-de-decisions" if kind == "minutes" else "ordre-du-jour"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}-{meeting.starts_at:%Y%m%d}.pdf"'
    return response


@require_POST
@require_right("governance.manage_bodies")
def meeting_invite(request: HttpRequest, public_id: Any) -> HttpResponse:
    meeting = _meeting_or_404(request, public_id)
    count = services.invite_to_meeting(actor=request.user, meeting=meeting)
    messages.success(request, _("%(count)s invitations are being sent.") % {"count": count})
    return HttpResponseRedirect(reverse("governance:meeting", args=[meeting.public_id]))


@require_right("core.view_territory")
def calendar(request: HttpRequest) -> HttpResponse:
    """The page that gives the user their private calendar address."""
    renew = request.method == "POST"
    feed = services.calendar_feed_for(
        actor=request.user, territory=current_territory(request), renew=renew
    )
    if renew:
        messages.success(request, _("Your calendar address has been replaced."))
        return HttpResponseRedirect(reverse("governance:calendar"))
    feed_url = request.build_absolute_uri(reverse("governance:feed", args=[feed.token]))
    return render(request, "governance/calendar.html", {"feed_url": feed_url})


def feed(request: HttpRequest, token: str) -> HttpResponse:
    """No session here (calendar applications): the token is the credential."""
    meetings = selectors.feed_meetings(token)
    if meetings is None:
        raise Http404
    response = HttpResponse(
        documents.calendar_ics(meetings), content_type="text/calendar; charset=utf-8"
    )
    response["Cache-Control"] = "private, max-age=900"
    return response
