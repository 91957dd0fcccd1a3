"""The alerts' figures: from the anonymous trace of each lifted alert, small counts withheld,
exported with a logged reason, and as indicator sources."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.access_log import access_rows
from tests.tensions.conftest import raise_one
from tranquillite.audit.models import AccessAction
from tranquillite.observatory.tensions import figures_for
from tranquillite.strategy import sources
from tranquillite.strategy.sources import Withheld
from tranquillite.tensions import services
from tranquillite.tensions.models import AlertFigure

pytestmark = pytest.mark.django_db


def lifted(setup, outcome, *, level="tension", hours=2, neighbourhoods=None):
    alert = raise_one(setup, level=level, neighbourhoods=neighbourhoods or [setup.a, setup.b])
    services.lift_alert(actor=setup.coordinator, alert=alert, outcome=outcome)
    figure = AlertFigure.objects.get(alert=alert)
    figure.minutes_to_lift = hours * 60
    figure.save()
    return alert


def test_figures_by_level_outcome_month_neighbourhood_and_time(setup):
    for hours in (1, 2, 3, 4, 5, 6):
        lifted(setup, "no_violence", hours=hours)
    lifted(setup, "violence", level="imminent_risk", neighbourhoods=[setup.b, setup.c])
    raise_one(setup)  # active: not counted
    year = timezone.localdate().year
    figures = figures_for(setup.territory, year)
    key = dict(figures.key_figures)
    assert key["Alertes levées"] == "7"
    assert key["Terminée sans violence"] == "6"
    assert key["Part terminée sans violence"] == "86 %"
    tables = {table.key: table for table in figures.tables}
    level_rows = {row.label: [c.shown for c in row.cells] for row in tables["level"].rows}
    # Columns: no violence, violence, moved, unfounded. A 1 is "< 5"; in its column
    # the total would give it away, so another cell of the column is withheld.
    assert level_rows["Tension"][0] == "6"
    assert level_rows["Risque imminent"][1] == "< 5"
    month = timezone.localdate().month
    month_row = tables["month"].rows[month - 1]
    assert month_row.cells[0].shown == "6"
    assert sum(len(t.rows) for t in [tables["neighbourhood"]]) == 3
    durations = {label: (count, median, p90) for label, count, median, p90 in figures.durations}
    assert durations["Tension"] == ("6", "3,5", "5,5")
    assert durations["Risque imminent"] == ("< 5", "< 5", "< 5")
    # Nothing here can name anyone: the figures hold no description.
    assert "affrontement" not in str(figures)


def test_indicator_sources_withhold_small_counts(setup):
    today = timezone.localdate()
    start, end = today - timedelta(days=1), today
    lifted_alerts = sources.get("tensions.alerts_lifted")
    share = sources.get("tensions.share_without_violence")
    assert lifted_alerts.compute(setup.territory, start, end) == 0  # a zero is a zero
    for _ in range(2):
        lifted(setup, "no_violence")
    with pytest.raises(Withheld):  # 2 alerts: a small count
        lifted_alerts.compute(setup.territory, start, end)
    with pytest.raises(Withheld):
        share.compute(setup.territory, start, end)
    for _ in range(3):
        lifted(setup, "no_violence")
    lifted(setup, "moved")
    assert lifted_alerts.compute(setup.territory, start, end) == 6
    assert share.compute(setup.territory, start, end) == Decimal("83.3")
    assert lifted_alerts.compute(setup.territory, date(2000, 1, 1), date(2000, 12, 31)) == 0


def test_figures_page_and_export(setup, client_for):
    for _ in range(5):
        lifted(setup, "no_violence")
    client = client_for(setup.coordinator)
    page = client.get(reverse("observatory:alerts"))
    assert page.status_code == 200 and "Alertes levées" in page.content.decode()
    assert client_for(setup.cell_member).get(reverse("observatory:alerts")).status_code == 403
    year = timezone.localdate().year
    refused = client.post(reverse("observatory:alerts_export"), {"year": year, "format": "csv"})
    assert refused.status_code == 400
    with access_rows() as captured:
        response = client.post(
            reverse("observatory:alerts_export"),
            {"year": year, "format": "csv", "reason": "Comité de suivi"},
        )
    assert [row.action for row in captured.rows] == [AccessAction.EXPORT]
    assert captured.rows[0].reason == "Comité de suivi"
    rows = list(csv.reader(io.StringIO(response.content.decode()), delimiter=";"))
    assert rows[0][0].startswith("Export") and ["Alertes levées", "5"] in rows
    response = client.post(
        reverse("observatory:alerts_export"),
        {"year": year, "format": "xlsx", "reason": "Comité de suivi"},
    )
    assert response.content[:2] == b"PK"
