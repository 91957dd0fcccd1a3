"""The follow-ups' fixtures (a territory with its groupe Mineurs and groupe Victimes, a police
officer who signed, an RAO for a 14-year-old) and a file with everything hanging from it."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from tests.followups.conftest import (  # noqa: F401  (fixtures)
    TODAY,
    boy,
    days_ago,
    family_council,
    hearing_day_came,
    mayor,
    minors,
    police,
    rao,
    referral,
    victims,
)
from tranquillite.followups import services
from tranquillite.followups.engine import apply_step
from tranquillite.followups.models import CaseDocument
from tranquillite.letters.services import register_mail
from tranquillite.people import services as people

# Planted values: each must be destroyed by the purge, and found in an access-request export.
PLANTED = {
    "address": "12 rue des Plantés-Témoins",
    "situation_place": "Collège Témoin-Lolive",
    "mother": ("Awa", "Témoin-Mère"),
    "father": ("Karim", "Témoin-Père"),
    "mother_phone": "06 11 22 33 44",
    "father_email": "karim.temoin@example.test",
    "commitments": "Assiduité au collège Témoin",
    "action_note": "Atelier Témoin du mercredi",
    "restriction": "Exactitude contestée par la famille Témoin",
}


def step(actor, follow_up, name, **data):
    apply_step(actor=actor, follow_up=follow_up, step_name=name, data=data)
    follow_up.refresh_from_db()
    return follow_up


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def full_file(rao, coordinator, police, mayor, victims, media):  # noqa: F811
    """An RAO with its person (corrected once), 2 guardians, steps, deadlines, a support
    action, links both ways, and a summons letter on disk numbered in the mail register."""
    person = rao.person
    people.update_person(
        actor=coordinator,
        person=person,
        address=PLANTED["address"],
        situation="pupil",
        situation_place=PLANTED["situation_place"],
    )
    mother = people.add_guardian(
        actor=coordinator,
        person=person,
        relationship="mother",
        first_name=PLANTED["mother"][0],
        last_name=PLANTED["mother"][1],
        phone=PLANTED["mother_phone"],
        address=PLANTED["address"],
    )
    father = people.add_guardian(
        actor=coordinator,
        person=person,
        relationship="father",
        first_name=PLANTED["father"][0],
        last_name=PLANTED["father"][1],
        email=PLANTED["father_email"],
    )
    step(coordinator, rao, "consult_prosecutor", occurred_on=days_ago(25).isoformat())
    step(
        coordinator,
        rao,
        "record_prosecutor_answer",
        occurred_on=days_ago(20).isoformat(),
        answer="agreement",
    )
    step(
        coordinator,
        rao,
        "summon",
        occurred_on=TODAY().isoformat(),
        hearing_at=(timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        place="Hôtel de ville",
        presiding_official=mayor.pk,
    )
    hearing_day_came(rao)
    step(
        coordinator,
        rao,
        "record_hearing",
        occurred_on=TODAY().isoformat(),
        parents_present="one",
        recalled=["school_attendance"],
        commitments=PLANTED["commitments"],
        support="on",
        case_worker=coordinator.pk,
    )
    action = services.add_support_action(
        actor=coordinator,
        follow_up=rao,
        kind="schooling",
        starts_on=days_ago(10),
        note=PLANTED["action_note"],
    )
    # Another young person's file, linked both ways (a victim's file).
    victim_file = services.open_follow_up(
        actor=coordinator,
        body=victims,
        kind="victim_support",
        data={
            "opened_on": days_ago(15).isoformat(),
            "source": "national_police",
            "facts": "physical_violence",
        },
        new_person=boy(first_name="Inès", last_name="Victime-Autre", sex="female"),
    )
    services.link_follow_ups(actor=coordinator, first=rao, second=victim_file)
    services.link_follow_ups(actor=coordinator, first=victim_file, second=rao)
    mail = register_mail(
        actor=coordinator,
        territory=rao.territory,
        sent_on=days_ago(5),
        subject="Convocation",
        reference=rao.case_number,
        addressee="Un représentant légal",
    )
    document = CaseDocument(
        territory=rao.territory, follow_up=rao, kind="summons", guardian=mother, mail=mail
    )
    document.file.save("convocation.pdf", ContentFile(b"%PDF-1.4 Awa Temoin-Mere"), save=True)
    rao.refresh_from_db()
    return {
        "follow_up": rao,
        "person": person,
        "guardians": [mother, father],
        "action": action,
        "victim_file": victim_file,
        "mail": mail,
        "document": document,
    }
