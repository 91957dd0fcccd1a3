"""Community service fixtures: a city service with a post, its supervisor, the probation
service with an officer's account, and a placement ready to run."""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta

import pytest
from django.utils import timezone

from tests.factories import OrganisationFactory, UserFactory, member
from tranquillite.accounts.models import OrganisationKind
from tranquillite.accounts.roles import Role
from tranquillite.community_service import services
from tranquillite.community_service.models import Placement, PlacementState, Post
from tranquillite.people.models import Person, Sex


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def parks(territory):
    return OrganisationFactory(
        territory=territory, name="Direction des parcs", kind=OrganisationKind.CITY_SERVICE
    )


@pytest.fixture
def spip(territory):
    return OrganisationFactory(
        territory=territory,
        name="SPIP de la Seine-Saint-Denis",
        kind=OrganisationKind.PROBATION_SERVICE,
        email="spip93@justice.test",
    )


@pytest.fixture
def supervisor(territory, parks):
    return member(
        territory,
        Role.SUPERVISOR,
        organisation=parks,
        user=UserFactory(first_name="Karim", last_name="Tuteur"),
    )


@pytest.fixture
def other_supervisor(territory, parks):
    return member(territory, Role.SUPERVISOR, organisation=parks)


@pytest.fixture
def officer(territory, spip):
    return member(
        territory,
        Role.PARTNER_MEMBER,
        organisation=spip,
        user=UserFactory(email="cpip@spip.test", first_name="Claire", last_name="Officer"),
    )


def make_post(territory, service, supervisors=(), **fields):
    post = Post.objects.create(
        territory=territory,
        service=service,
        title=fields.pop("title", "Entretien des espaces verts"),
        tasks="Désherbage, ramassage des feuilles",
        capacity=fields.pop("capacity", 2),
        days=fields.pop("days", [0, 1, 2, 3, 4]),
        starts_at=time(8, 30),
        ends_at=time(12, 30),
        **fields,
    )
    post.supervisors.set(supervisors)
    return post


@pytest.fixture
def post(territory, parks, supervisor):
    return make_post(territory, parks, [supervisor])


@pytest.fixture
def other_post(territory, parks, other_supervisor):
    return make_post(territory, parks, [other_supervisor], title="Gymnase Hasenfratz")


def make_person(territory, **fields):
    return Person.objects.create(
        territory=territory,
        first_name=fields.pop("first_name", "Yanis"),
        last_name=fields.pop("last_name", "Benali"),
        birth_date=fields.pop("birth_date", date(2000, 5, 17)),
        sex=Sex.MALE,
        **fields,
    )


def terms(post, spip, officer=None, **overrides):
    values = {
        "post": post,
        "probation_service": spip,
        "probation_officer": officer,
        "officer_name": "",
        "officer_email": "" if officer else "cpip.exterieur@justice.test",
        "probation_reference": "SPIP-2026-118",
        "hours_ordered": 70,
        "sentence_date": timezone.localdate() - timedelta(days=60),
        "deadline": None,
        "deadline_reason": "",
        "planned_days": [0, 2],
        "planned_start": time(8, 30),
        "planned_end": time(12, 30),
        "planned_break_minutes": 0,
    }
    values.update(overrides)
    return services.PlacementTerms(**values)


def person_fields(**overrides):
    fields = {
        "first_name": "Yanis",
        "last_name": "Benali",
        "birth_date": date(2000, 5, 17),
        "sex": Sex.MALE,
    }
    fields.update(overrides)
    return fields


def open_placement(
    coordinator, territory, post, spip, officer=None, person=None, new_person=None, **overrides
):
    """A proposal, for a person of the registry the coordinator sees (`person`) or a new one."""
    return services.propose_placement(
        actor=coordinator,
        territory=territory,
        person=person,
        new_person=None if person else (new_person or person_fields()),
        terms=terms(post, spip, officer, **overrides),
    )


def activate(coordinator, placement):
    today = timezone.localdate()
    services.record_start_details(
        actor=coordinator,
        placement=placement,
        agreement_on=today - timedelta(days=3),
        first_interview_on=today - timedelta(days=2),
        deadline=placement.deadline,
        deadline_reason="",
    )
    return services.change_state(
        actor=coordinator,
        placement=placement,
        target=PlacementState.ACTIVE,
        occurred_on=today - timedelta(days=1),
    )


@pytest.fixture
def placement(coordinator, territory, post, spip, officer) -> Placement:
    return activate(coordinator, open_placement(coordinator, territory, post, spip, officer))


def session_times(day=None, start=time(9, 0), end=time(12, 0), **kwargs):
    return services.SessionTimes(
        day=day or timezone.localdate() - timedelta(days=1), start=start, end=end, **kwargs
    )


def record(actor, placement, **kwargs):
    token = kwargs.pop("token", None) or uuid.uuid4()
    return services.record_session(
        actor=actor, placement=placement, token=token, times=session_times(**kwargs)
    )
