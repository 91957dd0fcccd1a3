"""The coordinator keeps the territory, its neighbourhoods and organisations up to date."""

import pytest
from django.urls import reverse

from tests.factories import NeighbourhoodFactory, OrganisationFactory, member
from tranquillite.accounts.models import Organisation
from tranquillite.accounts.roles import Role
from tranquillite.core.models import Neighbourhood


def test_the_coordinator_adds_a_neighbourhood(territory, coordinator, client_for):
    response = client_for(coordinator).post(
        reverse("core:neighbourhood_create"),
        {
            "name": "Les Courtillières",
            "is_priority": "on",
            "centre_latitude": "48.9077",
            "centre_longitude": "2.4108",
        },
    )
    assert response.status_code == 302
    created = Neighbourhood.objects.get(territory=territory, name="Les Courtillières")
    assert created.is_priority


def test_a_duplicate_neighbourhood_name_gets_a_french_error_and_keeps_the_input(
    territory, coordinator, client_for
):
    NeighbourhoodFactory(territory=territory, name="Hoche")
    response = client_for(coordinator).post(
        reverse("core:neighbourhood_create"),
        {"name": "hoche", "centre_latitude": "48.89", "centre_longitude": "2.40"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ce territoire a déjà un quartier de ce nom." in page
    assert 'value="48.89"' in page
    assert Neighbourhood.objects.filter(territory=territory).count() == 1


def test_out_of_range_coordinates_are_refused(coordinator, client_for):
    response = client_for(coordinator).post(
        reverse("core:neighbourhood_create"),
        {"name": "Nulle part", "centre_latitude": "123", "centre_longitude": "2.40"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["centre_latitude"]


def test_the_coordinator_edits_the_territory_settings(territory, coordinator, client_for):
    response = client_for(coordinator).post(
        reverse("core:territory_settings"),
        {
            "name": "Pantin",
            "council_name": "CLSPD de Pantin",
            "kind": "commune",
            "insee_codes": "93055",
            "population": "52698",
            "address": "84/88 avenue du Général Leclerc",
            "phone": "01 49 15 40 00",
            "primary_colour": "#00557f",
        },
    )
    assert response.status_code == 302
    territory.refresh_from_db()
    assert territory.primary_colour == "#00557f"
    css = client_for(coordinator).get(reverse("core:theme_css")).content.decode()
    assert "--tq-primary: #00557f" in css


def test_the_coordinator_adds_and_edits_an_organisation(territory, coordinator, client_for):
    client = client_for(coordinator)
    client.post(
        reverse("accounts:organisation_create"),
        {"name": "Collège Jean-Jaurès", "kind": "national_education", "is_active": "on"},
    )
    organisation = Organisation.objects.get(territory=territory, name="Collège Jean-Jaurès")
    client.post(
        reverse("accounts:organisation_edit", args=[organisation.public_id]),
        {
            "name": "Collège Jean-Jaurès",
            "kind": "national_education",
            "phone": "01 00 00 00 00",
            "is_active": "on",
        },
    )
    organisation.refresh_from_db()
    assert organisation.phone == "01 00 00 00 00"


@pytest.mark.parametrize("role", [Role.PARTNER_MEMBER, Role.DIRECTOR, Role.DATA_PROTECTION_OFFICER])
def test_other_roles_cannot_change_the_territory(territory, client_for, role):
    client = client_for(member(territory, role))
    for url in (
        reverse("core:territory_settings"),
        reverse("core:neighbourhood_create"),
        reverse("accounts:organisation_create"),
    ):
        assert client.get(url).status_code == 403


def test_another_territorys_records_cannot_be_edited(other_territory, coordinator, client_for):
    theirs = OrganisationFactory(territory=other_territory)
    their_place = NeighbourhoodFactory(territory=other_territory)
    client = client_for(coordinator)
    assert (
        client.get(reverse("accounts:organisation_edit", args=[theirs.public_id])).status_code
        == 404
    )
    assert (
        client.get(reverse("core:neighbourhood_edit", args=[their_place.public_id])).status_code
        == 404
    )


@pytest.mark.parametrize(
    "colour, accepted", [("#00557f", True), ("#ffcc00", False), ("#767676", True)]
)
def test_the_city_colour_must_keep_white_text_readable(coordinator, client_for, colour, accepted):
    from tranquillite.core.forms import TerritorySettingsForm

    form = TerritorySettingsForm(
        {
            "name": "Pantin",
            "council_name": "CLSPD",
            "kind": "commune",
            "insee_codes": "93055",
            "primary_colour": colour,
        }
    )
    assert form.is_valid() is accepted


def test_a_duplicate_organisation_name_is_refused_in_french(territory, coordinator, client_for):
    OrganisationFactory(territory=territory, name="Parquet de Bobigny")
    response = client_for(coordinator).post(
        reverse("accounts:organisation_create"),
        {"name": "PARQUET DE BOBIGNY", "kind": "prosecutor", "is_active": "on"},
    )
    assert response.status_code == 200
    assert "Ce territoire a déjà une organisation de ce nom." in response.content.decode()
