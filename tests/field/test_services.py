"""Field presence rules: shifts, clock-in/out, the daily log's closed lists and validation,
idempotency, the name warning, h3 cells."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import h3
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import member
from tests.field.conftest import entry_input
from tranquillite.accounts.roles import Role
from tranquillite.field import services
from tranquillite.field.models import CATEGORIES_BY_KIND, Category, LogEntry, TeamKind


def test_clock_in_twice_joins_the_same_shift_and_clock_out_computes_the_hours(field):
    shift = services.clock_in(actor=field.mediator, team=field.team, sector=field.sector)
    again = services.clock_in(actor=field.supervisor, team=field.team, sector=field.sector)
    assert again.pk == shift.pk
    assert set(shift.members.all()) == {field.mediator, field.supervisor}
    shift.started_at = timezone.now() - timedelta(hours=8)
    shift.save()
    ended = services.clock_out(actor=field.mediator, shift=shift)
    assert ended.hours == pytest.approx(8, abs=0.01)
    # Clocking out again keeps the first time.
    assert services.clock_out(actor=field.mediator, shift=shift).ended_at == ended.ended_at


def test_a_planned_shift_ending_before_it_starts_is_refused(field):
    start = timezone.now()
    with pytest.raises(ValidationError) as error:
        services.plan_shift(
            actor=field.director,
            team=field.team,
            sector=field.sector,
            planned_start=start,
            planned_end=start - timedelta(hours=1),
        )
    assert "planned_end" in error.value.message_dict


def test_only_team_members_clock_in(field, territory):
    outsider = member(territory, Role.MEDIATOR)
    with pytest.raises(PermissionDenied):
        services.clock_in(actor=outsider, team=field.team, sector=field.sector)
    with pytest.raises(PermissionDenied):
        services.clock_in(actor=field.director, team=field.team, sector=field.sector)


def test_an_entry_from_the_list_is_placed_at_its_neighbourhood_cells(field, shift):
    entry, created = services.log_entry(
        actor=field.mediator, shift=shift, data=entry_input(neighbourhood=field.hoche)
    )
    assert created
    assert entry.neighbourhood == field.hoche
    assert entry.location_source == "list"
    assert entry.latitude is None
    expected = h3.str_to_int(h3.latlng_to_cell(48.8918, 2.4031, 8))
    assert entry.h3_r8 == expected
    assert h3.get_resolution(h3.int_to_str(entry.h3_r6)) == 6
    assert h3.get_resolution(h3.int_to_str(entry.h3_r10)) == 10


def test_a_position_snaps_to_the_nearest_neighbourhood(field, shift):
    entry, _created = services.log_entry(
        actor=field.mediator,
        shift=shift,
        data=entry_input(latitude=48.9005, longitude=2.3940),
    )
    assert entry.neighbourhood == field.quatre_chemins
    assert entry.location_source == "device"
    assert entry.latitude == Decimal("48.900500")
    assert entry.h3_r10 == h3.str_to_int(h3.latlng_to_cell(48.9005, 2.3940, 10))


@pytest.mark.parametrize(
    ("changes", "field_name"),
    [
        ({"latitude": 43.2965, "longitude": 5.3698}, "latitude"),  # Marseille
        ({"latitude": 48.9}, "latitude"),  # half a position
        ({}, "neighbourhood"),  # no place at all
        ({"occurred_at": timezone.now() + timedelta(hours=2)}, "occurred_at"),
        ({"occurred_at": timezone.now() - timedelta(days=30)}, "occurred_at"),
        ({"category": Category.PARK_RULES}, "category"),  # a park wardens' category
        ({"function": "arrest"}, "function"),  # not on the closed list
        ({"group_size": 0}, "group_size"),
        ({"note": "x" * 281}, "note"),
    ],
)
def test_invalid_entries_are_refused_with_the_field(field, shift, changes, field_name):
    data = entry_input(**changes)
    if "latitude" not in changes and field_name != "neighbourhood":
        data = entry_input(neighbourhood=field.hoche, **changes)
    with pytest.raises(ValidationError) as error:
        services.log_entry(actor=field.mediator, shift=shift, data=data)
    assert field_name in error.value.message_dict
    assert not LogEntry.objects.exists()


def test_the_same_client_uuid_twice_gives_one_entry(field, shift):
    data = entry_input(neighbourhood=field.hoche)
    first, created = services.log_entry(actor=field.mediator, shift=shift, data=data)
    again, created_again = services.log_entry(actor=field.mediator, shift=shift, data=data)
    assert created and not created_again
    assert again.pk == first.pk
    assert LogEntry.objects.count() == 1


def test_another_authors_client_uuid_is_a_conflict(field, shift):
    data = entry_input(neighbourhood=field.hoche)
    services.log_entry(actor=field.mediator, shift=shift, data=data)
    services.clock_in(actor=field.supervisor, team=field.team, sector=field.sector)
    with pytest.raises(ValidationError) as error:
        services.log_entry(actor=field.supervisor, shift=shift, data=data)
    assert "client_uuid" in error.value.message_dict


def test_a_name_or_phone_in_the_note_is_a_warning_not_a_refusal(field, shift):
    entry, _created = services.log_entry(
        actor=field.mediator,
        shift=shift,
        data=entry_input(
            neighbourhood=field.hoche, note="Mme Durand a appelé le 06 12 34 56 78 pour du bruit"
        ),
    )
    assert len(entry.note_warnings) == 2
    assert any("nom" in w or "name" in w for w in entry.note_warnings)
    clean, _created = services.log_entry(
        actor=field.mediator,
        shift=shift,
        data=entry_input(neighbourhood=field.hoche, note="Groupe calme, discussion sur le bruit"),
    )
    assert clean.note_warnings == []


def test_a_validated_shift_takes_no_more_entries(field, shift):
    with pytest.raises(PermissionDenied):
        services.validate_shift(actor=field.mediator, shift=shift)
    validated = services.validate_shift(actor=field.supervisor, shift=shift)
    assert validated.validated_by == field.supervisor
    assert validated.ended_at is not None
    with pytest.raises(ValidationError):
        services.log_entry(
            actor=field.mediator, shift=validated, data=entry_input(neighbourhood=field.hoche)
        )


def test_each_team_kind_has_its_closed_list():
    assert Category.WALK_IN in CATEGORIES_BY_KIND[TeamKind.MEDIATION]
    assert Category.WALK_IN not in CATEGORIES_BY_KIND[TeamKind.PARK_WARDENS]
    assert Category.PARK_RULES in CATEGORIES_BY_KIND[TeamKind.PARK_WARDENS]


def test_a_neighbourhood_of_another_territory_is_refused(field, shift, other_territory):
    from tests.factories import NeighbourhoodFactory

    elsewhere = NeighbourhoodFactory(territory=other_territory)
    with pytest.raises(ValidationError):
        services.log_entry(
            actor=field.mediator, shift=shift, data=entry_input(neighbourhood=elsewhere)
        )
