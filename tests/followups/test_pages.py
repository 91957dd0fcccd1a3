"""The follow-up pages: who reaches a file (and who gets a 404, logged), what each page writes
to the access log, the referral with its duplicate check, steps taken and refused, archived
and restricted files, query counts, and no name in any address."""

import re
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.access_log import access_rows, assert_access_logged
from tests.factories import member
from tests.followups.conftest import TODAY, boy, days_ago, hearing_day_came, referral
from tranquillite.accounts.roles import Role
from tranquillite.audit.models import AccessAction, AccessLogEntry
from tranquillite.followups import services
from tranquillite.followups.engine import apply_step
from tranquillite.followups.models import FollowUp
from tranquillite.governance import services as council
from tranquillite.people.models import LegalGuardian, Person

READ, LIST, SEARCH = AccessAction.READ, AccessAction.LIST, AccessAction.SEARCH


def detail(follow_up):
    return reverse("followups:detail", args=[follow_up.public_id])


def step_url(follow_up, name):
    return reverse("followups:step", args=[follow_up.public_id, name])


def take(actor, follow_up, name, **data):
    apply_step(actor=actor, follow_up=follow_up, step_name=name, data=data)
    follow_up.refresh_from_db()
    return follow_up


def summoned(rao, coordinator, mayor):
    # The summons letters go to the legal guardians: a minor needs one.
    if not rao.person.guardians.exists():
        LegalGuardian.objects.create(
            territory=rao.territory,
            person=rao.person,
            relationship="father",
            first_name="Karim",
            last_name="Témoin-Planté",
            address="12 rue Hoche, 93500 Pantin",
        )
    take(coordinator, rao, "consult_prosecutor", occurred_on=days_ago(25).isoformat())
    take(
        coordinator,
        rao,
        "record_prosecutor_answer",
        occurred_on=days_ago(20).isoformat(),
        answer="agreement",
    )
    hearing_at = timezone.localtime() + timedelta(days=10)
    take(
        coordinator,
        rao,
        "summon",
        occurred_on=TODAY().isoformat(),
        hearing_at=hearing_at.strftime("%Y-%m-%dT%H:%M"),
        place="Hôtel de ville",
        presiding_official=mayor.pk,
    )
    return hearing_day_came(rao)


def hearing(**overrides):
    data = {
        "occurred_on": TODAY().isoformat(),
        "parents_present": "one",
        "recalled": ["school_attendance"],
        "commitments": "Assiduité au collège.",
        "support": "on",
    }
    data.update(overrides)
    return data


def close(coordinator, rao):
    return take(coordinator, rao, "close", occurred_on=days_ago(1).isoformat(), outcome="withdrawn")


# --- Who reaches a file -----------------------------------------------------------------------


def test_the_coordinator_and_a_signed_police_officer_open_the_file(
    rao, coordinator, police, client_for
):
    for user in (coordinator, police):
        page = client_for(user).get(detail(rao))
        assert page.status_code == 200
        assert "Témoin-Planté".upper() in page.content.decode()


def test_a_school_head_outside_the_group_gets_a_404_and_the_refusal_is_logged(
    rao, territory, client_for
):
    head = member(territory, Role.PARTNER_MEMBER)
    client = client_for(head)
    with access_rows() as rows:
        page = client.get(detail(rao))
    assert page.status_code == 404
    content = page.content.decode()
    assert rao.case_number not in content and "Témoin" not in content
    assert rows.as_tuples() == [(AccessAction.DENIED, "followups.followup", str(rao.public_id))]
    assert rows.rows[0].actor == head


