"""The summons of a reminder of the law and the family council's convocation: one letter per
addressee, numbered in the outgoing-mail register, rendered on the letterhead with the
information notice, filed in the case — or nothing at all when the parents are missing."""

import re
import shutil
import subprocess
import time
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import formats, timezone, translation

from tests.factories import UserFactory, member
from tests.followups.conftest import TODAY, boy, days_ago
from tests.followups.test_law_reminder import agree, step
from tranquillite.accounts.roles import Role
from tranquillite.followups import letters, services
from tranquillite.followups.engine import StepContext
from tranquillite.followups.models import CaseDocument, DocumentKind
from tranquillite.letters.models import OutgoingMail
from tranquillite.letters.rendering import render_pdf
from tranquillite.people.models import LegalGuardian

PLACE = "Hôtel de ville, bureau du maire"


def pdf_text(content: bytes) -> str:
    """The PDF's text with its spacing normalised (no-break spaces, line breaks)."""
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext is required to read PDFs in tests (apt-get install poppler-utils)"
    result = subprocess.run([pdftotext, "-", "-"], input=content, capture_output=True, check=True)
    text = result.stdout.decode().replace("\u00a0", " ").replace("\u202f", " ")
    return re.sub(r"\s+", " ", text)


def hearing_time(days_ahead=10):
    return (timezone.localtime() + timedelta(days=days_ahead)).replace(
        hour=14, minute=30, second=0, microsecond=0
    )


def summon(actor, rao, official, days_ahead=10):
    return step(
        actor,
        rao,
        "summon",
        occurred_on=TODAY().isoformat(),
        hearing_at=hearing_time(days_ahead).strftime("%Y-%m-%dT%H:%M"),
        place=PLACE,
        presiding_official=official.pk,
    )


def add_parents(follow_up):
    person = follow_up.person
    person.address = "12 rue des Lilas, 93500 Pantin"
    person.save()
    mother = LegalGuardian.objects.create(
        territory=person.territory,
        person=person,
        relationship="mother",
        first_name="Samira",
        last_name="Guardienne-Plantée",
        address="12 rue des Lilas\n93500 Pantin",
    )
    # No address of his own: his letter goes "aux bons soins" of the child.
    father = LegalGuardian.objects.create(
        territory=person.territory,
        person=person,
        relationship="father",
        first_name="Karim",
        last_name="Tuteur-Planté",
    )
    # Without parental authority: no letter.
    LegalGuardian.objects.create(
        territory=person.territory,
        person=person,
        relationship="other",
        first_name="Odile",
        last_name="Tante-Plantée",
        has_parental_authority=False,
    )
    return mother, father


def names_of(follow_up):
    person = follow_up.person
    names = [person.first_name, person.last_name]
    for guardian in LegalGuardian.objects.filter(person=person):
        names += [guardian.first_name, guardian.last_name]
    return names


def stored_files(media_root):
    return [path for path in media_root.rglob("*") if path.is_file()] if media_root.exists() else []


def test_the_summons_sends_one_numbered_letter_per_addressee_filed_in_the_case(
    rao, coordinator, mayor, settings
):
    mother, father = add_parents(rao)
    agree(coordinator, rao)
    summon(coordinator, rao, mayor)
    documents = list(rao.documents.select_related("mail").order_by("mail__sequence"))
    # The young person, then each guardian holding parental authority (not the aunt).
    assert [d.guardian for d in documents] == [None, father, mother]
    assert {d.kind for d in documents} == {DocumentKind.SUMMONS}
    year = timezone.localdate().year
    assert [(d.mail.year, d.mail.sequence) for d in documents] == [(year, 1), (year, 2), (year, 3)]
    for document in documents:
        assert document.follow_up == rao and document.created_by == coordinator
        assert document.mail.subject == "Convocation — rappel à l’ordre"
        assert document.mail.reference == rao.case_number
        assert document.file.read()[:5] == b"%PDF-"
        # The file's path says nothing of the case or the person.
        assert rao.case_number not in document.file.name
        assert not any(name in document.file.name for name in names_of(rao))
    # The register keeps a role, never a name.
    with translation.override("fr"):
        roles = [
            f"Représentant légal ({guardian.get_relationship_display().lower()})"
            for guardian in (father, mother)
        ]
    assert [d.mail.addressee for d in documents] == ["Personne convoquée", *roles]
    for mail in OutgoingMail.objects.all():
        assert not any(
            name.lower() in f"{mail.subject} {mail.reference} {mail.addressee}".lower()
            for name in names_of(rao)
        )
    assert len(stored_files(settings.MEDIA_ROOT)) == 3


