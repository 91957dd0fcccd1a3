"""The bodies' pages: who sees which body, members, charter signing, suspension."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import member
from tranquillite.accounts.roles import Role
from tranquillite.governance import services
from tranquillite.governance.access import CaseAccess, case_access
from tranquillite.governance.models import Body, BodyKind, BodyMember, MemberStatus


@pytest.fixture
def bodies(territory, coordinator):
    minors = Body.objects.create(
        territory=territory, name="Groupe Mineurs", kind=BodyKind.WORKING_GROUP, handles_cases=True
    )
    landlords = Body.objects.create(
        territory=territory,
        name="Groupe Bailleurs",
        kind=BodyKind.WORKING_GROUP,
        handles_cases=True,
    )
    services.publish_charter(actor=coordinator, body=minors, text="Article 1. Confidentialité.")
    return {"minors": minors, "landlords": landlords}


def test_a_partner_sees_only_the_bodies_he_belongs_to(territory, bodies, coordinator, client_for):
    landlord = member(territory, Role.PARTNER_MEMBER)
    services.add_member(actor=coordinator, body=bodies["landlords"], user=landlord)
    client = client_for(landlord)
    page = client.get(reverse("governance:bodies")).content.decode()
    assert "Groupe Bailleurs" in page
    assert "Groupe Mineurs" not in page
    assert (
        client.get(reverse("governance:body", args=[bodies["minors"].public_id])).status_code == 404
    )


def test_the_coordinator_and_elected_officials_see_every_body(territory, bodies, client_for):
    for role in (Role.COORDINATOR, Role.ELECTED_OFFICIAL, Role.DIRECTOR):
        page = (
            client_for(member(territory, role)).get(reverse("governance:bodies")).content.decode()
        )
        assert "Groupe Bailleurs" in page and "Groupe Mineurs" in page


def test_another_territorys_bodies_are_not_found(other_territory, coordinator, client_for):
    theirs = Body.objects.create(
        territory=other_territory, name="Leur groupe", kind=BodyKind.PLENARY
    )
    client = client_for(coordinator)
    assert "Leur groupe" not in client.get(reverse("governance:bodies")).content.decode()
    assert client.get(reverse("governance:body", args=[theirs.public_id])).status_code == 404


def test_a_member_signs_the_charter_through_the_page(territory, bodies, coordinator, client_for):
    officer = member(territory, Role.PARTNER_MEMBER)
    services.add_member(actor=coordinator, body=bodies["minors"], user=officer)
    client = client_for(officer)
    url = reverse("governance:charter", args=[bodies["minors"].public_id])
    refused = client.post(url, {})
    assert refused.status_code == 200
    assert case_access(officer, bodies["minors"]) == CaseAccess.UNSIGNED
    assert client.post(url, {"accept": "on"}).status_code == 302
    assert case_access(officer, bodies["minors"]) == CaseAccess.GRANTED


def test_the_coordinator_adds_members_and_suspends_one(territory, bodies, coordinator, client_for):
    officer = member(territory, Role.PARTNER_MEMBER)
    client = client_for(coordinator)
    minors = bodies["minors"]
    client.post(
        reverse("governance:member_add", args=[minors.public_id]), {"user": officer.public_id}
    )
    client.post(
        reverse("governance:member_add", args=[minors.public_id]),
        {"contact_name": "Mme Durand, éducatrice", "contact_email": "durand@example.test"},
    )
    assert minors.members.count() == 2
    membership = minors.members.get(user=officer)
    refused = client.post(
        reverse("governance:member_suspend", args=[minors.public_id, membership.public_id]),
        {"reason": ""},
    )
    assert refused.status_code == 302
    membership.refresh_from_db()
    assert membership.status == MemberStatus.ACTIVE
    client.post(
        reverse("governance:member_suspend", args=[minors.public_id, membership.public_id]),
        {"reason": "Manquement à la charte"},
    )
    membership.refresh_from_db()
    assert (membership.status, membership.status_reason, membership.status_changed_by_id) == (
        MemberStatus.SUSPENDED,
        "Manquement à la charte",
        coordinator.pk,
    )


def test_adding_nobody_is_refused_in_french(bodies, coordinator, client_for):
    response = client_for(coordinator).post(
        reverse("governance:member_add", args=[bodies["minors"].public_id]), {}
    )
    assert "Choisissez un membre disposant d&#x27;un compte" in response.content.decode()
    assert not BodyMember.objects.exists()


def test_only_the_coordinator_manages_bodies(territory, bodies, client_for):
    director = member(territory, Role.DIRECTOR)
    client = client_for(director)
    assert client.get(reverse("governance:body_create")).status_code == 403
    assert (
        client.get(
            reverse("governance:charter_publish", args=[bodies["minors"].public_id])
        ).status_code
        == 403
    )


def test_publishing_a_charter_through_the_page_bumps_the_version(bodies, coordinator, client_for):
    client_for(coordinator).post(
        reverse("governance:charter_publish", args=[bodies["minors"].public_id]),
        {"text": "Article 1. Confidentialité renforcée."},
    )
    assert bodies["minors"].current_charter().version == 2


def test_the_coordinator_creates_a_body(territory, coordinator, client_for):
    response = client_for(coordinator).post(
        reverse("governance:body_create"),
        {"name": "Cellule de veille", "kind": "working_group", "handles_cases": "on"},
    )
    assert response.status_code == 302
    assert Body.objects.get(territory=territory, name="Cellule de veille").handles_cases
    refused = client_for(coordinator).post(
        reverse("governance:body_create"),
        {"name": "Plénière bis", "kind": "plenary", "handles_cases": "on"},
    )
    assert refused.status_code == 200
    assert not Body.objects.filter(name="Plénière bis").exists()


def test_the_body_page_costs_the_same_queries_whatever_its_size(
    territory, bodies, coordinator, client_for
):
    client = client_for(coordinator)
    url = reverse("governance:body", args=[bodies["minors"].public_id])
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    services.add_member(
        actor=coordinator, body=bodies["minors"], user=member(territory, Role.PARTNER_MEMBER)
    )
    few = count()
    for _ in range(8):
        someone = member(territory, Role.PARTNER_MEMBER)
        services.add_member(actor=coordinator, body=bodies["minors"], user=someone)
        services.sign_charter(actor=someone, body=bodies["minors"])
    assert count() == few
    assert few <= 12  # 15 with the once-a-minute session write


def test_the_body_page_tells_each_member_where_he_stands(
    territory, bodies, coordinator, client_for
):
    officer = member(territory, Role.PARTNER_MEMBER)
    services.add_member(actor=coordinator, body=bodies["minors"], user=officer)
    url = reverse("governance:body", args=[bodies["minors"].public_id])
    page = client_for(officer).get(url).content.decode()
    assert "Vous n'avez pas encore signé la charte" in page
    services.sign_charter(actor=officer, body=bodies["minors"])
    page = client_for(officer).get(url).content.decode()
    assert "Vous avez signé la charte en vigueur" in page


def test_the_home_page_counts_the_charters_left_to_sign(territory, bodies, coordinator, client_for):
    officer = member(territory, Role.PARTNER_MEMBER)
    services.add_member(actor=coordinator, body=bodies["minors"], user=officer)
    services.add_member(actor=coordinator, body=bodies["landlords"], user=officer)  # no charter

    def figures():
        page = client_for(officer).get(reverse("core:home"))
        return {str(f.label): f.value for f in page.context["figures"]}

    assert figures()["Chartes à signer"] == 1
    assert figures()["Mes instances"] == 2
    services.sign_charter(actor=officer, body=bodies["minors"])
    assert figures()["Chartes à signer"] == 0


def test_the_add_member_page_offers_only_people_not_yet_members(
    territory, bodies, coordinator, client_for
):
    officer = member(territory, Role.PARTNER_MEMBER)
    newcomer = member(territory, Role.PARTNER_MEMBER)
    services.add_member(actor=coordinator, body=bodies["minors"], user=officer)
    form = (
        client_for(coordinator)
        .get(reverse("governance:member_add", args=[bodies["minors"].public_id]))
        .context["form"]
    )
    offered = set(form.fields["user"].queryset)
    assert newcomer in offered and officer not in offered
