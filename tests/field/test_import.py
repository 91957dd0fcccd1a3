"""The historical import of a daily log kept in a spreadsheet (field/imports.py)."""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from tests.factories import member
from tests.field.conftest import entry_input
from tranquillite.accounts.roles import Role
from tranquillite.core.imports import FileRejected
from tranquillite.field import imports, services
from tranquillite.field.models import ImportBatch, ImportStatus, LogEntry, Shift, TeamKind
from tranquillite.observatory.field import hours_of_presence

HEADER = (
    "Date;Heure;Équipe;Quartier;Type d'intervention;Catégorie;Tranche d'âge;Sexe;"
    "Nb personnes;Action menée;Partenaire;Résultat;Suite à donner;Observations"
)


def _day(days_ago: int) -> str:
    return f"{timezone.localdate() - timedelta(days=days_ago):%d/%m/%Y}"


def good_rows() -> list[str]:
    return [
        f"{_day(40)};18h30;Médiation soir;Quatre-Chemins;Gestion de conflit;"
        "Conflit de voisinage;26–59 ans;Mixte;2;Médiation entre les parties;Aucun;Réglé;non;"
        "Dispute sur le bruit",
        f"{_day(40)};21:05;Médiation soir;Hoche;Présence active;Groupe de jeunes;12–17 ans;"
        "H;5;Dialogue;;;;",
        f"{_day(300)};;médiation SOIR;quatre chemins;conflict_handling;neighbour_conflict;"
        ";;;dialogue;Bailleur social;Orienté vers un partenaire;oui;",
    ]


def csv_upload(
    rows: list[str], *, header: str = HEADER, encoding: str = "cp1252"
) -> SimpleUploadedFile:
    text = "\r\n".join([header, *rows]) + "\r\n"
    return SimpleUploadedFile("main-courante.csv", text.encode(encoding), "text/csv")


def run(field, upload, *, actor=None, apply: bool = True, default_team=None) -> ImportBatch:
    actor = actor or field.director
    batch = imports.receive(actor=actor, territory=field.territory, upload=upload)
    batch = imports.choose_columns(
        actor=actor, batch=batch, mapping=batch.mapping, default_team=default_team
    )
    batch = imports.process(batch.pk, apply=False)
    if apply and batch.status == ImportStatus.CHECKED and not batch.counts["errors"]:
        batch = imports.confirm(actor=actor, batch=batch)
        batch = imports.process(batch.pk, apply=True)
    return batch


@pytest.fixture
def hoche_sector(field):
    return services.create_sector(
        actor=field.director,
        territory=field.territory,
        name="Parc de Hoche",
        kind="park",
        neighbourhood=field.hoche,
    )


def test_columns_are_guessed_from_french_headers():
    mapping = imports.guess_mapping(HEADER.split(";"))
    assert mapping == {
        "date": 0,
        "time": 1,
        "team": 2,
        "neighbourhood": 3,
        "function": 4,
        "category": 5,
        "age_band": 6,
        "sex": 7,
        "group_size": 8,
        "action": 9,
        "partner": 10,
        "outcome": 11,
        "follow_up": 12,
        "note": 13,
    }


