"""The outgoing-mail register page and its CSV export: numbers, dates, subjects, case numbers
and roles — never a person's name, even when the letters it numbers name them."""

from datetime import date

import pytest
from django.urls import reverse

from tests.factories import member
from tests.followups.test_law_reminder import agree
from tests.letters.test_summons import add_parents, summon
from tranquillite.accounts.roles import Role
from tranquillite.audit.models import AccessAction, AccessLogEntry
from tranquillite.letters.models import OutgoingMail
from tranquillite.letters.services import register_mail

URL = reverse("letters:register")
EXPORT = reverse("letters:register_export")


@pytest.fixture
def summoned(rao, coordinator, mayor):
    """An RAO whose summons went to the boy and his parents: three letters of this year."""
    add_parents(rao)
    agree(coordinator, rao)
    summon(coordinator, rao, mayor)
    return rao


def planted_names(follow_up):
    person = follow_up.person
    names = {person.first_name, person.last_name}
    for guardian in person.guardians.all():
        names |= {guardian.first_name, guardian.last_name}
    return names


def test_the_register_lists_the_year_by_number_and_names_no_one(summoned, coordinator, client_for):
    year = date.today().year
    register_mail(
        actor=coordinator,
        territory=summoned.territory,
        sent_on=date(year - 1, 12, 30),
        subject="Courrier de l'an passé",
        reference="RAO-2025-0007",
        addressee="Personne convoquée",
    )
    page = client_for(coordinator).get(URL).content.decode()
    for number in (1, 2, 3):
        assert f"{year}-{number:05d}" in page
    assert summoned.case_number in page and "Convocation — rappel à l’ordre" in page
    assert "Représentant légal" in page
    assert "RAO-2025-0007" not in page  # another year
    for name in planted_names(summoned):
        assert name not in page
    last_year = client_for(coordinator).get(URL, {"annee": year - 1}).content.decode()
    assert "RAO-2025-0007" in last_year and summoned.case_number not in last_year


def test_the_csv_export_states_a_reason_is_logged_and_names_no_one(
    summoned, coordinator, client_for
):
    client = client_for(coordinator)
    year = date.today().year
    response = client.post(EXPORT, {"year": year, "reason": "Contrôle du registre par la DPO"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    lines = text.splitlines()
    assert coordinator.email in lines[0]  # watermark: who exported, when
    assert lines[1] == "numéro;date;objet;référence;destinataire"
    assert len(lines) == 2 + 3
    assert lines[2].startswith(f"{year}-00001;") and summoned.case_number in lines[2]
    for name in planted_names(summoned):
        assert name not in text
    entry = AccessLogEntry.objects.get(action=AccessAction.EXPORT)
    assert (entry.actor, entry.reason) == (coordinator, "Contrôle du registre par la DPO")


def test_an_export_without_a_reason_is_refused_and_not_logged(summoned, coordinator, client_for):
    response = client_for(coordinator).post(EXPORT, {"year": date.today().year, "reason": ""})
    assert response.status_code == 400
    assert "text/html" in response["Content-Type"]
    assert not AccessLogEntry.objects.filter(action=AccessAction.EXPORT).exists()


def test_only_the_coordinator_and_the_dpo_read_the_register(
    summoned, territory, police, dpo, client_for
):
    assert client_for(dpo).get(URL).status_code == 200
    assert client_for(police).get(URL).status_code == 403
    assert client_for(member(territory, Role.ELECTED_OFFICIAL)).get(URL).status_code == 403
    assert client_for(police).post(EXPORT, {"year": 2026, "reason": "x"}).status_code == 403


def test_another_territorys_register_stays_apart(summoned, other_territory, client_for):
    stranger = member(other_territory, Role.COORDINATOR)
    register_mail(
        actor=stranger,
        territory=other_territory,
        sent_on=date.today(),
        subject="Courrier d'Autreville",
        reference="RAO-2026-0099",
        addressee="Personne convoquée",
    )
    page = client_for(stranger).get(URL).content.decode()
    assert "RAO-2026-0099" in page and summoned.case_number not in page
    assert OutgoingMail.objects.filter(territory=other_territory).get().sequence == 1
