"""Two cities in one database: nothing of one is visible from the other."""

import pytest
from django.urls import reverse

from tests.factories import NeighbourhoodFactory, OrganisationFactory, member
from tranquillite.accounts.roles import Role
from tranquillite.audit.models import AccessAction, AccessLogEntry
from tranquillite.core.middleware import SESSION_TERRITORY


@pytest.fixture
def two_cities(territory, other_territory):
    here = OrganisationFactory(territory=territory, name="Commissariat d'ici")
    there = OrganisationFactory(territory=other_territory, name="Commissariat de là-bas")
    NeighbourhoodFactory(territory=territory, name="Quartier d'ici")
    NeighbourhoodFactory(territory=other_territory, name="Quartier de là-bas")
    coordinator = member(territory, Role.COORDINATOR, organisation=here)
    dpo = member(territory, Role.DATA_PROTECTION_OFFICER, organisation=here)
    stranger = member(other_territory, Role.PARTNER_MEMBER, organisation=there)
    AccessLogEntry.objects.create(
        territory=other_territory,
        actor=stranger,
        actor_label="stranger@example.test",
        action=AccessAction.READ,
        object_type="accounts.user",
        object_id="x-there",
    )
    return {
        "here": here,
        "there": there,
        "coordinator": coordinator,
        "dpo": dpo,
        "stranger": stranger,
    }


@pytest.mark.parametrize(
    "url_name, hidden_text",
    [
        ("core:territory", "Quartier de là-bas"),
        ("accounts:organisations", "Commissariat de là-bas"),
        ("accounts:members", "STRANGER_LAST_NAME"),
    ],
)
def test_lists_show_nothing_of_the_other_city(two_cities, client_for, url_name, hidden_text):
    if hidden_text == "STRANGER_LAST_NAME":
        hidden_text = two_cities["stranger"].last_name.upper()
    response = client_for(two_cities["coordinator"]).get(reverse(url_name))
    assert response.status_code == 200
    assert hidden_text not in response.content.decode().upper()
    assert two_cities["stranger"].email not in response.content.decode()


def test_lists_do_show_this_citys_rows(two_cities, client_for):
    client = client_for(two_cities["coordinator"])
    assert "Quartier d&#x27;ici" in client.get(reverse("core:territory")).content.decode()
    assert (
        "Commissariat d&#x27;ici" in client.get(reverse("accounts:organisations")).content.decode()
    )


def test_details_of_the_other_city_are_not_found(two_cities, client_for):
    client = client_for(two_cities["coordinator"])
    there, stranger = two_cities["there"], two_cities["stranger"]
    assert client.get(reverse("accounts:organisation", args=[there.public_id])).status_code == 404
    assert client.get(reverse("accounts:member", args=[stranger.public_id])).status_code == 404


def test_the_dpo_sees_only_this_citys_log(two_cities, client_for):
    response = client_for(two_cities["dpo"]).get(reverse("audit:log"))
    assert response.status_code == 200
    assert "x-there" not in response.content.decode()
    assert "stranger@example.test" not in response.content.decode()


def test_switching_to_a_territory_one_does_not_belong_to_is_refused(two_cities, client_for):
    client = client_for(two_cities["coordinator"])
    response = client.post(
        reverse("core:switch_territory"), {"territory": two_cities["there"].territory.public_id}
    )
    assert response.status_code == 404
    assert client.session.get(SESSION_TERRITORY) != str(two_cities["there"].territory.public_id)


def test_a_forged_session_territory_falls_back_to_ones_own(two_cities, client_for):
    client = client_for(two_cities["coordinator"])
    session = client.session
    session[SESSION_TERRITORY] = str(two_cities["there"].territory.public_id)
    session.save()
    response = client.get(reverse("accounts:organisations"))
    assert "Commissariat de là-bas" not in response.content.decode()
    assert "Commissariat d&#x27;ici" in response.content.decode()


def test_a_member_of_two_territories_switches_between_them(two_cities, client_for):
    coordinator = two_cities["coordinator"]
    other = two_cities["there"].territory
    member(other, Role.COORDINATOR, user=coordinator, organisation=two_cities["there"])
    client = client_for(coordinator)
    response = client.post(
        reverse("core:switch_territory"),
        {"territory": other.public_id, "next": reverse("accounts:organisations")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:organisations")
    page = client.get(reverse("accounts:organisations")).content.decode()
    assert "Commissariat de là-bas" in page
    assert "Commissariat d&#x27;ici" not in page


def test_switch_ignores_an_offsite_next_url(two_cities, client_for):
    coordinator = two_cities["coordinator"]
    response = client_for(coordinator).post(
        reverse("core:switch_territory"),
        {"territory": two_cities["here"].territory.public_id, "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("core:home")


def test_a_member_of_two_territories_starts_in_the_one_joined_first(two_cities, client_for):
    coordinator = two_cities["coordinator"]
    member(
        two_cities["there"].territory,
        Role.COORDINATOR,
        user=coordinator,
        organisation=two_cities["there"],
    )
    response = client_for(coordinator).get(reverse("core:home"))
    assert response.context["current_territory"] == two_cities["here"].territory


def test_the_log_export_holds_nothing_of_the_other_city(two_cities, client_for):
    response = client_for(two_cities["dpo"]).post(reverse("audit:export"), {"reason": "Contrôle"})
    body = b"".join(response.streaming_content).decode()
    assert "x-there" not in body
    assert "stranger@example.test" not in body