def test_an_unsigned_member_and_another_territory_get_a_404(
    rao, minors, territory, other_territory, coordinator, client_for
):
    unsigned = member(territory, Role.PARTNER_MEMBER)
    council.add_member(actor=coordinator, body=minors, user=unsigned)
    elsewhere = member(other_territory, Role.COORDINATOR)
    for user in (unsigned, elsewhere):
        assert client_for(user).get(detail(rao)).status_code == 404
        assert client_for(user).get(step_url(rao, "consult_prosecutor")).status_code == 404
    denied = AccessLogEntry.objects.filter(action=AccessAction.DENIED, actor=unsigned)
    assert denied.count() == 2


def test_the_presiding_official_sees_the_file_he_hears_and_no_other(
    rao, minors, coordinator, mayor, client_for
):
    other = services.open_follow_up(
        actor=coordinator,
        body=minors,
        kind="law_reminder",
        data=referral(),
        new_person=boy(first_name="Noam", last_name="Autre"),
    )
    assert client_for(mayor).get(detail(rao)).status_code == 404
    summoned(rao, coordinator, mayor)
    client = client_for(mayor)
    assert client.get(detail(rao)).status_code == 200
    assert client.get(detail(other)).status_code == 404
    listed = client.get(reverse("followups:list")).content.decode()
    assert rao.case_number in listed and other.case_number not in listed


# --- What each page writes to the access log ------------------------------------------------


def test_each_view_of_a_file_writes_a_read_of_the_file_and_the_person(rao, coordinator, client_for):
    client = client_for(coordinator)
    for _ in range(2):
        with assert_access_logged((READ, rao), (READ, rao.person)):
            assert client.get(detail(rao)).status_code == 200


def test_the_list_writes_the_files_and_people_it_shows(rao, minors, coordinator, client_for):
    second = services.open_follow_up(
        actor=coordinator,
        body=minors,
        kind="law_reminder",
        data=referral(),
        new_person=boy(first_name="Noam", last_name="Autre"),
    )
    client = client_for(coordinator)
    with assert_access_logged(
        (LIST, rao), (LIST, rao.person), (LIST, second), (LIST, second.person)
    ):
        page = client.get(reverse("followups:list"))
    assert rao.case_number in page.content.decode()


def test_archived_files_are_listed_by_case_number_only(rao, coordinator, client_for):
    close(coordinator, rao)
    client = client_for(coordinator)
    assert rao.case_number not in client.get(reverse("followups:list")).content.decode()
    with assert_access_logged((LIST, rao)):
        page = client.get(reverse("followups:list"), {"status": "archived"}).content.decode()
    assert rao.case_number in page
    assert "Témoin" not in page.upper().title() and "TÉMOIN" not in page


def test_the_list_filters_by_kind_state_and_case_worker(
    rao, minors, coordinator, police, client_for
):
    rao.case_worker = police
    rao.save()
    client = client_for(police)
    mine = client.get(reverse("followups:list"), {"mine": "on"}).content.decode()
    assert rao.case_number in mine
    other_state = client.get(reverse("followups:list"), {"state": "summoned"}).content.decode()
    assert rao.case_number not in other_state
    other_kind = client.get(reverse("followups:list"), {"kind": "victim_support"}).content.decode()
    assert rao.case_number not in other_kind
    assert rao.case_number not in (
        client_for(coordinator).get(reverse("followups:list"), {"mine": "on"}).content.decode()
    )