def test_a_windows_csv_is_checked_then_imported_into_validated_imported_shifts(field, hoche_sector):
    batch = run(field, csv_upload(good_rows()), apply=False)
    assert batch.status == ImportStatus.CHECKED
    assert batch.counts["new"] == 3 and batch.counts["errors"] == 0
    assert [row["line"] for row in batch.preview] == [2, 3, 4]
    assert LogEntry.objects.count() == 0  # the check writes nothing

    batch = imports.confirm(actor=field.director, batch=batch)
    batch = imports.process(batch.pk, apply=True)
    assert batch.status == ImportStatus.DONE and batch.counts["imported"] == 3
    assert bytes(batch.content) == b""  # the file is not kept once imported

    entries = {e.note: e for e in LogEntry.objects.select_related("shift", "neighbourhood")}
    first = entries["Dispute sur le bruit"]
    assert timezone.localtime(first.occurred_at).time() == time(18, 30)
    assert (first.function, first.category, first.group_size) == (
        "conflict_handling",
        "neighbour_conflict",
        2,
    )
    assert (first.age_band, first.sex, first.partner, first.outcome) == (
        "26_59",
        "mixed",
        "none",
        "settled",
    )
    third = next(e for e in entries.values() if e.partner == "landlord")
    # Empty optional cells take the lists' "not known" values; no time reads noon.
    assert (third.age_band, third.sex, third.group_size) == ("unknown", "unknown", 1)
    assert third.follow_up_needed is True and third.outcome == "referred"
    assert timezone.localtime(third.occurred_at).time() == time(12, 0)

    shifts = Shift.objects.filter(import_batch=batch)
    # One shift per team and day (the entries keep their own neighbourhood).
    assert shifts.count() == 2
    assert {e.neighbourhood.name for e in LogEntry.objects.all()} == {"Quatre-Chemins", "Hoche"}
    assert all(s.validated_at and s.started_at is None for s in shifts)
    # An imported day has no hours of presence: none are counted.
    start = timezone.localdate() - timedelta(days=400)
    hours = hours_of_presence(TeamKind.MEDIATION)(field.territory, start, timezone.localdate())
    assert hours == Decimal(0)


def test_importing_the_same_file_again_adds_nothing(field, hoche_sector):
    first = run(field, csv_upload(good_rows()))
    assert first.counts["imported"] == 3
    again = run(field, csv_upload(good_rows()), apply=False)
    assert again.counts == {**again.counts, "new": 0, "already": 3, "errors": 0}
    # Two identical lines are two entries, and stay two when the file is sent again.
    twice = [good_rows()[0], good_rows()[0]]
    grown = run(field, csv_upload(twice))
    assert grown.counts["already"] == 1 and grown.counts["imported"] == 1
    assert run(field, csv_upload(twice), apply=False).counts["already"] == 2
    assert LogEntry.objects.count() == 4


def test_errors_are_listed_by_line_and_column_in_french_and_nothing_is_imported(
    field, hoche_sector
):
    tomorrow = f"{timezone.localdate() + timedelta(days=1):%d/%m/%Y}"
    rows = [
        *good_rows(),
        "31/02/2024;18:00;Médiation soir;Hoche;Présence active;Groupe de jeunes;;;;Dialogue;;;;",
        f"{tomorrow};18:00;Médiation soir;Hoche;Présence active;Groupe de jeunes;;;;Dialogue;;;;",
        f"{_day(3)};18:00;Médiation soir;Atlantis;Présence active;Groupe de jeunes;;;;Dialogue;;;;",
        f"{_day(3)};18:00;Médiation soir;Hoche;Présence active;Enfant cherchant un adulte;;;;"
        "Dialogue;;;;",
        f"{_day(3)};18:00;Équipe fantôme;Hoche;Vol;Groupe de jeunes;;;0;Dialogue;;;peut-être;",
    ]
    batch = run(field, csv_upload(rows))
    assert batch.status == ImportStatus.CHECKED
    assert batch.counts["errors"] == 5 and batch.counts["new"] == 3
    errors = "\n".join(batch.errors)
    assert "Ligne 5, colonne « Date » : « 31/02/2024 » n’est pas une date" in errors
    assert "Ligne 6, colonne « Date » : la date" in errors and "est dans le futur" in errors
    assert "Ligne 7, colonne « Quartier » : aucun quartier nommé « Atlantis »" in errors
    assert "Ligne 8, colonne « Catégorie » : cette situation n’est pas dans la liste" in errors
    assert "Ligne 9, colonne « Équipe » : aucune équipe nommée « Équipe fantôme »" in errors
    assert "Ligne 9, colonne « Type d'intervention » : « Vol » n’est pas dans la liste" in errors
    assert "Ligne 9, colonne « Nb personnes »" in errors
    assert "Ligne 9, colonne « Suite à donner »" in errors
    assert LogEntry.objects.count() == 0
    with pytest.raises(FileRejected):
        imports.confirm(actor=field.director, batch=batch)


