"""Importing measurements from a spreadsheet: CSV and XLSX as French offices write them, the
preview with an error per bad row, and the confirmation that writes every row or none."""

import io
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests.factories import ActionSheetFactory, IndicatorFactory, OrganisationFactory, member
from tranquillite.accounts.roles import Role
from tranquillite.strategy import imports
from tranquillite.strategy.models import Measurement, MeasurementOrigin

IMPORT = "strategy:indicator_import"
CONFIRM = "strategy:indicator_import_confirm"


@pytest.fixture
def plan(territory):
    lead = OrganisationFactory(territory=territory, name="Commissariat de Pantin")
    youth = ActionSheetFactory(axis__strategy__territory=territory, lead=lead, number="1.3")
    strategy = youth.axis.strategy
    mediation = ActionSheetFactory(axis=youth.axis, number="2.1")
    return {
        "strategy": strategy,
        "lead": lead,
        "youth": youth,
        "mediation": mediation,
        "young": IndicatorFactory(sheet=youth, name="Jeunes ayant participé", unit="jeunes"),
        "fights": IndicatorFactory(sheet=youth, name="Rixes signalées", unit="faits"),
        "evenings": IndicatorFactory(sheet=mediation, name="Soirées de présence", unit="soirées"),
        "computed": IndicatorFactory(
            sheet=youth, name="Ateliers tenus", source_key="strategy.workshops_held"
        ),
    }


def csv_file(text, *, encoding="utf-8", name="mesures.csv"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def xlsx_file(rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        "comite.xlsx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def preview(client, plan, upload):
    return client.post(reverse(IMPORT), {"strategy": plan["strategy"].public_id, "file": upload})


def token_of(response):
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    return match.group(1) if match else None


def statuses(response):
    return [(r.row.line, r.status) for r in response.context["checked"].results]


def values():
    return sorted(
        (m.indicator.name, m.measured_on, m.value)
        for m in Measurement.objects.select_related("indicator")
    )


# --- Reading files ------------------------------------------------------------------------------


def test_a_french_excel_csv_is_previewed_then_imported(plan, coordinator, client_for):
    client = client_for(coordinator)
    text = (
        "\ufeffFiche;Indicateur;Date;Valeur;Commentaire\n"
        "1.3;Jeunes ayant participé;31/01/2025;12,5;Bilan de janvier\n"
        "1.3;rixes signalées;2025-02-28;1 250,5;\n"
        "2.1;Soirées de présence;31/03/25;40 %;\n"
        ";;;;\n"
    )
    response = preview(client, plan, csv_file(text))
    assert response.status_code == 200
    assert statuses(response) == [(2, "new"), (3, "new"), (4, "new")]
    assert not Measurement.objects.exists()  # a preview writes nothing

    done = client.post(reverse(CONFIRM), {"token": token_of(response)})
    assert done.status_code == 302
    assert values() == [
        ("Jeunes ayant participé", date(2025, 1, 31), Decimal("12.50")),
        ("Rixes signalées", date(2025, 2, 28), Decimal("1250.50")),
        ("Soirées de présence", date(2025, 3, 31), Decimal("40.00")),
    ]
    note = Measurement.objects.get(indicator=plan["young"]).note
    assert note == "Bilan de janvier"
    assert set(Measurement.objects.values_list("origin", "recorded_by")) == {
        (MeasurementOrigin.IMPORT, coordinator.pk)
    }
    page = client.get(done["Location"]).content.decode()
    assert "3 valeurs ajoutées, 0 valeur remplacée" in page


def test_a_comma_separated_cp1252_csv_is_read(plan, coordinator, client_for):
    text = "fiche,indicateur,date,valeur\n2.1,Soirées de présence,31/03/2025,12.5\n"
    response = preview(client_for(coordinator), plan, csv_file(text, encoding="cp1252"))
    assert statuses(response) == [(2, "new")]
    assert response.context["checked"].results[0].row.value == Decimal("12.50")


def test_an_xlsx_with_date_cells_is_imported(plan, coordinator, client_for):
    client = client_for(coordinator)
    upload = xlsx_file(
        [
            ["FICHE", "Indicateur", "Date", "Valeur", "Note"],
            ["1.3", "Jeunes ayant participé", datetime(2025, 1, 31), 12.5, None],
            ["1.3", "Rixes signalées", date(2025, 1, 31), 7, "Source : police"],
            [None, None, None, None, None],
        ]
    )
    response = preview(client, plan, upload)
    assert statuses(response) == [(2, "new"), (3, "new")]
    client.post(reverse(CONFIRM), {"token": token_of(response)})
    assert values() == [
        ("Jeunes ayant participé", date(2025, 1, 31), Decimal("12.50")),
        ("Rixes signalées", date(2025, 1, 31), Decimal("7.00")),
    ]


def test_a_file_whose_last_row_is_bad_writes_nothing(plan, coordinator, client_for):
    client = client_for(coordinator)
    text = (
        "fiche;indicateur;date;valeur\n"
        "1.3;Jeunes ayant participé;31/01/2025;12\n"
        "1.3;Rixes signalées;31/01/2025;3\n"
        "1.3;Rixes signalées;31/02/2025;4\n"
    )
    response = preview(client, plan, csv_file(text))
    assert response.status_code == 400
    assert statuses(response) == [(2, "new"), (3, "new"), (4, "error")]
    page = response.content.decode()
    assert "Ligne 4, colonne « date » : « 31/02/2025 » n’est pas une date" in page
    assert token_of(response) is None  # no confirm button
    assert not Measurement.objects.exists()


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("9.9;Jeunes ayant participé;31/01/2025;1", "colonne « fiche » : aucune fiche numérotée"),
        ("1.3;Inconnu;31/01/2025;1", "colonne « indicateur » : la fiche 1.3 n’a pas"),
        ("1.3;Ateliers tenus;31/01/2025;1", "est calculé par la plateforme"),
        ("1.3;Jeunes ayant participé;31/01/2025;douze", "colonne « valeur » : « douze »"),
        ("1.3;Jeunes ayant participé;31/01/2025;1,234", "a plus de deux décimales"),
        ("1.3;Jeunes ayant participé;;1", "colonne « date » : la date manque"),
        ("1.3;;31/01/2025;1", "colonne « indicateur » : le nom de l’indicateur manque"),
    ],
)
def test_each_bad_row_has_its_french_error(plan, coordinator, client_for, line, problem):
    text = f"fiche;indicateur;date;valeur\n1.3;Rixes signalées;31/01/2025;2\n{line}\n"
    response = preview(client_for(coordinator), plan, csv_file(text))
    assert statuses(response) == [(2, "new"), (3, "error")]
    (bad,) = response.context["checked"].errors
    assert any(e.startswith("Ligne 3, colonne") for e in bad.errors)
    assert problem in " ".join(bad.errors)


