"""The people pages: search by POST (logged), a person's page (logged; 404 and a logged
refusal for anyone who does not see them), correction, guardians, merge of duplicates."""

import pytest
from django.urls import reverse

from tests.access_log import access_rows, assert_access_logged
from tests.factories import member
from tests.followups import conftest as follow_up_fixtures
from tests.followups.conftest import boy, referral
from tranquillite.accounts.roles import Role
from tranquillite.audit.models import AccessAction
from tranquillite.followups import services as followups
from tranquillite.governance import services as council
from tranquillite.people.models import LegalGuardian, Person, PersonMerge


# The follow-up tests' territory: the groupe Mineurs, a police officer who signed its charter,
# and a reminder of the law about a 14-year-old.
@pytest.fixture
def minors(territory, coordinator):
    return follow_up_fixtures.nominative_body(territory, coordinator, "Groupe Mineurs")


@pytest.fixture
def police(territory, minors, coordinator):
    officer = member(territory, Role.PARTNER_MEMBER)
    council.add_member(actor=coordinator, body=minors, user=officer)
    council.sign_charter(actor=officer, body=minors)
    return officer


@pytest.fixture
def rao(minors, coordinator):
    return followups.open_follow_up(
        actor=coordinator, body=minors, kind="law_reminder", data=referral(), new_person=boy()
    )


def page_of(person):
    return reverse("people:detail", args=[person.public_id])


def test_a_search_is_sent_by_post_and_logs_what_it_found(rao, coordinator, client_for):
    client = client_for(coordinator)
    with assert_access_logged((AccessAction.SEARCH, rao.person), (AccessAction.SEARCH, rao)):
        page = client.post(reverse("people:search"), {"query": "planté temoin yannis"})
    content = page.content.decode()
    assert "TÉMOIN-PLANTÉ" in content and rao.case_number in content
    # A GET never searches: no name in an address.
    with access_rows() as rows:
        client.get(reverse("people:search"), {"query": "Yanis"})
    assert rows.rows == []


def test_a_search_finds_only_people_of_files_one_sees(rao, territory, client_for):
    head = member(territory, Role.PARTNER_MEMBER)
    client = client_for(head)
    page = client.post(reverse("people:search"), {"query": "Yanis Témoin-Planté"})
    assert "TÉMOIN" not in page.content.decode()


def test_the_person_page_is_logged_and_closed_to_others(rao, territory, police, client_for):
    client = client_for(police)
    with assert_access_logged((AccessAction.READ, rao.person)):
        page = client.get(page_of(rao.person))
    assert "TÉMOIN-PLANTÉ" in page.content.decode() and rao.case_number in page.content.decode()
    head = member(territory, Role.PARTNER_MEMBER)
    outsider = client_for(head)
    with access_rows() as rows:
        assert outsider.get(page_of(rao.person)).status_code == 404
        assert outsider.get(reverse("people:edit", args=[rao.person.public_id])).status_code == 404
    assert {row.action for row in rows.rows} == {AccessAction.DENIED}
    assert len(rows.rows) == 2


def test_a_person_known_only_in_archived_files_needs_an_opened_file(rao, coordinator, client_for):
    from datetime import timedelta

    from django.utils import timezone

    from tranquillite.followups.engine import apply_step

    apply_step(
        actor=coordinator,
        follow_up=rao,
        step_name="close",
        data={
            "occurred_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "outcome": "withdrawn",
        },
    )
    client = client_for(coordinator)
    assert "TÉMOIN" not in client.get(page_of(rao.person)).content.decode()
    client.post(reverse("followups:detail", args=[rao.public_id]), {"reason": "Contrôle"})
    assert "TÉMOIN" in client.get(page_of(rao.person)).content.decode()


def test_the_record_is_corrected_and_a_bad_date_refused(rao, coordinator, client_for):
    client = client_for(coordinator)
    url = reverse("people:edit", args=[rao.person.public_id])
    data = {
        "first_name": "Yanis",
        "last_name": "Témoin-Plantée",
        "birth_date": rao.person.birth_date.isoformat(),
        "sex": "male",
        "situation": "pupil",
        "situation_place": "Collège Jean-Lolive",
    }
    assert client.post(url, {**data, "birth_date": "pas une date"}).status_code == 200
    rao.person.refresh_from_db()
    assert rao.person.last_name == "Témoin-Planté"
    assert client.post(url, data).status_code == 302
    rao.person.refresh_from_db()
    assert (rao.person.last_name, rao.person.situation_place) == (
        "Témoin-Plantée",
        "Collège Jean-Lolive",
    )


def test_guardians_are_added_and_changed(rao, coordinator, client_for):
    client = client_for(coordinator)
    data = {
        "relationship": "mother",
        "first_name": "Samira",
        "last_name": "Témoin",
        "address": "12 rue Hoche, Pantin",
        "email": "pas-un-courriel",
        "has_parental_authority": "on",
    }
    refused = client.post(reverse("people:guardian_add", args=[rao.person.public_id]), data)
    assert refused.status_code == 200 and "12 rue Hoche, Pantin" in refused.content.decode()
    assert not LegalGuardian.objects.exists()
    data["email"] = "samira@example.test"
    client.post(reverse("people:guardian_add", args=[rao.person.public_id]), data)
    guardian = LegalGuardian.objects.get()
    assert guardian.has_parental_authority and guardian.person == rao.person
    client.post(
        reverse("people:guardian_edit", args=[rao.person.public_id, guardian.public_id]),
        {**data, "phone": "06 00 00 00 00"},
    )
    guardian.refresh_from_db()
    assert guardian.phone == "06 00 00 00 00"


def test_a_duplicate_is_merged_with_a_reason(rao, minors, coordinator, client_for):
    twin = followups.open_follow_up(
        actor=coordinator,
        body=minors,
        kind="law_reminder",
        data=referral(),
        new_person=boy(first_name="Yannis", last_name="Temoin Plante"),
    )
    client = client_for(coordinator)
    url = reverse("people:merge", args=[rao.person.public_id])
    page = client.get(url).content.decode()
    assert str(twin.person.public_id) in page
    client.post(url, {"action": "merge", "other": str(twin.person.public_id), "reason": ""})
    assert Person.objects.count() == 2
    client.post(
        url,
        {"action": "merge", "other": str(twin.person.public_id), "reason": "Faute de frappe"},
    )
    assert Person.objects.count() == 1
    twin.refresh_from_db()
    assert twin.person == rao.person
    assert PersonMerge.objects.get().reason == "Faute de frappe"
