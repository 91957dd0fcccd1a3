"""The follow-up pages: the work list, a new referral, a file's page and its steps.

Need to know: a file is reached only through `FollowUp.objects.visible_to(user)`; anyone else
gets a 404 (never a 403: they must not learn the file exists) and the refusal is written to the
access log. Every page that shows nominative data writes a READ, LIST or SEARCH row.

Archived files: the page first asks why the file is opened; the reason is kept in the session
for `ARCHIVE_READ_MINUTES` for that file only, and every page shown in that time writes an
ARCHIVE_READ row with it. Nothing of an archived file can change.
"""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from tranquillite.accounts.models import User
from tranquillite.audit.models import AccessAction
from tranquillite.audit.services import record_access
from tranquillite.core.decorators import require_right
from tranquillite.core.http import current_territory, error_text
from tranquillite.core.refusals import Refusal
from tranquillite.followups import access_request, retention, selectors, services, worklists
from tranquillite.followups.engine import StepRefused, Workflow, apply_step, workflow_for
from tranquillite.followups.forms import (
    ArchiveReasonForm,
    ChooseBodyForm,
    DocumentReasonForm,
    FilePrintForm,
    ListFilterForm,
    NewPersonForm,
    PersonSearchForm,
    RestrictionForm,
    SupportActionForm,
    with_choice_groups,
)
from tranquillite.followups.models import FollowUp, FollowUpKind, SupportAction
from tranquillite.letters.rendering import letterhead, render_pdf
from tranquillite.people.models import Person
from tranquillite.people.selectors import person_for, possible_duplicates, search_people

RIGHT = "core.reach_nominative_data"
ADMINISTER = "followups.administer_follow_ups"
ARCHIVE_READ_MINUTES = 10
_ARCHIVE_SESSION_KEY = "followups.archive_reads"
PAGE_SIZE = 50


# --- Access ---------------------------------------------------------------------------------


def _visible_or_404(request: HttpRequest, public_id: Any) -> FollowUp:
    territory = current_territory(request)
    follow_up = selectors.follow_up_for(request.user, territory, public_id)
    if follow_up is None:
        # The DPO of the file's territory may learn which file was asked for (the refusal
        # log, core/refusals.py); the user learns nothing.
        raise Refusal("follow_up", model=FollowUp, public_id=public_id)
    return follow_up


def archive_reason(request: HttpRequest, follow_up: FollowUp) -> str:
    """The reason given for this archived file in the last minutes, or ""."""
    grants: dict[str, Any] = request.session.get(_ARCHIVE_SESSION_KEY, {})
    grant = grants.get(str(follow_up.public_id))
    if not grant or grant.get("until", 0) < time.time():
        return ""
    return str(grant.get("reason", ""))


def _archive_refusal(user: Any, follow_up: FollowUp) -> str:
    """Why `user` may not open this archived file (for the access log), or "" if they may
    (CNIL AU-038: the files are administered by the coordinator; docs/roles.md). The same
    rule as retention/archive.py's `may_read_archive` (followups does not import retention)."""
    today = timezone.localdate()
    limit = retention.destroy_on(
        birth_date=follow_up.person.birth_date, closed_on=follow_up.closed_on
    )
    if limit <= today or (follow_up.destroy_on is not None and follow_up.destroy_on <= today):
        return "archive:due_for_destruction"
    if not user.has_perm(ADMINISTER, follow_up.territory):
        return "archive:not_administrator"
    return ""


def _grant_archive_read(request: HttpRequest, follow_up: FollowUp, reason: str) -> None:
    now = time.time()
    grants = {
        key: grant
        for key, grant in request.session.get(_ARCHIVE_SESSION_KEY, {}).items()
        if grant.get("until", 0) >= now
    }
    grants[str(follow_up.public_id)] = {
        "reason": reason,
        "until": now + ARCHIVE_READ_MINUTES * 60,
    }
    request.session[_ARCHIVE_SESSION_KEY] = grants