def test_a_minor_without_a_legal_guardian_is_refused_and_nothing_is_kept(
    rao, coordinator, mayor, settings
):
    agree(coordinator, rao)
    LegalGuardian.objects.create(
        territory=rao.territory,
        person=rao.person,
        relationship="other",
        first_name="Odile",
        last_name="Tante-Plantée",
        has_parental_authority=False,
    )
    events = rao.events.count()
    with pytest.raises(ValidationError) as refused:
        summon(coordinator, rao, mayor)
    assert "ajoutez au dossier au moins un représentant légal" in str(refused.value)
    rao.refresh_from_db()
    assert rao.state == "to_summon" and rao.presiding_official is None
    assert rao.events.count() == events and not rao.deadlines.filter(kind="hearing").exists()
    assert not OutgoingMail.objects.exists() and not CaseDocument.objects.exists()
    assert stored_files(settings.MEDIA_ROOT) == []
    # Once the parents are added, the register starts at 1: no number was consumed.
    add_parents(rao)
    summon(coordinator, rao, mayor)
    assert sorted(OutgoingMail.objects.values_list("sequence", flat=True)) == [1, 2, 3]


def test_a_letter_that_fails_midway_leaves_no_file_and_no_number(
    rao, coordinator, mayor, settings, monkeypatch
):
    add_parents(rao)
    agree(coordinator, rao)
    calls = []

    def failing_render(template_name, context):
        calls.append(template_name)
        if len(calls) == 2:
            raise RuntimeError("the renderer broke")
        return render_pdf(template_name, context)

    monkeypatch.setattr(letters, "render_pdf", failing_render)
    with pytest.raises(RuntimeError):
        summon(coordinator, rao, mayor)
    rao.refresh_from_db()
    assert rao.state == "to_summon"
    assert not OutgoingMail.objects.exists() and not CaseDocument.objects.exists()
    assert stored_files(settings.MEDIA_ROOT) == []


def test_a_young_adult_is_summoned_alone(minors, coordinator, mayor):
    adult = services.open_follow_up(
        actor=coordinator,
        body=minors,
        kind="law_reminder",
        data={
            "opened_on": days_ago(30).isoformat(),
            "source": "mediator",
            "facts": "noise",
            "no_complaint": "on",
            "no_proceedings": "on",
        },
        new_person=boy(birth_date=date(TODAY().year - 20, 1, 15)),
    )
    agree(coordinator, adult)
    summon(coordinator, adult, mayor)
    document = adult.documents.get()
    assert document.guardian is None
    text = pdf_text(document.file.read())
    assert "avec vos parents" not in text
    assert "je vous prie de bien vouloir vous présenter en mairie pour un rappel à l’ordre" in text


def test_the_letters_say_when_where_by_whom_with_their_number_and_the_notice(
    rao, coordinator, mayor, territory
):
    mother, _father = add_parents(rao)
    member(territory, Role.DATA_PROTECTION_OFFICER, user=UserFactory(email="dpo@ville.test"))
    agree(coordinator, rao)
    summon(coordinator, rao, mayor)
    hearing = hearing_time()
    with translation.override("fr"):
        day = formats.date_format(hearing, "l j F Y")
    to_mother = rao.documents.get(guardian=mother)
    content = to_mother.file.read()
    text = pdf_text(content)
    assert f"Le {day} à 14 h 30" in text
    assert PLACE in text
    assert f"N/Réf. : {rao.case_number} — Courrier n° {to_mother.mail.number}" in text
    assert "Objet : Convocation — rappel à l’ordre" in text
    assert "Madame Samira GUARDIENNE-PLANTÉE" in text and "12 rue des Lilas" in text
    assert "votre enfant Yanis Témoin-Planté" in text
    assert "article L. 132-7 du code de la sécurité intérieure" in text.replace("’", "'").replace(
        "l'article", "article"
    )
    # Signed for the mayor by the deputy who presides the hearing.
    assert "Pour le Maire et par délégation" in text and mayor.get_full_name() in text
    # The information notice (RGPD art. 13-14), on its own page.
    assert "Notice d’information sur le traitement de vos données personnelles" in text
    for right in ("droit d’accès", "rectification", "limitation du traitement", "opposition"):
        assert right in text
    assert "dpo@ville.test" in text and "CNIL" in text and "6-1-e du RGPD" in text
    assert "trois ans" in text and "25 ans" in text
    assert pdf_pages(content) == 2
    # The father has no address: "aux bons soins" of the child, at the child's address.
    to_father = pdf_text(rao.documents.get(guardian__relationship="father").file.read())
    assert "Monsieur Karim TUTEUR-PLANTÉ Aux bons soins de Yanis TÉMOIN-PLANTÉ" in to_father
    # The young person's own letter asks him to come with his parents.
    to_boy = pdf_text(rao.documents.get(guardian__isnull=True).file.read())
    assert "Monsieur Yanis TÉMOIN-PLANTÉ" in to_boy and "avec vos parents" in to_boy