def test_a_position_outside_the_territory_is_refused(field):
    header = "date;heure;quartier;latitude;longitude;fonction;situation;action"
    rows = [
        f"{_day(5)};19:00;;48,9010;2,3931;Présence active;Groupe de jeunes;Dialogue",
        f"{_day(5)};19:10;;43,2965;5,3698;Présence active;Groupe de jeunes;Dialogue",
    ]
    batch = run(field, csv_upload(rows, header=header), default_team=field.team)
    assert batch.counts["errors"] == 1
    assert batch.errors == [
        "Ligne 3, colonne « latitude » : cette position est hors du territoire de Pantin."
    ]
    fixed = run(field, csv_upload(rows[:1], header=header), default_team=field.team)
    entry = LogEntry.objects.get()
    assert fixed.counts["imported"] == 1
    assert entry.neighbourhood == field.quatre_chemins and entry.latitude == Decimal("48.901")
    assert entry.location_source == "map" and entry.h3_r10


def test_a_failure_while_writing_leaves_nothing_half_imported(field, hoche_sector, monkeypatch):
    batch = run(field, csv_upload(good_rows()), apply=False)
    batch = imports.confirm(actor=field.director, batch=batch)

    def broken(*args, **kwargs):
        raise IntegrityError("duplicate key")

    monkeypatch.setattr(imports, "write_rows", broken)
    batch = imports.process(batch.pk, apply=True)
    assert batch.status == ImportStatus.FAILED
    assert "rien n’a été importé" in batch.errors[0]
    # The imported shifts written before the entries were rolled back with them.
    assert not Shift.objects.filter(import_batch__isnull=False).exists()
    assert LogEntry.objects.count() == 0


def test_rows_past_the_retention_are_not_imported_and_said_so(field, hoche_sector):
    old = good_rows()[0].replace(_day(40), _day(4 * 365))
    batch = run(field, csv_upload([old, good_rows()[1]]))
    assert batch.counts["too_old"] == 1 and batch.counts["imported"] == 1
    assert "conservation" in batch.warnings[0]


def test_notes_go_through_the_name_and_phone_guard(field, hoche_sector):
    row = good_rows()[0].replace("Dispute sur le bruit", "rappeler au 06 12 34 56 78")
    batch = run(field, csv_upload([row]))
    assert any(
        w.startswith("Ligne 2, colonne « Observations »") and "téléphone" in w
        for w in batch.warnings
    )
    assert LogEntry.objects.get().note_warnings


def test_days_already_logged_on_the_phone_are_pointed_out(field, shift):
    services.log_entry(
        actor=field.mediator, shift=shift, data=entry_input(neighbourhood=field.quatre_chemins)
    )
    row = good_rows()[0].replace(_day(40), _day(0)).replace("18h30", "00:01")
    batch = run(field, csv_upload([row]), apply=False)
    assert any("sur le téléphone" in w for w in batch.warnings)