def _log_read(request: HttpRequest, follow_up: FollowUp, *records: Any) -> bool:
    """Writes the READ (or, archived, the ARCHIVE_READ with its reason). False when an
    archived file has no reason yet: the caller asks for one."""
    rows = [follow_up, *records]
    if follow_up.is_archived:
        reason = archive_reason(request, follow_up)
        if not reason:
            return False
        record_access(request, AccessAction.ARCHIVE_READ, rows, reason=reason)
    else:
        record_access(request, AccessAction.READ, rows)
    return True


def _detail_url(follow_up: FollowUp) -> str:
    return reverse("followups:detail", args=[follow_up.public_id])


# --- The work list --------------------------------------------------------------------------


@require_right(RIGHT)
def follow_up_list(request: HttpRequest) -> HttpResponse:
    territory = current_territory(request)
    form = ListFilterForm(request.GET or None, user=request.user, territory=territory)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = {
            "archived": data["status"] == "archived",
            "kind": data["kind"],
            "state": data["state"],
            "body": data["body"],
            "mine": data["mine"],
        }
    archived = bool(filters.get("archived"))
    files = selectors.follow_ups_for(request.user, territory, **filters)
    page = Paginator(files, PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    for follow_up in shown:
        follow_up.state_label = selectors.state_label(follow_up)  # type: ignore[attr-defined]
    # Archived files are listed by case number only: no name without a stated reason.
    records: list[Any] = list(shown)
    if not archived:
        records += [follow_up.person for follow_up in shown]
    if records:
        record_access(request, AccessAction.LIST, records)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "followups/list.html",
        {
            "form": form,
            "page": page,
            "follow_ups": shown,
            "archived": archived,
            "query": query.urlencode(),
            "may_refer": form.fields["body"].queryset.exists(),  # type: ignore[attr-defined]
        },
    )


# --- A new referral -------------------------------------------------------------------------


def _workflow_of(choose: ChooseBodyForm) -> Workflow:
    return workflow_for(choose.cleaned_data["kind"])


def _referral_form(workflow: Workflow, data: Any = None) -> Any:
    return with_choice_groups(workflow.referral_form(data=data, workflow=workflow))


@require_right(RIGHT)
def follow_up_create(request: HttpRequest) -> HttpResponse:
    """A referral in three stages on one address, everything sent by POST (names never go
    into a URL): 1. the body and kind; 2. the person — an existing record found by a search,
    or a new one (records alike are shown first, and the user says it is someone else or
    picks one of them); 3. the referral itself. Each stage re-sends the previous answers as
    hidden fields, so that a refused answer loses nothing."""
    territory = current_territory(request)
    user = request.user
    post = request.POST if request.method == "POST" else None
    choose = ChooseBodyForm(post, user=user, territory=territory)
    context: dict[str, Any] = {"choose": choose, "stage": "body"}
    if post is None or not choose.is_valid():
        return render(request, "followups/create.html", context)

    workflow = _workflow_of(choose)
    action = post.get("action", "")
    search = PersonSearchForm(post if action == "search" else None)
    new_person = NewPersonForm(
        post if action in ("new", "refer") and not post.get("person") else None,
        prefix="person",
        territory=territory,
    )
    context.update(
        {
            "stage": "person",
            "search": search,
            "new_person": new_person,
            "workflow": workflow,
            "kind_label": FollowUpKind(workflow.kind).label,
        }
    )

    if action == "search" and search.is_valid():
        matches = search_people(
            user,
            territory,
            search.cleaned_data["query"],
            birth_date=search.cleaned_data["birth_date"],
        )
        found = [match.person for match in matches]
        selectors.follow_ups_of_people(user, found)
        record_access(request, AccessAction.SEARCH, found)
        context.update({"results": found, "searched": True})
        return render(request, "followups/create.html", context)

    person: Person | None = None
    if post.get("person"):
        person = person_for(user, territory, post.get("person"))
        if person is None:
            raise Http404
    elif action in ("new", "refer"):
        if not new_person.is_valid():
            return render(request, "followups/create.html", context)
        fields = new_person.person_fields()
        duplicates = [
            match.person
            for match in possible_duplicates(
                user,
                territory,
                first_name=fields["first_name"],
                last_name=fields["last_name"],
                birth_date=fields["birth_date"],
            )
        ]
        if duplicates and not new_person.cleaned_data["different_person"]:
            selectors.follow_ups_of_people(user, duplicates)
            record_access(request, AccessAction.SEARCH, duplicates)
            if action == "refer":
                new_person.add_error("different_person", _("Say whether it is someone else."))
            context.update({"duplicates": duplicates})
            return render(request, "followups/create.html", context)
    else:
        return render(request, "followups/create.html", context)

    # Stage 3: the referral.
    referral = _referral_form(workflow, post if action == "refer" else None)
    context.update(
        {"stage": "referral", "person": person, "referral": referral, "new_person": new_person}
    )
    if person is not None:
        record_access(request, AccessAction.READ, [person])
    if action != "refer":
        return render(request, "followups/create.html", context)
    try:
        follow_up = services.open_follow_up(
            actor=user,
            body=choose.cleaned_data["body"],
            kind=workflow.kind,
            data=post,
            person=person,
            new_person=None if person is not None else new_person.person_fields(),
        )
    except StepRefused as refused:
        context["referral"] = with_choice_groups(refused.form)
    except (ValidationError, PermissionDenied) as error:
        referral.is_valid()
        referral.add_error(None, error_text(error))
    else:
        messages.success(
            request,
            _("File %(number)s is open.") % {"number": follow_up.case_number},
        )
        return HttpResponseRedirect(_detail_url(follow_up))
    return render(request, "followups/create.html", context)