def test_the_same_indicator_and_date_twice_is_an_error(plan, coordinator, client_for):
    text = (
        "fiche;indicateur;date;valeur\n"
        "1.3;Rixes signalées;31/01/2025;2\n"
        "1.3;RIXES SIGNALÉES;2025-01-31;3\n"
    )
    response = preview(client_for(coordinator), plan, csv_file(text))
    assert statuses(response) == [(2, "new"), (3, "error")]
    assert "même indicateur et même date qu’à la ligne 2" in response.content.decode()


def test_a_future_date_is_an_error(plan, coordinator, client_for):
    later = (timezone.localdate() + timedelta(days=3)).strftime("%d/%m/%Y")
    text = f"fiche;indicateur;date;valeur\n1.3;Rixes signalées;{later};2\n"
    response = preview(client_for(coordinator), plan, csv_file(text))
    assert "est dans le futur" in response.content.decode()


def test_a_partner_imports_only_for_the_sheets_it_reports_on(plan, territory, client_for):
    officer = member(territory, Role.PARTNER_MEMBER, organisation=plan["lead"])
    text = (
        "fiche;indicateur;date;valeur\n"
        "1.3;Rixes signalées;31/01/2025;2\n"
        "2.1;Soirées de présence;31/01/2025;9\n"
    )
    response = preview(client_for(officer), plan, csv_file(text))
    assert statuses(response) == [(2, "new"), (3, "error")]
    assert "vous ne rendez pas compte de la fiche 2.1" in response.content.decode()


def test_another_territorys_sheet_is_unknown(plan, other_territory, coordinator, client_for):
    elsewhere = ActionSheetFactory(axis__strategy__territory=other_territory, number="4.1")
    IndicatorFactory(sheet=elsewhere, name="Soirées de présence")
    text = "fiche;indicateur;date;valeur\n4.1;Soirées de présence;31/01/2025;2\n"
    response = preview(client_for(coordinator), plan, csv_file(text))
    assert statuses(response) == [(2, "error")]
    # Nor can the other territory's strategy be chosen.
    stranger = client_for(member(other_territory, Role.COORDINATOR))
    refused = preview(stranger, plan, csv_file(text))
    assert refused.status_code == 400 and "checked" not in refused.context
    assert not Measurement.objects.exists()


