"""Lifted alerts go 3 years after their lifting, with their responses; active ones and the
anonymous figures stay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.tensions.conftest import raise_one
from tranquillite.observatory.tensions import figures_for
from tranquillite.tensions import services
from tranquillite.tensions.models import AlertFigure, AlertResponse, TensionAlert

pytestmark = pytest.mark.django_db


def test_old_lifted_alerts_go_their_figures_stay(setup, capsys):
    old, recent, active = raise_one(setup), raise_one(setup), raise_one(setup)
    services.log_response(actor=setup.coordinator, alert=old, kind="other", note="Veille")
    for alert in (old, recent):
        services.lift_alert(actor=setup.coordinator, alert=alert, outcome="no_violence")
    now = timezone.now()
    TensionAlert.objects.filter(pk=old.pk).update(lifted_at=now - timedelta(days=3 * 365 + 2))
    TensionAlert.objects.filter(pk=recent.pk).update(lifted_at=now - timedelta(days=3 * 365 - 1))
    TensionAlert.objects.filter(pk=active.pk).update(raised_at=now - timedelta(days=5 * 365))
    before = figures_for(setup.territory, timezone.localdate().year).key_figures
    call_command("purge_tension_alerts")
    assert "1 tension alerts" in capsys.readouterr().out
    assert set(TensionAlert.objects.all()) == {recent, active}
    assert not AlertResponse.objects.filter(alert_id=old.pk).exists()
    assert AlertFigure.objects.count() == 2
    assert AlertFigure.objects.filter(alert__isnull=True).count() == 1
    assert figures_for(setup.territory, timezone.localdate().year).key_figures == before
