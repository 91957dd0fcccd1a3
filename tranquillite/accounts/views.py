from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tranquillite.accounts import selectors, services
from tranquillite.accounts.forms import (
    InvitationForm,
    MemberFilterForm,
    OrganisationForm,
    RoleForm,
)
from tranquillite.accounts.models import Membership, User
from tranquillite.accounts.permissions import has_right
from tranquillite.accounts.roles import NOMINATIVE_ROLES, Role
from tranquillite.audit.models import AccessAction
from tranquillite.audit.services import record_access
from tranquillite.core.decorators import require_right
from tranquillite.core.http import current_territory, error_text

MEMBERS_PER_PAGE = 50


def _grantable_roles(request: HttpRequest) -> list[Role]:
    may_grant_nominative = has_right(
        request.user, "accounts.grant_nominative_roles", current_territory(request)
    )
    return [r for r in Role if may_grant_nominative or r not in NOMINATIVE_ROLES]


@require_right("accounts.view_organisations")
def organisation_list(request: HttpRequest) -> HttpResponse:
    territory = current_territory(request)
    organisations = selectors.organisations_for(request.user, territory)
    return render(
        request,
        "accounts/organisation_list.html",
        {
            "organisations": organisations,
            "can_manage": has_right(request.user, "core.manage_territory", territory),
        },
    )


@require_right("accounts.view_organisations")
def organisation_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    organisation = selectors.organisation_for(request.user, current_territory(request), public_id)
    if organisation is None:
        raise Http404
    members = None
    if request.user.has_perm("accounts.view_members", current_territory(request)):
        members = selectors.members_for(
            request.user, current_territory(request), organisation=organisation
        )
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": organisation,
            "members": members,
            "can_manage": has_right(
                request.user, "core.manage_territory", current_territory(request)
            ),
        },
    )


@require_right("core.manage_territory")
def organisation_edit(request: HttpRequest, public_id: str | None = None) -> HttpResponse:
    territory = current_territory(request)
    organisation = None
    if public_id is not None:
        organisation = selectors.organisation_for(request.user, territory, public_id)
        if organisation is None:
            raise Http404
    form = OrganisationForm(request.POST or None, instance=organisation, territory=territory)
    if request.method == "POST" and form.is_valid():
        saved = services.save_organisation(actor=request.user, territory=territory, form=form)
        messages.success(request, _("The organisation has been saved."))
        return HttpResponseRedirect(reverse("accounts:organisation", args=[saved.public_id]))
    return render(
        request, "accounts/organisation_form.html", {"form": form, "organisation": organisation}
    )


@require_right("accounts.view_members")
def member_list(request: HttpRequest) -> HttpResponse:
    territory = current_territory(request)
    filters = MemberFilterForm(request.GET or None, territory=territory)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    members = selectors.members_for(
        request.user,
        territory,
        organisation=criteria.get("organisation"),
        role=criteria.get("role", ""),
        query=criteria.get("q", ""),
    )
    page = Paginator(members, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/member_list.html",
        {
            "members": page.object_list,
            "page": page,
            "query": query.urlencode(),
            "filters": filters,
            "can_invite": has_right(request.user, "accounts.manage_members", territory),
        },
    )


@require_right("accounts.view_members")
def member_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    territory = current_territory(request)
    member = selectors.member_for(request.user, territory, public_id)
    if member is None:
        raise Http404
    # A member's card carries personal contact details: the read is traced.
    record_access(request, AccessAction.READ, [member])
    may_manage = has_right(request.user, "accounts.manage_members", territory)
    role_form = (
        RoleForm(territory=territory, grantable_roles=_grantable_roles(request))
        if may_manage and member.pk != request.user.pk
        else None
    )
    return render(
        request,
        "accounts/member_detail.html",
        {
            "member": member,
            "may_manage": may_manage,
            "role_form": role_form,
            "can_audit": has_right(request.user, "audit.view_access_log", territory),
        },
    )


@require_right("accounts.manage_members")
def invite(request: HttpRequest) -> HttpResponse:
    territory = current_territory(request)
    form = InvitationForm(
        request.POST or None, territory=territory, grantable_roles=_grantable_roles(request)
    )
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invite_user(
                actor=request.user, territory=territory, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("An invitation has been sent to %(email)s.") % {"email": user.email},
            )
            return HttpResponseRedirect(reverse("accounts:member", args=[user.public_id]))
    return render(request, "accounts/invite.html", {"form": form})


def _member_or_404(request: HttpRequest, public_id: str) -> User:
    member = selectors.member_for(request.user, current_territory(request), public_id)
    if member is None:
        raise Http404
    return member


@require_POST
@require_right("accounts.manage_members")
def grant(request: HttpRequest, public_id: str) -> HttpResponse:
    territory = current_territory(request)
    member = _member_or_404(request, public_id)
    form = RoleForm(request.POST, territory=territory, grantable_roles=_grantable_roles(request))
    if form.is_valid():
        try:
            services.grant_role(
                actor=request.user, territory=territory, user=member, **form.cleaned_data
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, error_text(error))
        else:
            messages.success(request, _("The role has been given."))
    else:
        messages.error(request, _("Choose an organisation and a role."))
    return HttpResponseRedirect(reverse("accounts:member", args=[member.public_id]))


@require_POST
@require_right("accounts.manage_members")
def revoke(request: HttpRequest, public_id: str, membership_id: str) -> HttpResponse:
    member = _member_or_404(request, public_id)
    membership = Membership.objects.filter(
        user=member, territory=current_territory(request), public_id=membership_id
    ).first()
    if membership is None:
        raise Http404
    try:
        services.revoke_role(actor=request.user, membership=membership)
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The role has been withdrawn."))
    return HttpResponseRedirect(reverse("accounts:member", args=[member.public_id]))


@require_POST
@require_right("accounts.manage_members")
def reactivate(request: HttpRequest, public_id: str) -> HttpResponse:
    member = _member_or_404(request, public_id)
    try:
        services.reactivate_account(
            actor=request.user, territory=current_territory(request), user=member
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(request, _("The account is open again: give it the roles it needs."))
    return HttpResponseRedirect(reverse("accounts:member", args=[member.public_id]))


@require_POST
@require_right("accounts.manage_members")
def deactivate(request: HttpRequest, public_id: str) -> HttpResponse:
    member = _member_or_404(request, public_id)
    try:
        services.deactivate_member(
            actor=request.user, territory=current_territory(request), user=member
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, error_text(error))
    else:
        messages.success(
            request, _("%(name)s no longer has access to this territory.") % {"name": member}
        )
    return HttpResponseRedirect(reverse("accounts:member", args=[member.public_id]))
