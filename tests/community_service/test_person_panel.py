"""A person's placements on the person's page (people/extensions.py registry, filled by
community_service): listed for whoever may see them, and for anyone else nothing at all —
no heading, no case number, no hint that the person did community service."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.access_log import access_rows
from tests.community_service.conftest import make_post, open_placement, person_fields
from tests.factories import member
from tests.followups.conftest import nominative_body, referral
from tranquillite.accounts.roles import Role
from tranquillite.audit.models import AccessAction
from tranquillite.followups import services as followups
from tranquillite.governance import services as council

pytestmark = pytest.mark.django_db

HEADING = "Placements TIG"


@pytest.fixture
def young_adult(territory, coordinator):
    """A person of 20 with a reminder of the law in the groupe Mineurs (a police officer of
    the group sees him through it) and a community-service placement."""
    body = nominative_body(territory, coordinator, "Groupe Mineurs")
    born = date(timezone.localdate().year - 20, 3, 1)
    follow_up = followups.open_follow_up(
        actor=coordinator,
        body=body,
        kind="law_reminder",
        data=referral(),
        new_person=person_fields(first_name="Ilyes", last_name="Témoin-Planté", birth_date=born),
    )
    return body, follow_up.person


@pytest.fixture
def police(territory, coordinator, young_adult):
    body, _person = young_adult
    officer = member(territory, Role.PARTNER_MEMBER)
    council.add_member(actor=coordinator, body=body, user=officer)
    council.sign_charter(actor=officer, body=body)
    return officer


def page(person):
    return reverse("people:detail", args=[person.public_id])


def test_the_coordinator_finds_the_placement_on_the_persons_page(
    client_for, coordinator, territory, post, spip, young_adult
):
    _body, person = young_adult
    placement = open_placement(coordinator, territory, post, spip, person=person)
    with access_rows() as logged:
        html = client_for(coordinator).get(page(person)).content.decode()
    assert HEADING in html
    link = reverse("community_service:placement", args=[placement.public_id])
    assert f'href="{link}"' in html and placement.case_number in html
    assert (AccessAction.LIST, "community_service.placement", str(placement.public_id)) in (
        logged.as_tuples()
    )


def test_who_may_not_see_the_placement_sees_no_link_and_no_hint(
    client_for, coordinator, territory, post, spip, young_adult, police
):
    _body, person = young_adult
    placement = open_placement(coordinator, territory, post, spip, person=person)
    with access_rows() as logged:
        response = client_for(police).get(page(person))
    assert response.status_code == 200  # he sees the person, through the reminder of the law
    html = response.content.decode()
    for hint in (
        HEADING,
        placement.case_number,
        str(placement.public_id),
        f"/tig/placements/{placement.public_id}",
        post.title,
        'id="placements-title"',
    ):
        assert hint not in html, hint
    assert not [row for row in logged.as_tuples() if row[1] == "community_service.placement"]


def test_a_person_known_only_through_a_placement_has_a_page_for_the_coordinator(
    client_for, coordinator, territory, post, spip
):
    placement = open_placement(coordinator, territory, post, spip)
    html = client_for(coordinator).get(page(placement.person)).content.decode()
    assert placement.person.last_name.upper() in html
    assert placement.case_number in html


def test_the_persons_page_reads_placements_in_constant_queries(
    client_for, coordinator, territory, parks, spip, young_adult
):
    _body, person = young_adult
    post = make_post(territory, parks, capacity=10)
    client = client_for(coordinator)
    open_placement(coordinator, territory, post, spip, person=person)
    client.get(page(person))
    with CaptureQueriesContext(connection) as one:
        client.get(page(person))
    for _n in range(3):
        open_placement(coordinator, territory, post, spip, person=person)
    with CaptureQueriesContext(connection) as four:
        html = client.get(page(person)).content.decode()
    assert html.count(f"TIG-{timezone.localdate().year}-") == 4
    assert len(four) == len(one)