# --- A file's page --------------------------------------------------------------------------


@require_right(RIGHT, record=FollowUp)
def follow_up_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    follow_up = _visible_or_404(request, public_id)
    refusal = _archive_refusal(request.user, follow_up) if follow_up.is_archived else ""
    if refusal:
        # One answer for "you may not see this", whatever the role (a 404, logged): the
        # archive is the coordinator's alone (CNIL AU-038), and no other role is told more.
        raise Refusal(refusal, asked=follow_up)
    if follow_up.is_archived and request.method == "POST":
        form = ArchiveReasonForm(request.POST)
        if form.is_valid():
            _grant_archive_read(request, follow_up, form.cleaned_data["reason"])
            return HttpResponseRedirect(_detail_url(follow_up))
        return render(
            request, "followups/archive_reason.html", {"follow_up": follow_up, "form": form}
        )
    if not _log_read(request, follow_up, follow_up.person):
        return render(
            request,
            "followups/archive_reason.html",
            {"follow_up": follow_up, "form": ArchiveReasonForm()},
        )
    territory = current_territory(request)
    workflow = workflow_for(follow_up.kind)
    may_change = not follow_up.is_archived and not follow_up.is_restricted
    steps = []
    if may_change:
        steps = [
            step
            for step in workflow.steps_from(follow_up.state)
            if not step.right or request.user.has_perm(step.right, territory)
        ]
    administers = request.user.has_perm(ADMINISTER, territory)
    return render(
        request,
        "followups/detail.html",
        {
            "follow_up": follow_up,
            "person": follow_up.person,
            "guardians": list(follow_up.person.guardians.all()),
            "state_label": workflow.state_label(follow_up.state),
            "source_label": workflow.label_of(workflow.sources, follow_up.source),
            "facts_label": workflow.label_of(workflow.facts, follow_up.facts),
            "outcome_label": workflow.label_of(workflow.outcomes, follow_up.outcome),
            "timeline": selectors.timeline(follow_up),
            "deadlines": selectors.open_deadlines(follow_up),
            "actions": selectors.support_actions(follow_up),
            "documents": selectors.documents(follow_up),
            "links": selectors.linked_files(request.user, follow_up),
            "steps": steps,
            "may_change": may_change,
            # The add-an-action form is a page of its own: its list of organisations would
            # cost this page a query (docs/benchmarks.md).
            "document_form": DocumentReasonForm(),
            "print_form": FilePrintForm(),
            "restriction_form": (
                RestrictionForm()
                if administers and not follow_up.is_archived and not follow_up.is_restricted
                else None
            ),
            "may_lift": administers and follow_up.is_restricted and not follow_up.is_archived,
            "archive_minutes": ARCHIVE_READ_MINUTES,
        },
    )