def test_an_xlsx_with_date_and_time_cells_and_a_utf8_csv_with_bom(field, hoche_sector):
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Date", "Heure", "Quartier", "Fonction", "Situation", "Action", "Nombre"])
    day = timezone.localdate() - timedelta(days=10)
    sheet.append(
        [
            datetime.combine(day, time()),
            time(22, 15),
            "Hoche",
            "Présence active",
            "Groupe de jeunes",
            "Dialogue",
            4,
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("journal.xlsx", buffer.getvalue())
    batch = run(field, upload, default_team=field.team)
    assert batch.counts["imported"] == 1
    entry = LogEntry.objects.get()
    assert timezone.localtime(entry.occurred_at) == timezone.make_aware(
        datetime.combine(day, time(22, 15))
    )
    assert entry.group_size == 4 and entry.neighbourhood == field.hoche

    bom = csv_upload([good_rows()[1]], encoding="utf-8-sig")
    assert run(field, bom).counts["imported"] == 1


def test_a_file_that_cannot_be_read_is_refused_at_once(field):
    with pytest.raises(FileRejected, match="xls"):
        imports.receive(
            actor=field.director,
            territory=field.territory,
            upload=SimpleUploadedFile("old.xls", b"\xd0\xcf\x11\xe0" + b"0" * 100),
        )
    with pytest.raises(FileRejected):
        imports.receive(
            actor=field.director,
            territory=field.territory,
            upload=SimpleUploadedFile("header.csv", HEADER.encode()),
        )


def test_missing_columns_are_named_before_any_row_is_read(field):
    batch = imports.receive(
        actor=field.director,
        territory=field.territory,
        upload=csv_upload(["x;y"], header="Jour;Commentaire"),
    )
    with pytest.raises(FileRejected) as refused:
        imports.choose_columns(
            actor=field.director, batch=batch, mapping=batch.mapping, default_team=None
        )
    messages = refused.value.messages
    assert "Choisissez la colonne de « fonction »." in messages
    assert any("équipe" in m for m in messages) and any("quartier" in m for m in messages)


def test_the_import_is_the_coordinations_and_404_for_anyone_else(
    field, territory, other_territory, client_for
):
    batch = imports.receive(
        actor=field.director, territory=field.territory, upload=csv_upload(good_rows())
    )
    pages = [
        "/terrain/imports/",
        "/terrain/imports/modele.csv",
        f"/terrain/imports/{batch.public_id}/",
        f"/terrain/imports/{batch.public_id}/avancement/",
    ]
    outsiders = [
        field.mediator,
        field.supervisor,
        member(territory, Role.ELECTED_OFFICIAL),
        member(territory, Role.PARTNER_MEMBER),
        member(territory, Role.DATA_PROTECTION_OFFICER),
    ]
    for user in outsiders:
        client = client_for(user)
        for page in pages:
            assert client.get(page).status_code == 404, (user, page)
        assert client.post(pages[2], {"action": "abandon"}).status_code == 404
    # The director of another territory has his own imports, not this one.
    elsewhere = client_for(member(other_territory, Role.DIRECTOR))
    assert batch.file_name not in elsewhere.get(pages[0]).content.decode()
    for page in pages[2:]:
        assert elsewhere.get(page).status_code == 404
    assert elsewhere.post(pages[2], {"action": "abandon"}).status_code == 404
    assert ImportBatch.objects.filter(pk=batch.pk).exists()
    coordinator = client_for(member(territory, Role.COORDINATOR))
    for page in pages[:3]:
        assert coordinator.get(page).status_code == 200
    with pytest.raises(Exception):  # noqa: B017 - the service refuses too
        imports.receive(actor=field.mediator, territory=territory, upload=csv_upload(good_rows()))


def test_the_pages_take_a_file_through_to_the_import(field, hoche_sector, client_for):
    client = client_for(field.director)
    response = client.post("/terrain/imports/", {"file": csv_upload(good_rows())})
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "Quelle colonne contient quoi" in page
    data = {"action": "columns", **{f"column_{k}": v for k, v in batch.mapping.items()}}
    assert client.post(response["Location"], data).status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Importer 3 saisies" in page and "Dispute sur le bruit" in page
    assert client.post(response["Location"], {"action": "import"}).status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "3 saisies importées" in page
    assert LogEntry.objects.count() == 3


def test_a_bad_upload_keeps_the_page_with_a_french_message(field, client_for):
    client = client_for(field.director)
    response = client.post("/terrain/imports/", {"file": SimpleUploadedFile("vide.csv", b"   ")})
    assert response.status_code == 400
    assert "Ce fichier est vide." in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_large_file_runs_as_a_task_and_the_progress_bar_stops_when_done(
    field, hoche_sector, client_for, settings
):
    settings.FIELD_IMPORT_BACKGROUND_ROWS = 2
    client = client_for(field.director)
    batch = imports.receive(
        actor=field.director, territory=field.territory, upload=csv_upload(good_rows())
    )
    progress = f"/terrain/imports/{batch.public_id}/avancement/"
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.CHECKING, processed_rows=1)
    running = client.get(progress, headers={"X-Tranquillite-Poll": "1"})
    assert running.status_code == 200
    assert 'value="33"' in running.content.decode()
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.MAPPING)

    data = {"action": "columns", **{f"column_{k}": v for k, v in batch.mapping.items()}}
    enqueued = []
    from tranquillite.field import tasks

    class Spy:
        def enqueue(self, *args):
            enqueued.append(args)
            return original.enqueue(*args)

    original = tasks.process_import
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tasks, "process_import", Spy())
        client.post(f"/terrain/imports/{batch.public_id}/", data)
        client.post(f"/terrain/imports/{batch.public_id}/", {"action": "import"})
    assert enqueued == [(batch.pk, False), (batch.pk, True)]
    assert LogEntry.objects.count() == 3
    done = client.get(progress, headers={"X-Tranquillite-Poll": "1"})
    assert done.status_code == 286 and done["HX-Refresh"] == "true"


