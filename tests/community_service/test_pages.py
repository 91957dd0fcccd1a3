"""The pages: need to know (404 for whoever may not see), the supervisor's narrow view, the
audit of every read, export and print, the refusals shown on the form, query counts."""

from __future__ import annotations

import uuid
from datetime import timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.access_log import access_rows, assert_access_logged
from tests.community_service.conftest import open_placement, record
from tests.factories import OrganisationFactory, member
from tranquillite.accounts.models import OrganisationKind
from tranquillite.accounts.roles import Role
from tranquillite.audit.models import AccessAction
from tranquillite.community_service import services
from tranquillite.community_service.models import (
    Occurrence,
    Placement,
    PlacementState,
    WorkSession,
)

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"community_service:{name}", args=args)


@pytest.fixture
def other_spip_officer(territory):
    other = OrganisationFactory(territory=territory, kind=OrganisationKind.PROBATION_SERVICE)
    return member(territory, Role.PARTNER_MEMBER, organisation=other)


@pytest.fixture
def police(territory):
    police = OrganisationFactory(territory=territory, kind=OrganisationKind.NATIONAL_POLICE)
    return member(territory, Role.PARTNER_MEMBER, organisation=police)


def test_the_access_matrix(
    client_for,
    territory,
    other_territory,
    placement,
    coordinator,
    supervisor,
    other_supervisor,
    officer,
    other_spip_officer,
    police,
    dpo,
):
    elsewhere = member(other_territory, Role.COORDINATOR)
    page = url("placement", placement.public_id)
    expected = {
        coordinator: 200,
        supervisor: 200,  # his post
        officer: 200,  # his service
        other_supervisor: 404,  # another post
        other_spip_officer: 404,  # another service
        police: 404,  # a partner, not the probation service
        dpo: 404,
        member(territory, Role.ELECTED_OFFICIAL): 404,
        member(territory, Role.TECHNICAL_ADMINISTRATOR): 404,
        elsewhere: 404,  # another territory
    }
    for user, status in expected.items():
        assert client_for(user).get(page).status_code == status, user


def test_the_supervisor_sees_names_and_planned_sessions_only(
    client_for, coordinator, supervisor, placement
):
    # A note in the placement's history: the coordinator's and the probation service's.
    services.change_state(
        actor=coordinator,
        placement=placement,
        target=PlacementState.SUSPENDED,
        occurred_on=timezone.localdate(),
        note="Hospitalisation signalée par le SPIP",
    )
    assert "Hospitalisation signalée" in client_for(coordinator).get(
        url("placement", placement.public_id)
    ).content.decode("utf-8")
    client = client_for(supervisor)
    with assert_access_logged((AccessAction.READ, placement)):
        response = client.get(url("placement", placement.public_id))
    html = response.content.decode()
    assert placement.person.first_name in html and placement.person.last_name in html
    assert placement.planned_days_label in html
    for hidden in (
        placement.probation_reference,
        placement.person.birth_date.strftime("%d/%m/%Y"),
        placement.sentence_date.strftime("%d/%m/%Y"),
        "Hospitalisation signalée",
    ):
        assert hidden not in html


def test_the_officer_sees_only_his_services_placements_in_the_list(
    client_for, coordinator, territory, post, spip, officer, other_spip_officer, placement
):
    other = OrganisationFactory(territory=territory, kind=OrganisationKind.YOUTH_JUSTICE)
    elsewhere = open_placement(
        coordinator,
        territory,
        post,
        spip,
        new_person={
            "first_name": "Sami",
            "last_name": "Haddad",
            "birth_date": timezone.localdate() - timedelta(days=25 * 365),
            "sex": "male",
        },
        probation_service=other,
    )
    html = client_for(officer).get(url("placements")).content.decode()
    assert placement.case_number in html
    assert elsewhere.case_number not in html


def test_the_work_list_shows_the_pace_warning_and_logs_the_list(
    client_for, coordinator, placement, django_assert_max_num_queries
):
    Placement.objects.filter(pk=placement.pk).update(
        deadline=timezone.localdate() + timedelta(days=14)
    )
    client = client_for(coordinator)
    with access_rows() as rows, django_assert_max_num_queries(15):
        response = client.get(url("placements"))
    assert (
        "Alerte de rythme" in response.content.decode() or "En retard" in response.content.decode()
    )
    assert (
        AccessAction.LIST,
        "community_service.placement",
        str(placement.public_id),
    ) in rows.as_tuples()