@require_right(RIGHT, record=FollowUp)
def follow_up_step(request: HttpRequest, public_id: Any, step: str) -> HttpResponse:
    follow_up = _visible_or_404(request, public_id)
    workflow = workflow_for(follow_up.kind)
    try:
        the_step = workflow.step(step)
    except KeyError as error:
        raise Http404 from error
    if follow_up.is_archived or follow_up.is_restricted:
        messages.error(
            request,
            _("This file is closed and archived: it can no longer change.")
            if follow_up.is_archived
            else _("The processing of this file is restricted (RGPD art. 18): it cannot change."),
        )
        return HttpResponseRedirect(_detail_url(follow_up))
    record_access(request, AccessAction.READ, [follow_up])
    if request.method == "POST":
        try:
            event = apply_step(
                actor=request.user, follow_up=follow_up, step_name=step, data=request.POST
            )
        except StepRefused as refused:
            form = refused.form
        except (ValidationError, PermissionDenied) as error:
            form = the_step.form(data=request.POST, follow_up=follow_up)
            form.is_valid()
            form.add_error(None, error_text(error))
        else:
            messages.success(request, _("“%(step)s” is recorded.") % {"step": the_step.label})
            # Closed by this step (the closure itself, a prosecutor's objection, a hearing
            # without support): its summary, not the archive's reason page.
            if event.to_state in workflow.closed_states:
                return HttpResponseRedirect(reverse("followups:closed", args=[follow_up.public_id]))
            return HttpResponseRedirect(_detail_url(follow_up))
    else:
        form = the_step.form(follow_up=follow_up)
    return render(
        request,
        "followups/step.html",
        {
            "follow_up": follow_up,
            "step": the_step,
            "form": with_choice_groups(form),
            "state_label": workflow.state_label(follow_up.state),
        },
    )


# --- Right after closure -------------------------------------------------------------------


@require_right(RIGHT, hide=True)
def follow_up_closed(request: HttpRequest, public_id: Any) -> HttpResponse:
    """The closure's confirmation: what was just decided, without opening the archive.

    Issue 11, item 7 — of the two ways offered, this one: the file moves to the archive at
    closure and opens only for a stated reason (CNIL AU-038; docs/roles.md). A day of grace
    during which an archived file reads like an open one would be a second rule for the same
    state, one more branch in every check of the archive (pages, people, documents), and a
    window in which the log says READ for a file that is archived. What the coordinator wants
    a minute after closing — did it close right, with which outcome, when is it destroyed,
    what became of the support actions — is the closure itself: shown here, to whoever
    recorded it, on the day of closure only; later (or to anyone else) this address leads to
    the file's page and its archive rules. The page names the case by number, no person.
    """
    follow_up = _visible_or_404(request, public_id)
    closure = (
        follow_up.events.filter(
            to_state__in=workflow_for(follow_up.kind).closed_states,
            recorded_by=request.user.pk,
        )
        .order_by("-recorded_at", "-pk")
        .first()
    )
    today = timezone.localdate()
    if (
        not follow_up.is_archived
        or closure is None
        or timezone.localdate(closure.recorded_at) != today
    ):
        return HttpResponseRedirect(_detail_url(follow_up))
    record_access(request, AccessAction.ARCHIVE_READ, [follow_up], reason="closure_summary")
    workflow = workflow_for(follow_up.kind)
    entry = next(entry for entry in selectors.timeline(follow_up) if entry.event.pk == closure.pk)
    return render(
        request,
        "followups/closed.html",
        {
            "follow_up": follow_up,
            "closure": entry,
            "outcome_label": workflow.label_of(workflow.outcomes, follow_up.outcome),
            "actions": selectors.support_actions(follow_up),
        },
    )