def test_an_abandoned_file_is_deleted_and_a_stale_one_emptied(field, capsys):
    batch = imports.receive(
        actor=field.director, territory=field.territory, upload=csv_upload(good_rows())
    )
    assert imports.expire_files() == 0  # a file sent a moment ago stays
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(hours=25))
    call_command("purge_field_log")  # the daily purge
    assert "1 spreadsheets left unimported deleted" in capsys.readouterr().out
    batch.refresh_from_db()
    assert bytes(batch.content) == b"" and batch.status == ImportStatus.FAILED
    other = imports.receive(
        actor=field.director, territory=field.territory, upload=csv_upload(good_rows())
    )
    imports.abandon(actor=field.director, batch=other)
    assert not ImportBatch.objects.filter(pk=other.pk).exists()


def test_the_date_reader_is_shared_with_the_strategy_import():
    from tranquillite.strategy import imports as strategy_imports

    assert strategy_imports.parse_date is imports.parse_date
    assert imports.parse_date("31/03/2025") == date(2025, 3, 31)


def test_the_import_writes_the_rows_as_checked_unless_what_they_rest_on_changed(
    field, hoche_sector, monkeypatch
):
    batch = run(field, csv_upload(good_rows()), apply=False)
    assert batch.prepared and batch.reference
    # Nothing changed: the rows the check prepared are written as they are (the file is
    # not read again).
    with monkeypatch.context() as patch:
        patch.setattr(imports, "_check_all", lambda *args: pytest.fail("file read again"))
        done = imports.process(imports.confirm(actor=field.director, batch=batch).pk, apply=True)
    assert done.counts["imported"] == 3 and not done.prepared and not done.content

    # The team renamed between the check and the import: the file is checked again, its
    # rows no longer find their team, and nothing is written.
    LogEntry.objects.all().delete()
    Shift.objects.filter(import_batch__isnull=False).delete()
    batch = run(field, csv_upload(good_rows()), apply=False)
    field.team.name = "Médiation nuit"
    field.team.save()
    batch = imports.process(imports.confirm(actor=field.director, batch=batch).pk, apply=True)
    assert batch.status == ImportStatus.CHECKED and batch.counts["errors"] == 3
    assert "aucune équipe nommée « Médiation soir »" in batch.errors[0]
    assert not LogEntry.objects.exists()


def test_undoing_an_import_deletes_its_entries_and_nothing_else(field, hoche_sector, shift):
    phone, _created = services.log_entry(
        actor=field.mediator, shift=shift, data=entry_input(neighbourhood=field.hoche)
    )
    other = run(field, csv_upload([good_rows()[1]]))  # same team and day as the file below
    batch = run(field, csv_upload(good_rows()[:1] + good_rows()[2:]))
    assert batch.counts["imported"] == 2 and LogEntry.objects.count() == 4

    assert imports.undo(actor=field.director, batch=batch) == 2
    batch.refresh_from_db()
    assert batch.status == ImportStatus.UNDONE and batch.undone_by == field.director
    assert batch.counts["undone"] == 2
    assert set(LogEntry.objects.all()) == {
        phone,
        *LogEntry.objects.filter(shift__import_batch=other),
    }
    assert not Shift.objects.filter(import_batch=batch).exists()
    with pytest.raises(FileRejected):
        imports.undo(actor=field.director, batch=batch)
    with pytest.raises(FileRejected):
        imports.abandon(actor=field.director, batch=batch)
    # The same file may then be imported again.
    again = run(field, csv_upload(good_rows()[:1] + good_rows()[2:]))
    assert again.counts["imported"] == 2