def test_the_list_costs_the_same_queries_for_one_file_or_many(rao, minors, coordinator, client_for):
    client = client_for(coordinator)
    client.get(reverse("followups:list"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("followups:list"))
    for index in range(5):
        services.open_follow_up(
            actor=coordinator,
            body=minors,
            kind="law_reminder",
            data=referral(),
            new_person=boy(first_name=f"Prénom{index}", last_name=f"Nom{index}"),
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("followups:list"))
    assert page.content.decode().count("RAO-") == 6
    assert len(many) == len(one)


def test_the_file_page_costs_the_same_queries_however_long_its_history(
    rao, coordinator, mayor, client_for
):
    client = client_for(coordinator)
    summoned(rao, coordinator, mayor)
    take(coordinator, rao, "record_hearing", **hearing(case_worker=coordinator.pk))
    services.add_support_action(actor=coordinator, follow_up=rao, kind="health", starts_on=TODAY())
    client.get(detail(rao))
    with CaptureQueriesContext(connection) as short:
        client.get(detail(rao))
    for review in ("review_3_months", "review_6_months"):
        take(
            coordinator,
            rao,
            "record_review",
            occurred_on=TODAY().isoformat(),
            review=review,
            reoffended="False",
            early_reason="new_facts",
        )
    LegalGuardian.objects.create(
        territory=rao.territory,
        person=rao.person,
        relationship="mother",
        first_name="Samira",
        last_name="Témoin-Planté",
    )
    for kind in ("schooling", "leisure"):
        services.add_support_action(actor=coordinator, follow_up=rao, kind=kind, starts_on=TODAY())
    with CaptureQueriesContext(connection) as long:
        page = client.get(detail(rao)).content.decode()
    assert "Samira" in page and "Assiduité au collège." in page
    assert len(long) == len(short)
    # Within the benchmark's budget: 15 with the once-a-minute session write (docs/benchmarks.md).
    assert len(long) <= 12


# --- The timeline reads like a sentence -------------------------------------------------------


def test_the_timeline_shows_labels_not_codes(rao, coordinator, mayor, client_for):
    summoned(rao, coordinator, mayor)
    take(coordinator, rao, "record_hearing", **hearing(case_worker=coordinator.pk))
    page = client_for(coordinator).get(detail(rao)).content.decode()
    for text in (
        "Consulter le parquet",
        "Accord",
        "Convoquer à une audience",
        mayor.get_full_name(),
        "Un parent",
        "Assiduité scolaire",
        "Ouvrir six mois d’accompagnement",
        "Bilan à 3 mois",
    ):
        assert text in page, text
    assert "school_attendance" not in page and "agreement<" not in page


# --- A new referral -------------------------------------------------------------------------


def chosen(minors):
    return {"body": str(minors.public_id), "kind": "law_reminder"}


def new_person(**overrides):
    fields = boy(**overrides)
    data = {f"person-{name}": value for name, value in fields.items()}
    data["person-birth_date"] = fields["birth_date"].isoformat()
    data["person-situation"] = "pupil"
    return data


def test_a_referral_with_a_new_person_from_start_to_file(minors, coordinator, client_for):
    client = client_for(coordinator)
    url = reverse("followups:create")
    page = client.post(url, {**chosen(minors), "action": "choose"})
    assert "Une nouvelle personne" in page.content.decode()
    page = client.post(url, {**chosen(minors), **new_person(), "action": "new"})
    assert 'name="no_complaint"' in page.content.decode()
    opened = client.post(url, {**chosen(minors), **new_person(), **referral(), "action": "refer"})
    follow_up = FollowUp.objects.get()
    assert opened.status_code == 302 and opened["Location"] == detail(follow_up)
    assert (follow_up.person.last_name, follow_up.source) == ("Témoin-Planté", "school")


def test_a_refused_referral_keeps_what_was_typed(minors, coordinator, client_for):
    data = {**chosen(minors), **new_person(), **referral(no_proceedings=""), "action": "refer"}
    data["facts_place"] = "Square Lapérouse"
    page = client_for(coordinator).post(reverse("followups:create"), data)
    content = page.content.decode()
    assert page.status_code == 200
    assert "Un rappel à l’ordre n’est pas possible pendant une procédure judiciaire." in content
    assert "Square Lapérouse" in content and 'value="Yanis"' in content
    assert not FollowUp.objects.exists() and not Person.objects.exists()


def test_a_person_too_young_is_refused_with_a_message(minors, coordinator, client_for):
    data = {
        **chosen(minors),
        **new_person(birth_date=TODAY() - timedelta(days=365 * 8)),
        **referral(),
        "action": "refer",
    }
    content = client_for(coordinator).post(reverse("followups:create"), data).content.decode()
    assert "Ce type de suivi concerne les personnes de 10 à 24 ans" in content
    assert not FollowUp.objects.exists()


def test_a_body_holds_only_its_kinds_and_only_bodies_with_access_are_offered(
    minors, family_council, territory, coordinator, client_for
):
    client = client_for(coordinator)
    refused = client.post(
        reverse("followups:create"),
        {"body": str(family_council.public_id), "kind": "law_reminder", "action": "choose"},
    )
    assert "ne peut pas tenir ce type de suivi" in refused.content.decode()
    head = member(territory, Role.PARTNER_MEMBER)
    offered = client_for(head).get(reverse("followups:create")).content.decode()
    assert str(minors.public_id) not in offered
    forced = client_for(head).post(reverse("followups:create"), {**chosen(minors)})
    assert 'id="id_body_error"' in forced.content.decode()


def test_a_new_person_like_a_known_one_needs_a_decision(rao, minors, coordinator, client_for):
    client = client_for(coordinator)
    url = reverse("followups:create")
    typo = new_person(first_name="Yannis", last_name="Temoin Plante")
    with assert_access_logged((SEARCH, rao.person)):
        page = client.post(url, {**chosen(minors), **typo, "action": "new"})
    content = page.content.decode()
    assert "Des fiches ressemblantes existent déjà" in content and rao.case_number in content
    # Going on without saying it is someone else is refused; nothing is created.
    refused = client.post(url, {**chosen(minors), **typo, **referral(), "action": "refer"})
    assert "Indiquez s’il s’agit d’une autre personne." in refused.content.decode()
    assert Person.objects.count() == 1
    # "Someone else": a second record.
    confirmed = {**typo, "person-different_person": "True"}
    client.post(url, {**chosen(minors), **confirmed, **referral(), "action": "refer"})
    assert Person.objects.count() == 2


def test_picking_the_known_person_opens_a_second_file_for_them(
    rao, minors, coordinator, client_for
):
    client = client_for(coordinator)
    url = reverse("followups:create")
    with assert_access_logged((SEARCH, rao.person)):
        found = client.post(
            url, {**chosen(minors), "action": "search", "query": "temoin plante yanis"}
        )
    assert str(rao.person.public_id) in found.content.decode()
    picked = {**chosen(minors), "person": str(rao.person.public_id)}
    assert 'name="opened_on"' in client.post(url, {**picked, "action": "pick"}).content.decode()
    client.post(url, {**picked, **referral(), "action": "refer"})
    assert rao.person.follow_ups.count() == 2 and Person.objects.count() == 1


def test_a_person_the_user_does_not_see_cannot_be_picked(
    rao, victims, territory, coordinator, client_for
):
    # A victims-group member who is not in the minors group.
    helper = member(territory, Role.PARTNER_MEMBER)
    council.add_member(actor=coordinator, body=victims, user=helper)
    council.sign_charter(actor=helper, body=victims)
    client = client_for(helper)
    data = {"body": str(victims.public_id), "kind": "victim_support"}
    found = client.post(reverse("followups:create"), {**data, "action": "search", "query": "Yanis"})
    assert "Témoin" not in found.content.decode()
    picked = client.post(
        reverse("followups:create"),
        {**data, "action": "pick", "person": str(rao.person.public_id)},
    )
    assert picked.status_code == 404


# --- Steps ----------------------------------------------------------------------------------


def test_a_step_is_taken_from_its_page(rao, coordinator, client_for):
    client = client_for(coordinator)
    page = client.get(detail(rao)).content.decode()
    assert step_url(rao, "consult_prosecutor") in page
    form = client.get(step_url(rao, "consult_prosecutor"))
    assert 'name="occurred_on"' in form.content.decode()
    done = client.post(step_url(rao, "consult_prosecutor"), {"occurred_on": days_ago(3)})
    assert done.status_code == 302
    rao.refresh_from_db()
    assert rao.state == "awaiting_prosecutor"


def test_a_refused_step_keeps_the_input_and_says_why(rao, coordinator, mayor, client_for):
    summoned(rao, coordinator, mayor)
    data = hearing(commitments="Ne plus stationner dans le hall.")
    page = client_for(coordinator).post(step_url(rao, "record_hearing"), data)
    content = page.content.decode()
    assert page.status_code == 200
    assert "L’accompagnement demande un référent." in content
    assert "Ne plus stationner dans le hall." in content
    assert 'value="school_attendance" class="form-check-input" id="id_recalled_0" checked' in (
        content
    ) or re.search(r'value="school_attendance"[^>]*checked', content)
    rao.refresh_from_db()
    assert rao.state == "summoned"


def test_a_step_not_possible_now_is_refused_with_the_input_kept(rao, coordinator, client_for):
    page = client_for(coordinator).post(
        step_url(rao, "record_prosecutor_answer"),
        {"occurred_on": days_ago(1).isoformat(), "answer": "agreement", "note": "Avis oral"},
    )
    content = page.content.decode()
    assert "ne peut pas être fait maintenant" in content and "Avis oral" in content
    rao.refresh_from_db()
    assert rao.state == "referred"


def test_closing_is_for_the_coordinator_only(rao, police, client_for):
    client = client_for(police)
    assert step_url(rao, "close") not in client.get(detail(rao)).content.decode()
    client.post(
        step_url(rao, "close"), {"occurred_on": days_ago(1).isoformat(), "outcome": "withdrawn"}
    )
    rao.refresh_from_db()
    assert rao.closed_on is None


def test_support_actions_are_added_and_changed(rao, coordinator, mayor, client_for):
    summoned(rao, coordinator, mayor)
    take(coordinator, rao, "record_hearing", **hearing(case_worker=coordinator.pk))
    client = client_for(coordinator)
    added = client.post(
        reverse("followups:action_add", args=[rao.public_id]),
        {
            "beneficiary": "person",
            "kind": "leisure",
            "starts_on": TODAY().isoformat(),
            "result": "ongoing",
        },
    )
    assert added.status_code == 302
    action = rao.actions.get()
    client.post(
        reverse("followups:action_edit", args=[rao.public_id, action.pk]),
        {
            "beneficiary": "person",
            "kind": "leisure",
            "starts_on": TODAY().isoformat(),
            "ends_on": (TODAY() - timedelta(days=3)).isoformat(),
            "result": "completed",
        },
    )
    action.refresh_from_db()
    assert action.result == "ongoing"  # ends before it starts: refused
    client.post(
        reverse("followups:action_edit", args=[rao.public_id, action.pk]),
        {
            "beneficiary": "person",
            "kind": "leisure",
            "starts_on": TODAY().isoformat(),
            "result": "completed",
        },
    )
    action.refresh_from_db()
    assert action.result == "completed"


# --- Archived and restricted files ------------------------------------------------------------


def test_an_archived_file_opens_only_with_a_reason(rao, coordinator, client_for):
    close(coordinator, rao)
    client = client_for(coordinator)
    with access_rows() as rows:
        asked = client.get(detail(rao)).content.decode()
    assert rows.rows == []
    assert "Pourquoi ouvrez-vous ce dossier archivé ?" in asked and "Témoin" not in asked
    assert client.post(detail(rao), {"reason": ""}).status_code == 200
    client.post(detail(rao), {"reason": "Demande d'accès de la famille"})
    with access_rows() as rows:
        page = client.get(detail(rao)).content.decode()
    assert {(row.action, row.reason) for row in rows.rows} == {
        (AccessAction.ARCHIVE_READ, "Demande d'accès de la famille")
    }
    assert len(rows.rows) == 2
    assert "Dossier archivé, en lecture seule" in page and "TÉMOIN-PLANTÉ" in page
    assert "/etapes/" not in page and "Ajouter une action d’accompagnement" not in page


def test_the_reason_covers_one_file_for_a_short_time(rao, minors, coordinator, client_for):
    other = services.open_follow_up(
        actor=coordinator,
        body=minors,
        kind="law_reminder",
        data=referral(),
        new_person=boy(first_name="Noam", last_name="Autre"),
    )
    close(coordinator, rao)
    close(coordinator, other)
    client = client_for(coordinator)
    client.post(detail(rao), {"reason": "Contrôle du DPO"})
    assert "Pourquoi ouvrez-vous" in client.get(detail(other)).content.decode()
    session = client.session
    grants = session["followups.archive_reads"]
    grants[str(rao.public_id)]["until"] = 0
    session["followups.archive_reads"] = grants
    session.save()
    assert "Pourquoi ouvrez-vous" in client.get(detail(rao)).content.decode()


def test_a_restricted_file_shows_a_banner_and_no_step(rao, coordinator, police, client_for):
    client = client_for(coordinator)
    client.post(
        reverse("followups:restrict", args=[rao.public_id]), {"reason": "Exactitude contestée"}
    )
    rao.refresh_from_db()
    assert rao.is_restricted
    page = client_for(police).get(detail(rao)).content.decode()
    assert "Traitement limité" in page and "Exactitude contestée" in page
    assert "/etapes/" not in page
    client.post(step_url(rao, "consult_prosecutor"), {"occurred_on": days_ago(1).isoformat()})
    rao.refresh_from_db()
    assert rao.state == "referred"
    # Only the coordinator restricts or lifts.
    assert (
        client_for(police).post(reverse("followups:lift", args=[rao.public_id])).status_code == 403
    )
    client.post(reverse("followups:lift", args=[rao.public_id]))
    rao.refresh_from_db()
    assert not rao.is_restricted


# --- Documents --------------------------------------------------------------------------------


def test_a_document_is_downloaded_with_a_reason_logged_as_a_print(
    rao, coordinator, territory, client_for, settings, tmp_path
):
    from django.core.files.base import ContentFile

    from tranquillite.followups.models import CaseDocument

    settings.MEDIA_ROOT = tmp_path
    document = CaseDocument(territory=territory, follow_up=rao, kind="summons")
    document.file.save("convocation.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    client = client_for(coordinator)
    assert "Convocation" in client.get(detail(rao)).content.decode()
    url = reverse("followups:document", args=[rao.public_id, document.public_id])
    with access_rows() as rows:
        assert client.post(url, {"reason": ""}).status_code == 302
    assert rows.rows == []
    with access_rows() as rows:
        response = client.post(url, {"reason": "sending"})
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    assert [(row.action, row.object_id, row.reason) for row in rows.rows] == [
        (AccessAction.PRINT, str(document.public_id), "Pour envoyer le courrier")
    ]


# --- No name in an address --------------------------------------------------------------------


def test_no_page_puts_a_name_in_an_address(rao, minors, coordinator, mayor, client_for):
    summoned(rao, coordinator, mayor)
    client = client_for(coordinator)
    pages = [
        client.get(reverse("followups:list")),
        client.get(detail(rao)),
        client.get(step_url(rao, "record_hearing")),
        client.post(
            reverse("followups:create"),
            {**chosen(minors), "action": "search", "query": "Yanis"},
        ),
        client.post(reverse("people:search"), {"query": "Yanis"}),
        client.get(reverse("people:detail", args=[rao.person.public_id])),
    ]
    names = ("yanis", "temoin", "témoin")
    for page in pages:
        assert page.status_code == 200
        addresses = re.findall(r'(?:href|action)="([^"]*)"', page.content.decode())
        assert addresses
        for address in addresses:
            assert not any(name in address.lower() for name in names), address