# --- The printed file -----------------------------------------------------------------------


def _reason_to_print(
    request: HttpRequest, follow_up: FollowUp, form: Any, missing: str, anchor: str
) -> str | HttpResponse:
    """Why this print (of the file or of one of its documents) is made — or, when there is
    no reason, the way back to the file: an archived file is opened with a reason first, and
    a print says why (CNIL AU-038: every print is logged with its reason)."""
    if follow_up.is_archived and not archive_reason(request, follow_up):
        return HttpResponseRedirect(_detail_url(follow_up))
    if not form.is_valid():
        messages.error(request, missing)
        return HttpResponseRedirect(_detail_url(follow_up) + anchor)
    return str(form.reason_text())


@require_POST
@require_right(RIGHT, hide=True)
def follow_up_print(request: HttpRequest, public_id: Any) -> HttpResponse:
    """The whole file on paper (PDF) for the coordinator or the case worker: a print of
    nominative data, written to the access log with its reason before anything leaves (CNIL
    AU-038: every print is logged). Same pieces as the access-request export (the file's
    summary, its paper style) and the letters' letterhead and renderer."""
    follow_up = _visible_or_404(request, public_id)
    reason = _reason_to_print(
        request, follow_up, FilePrintForm(request.POST), _("Say why you print this file."), "#print"
    )
    if isinstance(reason, HttpResponse):
        return reason
    person = follow_up.person
    guardians = list(person.guardians.all())
    user: Any = request.user
    record_access(request, AccessAction.PRINT, [follow_up, person, *guardians], reason=reason)
    pdf = render_pdf(
        "followups/pdf/file.html",
        {
            **letterhead(follow_up.territory),
            "language": translation.get_language(),
            "file": access_request.file_summary(follow_up),
            "person": person,
            "guardians": guardians,
            "printed_by": user.get_full_name() or user.email,
            "printed_at": timezone.localtime(),
        },
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{follow_up.case_number}-{timezone.localdate():%Y%m%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- Support actions ------------------------------------------------------------------------


@require_right(RIGHT, record=FollowUp)
def action_add(request: HttpRequest, public_id: Any) -> HttpResponse:
    follow_up = _visible_or_404(request, public_id)
    if follow_up.is_archived or follow_up.is_restricted:
        return HttpResponseRedirect(_detail_url(follow_up))
    territory = current_territory(request)
    form = SupportActionForm(request.POST or None, territory=territory)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_support_action(
                actor=request.user, follow_up=follow_up, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, _("The action is added to the support plan."))
            return HttpResponseRedirect(_detail_url(follow_up) + "#actions")
    record_access(request, AccessAction.READ, [follow_up])
    return render(
        request, "followups/action_form.html", {"follow_up": follow_up, "form": form, "new": True}
    )


@require_right(RIGHT, record=FollowUp)
def action_edit(request: HttpRequest, public_id: Any, action_id: int) -> HttpResponse:
    follow_up = _visible_or_404(request, public_id)
    action: SupportAction | None = follow_up.actions.filter(pk=action_id).first()
    if action is None:
        raise Http404
    if follow_up.is_archived or follow_up.is_restricted:
        # Nothing of an archived or restricted file changes: its page says why.
        return HttpResponseRedirect(_detail_url(follow_up))
    territory = current_territory(request)
    data = request.POST if request.method == "POST" else None
    form = SupportActionForm(data, instance=action, territory=territory)
    if data is not None and form.is_valid():
        try:
            services.update_support_action(actor=request.user, action=action, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, error_text(error))
        else:
            messages.success(request, _("The action is updated."))
            return HttpResponseRedirect(_detail_url(follow_up) + "#actions")
    record_access(request, AccessAction.READ, [follow_up])
    return render(
        request, "followups/action_form.html", {"follow_up": follow_up, "form": form, "new": False}
    )


# --- Documents ------------------------------------------------------------------------------


@require_POST
@require_right(RIGHT, record=FollowUp)
def document_download(
    request: HttpRequest, public_id: Any, document_id: Any
) -> HttpResponse | FileResponse:
    """A filed document (e.g. a summons letter): a print of nominative data, with its reason."""
    follow_up = _visible_or_404(request, public_id)
    document = follow_up.documents.filter(public_id=document_id).first()
    if document is None:
        raise Http404
    reason = _reason_to_print(
        request,
        follow_up,
        DocumentReasonForm(request.POST),
        _("Say why you download this document."),
        "#documents",
    )
    if isinstance(reason, HttpResponse):
        return reason
    record_access(request, AccessAction.PRINT, [document], reason=reason)
    name = (document.file.name or "document.pdf").rsplit("/", 1)[-1]
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=name)


# --- Restriction (RGPD art. 18) -------------------------------------------------------------


@require_POST
@require_right(ADMINISTER)
def restrict(request: HttpRequest, public_id: Any) -> HttpResponse:
    follow_up = _visible_or_404(request, public_id)
    form = RestrictionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A restriction needs a reason."))
    else:
        try:
            services.restrict(
                actor=request.user, follow_up=follow_up, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("The processing of this file is restricted."))
    return HttpResponseRedirect(_detail_url(follow_up))


@require_POST
@require_right(ADMINISTER)
def lift_restriction(request: HttpRequest, public_id: Any) -> HttpResponse:
    follow_up = _visible_or_404(request, public_id)
    try:
        services.lift_restriction(actor=request.user, follow_up=follow_up)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The restriction is lifted."))
    return HttpResponseRedirect(_detail_url(follow_up))


# --- Work lists (followups/worklists.py) ----------------------------------------------------


class TeamWorkFilterForm(forms.Form):
    """The coordinator's work list, for one case worker (GET: a public id, never a name)."""

    owner = forms.ModelChoiceField(
        label=gettext_lazy("Case worker"),
        queryset=User.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label=gettext_lazy("Everyone"),
    )

    def __init__(self, *args: Any, owners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ModelChoiceField)
        owner_field.queryset = owners


def _log_work_list(request: HttpRequest, follow_ups: list[FollowUp]) -> None:
    # The list names files (case numbers, what is due): a list of nominative files.
    if follow_ups:
        record_access(request, AccessAction.LIST, follow_ups)


@require_right(RIGHT)
def worklist(request: HttpRequest) -> HttpResponse:
    """ "My work": the user's own open deadlines, in the files they may still see."""
    today = timezone.localdate()
    work = worklists.my_work(request.user, current_territory(request), today)
    _log_work_list(request, work.follow_ups)
    return render(
        request,
        "followups/worklist.html",
        {
            "work": work,
            "horizon": worklists.HORIZON_DAYS,
            "administers": request.user.has_perm(ADMINISTER, current_territory(request)),
        },
    )


@require_right(ADMINISTER)
def team_worklist(request: HttpRequest) -> HttpResponse:
    """The coordinator's view: every open deadline of the files they see, by case worker;
    the support plans ending; the archives whose destruction comes."""
    territory = current_territory(request)
    today = timezone.localdate()
    form = TeamWorkFilterForm(
        request.GET or None,
        owners=worklists.owners_of_open_deadlines(request.user, territory, today),
    )
    owner = form.cleaned_data["owner"] if form.is_bound and form.is_valid() else None
    work = worklists.team_work(request.user, territory, today, owner=owner)
    archives = worklists.archives_to_destroy(request.user, territory, today)
    _log_work_list(request, [*work.follow_ups, *archives])
    return render(
        request,
        "followups/worklist_team.html",
        {
            "work": work,
            "form": form,
            "owner": owner,
            "archives": archives,
            "horizon": worklists.HORIZON_DAYS,
        },
    )
