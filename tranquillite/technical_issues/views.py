"""The technical issues' pages: raising one (a phone page), my reports, an organisation's
queue, an issue with its moves, the signed link (no sign-in), the coordination's overview and
routing rules. Thin: forms in, services for writes, selectors for reads. What one may not see
is a 404."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tranquillite.accounts.permissions import has_right
from tranquillite.core.decorators import require_right
from tranquillite.core.http import as_uuid, current_territory, error_text, query_value
from tranquillite.core.refusals import Refusal
from tranquillite.field.geo import cells_of
from tranquillite.technical_issues import links, selectors, services
from tranquillite.technical_issues.conf import DEFAULT_DEADLINE_DAYS
from tranquillite.technical_issues.forms import (
    DeadlinesForm,
    DefaultForm,
    IssueForm,
    RerouteForm,
    RuleForm,
    TextForm,
)
from tranquillite.technical_issues.geo import outline_of
from tranquillite.technical_issues.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    CategoryDeadline,
    IssueCategory,
    IssueStatus,
    RoutingDefault,
    RoutingRule,
    TechnicalIssue,
)

LIST_LIMIT = 200
# "My reports" on the phone: every open report, and those closed lately (the status change).
RECENTLY_CLOSED_DAYS = 30
RECENTLY_CLOSED_SHOWN = 10


def _form_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- Raising ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@require_right("technical_issues.raise_issue")
def raise_issue(request: HttpRequest) -> HttpResponse:
    """From a daily-log entry (`?entrée=<id>`, its place is the issue's) or directly. Open
    issues of the same category nearby are shown before a new one is created."""
    territory = current_territory(request)
    entry = None
    entry_id = query_value(request, "entrée", as_uuid, None)
    if entry_id is not None:
        entry = selectors.entry_for(request.user, territory, entry_id)
        if entry is None:
            raise Refusal("technical_issues.entry")
    neighbourhoods = selectors.neighbourhoods(territory)
    form = IssueForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        neighbourhoods=neighbourhoods,
        with_place=entry is None,
    )
    duplicates: list[TechnicalIssue] = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.to_input(entry)
            try:
                place = services.place_of(territory, data)
                cell = cells_of(place.latitude, place.longitude).r10
                duplicates = services.possible_duplicates(
                    territory, category=data.category, cell=cell
                )
                if duplicates and not form.cleaned_data["confirm"]:
                    messages.warning(
                        request,
                        _(
                            "Open issues of the same kind were reported nearby: is yours one "
                            "of them? If not, send yours again."
                        ),
                    )
                    if form.cleaned_data.get("photo"):
                        messages.info(request, _("Attach the photo again before sending."))
                    confirmed = request.POST.copy()
                    confirmed["confirm"] = "True"
                    form.data = confirmed
                else:
                    issue = services.raise_issue(
                        actor=request.user,
                        territory=territory,
                        data=data,
                        photo=form.cleaned_data.get("photo"),
                    )
                    messages.success(
                        request,
                        _("Issue %(reference)s sent to %(organisation)s.")
                        % {"reference": issue.reference, "organisation": issue.organisation},
                    )
                    return redirect("technical_issues:mine")
            except ValidationError as error:
                _form_errors(form, error)
    return render(
        request,
        "technical_issues/raise.html",
        {
            "form": form,
            "entry": entry,
            "entries": [] if entry else selectors.recent_entries(request.user, territory),
            "duplicates": duplicates,
        },
        status=status,
    )


@require_GET
@require_right("technical_issues.raise_issue")
def mine(request: HttpRequest) -> HttpResponse:
    """The reporter's list on the phone: what he and his teams raised, with its status."""
    territory = current_territory(request)
    reports = selectors.my_reports(request.user, territory)
    since = timezone.now() - timedelta(days=RECENTLY_CLOSED_DAYS)
    return render(
        request,
        "technical_issues/mine.html",
        {
            "open_issues": list(reports.filter(status__in=OPEN_STATUSES)[:LIST_LIMIT]),
            "closed_issues": list(
                reports.filter(status__in=CLOSED_STATUSES, closed_at__gte=since).order_by(
                    "-closed_at", "-pk"
                )[:RECENTLY_CLOSED_SHOWN]
            ),
            "recent_days": RECENTLY_CLOSED_DAYS,
        },
    )


# --- The fixer's queue --------------------------------------------------------------------------

FILTERS = {
    "ouverts": OPEN_STATUSES,
    "clos": CLOSED_STATUSES,
}


@require_GET
@require_right("technical_issues.work_queue")
def queue(request: HttpRequest) -> HttpResponse:
    territory = current_territory(request)
    organisations = selectors.queue_organisations(request.user, territory)
    shown = request.GET.get("statut", "ouverts")
    if shown not in FILTERS:
        shown = "ouverts"
    issues = selectors.queue(request.user, territory, organisations).filter(
        status__in=FILTERS[shown]
    )
    if shown == "clos":
        issues = issues.order_by("-closed_at", "-pk")
    return render(
        request,
        "technical_issues/queue.html",
        {
            "organisations": organisations,
            "issues": list(issues[:LIST_LIMIT]),
            "shown": shown,
        },
    )


@require_GET
@require_right("technical_issues.oversee_issues")
def overview(request: HttpRequest) -> HttpResponse:
    """Every issue of the territory, which rule routed it; filters by organisation, status
    and lateness."""
    territory = current_territory(request)
    issues = selectors.issues(request.user, territory).select_related(*selectors.LIST_RELATED)
    organisations = list(selectors.organisations_of(territory))
    wanted = query_value(request, "organisation", as_uuid, None)
    organisation = next((o for o in organisations if o.public_id == wanted), None)
    if organisation is not None:
        issues = issues.filter(organisation=organisation)
    status = request.GET.get("statut", "")
    if status in IssueStatus.values:
        issues = issues.filter(status=status)
    late = request.GET.get("retard") == "1"
    if late:
        issues = issues.filter(status__in=OPEN_STATUSES, due_at__lt=timezone.now())
    return render(
        request,
        "technical_issues/overview.html",
        {
            "issues": list(issues.order_by("-created_at", "-pk")[:LIST_LIMIT]),
            "organisations": organisations,
            "organisation": organisation,
            "statuses": IssueStatus.choices,
            "status": status,
            "late": late,
        },
    )


# --- One issue ------------------------------------------------------------------------------


def _visible_issue(request: HttpRequest, public_id: UUID) -> TechnicalIssue:
    issue = selectors.issue_for(request.user, current_territory(request), public_id)
    if issue is None:
        raise Refusal("technical_issues.issue", model=TechnicalIssue, public_id=public_id)
    return issue


@require_GET
@require_right("core.view_territory", record=TechnicalIssue)
def issue_detail(request: HttpRequest, public_id: UUID) -> HttpResponse:
    issue = _visible_issue(request, public_id)
    territory = current_territory(request)
    fixer = services.works_on(request.user, issue)
    context = {
        "issue": issue,
        "events": list(issue.events.all()),
        "fixer": fixer and issue.is_open,
        "follower": services.follows(request.user, issue),
        "may_reroute": issue.is_open
        and has_right(request.user, "technical_issues.manage_routing", territory),
        "oversees": has_right(request.user, "technical_issues.oversee_issues", territory),
        "reroute_form": RerouteForm(
            organisations=selectors.organisations_of(territory).exclude(pk=issue.organisation_id)
        ),
    }
    return render(request, "technical_issues/issue.html", context)


ACTIONS: dict[str, Callable[[Any, TechnicalIssue, str], Any]] = {
    "acknowledge": lambda user, issue, text: services.acknowledge(actor=user, issue=issue),
    "resolve": lambda user, issue, text: services.resolve(actor=user, issue=issue, note=text),
    "refuse": lambda user, issue, text: services.refuse(actor=user, issue=issue, reason=text),
    "request_information": lambda user, issue, text: services.request_information(
        actor=user, issue=issue, question=text
    ),
    "give_information": lambda user, issue, text: services.give_information(
        actor=user, issue=issue, answer=text
    ),
    "comment": lambda user, issue, text: services.comment(actor=user, issue=issue, text=text),
}


@require_POST
@require_right("core.view_territory", record=TechnicalIssue)
def act(request: HttpRequest, public_id: UUID) -> HttpResponse:
    issue = _visible_issue(request, public_id)
    action = ACTIONS.get(request.POST.get("action", ""))
    form = TextForm(request.POST)
    if action is None or not form.is_valid():
        messages.error(request, _("This action is not possible."))
    else:
        try:
            action(request.user, issue, form.cleaned_data["text"])
            messages.success(request, _("Done."))
        except ValidationError as error:
            messages.error(request, error_text(error))
        except PermissionDenied:
            messages.error(request, _("You may not do this on this issue."))
    return redirect("technical_issues:issue", public_id=issue.public_id)


@require_POST
@require_right("technical_issues.manage_routing", record=TechnicalIssue)
def reroute(request: HttpRequest, public_id: UUID) -> HttpResponse:
    issue = _visible_issue(request, public_id)
    form = RerouteForm(request.POST, organisations=selectors.organisations_of(issue.territory))
    if not form.is_valid():
        messages.error(request, _("Choose the organisation and give the reason."))
    else:
        try:
            services.reroute(
                actor=request.user,
                issue=issue,
                organisation=form.cleaned_data["organisation"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Issue re-routed."))
        except ValidationError as error:
            messages.error(request, error_text(error))
    return redirect("technical_issues:issue", public_id=issue.public_id)


@require_GET
@require_right("core.view_territory", record=TechnicalIssue)
def photo(request: HttpRequest, public_id: UUID) -> FileResponse:
    issue = _visible_issue(request, public_id)
    if not issue.photo:
        raise Http404
    response = FileResponse(issue.photo.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


# --- The signed link (no sign-in) ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def link(request: HttpRequest, public_id: UUID, token: str) -> HttpResponse:
    """One issue, for the organisation it was sent to: read it, acknowledge, resolve. No
    navigation, nothing else; a refused link says why, in French, and changes nothing."""
    try:
        grant = links.read_link(public_id, token)
    except links.LinkRefused as refused:
        return render(
            request,
            "technical_issues/link_refused.html",
            {"message": refused.message},
            status=410 if refused.expired else 403,
        )
    issue = grant.issue
    if request.method == "POST":
        action = request.POST.get("action", "")
        note = request.POST.get("text", "")[:500]
        try:
            if action == "acknowledge":
                services.acknowledge(issue=issue, link=grant)
                messages.success(request, _("Issue acknowledged. Thank you."))
            elif action == "resolve":
                services.resolve(issue=issue, note=note, link=grant)
                messages.success(request, _("Issue marked as fixed. Thank you."))
            else:
                messages.error(request, _("This action is not possible."))
        except ValidationError as error:
            messages.error(request, error_text(error))
        return redirect(request.path)
    issue.refresh_from_db()
    return render(
        request,
        "technical_issues/link.html",
        {"issue": issue, "events": list(issue.events.select_related("organisation"))},
    )


# --- Routing rules (the coordination) ---------------------------------------------------------


def _rules_page(
    request: HttpRequest,
    *,
    rule_form: RuleForm | None = None,
    editing: RoutingRule | None = None,
    status: int = 200,
) -> HttpResponse:
    territory = current_territory(request)
    organisations = selectors.organisations_of(territory)
    neighbourhoods = selectors.neighbourhoods(territory)
    default = RoutingDefault.objects.filter(territory=territory).first()
    current = dict(DEFAULT_DEADLINE_DAYS)
    current.update(
        CategoryDeadline.objects.filter(territory=territory).values_list("category", "days")
    )
    rules = list(selectors.rules(request.user, territory))
    return render(
        request,
        "technical_issues/rules.html",
        {
            "rules": rules,
            "areas": [
                {"name": rule.name, "outline": outline_of(rule.area)} for rule in rules if rule.area
            ],
            "rule_form": rule_form
            or RuleForm(neighbourhoods=neighbourhoods, organisations=organisations, rule=editing),
            "editing": editing,
            "default_form": DefaultForm(
                organisations=organisations,
                initial={"organisation": default.organisation.public_id if default else None},
            ),
            "default": default,
            "deadlines_form": DeadlinesForm(current=current),
            "territory": territory,
        },
        status=status,
    )


@require_GET
@require_right("technical_issues.manage_routing")
def rules(request: HttpRequest) -> HttpResponse:
    editing = None
    wanted = query_value(request, "regle", as_uuid, None)
    if wanted is not None:
        editing = (
            selectors.rules(request.user, current_territory(request))
            .filter(public_id=wanted)
            .first()
        )
    return _rules_page(request, editing=editing)


@require_POST
@require_right("technical_issues.manage_routing")
def save_rule(request: HttpRequest) -> HttpResponse:
    territory = current_territory(request)
    editing = None
    wanted = query_value(request, "regle", as_uuid, None)
    if wanted is not None:
        editing = selectors.rules(request.user, territory).filter(public_id=wanted).first()
        if editing is None:
            raise Refusal("technical_issues.rule")
    form = RuleForm(
        request.POST,
        neighbourhoods=selectors.neighbourhoods(territory),
        organisations=selectors.organisations_of(territory),
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.save_rule(
                actor=request.user,
                territory=territory,
                rule=editing,
                name=data["name"],
                category=data["category"],
                neighbourhood=data["neighbourhood"],
                area=data["area"],
                organisation=data["organisation"],
                priority=data["priority"],
                is_active=data["is_active"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Rule saved."))
            return redirect("technical_issues:rules")
    return _rules_page(request, rule_form=form, editing=editing, status=400)


@require_POST
@require_right("technical_issues.manage_routing")
def delete_rule(request: HttpRequest, public_id: UUID) -> HttpResponse:
    rule = (
        selectors.rules(request.user, current_territory(request))
        .filter(public_id=public_id)
        .first()
    )
    if rule is None:
        raise Refusal("technical_issues.rule")
    services.delete_rule(actor=request.user, rule=rule)
    messages.success(request, _("Rule deleted."))
    return redirect("technical_issues:rules")


@require_POST
@require_right("technical_issues.manage_routing")
def save_default(request: HttpRequest) -> HttpResponse:
    territory = current_territory(request)
    form = DefaultForm(request.POST, organisations=selectors.organisations_of(territory))
    if form.is_valid():
        services.set_default_organisation(
            actor=request.user, territory=territory, organisation=form.cleaned_data["organisation"]
        )
        messages.success(request, _("Default organisation saved."))
    else:
        messages.error(request, _("Choose an organisation from the list."))
    return redirect("technical_issues:rules")


@require_POST
@require_right("technical_issues.manage_routing")
def save_deadlines(request: HttpRequest) -> HttpResponse:
    territory = current_territory(request)
    form = DeadlinesForm(request.POST, current=dict(DEFAULT_DEADLINE_DAYS))
    if not form.is_valid():
        messages.error(request, _("A deadline is between 1 and 365 days."))
    else:
        for category in IssueCategory.values:
            services.set_deadline(
                actor=request.user,
                territory=territory,
                category=category,
                days=form.cleaned_data[category],
            )
        messages.success(request, _("Deadlines saved."))
    return redirect("technical_issues:rules")