def test_the_undo_button_is_the_coordinations(field, hoche_sector, client_for):
    batch = run(field, csv_upload(good_rows()))
    url = f"/terrain/imports/{batch.public_id}/"
    assert client_for(field.supervisor).post(url, {"action": "undo"}).status_code == 404
    assert LogEntry.objects.count() == 3
    client = client_for(field.director)
    assert "Annuler cet import (3 saisies supprimées)" in client.get(url).content.decode()
    assert client.post(url, {"action": "undo"}).status_code == 302
    page = client.get(url).content.decode()
    assert "Import annulé le" in page and "3 saisies supprimées" in page
    assert LogEntry.objects.count() == 0


def test_a_title_above_the_header_is_passed_over_and_lines_keep_their_numbers(field, hoche_sector):
    text = "\r\n".join(
        ["Main courante de la médiation — 2025;;", ";;", HEADER, *good_rows(), "x;;"]
    )
    upload = SimpleUploadedFile("titre.csv", text.encode("cp1252"), "text/csv")
    batch = imports.receive(actor=field.director, territory=field.territory, upload=upload)
    assert batch.header_line == 3 and batch.total_rows == 4
    assert batch.mapping["neighbourhood"] == 3
    batch = imports.choose_columns(
        actor=field.director, batch=batch, mapping=batch.mapping, default_team=None
    )
    batch = imports.process(batch.pk, apply=False)
    assert batch.counts["new"] == 3 and batch.counts["errors"] == 1
    assert any(e.startswith("Ligne 7, colonne « Date »") for e in batch.errors)
    assert [row["line"] for row in batch.preview] == [4, 5, 6]


def test_the_example_spreadsheet_imports_as_it_is(field, territory, client_for):
    services.create_team(
        actor=field.director, territory=territory, name="Gardes de parcs", kind="park_wardens"
    )
    client = client_for(field.director)
    empty = client.get("/terrain/imports/modele.csv").content.decode("utf-8-sig")
    assert empty.strip() == ";".join(column.label for column in imports.COLUMNS.values())
    example = client.get("/terrain/imports/modele.csv?exemple=1")
    assert example["Content-Disposition"].endswith('filename="main-courante-exemple.csv"')
    upload = SimpleUploadedFile("exemple.csv", example.content, "text/csv")
    batch = run(field, upload)
    assert batch.errors == [] and batch.counts["imported"] == 2
    assert {e.team.name for e in LogEntry.objects.all()} == {"Médiation soir", "Gardes de parcs"}


def test_an_import_whose_author_lost_the_right_fails_and_writes_nothing(field, hoche_sector):
    batch = run(field, csv_upload(good_rows()), apply=False)
    batch = imports.confirm(actor=field.director, batch=batch)
    field.director.memberships.update(is_active=False)
    batch = imports.process(batch.pk, apply=True)
    assert batch.status == ImportStatus.FAILED
    assert "ne peut plus importer" in batch.errors[0]
    assert not LogEntry.objects.exists() and not bytes(batch.prepared)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the composite key is PostgreSQL's (field/0003)"
)
def test_an_entry_cannot_name_another_team_or_territory_than_its_shifts(field, shift, territory):
    """One composite foreign key holds an entry's shift, team and territory together."""
    other_team = services.create_team(
        actor=field.director, territory=territory, name="Autre équipe", kind="mediation"
    )
    entry, _created = services.log_entry(
        actor=field.mediator, shift=shift, data=entry_input(neighbourhood=field.hoche)
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        LogEntry.objects.filter(pk=entry.pk).update(team=other_team)
        connection.check_constraints()  # the key is deferred: checked now, not at commit