def test_an_existing_value_is_replaced_and_counted(plan, coordinator, client_for):
    Measurement.objects.create(
        territory=plan["youth"].territory,
        indicator=plan["fights"],
        measured_on=date(2025, 1, 31),
        value=Decimal(5),
    )
    client = client_for(coordinator)
    text = "fiche;indicateur;date;valeur\n1.3;Rixes signalées;31/01/2025;4\n"
    response = preview(client, plan, csv_file(text))
    assert statuses(response) == [(2, "replaces")]
    assert "Remplace 5" in response.content.decode()
    done = client.post(reverse(CONFIRM), {"token": token_of(response)})
    assert values() == [("Rixes signalées", date(2025, 1, 31), Decimal(4))]
    assert "0 valeur ajoutée, 1 valeur remplacée" in client.get(done["Location"]).content.decode()


# --- Confirmation -------------------------------------------------------------------------------


def test_the_confirmation_checks_again_and_writes_nothing_if_a_row_went_bad(
    plan, coordinator, client_for
):
    client = client_for(coordinator)
    text = (
        "fiche;indicateur;date;valeur\n"
        "1.3;Jeunes ayant participé;31/01/2025;12\n"
        "2.1;Soirées de présence;31/01/2025;9\n"
    )
    response = preview(client, plan, csv_file(text))
    token = token_of(response)
    assert token
    plan["evenings"].delete()  # between the preview and the confirmation
    refused = client.post(reverse(CONFIRM), {"token": token})
    assert refused.status_code == 400
    page = refused.content.decode()
    assert "Rien n’a été importé" in page
    assert "Ligne 3, colonne « indicateur » : la fiche 2.1 n’a pas d’indicateur" in page
    assert 'name="token"' not in page
    assert not Measurement.objects.exists()


def test_a_token_serves_once(plan, coordinator, client_for):
    client = client_for(coordinator)
    text = "fiche;indicateur;date;valeur\n1.3;Rixes signalées;31/01/2025;2\n"
    token = token_of(preview(client, plan, csv_file(text)))
    assert client.post(reverse(CONFIRM), {"token": token}).status_code == 302
    Measurement.objects.all().delete()
    again = client.post(reverse(CONFIRM), {"token": token}, follow=True)
    assert "Cet import a déjà été confirmé, ou il a expiré" in again.content.decode()
    assert not Measurement.objects.exists()
    # Nor does another user's session know it.
    assert (
        client_for(member(plan["youth"].territory, Role.COORDINATOR))
        .post(reverse(CONFIRM), {"token": token})
        .status_code
        == 302
    )
    assert not Measurement.objects.exists()


def test_a_token_expires_after_an_hour(plan):
    session = {}
    table = imports.Table(rows=[imports.ParsedRow(line=2, sheet="1.3")], headers={})
    token = imports.keep_for_confirmation(session, strategy=plan["strategy"], table=table)
    later = timezone.now() + timedelta(hours=1, minutes=1)
    assert imports.take_for_confirmation(session, token, now=later) is None
    assert session[imports.SESSION_KEY] == {}


# --- Limits and file problems ------------------------------------------------------------------


def file_error(client, plan, upload):
    response = preview(client, plan, upload)
    assert response.status_code == 400
    assert "checked" not in response.context
    return " ".join(response.context["form"].errors["file"])


def test_limits_and_unreadable_files_are_refused_with_a_french_message(
    plan, coordinator, client_for
):
    client = client_for(coordinator)
    big = "fiche;indicateur;date;valeur\n" + "1.3;Rixes signalées;31/01/2025;2\n" * 70_000
    assert "2 Mo au plus" in file_error(client, plan, csv_file(big))
    many = "fiche;indicateur;date;valeur\n" + "1.3;Rixes signalées;31/01/2025;2\n" * 5001
    assert "plus de 5\u202f000 lignes" in file_error(client, plan, csv_file(many))
    missing = "fiche;indicateur;valeur\n1.3;Rixes signalées;2\n"
    assert "La colonne « date » manque" in file_error(client, plan, csv_file(missing))
    fake = SimpleUploadedFile("comite.xlsx", b"PK\x03\x04 not really a zip")
    assert "classeur Excel (.xlsx) lisible" in file_error(client, plan, fake)
    old = SimpleUploadedFile("comite.xls", b"\xd0\xcf\x11\xe0 old excel")
    assert "ancien fichier Excel" in file_error(client, plan, old)
    assert not Measurement.objects.exists()


