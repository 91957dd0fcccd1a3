"""Mistakes can be undone: the coordinator cancels a meeting and withdraws an action sheet,
each with a reason kept and shown; the withdrawn sheet leaves the public summary."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.browser import check, sign_in
from tranquillite.governance.models import Meeting, MeetingStatus
from tranquillite.strategy.models import ActionSheet
from tranquillite.strategy.public import public_strategy

pytestmark = pytest.mark.browser


def test_the_coordinator_cancels_a_meeting_and_withdraws_a_sheet(demo, new_tab, request):
    meeting = (
        Meeting.objects.filter(
            territory__slug="pantin",
            status=MeetingStatus.PLANNED,
            starts_at__gt=timezone.now(),
        )
        .order_by("starts_at")
        .first()
    )
    assert meeting is not None
    tab = new_tab()
    sign_in(tab, "coordination@pantin.test")

    tab.goto(f"/conseil/reunions/{meeting.public_id}/")
    tab.locator("summary", has_text="Annuler cette réunion").click()
    # Without a reason: refused in French, nothing changed.
    tab.get_by_role("button", name="Annuler la réunion").click()
    expect(tab.locator("main")).to_contain_text("Ce champ est obligatoire")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.PLANNED
    tab.locator("main textarea, main input[name=reason]").first.fill("Salle indisponible")
    tab.get_by_role("button", name="Annuler la réunion").click()
    expect(tab.locator("main .alert-warning")).to_contain_text("Salle indisponible")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    check(tab, request, "meeting-cancelled")

    strategy = public_strategy(meeting.territory)
    assert strategy is not None
    sheet = ActionSheet.objects.filter(axis__strategy=strategy).order_by("pk").first()
    assert sheet is not None
    public_page = "/public/pantin/strategie/"
    tab.goto(public_page)
    expect(tab.locator("main")).to_contain_text(sheet.title)

    tab.goto(f"/strategie/fiches/{sheet.public_id}/")
    tab.locator("summary", has_text="Retirer cette fiche").click()
    tab.locator("main textarea, main input[name=reason]").first.fill("Action reprise par la CAF")
    tab.get_by_role("button", name="Retirer la fiche").click()
    expect(tab.locator("main")).to_contain_text("Action reprise par la CAF")
    check(tab, request, "sheet-withdrawn")
    tab.goto(public_page)
    expect(tab.locator("main")).not_to_contain_text(sheet.title)