def pdf_pages(content: bytes) -> int:
    """pdftotext ends each page with a form feed."""
    result = subprocess.run(
        [shutil.which("pdftotext") or "pdftotext", "-", "-"],
        input=content,
        capture_output=True,
        check=True,
    )
    return result.stdout.count(b"\f")


def test_a_second_summons_after_a_no_show_says_so(rao, coordinator, mayor):
    add_parents(rao)
    agree(coordinator, rao)
    summon(coordinator, rao, mayor)
    step(coordinator, rao, "record_no_show", occurred_on=TODAY().isoformat())
    summon(coordinator, rao, mayor, days_ahead=20)
    second = rao.documents.filter(kind=DocumentKind.SECOND_SUMMONS)
    assert second.count() == 3
    assert sorted(second.values_list("mail__sequence", flat=True)) == [4, 5, 6]
    with translation.override("fr"):
        missed = formats.date_format(hearing_time(10), "l j F Y")
    for document in second:
        assert document.mail.subject == "Seconde convocation — rappel à l’ordre"
        text = pdf_text(document.file.read())
        assert "Seconde convocation" in text and "une seconde fois" in text
        assert f"du {missed} à 14 h 30 est restée sans suite" in text
    # The first letters are still filed as first summons.
    assert rao.documents.filter(kind=DocumentKind.SUMMONS).count() == 3


def test_the_family_council_convenes_each_parent(family_council, coordinator, settings):
    child = services.open_follow_up(
        actor=coordinator,
        body=family_council,
        kind="family_council",
        data={"opened_on": days_ago(20).isoformat(), "source": "school", "facts": "absenteeism"},
        new_person=boy(),
    )
    session = {
        "occurred_on": TODAY().isoformat(),
        "session_at": hearing_time(7).strftime("%Y-%m-%dT%H:%M"),
        "place": "Mairie, salle 2",
    }
    with pytest.raises(ValidationError) as refused:
        step(coordinator, child, "plan_session", **session)
    assert "avant de programmer la séance" in str(refused.value)
    assert child.state == "referred" and stored_files(settings.MEDIA_ROOT) == []
    mother, father = add_parents(child)
    step(coordinator, child, "plan_session", **session)
    documents = child.documents.order_by("mail__sequence")
    assert [d.guardian for d in documents] == [father, mother]
    mail = documents[0].mail
    assert mail.subject == "Convocation — conseil pour les droits et devoirs des familles"
    assert mail.reference == child.case_number
    text = pdf_text(documents[1].file.read())
    assert "conseil pour les droits et devoirs des familles, que je préside" in text
    assert "L. 141-1 du code de l’action sociale et des familles" in text
    assert "Mairie, salle 2" in text and "Madame Samira GUARDIENNE-PLANTÉE" in text
    assert "accompagnement parental" in text and "droit d’accès" in text


def test_one_summons_renders_quickly_enough_to_measure(rao, coordinator, mayor, territory):
    """Not a timing assertion (the benchmark measures it): the time is printed for the report."""
    mother, _father = add_parents(rao)
    agree(coordinator, rao)
    summon(coordinator, rao, mayor)
    event = rao.events.get(step="summon")
    context = StepContext(
        actor=coordinator,
        follow_up=rao,
        data={"hearing_at": hearing_time(), "place": PLACE, "presiding_official": mayor},
        event=event,
    )
    letter = letters.Letter(
        letters.guardian_addressee(mother, rao.person), "letters/summons_guardian.html", "summons"
    )
    timings, cpu = [], []
    for _ in range(3):
        started, started_cpu = time.perf_counter(), time.process_time()
        letters.send_letters(
            context,
            subject="Convocation — rappel à l’ordre",
            letters=[letter],
            signature=letters.signature_for(mayor, territory),
            extra={
                "notice_kind": "law_reminder",
                "is_minor": True,
                "hearing": letters.when_text(hearing_time()),
                "place": PLACE,
            },
        )
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    print(
        "\nOne summons letter (number, render, file):",
        f"wall {[round(t * 1000) for t in timings]} ms, CPU {[round(t * 1000) for t in cpu]} ms",
    )
    assert rao.documents.count() == 3 + 3