def test_the_catalogue_its_export_and_its_print_are_logged(
    client_for, coordinator, supervisor, post, placement, django_assert_max_num_queries
):
    reader = client_for(supervisor)
    with django_assert_max_num_queries(15):
        page = reader.get(url("catalogue"))
    assert post.title in page.content.decode()
    client = client_for(coordinator)
    assert client.post(url("catalogue_export"), {"reason": ""}).status_code == 400
    with assert_access_logged((AccessAction.EXPORT, post)):
        response = client.post(
            url("catalogue_export"), {"reason": "Mise à jour TIG360°", "format": "xlsx"}
        )
    sheet = load_workbook(BytesIO(response.content)).active
    header, first = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
    assert first[header.index("Poste")] == post.title
    assert first[header.index("Places restantes")] == post.capacity - 1
    with assert_access_logged((AccessAction.PRINT, post)):
        printed = client.post(url("catalogue_export"), {"reason": "Affichage", "format": "print"})
    assert post.tasks in printed.content.decode()


def test_nobody_outside_community_service_reads_the_catalogue(client_for, territory):
    mediator = member(territory, Role.MEDIATOR)
    assert client_for(mediator).get(url("catalogue")).status_code == 403


def test_a_resend_of_the_day_form_creates_one_session(client_for, supervisor, placement):
    client = client_for(supervisor)
    token = str(uuid.uuid4())
    for _attempt in range(2):
        response = client.post(url("session_open", placement.public_id), {"token": token})
        assert response.status_code == 302
    assert WorkSession.objects.filter(placement=placement).count() == 1


def test_the_supervisors_day_lists_todays_people(client_for, supervisor, placement):
    placement.planned_days = [timezone.localdate().weekday()]
    placement.save()
    html = client_for(supervisor).get(url("my_day")).content.decode()
    assert placement.person.last_name in html
    assert "Arrivée maintenant" in html


def test_a_refused_session_keeps_the_answers_and_says_why_in_french(
    client_for, supervisor, placement
):
    day = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client_for(supervisor).post(
        url("session_record", placement.public_id),
        {
            "token": str(uuid.uuid4()),
            "day": day,
            "start": "14:00",
            "end": "09:00",
            "break_minutes": "0",
            "tasks": "Tonte des pelouses",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "se termine avant de commencer" in html
    assert "Tonte des pelouses" in html
    assert not WorkSession.objects.exists()


def test_a_report_from_the_phone_is_recorded_once(client_for, supervisor, placement):
    client = client_for(supervisor)
    data = {
        "token": str(uuid.uuid4()),
        "kind": "absence",
        "day": timezone.localdate().isoformat(),
        "note": "",
    }
    for _attempt in range(2):
        assert client.post(url("occurrence_new", placement.public_id), data).status_code == 302
    assert Occurrence.objects.count() == 1


def test_the_coordinator_opens_a_placement_from_the_form(
    client_for, coordinator, post, spip, officer
):
    data = {
        "personne-first_name": "Inès",
        "personne-last_name": "Moreau",
        "personne-birth_date": "1998-04-02",
        "personne-sex": "female",
        "post": post.pk,
        "probation_service": spip.pk,
        "probation_officer": officer.pk,
        "probation_reference": "SPIP-77",
        "hours_ordered": "500",
        "sentence_date": (timezone.localdate() - timedelta(days=30)).isoformat(),
        "planned_days": ["0", "3"],
        "planned_start": "08:30",
        "planned_end": "12:30",
        "planned_break_minutes": "0",
    }
    client = client_for(coordinator)
    refused = client.post(url("placement_new"), data)
    assert refused.status_code == 400
    assert "entre 20 et 400" in refused.content.decode()
    assert "Moreau" in refused.content.decode()  # nothing typed is lost
    data["hours_ordered"] = "120"
    response = client.post(url("placement_new"), data)
    assert response.status_code == 302
    placement = Placement.objects.get()
    assert placement.person.last_name == "Moreau"
    # A second proposal for the same name shows the record first (no second registry).
    again = client.post(url("placement_new"), data)
    assert "peut-être la même personne" in again.content.decode()


def test_garbage_query_parameters_fall_back(client_for, supervisor, coordinator):
    assert client_for(supervisor).get(url("my_day") + "?jour=%00garbage").status_code == 200
    assert client_for(coordinator).get(url("placement_new") + "?personne=nope").status_code == 200


def test_a_supervisor_of_another_post_cannot_validate(
    client_for, other_supervisor, supervisor, placement
):
    session, _ = record(supervisor, placement)
    response = client_for(other_supervisor).post(url("session_validate", session.public_id))
    assert response.status_code == 404
    session.refresh_from_db()
    assert session.validated_at is None


@pytest.mark.parametrize("day", ["0026-01-01", "9999-12-31"])
def test_a_session_on_an_absurd_day_is_refused_not_a_crash(client_for, supervisor, placement, day):
    response = client_for(supervisor).post(
        url("session_record", placement.public_id),
        {
            "token": str(uuid.uuid4()),
            "day": day,
            "start": "22:00",
            "end": "02:00",
            "overnight": "on",
            "break_minutes": "0",
        },
    )
    assert response.status_code == 400
    assert not WorkSession.objects.exists()
