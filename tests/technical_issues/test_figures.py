"""Figures: raised, fixed, open past deadline, median and 90th percentile of the time to
acknowledge and to fix per organisation, category and neighbourhood; small counts withheld;
CSV and XLSX exports with a reason; indicator sources."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.technical_issues.conftest import raise_one
from tranquillite.audit.models import AccessLogEntry
from tranquillite.strategy import sources
from tranquillite.technical_issues import services
from tranquillite.technical_issues.figures import groups, percentile
from tranquillite.technical_issues.models import TechnicalIssue

pytestmark = pytest.mark.django_db


def test_percentile_nearest_rank():
    assert percentile([], 0.5) is None
    assert percentile([5.0], 0.9) == 5.0
    values = [float(v) for v in range(1, 11)]
    assert percentile(values, 0.5) == 5.0
    assert percentile(values, 0.9) == 9.0


def make_year(setup):
    """7 lighting issues fixed in 1..7 days after routing, 2 graffiti open and late."""
    now = timezone.now()
    fixed = [raise_one(setup) for _ in range(7)]
    for days, issue in enumerate(fixed, start=1):
        services.resolve(actor=setup.coordinator, issue=issue)
        TechnicalIssue.objects.filter(pk=issue.pk).update(
            routed_at=now - timedelta(days=10),
            acknowledged_at=now - timedelta(days=10) + timedelta(hours=12),
            closed_at=now - timedelta(days=10) + timedelta(days=days),
        )
    late = [raise_one(setup, category="graffiti") for _ in range(2)]
    TechnicalIssue.objects.filter(pk__in=[i.pk for i in late]).update(
        due_at=now - timedelta(days=1)
    )
    return fixed, late


def test_groups_by_organisation_and_category(setup):
    make_year(setup)
    start = timezone.now() - timedelta(days=30)
    end = timezone.now() + timedelta(days=1)
    by_category = {g.key: g for g in groups(setup.territory, start, end, "category")}
    lighting = by_category["lighting"]
    assert (lighting.raised, lighting.fixed, lighting.open_late) == (7, 7, 0)
    assert percentile(lighting.to_fix, 0.5) == pytest.approx(4 * 24)
    assert percentile(lighting.to_fix, 0.9) == pytest.approx(7 * 24)
    assert percentile(lighting.to_acknowledge, 0.5) == pytest.approx(12)
    graffiti = by_category["graffiti"]
    assert (graffiti.raised, graffiti.fixed, graffiti.open_late) == (2, 0, 2)
    (organisation,) = groups(setup.territory, start, end, "organisation")
    assert organisation.label == "Éclairage public" and organisation.raised == 9


def test_page_withholds_small_counts_and_exports(setup, client_for, django_assert_max_num_queries):
    make_year(setup)
    client = client_for(setup.coordinator)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("observatory:technical_issues"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "4,0" in text and "7,0" in text  # median and p90 days to fix of the 7 lighting
    assert "&lt; 5" in text  # the 2 graffiti
    # Partners and mediators do not read the figures.
    assert (
        client_for(setup.landlord_member).get(reverse("observatory:technical_issues")).status_code
        == 403
    )
    year = timezone.localdate().year
    url = reverse("observatory:technical_issues_export")
    refused = client.post(url, {"year": year, "format": "csv", "reason": ""})
    assert refused.status_code == 400
    csv_answer = client.post(url, {"year": year, "format": "csv", "reason": "Comité de suivi"})
    assert csv_answer["Content-Type"].startswith("text/csv")
    body = csv_answer.content.decode()
    assert "< 5" in body and setup.coordinator.email in body.splitlines()[0]
    assert AccessLogEntry.objects.filter(reason="Comité de suivi").count() == 1
    xlsx = client.post(url, {"year": year, "format": "xlsx", "reason": "Comité de suivi"})
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(xlsx.content))
    assert len(workbook.sheetnames) == 4


def test_indicator_sources(setup):
    make_year(setup)
    today = timezone.localdate()
    start, end = today - timedelta(days=40), today
    assert sources.get("technical_issues.raised").compute(setup.territory, start, end) == 9
    assert sources.get("technical_issues.fixed").compute(setup.territory, start, end) == 7
    assert (
        sources.get("technical_issues.median_days_to_fix").compute(setup.territory, start, end) == 4
    )
    with pytest.raises(sources.Withheld):
        sources.get("technical_issues.median_days_to_fix").compute(
            setup.territory, date(2000, 1, 1), date(2000, 1, 31)
        )
