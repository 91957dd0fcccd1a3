"""Inviting colleagues, giving and withdrawing roles, deactivating accounts."""

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from tests.factories import OrganisationFactory, member
from tranquillite.accounts import services
from tranquillite.accounts.models import Membership, User
from tranquillite.accounts.roles import Role


@pytest.fixture
def organisation(territory):
    return OrganisationFactory(territory=territory, name="Commissariat de Pantin")


def invite_form(organisation, role=Role.PARTNER_MEMBER, email="nouvelle@example.test"):
    return {
        "first_name": "Inès",
        "last_name": "Durand",
        "email": email,
        "organisation": str(organisation.public_id),
        "role": role.value,
    }


def test_the_coordinator_invites_a_colleague_who_sets_a_password_by_e_mail(
    territory, coordinator, organisation, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(coordinator).post(
            reverse("accounts:invite"), invite_form(organisation)
        )
    assert response.status_code == 302
    user = User.objects.get(email="nouvelle@example.test")
    assert not user.has_usable_password()
    assert Membership.objects.filter(
        user=user, territory=territory, role=Role.PARTNER_MEMBER
    ).exists()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["nouvelle@example.test"]
    link = re.search(r"https?://\S+/compte/password/reset/key/\S+", message.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    client = Client()
    form_page = client.get("/" + path, follow=True)
    assert form_page.status_code == 200
    new_password = "Vélo-Rouge-Pantin-93!"
    client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else "/" + path,
        {"password1": new_password, "password2": new_password},
    )
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_an_invitation_form_with_errors_keeps_what_was_typed(coordinator, organisation, client_for):
    data = invite_form(organisation, email="pas-une-adresse")
    response = client_for(coordinator).post(reverse("accounts:invite"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["email"]
    assert 'value="Inès"' in response.content.decode()
    assert not User.objects.filter(first_name="Inès").exists()


def test_a_person_already_working_elsewhere_is_given_a_role_not_a_second_account(
    territory, other_territory, coordinator, organisation
):
    existing = member(other_territory, Role.PARTNER_MEMBER)
    services.invite_user(
        actor=coordinator,
        territory=territory,
        email=existing.email.upper(),
        first_name="x",
        last_name="y",
        organisation=organisation,
        role=Role.PARTNER_MEMBER,
    )
    assert User.objects.filter(email=existing.email).count() == 1
    assert existing.memberships.filter(territory=territory, is_active=True).exists()


def test_the_technical_administrator_cannot_open_nominative_roles(territory, organisation):
    admin = member(territory, Role.TECHNICAL_ADMINISTRATOR)
    for role in (Role.COORDINATOR, Role.PARTNER_MEMBER, Role.DATA_PROTECTION_OFFICER):
        with pytest.raises(PermissionDenied):
            services.invite_user(
                actor=admin,
                territory=territory,
                email=f"{role}@example.test",
                first_name="a",
                last_name="b",
                organisation=organisation,
                role=role,
            )
    # ...but manages field accounts.
    services.invite_user(
        actor=admin,
        territory=territory,
        email="garde@example.test",
        first_name="a",
        last_name="b",
        organisation=organisation,
        role=Role.PARK_WARDEN,
    )


def test_the_invitation_form_offers_only_the_roles_one_may_give(territory, client_for):
    admin = member(territory, Role.TECHNICAL_ADMINISTRATOR)
    form = client_for(admin).get(reverse("accounts:invite")).context["form"]
    offered = {value for value, _label in form.fields["role"].choices}
    assert offered == {Role.MEDIATOR, Role.PARK_WARDEN, Role.TECHNICAL_ADMINISTRATOR}


def test_nobody_changes_their_own_roles(territory, coordinator, organisation):
    with pytest.raises(PermissionDenied):
        services.grant_role(
            actor=coordinator,
            territory=territory,
            user=coordinator,
            organisation=organisation,
            role=Role.DATA_PROTECTION_OFFICER,
        )
    with pytest.raises(PermissionDenied):
        services.deactivate_member(actor=coordinator, territory=territory, user=coordinator)


def test_the_coordinator_grants_and_withdraws_a_role(
    territory, coordinator, organisation, client_for
):
    colleague = member(territory, Role.MEDIATOR)
    client = client_for(coordinator)
    client.post(
        reverse("accounts:grant", args=[colleague.public_id]),
        {"organisation": organisation.public_id, "role": Role.PARTNER_MEMBER.value},
    )
    membership = Membership.objects.get(user=colleague, role=Role.PARTNER_MEMBER)
    assert membership.is_active
    client.post(reverse("accounts:revoke", args=[colleague.public_id, membership.public_id]))
    membership.refresh_from_db()
    assert not membership.is_active


def test_withdrawing_access_in_one_territory_keeps_the_account_for_the_other(
    territory, other_territory, coordinator
):
    shared = member(territory, Role.PARTNER_MEMBER)
    member(other_territory, Role.PARTNER_MEMBER, user=shared)
    services.deactivate_member(actor=coordinator, territory=territory, user=shared)
    shared.refresh_from_db()
    assert shared.is_active
    assert not shared.has_perm("core.view_territory", territory)
    assert shared.has_perm("core.view_territory", other_territory)


def test_a_partner_cannot_reach_the_management_pages(territory, client_for):
    partner = member(territory, Role.PARTNER_MEMBER)
    colleague = member(territory, Role.MEDIATOR)
    client = client_for(partner)
    assert client.get(reverse("accounts:invite")).status_code == 403
    assert (
        client.post(reverse("accounts:deactivate", args=[colleague.public_id])).status_code == 403
    )
    colleague.refresh_from_db()
    assert colleague.is_active


def test_field_agents_do_not_see_the_member_directory(territory, client_for):
    mediator = member(territory, Role.MEDIATOR)
    assert client_for(mediator).get(reverse("accounts:members")).status_code == 403
    assert client_for(mediator).get(reverse("accounts:organisations")).status_code == 200


def test_member_list_filters_by_role_and_name(territory, coordinator, client_for):
    member(territory, Role.MEDIATOR, user=None)
    police = member(territory, Role.PARTNER_MEMBER)
    page = client_for(coordinator).get(reverse("accounts:members"), {"role": "partner_member"})
    assert [u.pk for u in page.context["members"]] == [police.pk]
    page = client_for(coordinator).get(reverse("accounts:members"), {"q": police.last_name[:4]})
    assert police.pk in [u.pk for u in page.context["members"]]


@pytest.mark.django_db(transaction=True)
def test_the_invitation_e_mail_leaves_through_the_task_worker(settings, territory, organisation):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    coordinator = member(territory, Role.COORDINATOR)
    services.invite_user(
        actor=coordinator,
        territory=territory,
        email="file@example.test",
        first_name="a",
        last_name="b",
        organisation=organisation,
        role=Role.PARTNER_MEMBER,
    )
    assert mail.outbox == []
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert [m.to for m in mail.outbox] == [["file@example.test"]]
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_nobody_invites_themselves_into_another_role(territory, coordinator, organisation):
    with pytest.raises(PermissionDenied):
        services.invite_user(
            actor=coordinator,
            territory=territory,
            email=coordinator.email.upper(),
            first_name="x",
            last_name="y",
            organisation=organisation,
            role=Role.DATA_PROTECTION_OFFICER,
        )
    assert not coordinator.has_perm("audit.view_access_log", territory)


def test_a_deactivated_account_is_reactivated_then_given_roles(
    territory, coordinator, organisation, client_for
):
    colleague = member(territory, Role.MEDIATOR)
    client = client_for(coordinator)
    client.post(reverse("accounts:deactivate", args=[colleague.public_id]))
    colleague.refresh_from_db()
    assert not colleague.is_active
    refused = client.post(
        reverse("accounts:grant", args=[colleague.public_id]),
        {"organisation": organisation.public_id, "role": Role.PARK_WARDEN.value},
    )
    assert refused.status_code == 302
    assert not colleague.memberships.filter(role=Role.PARK_WARDEN).exists()
    client.post(reverse("accounts:reactivate", args=[colleague.public_id]))
    client.post(
        reverse("accounts:grant", args=[colleague.public_id]),
        {"organisation": organisation.public_id, "role": Role.PARK_WARDEN.value},
    )
    colleague.refresh_from_db()
    assert colleague.is_active
    assert colleague.has_perm("core.view_territory", territory)