@pytest.mark.runs_long
def test_5000_rows_are_accepted(plan, coordinator, client_for):
    start = date(2010, 1, 1)
    lines = [
        f"1.3;Rixes signalées;{(start + timedelta(days=n)).strftime('%d/%m/%Y')};{n}"
        for n in range(5000)
    ]
    client = client_for(coordinator)
    response = preview(client, plan, csv_file("fiche;indicateur;date;valeur\n" + "\n".join(lines)))
    assert response.status_code == 200
    client.post(reverse(CONFIRM), {"token": token_of(response)})
    assert Measurement.objects.count() == 5000


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12,5", Decimal("12.50")),
        ("1 250,5", Decimal("1250.50")),
        ("1\u202f250,5", Decimal("1250.50")),
        ("1.250,5", Decimal("1250.50")),
        ("12.5", Decimal("12.50")),
        ("-3", Decimal("-3.00")),
        ("40 %", Decimal("40.00")),
        (7, Decimal("7.00")),
        (0.1 + 0.2, Decimal("0.30")),
    ],
)
def test_values_read_as_french_offices_write_them(raw, expected):
    assert imports.parse_value(raw) == expected


@pytest.mark.parametrize("raw", ["", "douze", "NaN", "Infinity", "1,2,3", "12,345", True])
def test_values_that_are_not_numbers_are_refused(raw):
    with pytest.raises(ValueError):
        imports.parse_value(raw)


@pytest.mark.parametrize(
    "raw", ["31/03/2025", "31/03/25", "2025-03-31", "31-03-2025", "31.03.2025", "31/03/2025 00:00"]
)
def test_dates_read_in_the_usual_forms(raw):
    assert imports.parse_date(raw) == date(2025, 3, 31)


def test_headers_are_matched_without_case_or_accents():
    assert imports.normalise_header(" N° Fiche ") == "n fiche"
    assert imports.normalise_header("INDICATEUR") == "indicateur"
    assert imports.normalise_header("Numéro de fiche") == "numero de fiche"


def test_the_template_lists_the_indicators_open_to_import(plan, territory, client_for):
    plan["evenings"].name = "=HYPERLINK(1)"
    plan["evenings"].save()
    url = reverse("strategy:indicator_import_template") + f"?strategie={plan['strategy'].public_id}"
    rows = client_for(member(territory, Role.COORDINATOR)).get(url).content.decode("utf-8-sig")
    assert rows.splitlines() == [
        "fiche;indicateur;date;valeur;note",
        "1.3;Jeunes ayant participé;;;",
        "1.3;Rixes signalées;;;",
        "2.1;'=HYPERLINK(1);;;",
    ]
    officer = client_for(member(territory, Role.PARTNER_MEMBER, organisation=plan["lead"]))
    assert "2.1" not in officer.get(url).content.decode("utf-8-sig")


@pytest.mark.parametrize("value", ["1e30", "-1E+30", "99999999999999999999"])
def test_a_huge_value_is_a_french_error_on_its_line_not_a_server_error(
    plan, coordinator, client_for, value
):
    text = f"fiche;indicateur;date;valeur\n1.3;Jeunes ayant participé;31/01/2025;{value}\n"
    response = preview(client_for(coordinator), plan, csv_file(text))
    assert response.status_code == 400  # the preview, with the line's error
    assert "trop grand" in response.content.decode()
    assert not Measurement.objects.exists()


def test_a_huge_number_cell_in_a_workbook_is_refused_too(plan, coordinator, client_for):
    upload = xlsx_file(
        [
            ["fiche", "indicateur", "date", "valeur"],
            ["1.3", "Jeunes ayant participé", date(2025, 1, 31), 1e30],
        ]
    )
    response = preview(client_for(coordinator), plan, upload)
    assert response.status_code == 400  # the preview, with the line's error
    assert "trop grand" in response.content.decode()


def test_a_truncated_workbook_is_a_french_error(plan, coordinator, client_for):
    whole = xlsx_file(
        [
            ["fiche", "indicateur", "date", "valeur"],
            ["1.3", "Jeunes ayant participé", date(2025, 1, 31), 3],
        ]
    ).read()
    for cut in (len(whole) // 2, len(whole) - 30):
        upload = SimpleUploadedFile("coupé.xlsx", whole[:cut])
        response = preview(client_for(coordinator), plan, upload)
        assert response.status_code == 400, cut  # the form again, with its error
        assert "pas un classeur Excel (.xlsx) lisible" in response.content.decode(), cut
