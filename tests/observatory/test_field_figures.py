"""Field figures: hours, entries, contacts, conflicts handled and settled, referrals by team,
neighbourhood, month and partner, each beside the previous period; small counts withheld;
a bounded number of queries; CSV and XLSX exports logged with their reason; the indicator
sources of the mediation and park-warden action sheets."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import member
from tests.field.conftest import entry_input, make_field
from tranquillite.accounts.roles import Role
from tranquillite.audit.models import AccessAction, AccessLogEntry
from tranquillite.field import services
from tranquillite.field.models import LogEntry, Shift
from tranquillite.observatory import field as figures
from tranquillite.strategy import sources
from tranquillite.strategy.sources import Withheld

PAGE = reverse("observatory:field")
EXPORT = reverse("observatory:field_export")


@pytest.fixture
def logged(territory):
    """This month: one 3-hour shift, 6 settled conflicts in Hoche (2 people each, 5 referred
    to the municipal police) and 2 walk-ins in Quatre-Chemins. Last month: one 2-hour shift
    and 5 conflicts in Hoche, one settled."""
    field = make_field(territory)
    shift = services.clock_in(actor=field.mediator, team=field.team, sector=field.sector)
    for index in range(6):
        partner = "municipal_police" if index < 5 else "none"
        services.log_entry(
            actor=field.mediator,
            shift=shift,
            data=entry_input(neighbourhood=field.hoche, partner=partner),
        )
    for _ in range(2):
        services.log_entry(
            actor=field.mediator,
            shift=shift,
            data=entry_input(
                neighbourhood=field.quatre_chemins,
                function="consultation",
                category="walk_in",
                outcome="not_applicable",
                group_size=1,
            ),
        )
    month = timezone.localdate().replace(day=1)
    start = timezone.make_aware(
        timezone.datetime.combine(month, timezone.datetime.min.time())
    ) + timedelta(hours=16)
    Shift.objects.filter(pk=shift.pk).update(
        date=month, started_at=start, ended_at=start + timedelta(hours=3)
    )
    LogEntry.objects.update(occurred_at=start + timedelta(hours=1))
    before = start - timedelta(days=10)
    old = Shift.objects.create(
        territory=territory,
        team=field.team,
        sector=field.sector,
        date=timezone.localdate(before),
        planned_start=before,
        planned_end=before + timedelta(hours=2),
        started_at=before,
        ended_at=before + timedelta(hours=2),
    )
    for index in range(5):
        entry, _created = services.log_entry(
            actor=field.mediator,
            shift=shift,
            data=entry_input(
                neighbourhood=field.hoche, outcome="settled" if index == 0 else "not_settled"
            ),
        )
        LogEntry.objects.filter(pk=entry.pk).update(shift=old, occurred_at=before)
    return field, month


def _key(result):
    return {label: (now.shown, before.shown) for label, now, before in result.key_figures}


def test_the_figures_beside_the_previous_month(logged, territory):
    _field, month = logged
    result = figures.figures_for(territory, month, "month")
    assert _key(result) == {
        "Heures de présence": ("3", "2"),
        "Saisies": ("8", "5"),
        "Contacts (public touché)": ("14", "10"),
        "Conflits traités": ("6", "5"),
        "Conflits réglés": ("6", "< 5"),
        "Signalements et partenaires alertés": ("5", "0"),
    }
    by_place = {row.label: [c.shown for c in row.cells] for row in result.tables[1].rows}
    # Quatre-Chemins: 2 entries, 2 people this month — small counts, and Hoche's 6 withheld
    # beside them so that the total (8) does not give them away.
    assert by_place["Quatre-Chemins"][2:6] == ["< 5", "0", "< 5", "0"]
    assert by_place["Hoche"][2] == "×"
    partners = {row.label: [c.shown for c in row.cells] for row in result.tables[3].rows}
    assert partners["Police municipale"] == ["5", "0"]
    months = result.tables[2]
    assert len(months.rows) == 12
    assert [c.shown for c in months.rows[-1].cells][:4] == ["3", "0", "8", "0"]


def test_a_kind_of_team_and_a_year(logged, territory):
    _field, month = logged
    wardens = figures.figures_for(territory, month, "month", "park_wardens")
    assert {now.shown for _label, now, _before in wardens.key_figures} == {"0"}
    year = figures.figures_for(territory, month, "year")
    assert year.current.label == str(month.year)


def test_the_page_takes_a_fixed_number_of_queries(
    logged, territory, client_for, django_assert_max_num_queries
):
    field, month = logged
    client = client_for(field.director)
    # The session's first write included; teams and neighbourhoods in one pass over the
    # entries and one over the shifts (16 when each had its own).
    with django_assert_max_num_queries(14):
        page = client.get(PAGE, {"mois": f"{month:%Y-%m}", "periode": "month"})
    assert page.status_code == 200
    assert b"Hoche" in page.content
    # A mediator (and anyone without the statistics right) is refused.
    assert client_for(field.mediator).get(PAGE).status_code == 403
    # Garbage in the address: the default month, never a 500.
    assert client.get(PAGE, {"mois": "9999-99", "equipes": "x"}).status_code == 200


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_exports_are_logged_with_their_reason(logged, territory, client_for, kind):
    field, month = logged
    client = client_for(field.director)
    data = {"mois": f"{month:%Y-%m}", "periode": "month", "equipes": "", "format": kind}
    refused = client.post(EXPORT, data)
    assert refused.status_code == 400
    assert not AccessLogEntry.objects.filter(action=AccessAction.EXPORT).exists()
    answer = client.post(EXPORT, {**data, "reason": "Bilan du CLSPD"})
    assert answer.status_code == 200
    logged_export = AccessLogEntry.objects.get(action=AccessAction.EXPORT)
    assert (logged_export.actor, logged_export.reason) == (field.director, "Bilan du CLSPD")
    if kind == "csv":
        text = answer.content.decode()
        assert field.director.email in text.splitlines()[0]
        assert "Hoche;" in text and "< 5" in text
    else:
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(answer.content))
        key = workbook["Chiffres clés"]
        rows = {row[0]: row[1:] for row in key.iter_rows(min_row=2, values_only=True)}
        assert rows["Saisies"] == (8, 5)
        assert rows["Conflits réglés"] == (6, "< 5")


def test_the_indicator_sources(logged, territory):
    _field, month = logged
    end = month + timedelta(days=27)
    settled = sources.get("field.mediation_settled")
    assert settled is not None
    assert settled.compute(territory, month, end) == 6
    hours = sources.get("field.mediation_hours")
    assert hours is not None and hours.compute(territory, month, end) == 3
    contacts = sources.get("field.park_wardens_contacts")
    assert contacts is not None and contacts.compute(territory, month, end) == 0
    before = month - timedelta(days=20)
    with pytest.raises(Withheld):  # one settled conflict last month: a small count
        settled.compute(territory, before, month - timedelta(days=1))


def test_figures_of_another_territory_are_not_counted(logged, other_territory):
    _field, month = logged
    member(other_territory, Role.DIRECTOR)
    result = figures.figures_for(other_territory, month, "month")
    assert {now.shown for _label, now, _before in result.key_figures} == {"0"}
