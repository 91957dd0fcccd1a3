"""The demo territories: loadable twice, and telling the story the README tells."""

import pyotp
import pytest
from django.test import Client
from django.urls import reverse

from tranquillite.accounts.models import User
from tranquillite.core.models import Territory
from tranquillite.demo import data
from tranquillite.governance.access import CaseAccess, case_access
from tranquillite.governance.models import Body, BodyMember


@pytest.fixture
def demo(db):
    return data.load()


def test_loading_twice_changes_nothing(demo):
    counts = (Territory.objects.count(), User.objects.count(), BodyMember.objects.count())
    data.load()
    assert (Territory.objects.count(), User.objects.count(), BodyMember.objects.count()) == counts


def test_every_documented_login_signs_in(demo):
    for _territory, _role, email, needs_totp in data.demo_logins():
        client = Client()
        response = client.post(
            reverse("account_login"), {"login": email, "password": data.DEMO_PASSWORD}
        )
        assert response.status_code == 302, email
        if needs_totp:
            assert response["Location"] == reverse("mfa_authenticate"), email
            code = pyotp.TOTP(data.DEMO_TOTP_SECRET).now()
            assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
        assert client.get(reverse("core:home")).status_code == 200, email


def test_the_charter_gate_story_of_the_demo(demo):
    minors = Body.objects.get(name="Groupe Mineurs")
    police = User.objects.get(email="police@pantin.test")
    school_head = User.objects.get(email="principale@pantin.test")
    probation = User.objects.get(email="cpip@pantin.test")
    assert case_access(police, minors) == CaseAccess.GRANTED
    assert case_access(probation, minors) == CaseAccess.UNSIGNED
    assert case_access(school_head, minors) == CaseAccess.NOT_A_MEMBER


def test_the_strategy_has_the_committees_story(demo):
    from django.utils import timezone

    from tranquillite.governance.models import Meeting, MeetingStatus
    from tranquillite.strategy.models import (
        ActionSheet,
        Activity,
        ActivityKind,
        ActivityStatus,
        Evaluation,
        Measurement,
    )
    from tranquillite.strategy.rollup import rollup

    pantin, _second = demo
    counts = (Evaluation.objects.count(), Measurement.objects.count(), Activity.objects.count())
    data.load()
    assert (
        Evaluation.objects.count(),
        Measurement.objects.count(),
        Activity.objects.count(),
    ) == counts

    # The youth–police project: four workshops a year, every past year's all decided.
    workshops = Activity.objects.filter(territory=pantin, kind=ActivityKind.WORKSHOP)
    for year in (2024, 2025):
        of_year = workshops.filter(planned_on__year=year)
        assert of_year.count() == 4
        assert of_year.filter(status=ActivityStatus.PLANNED).count() == 0
    assert workshops.filter(status=ActivityStatus.CANCELLED).count() == 1

    # Every sheet was evaluated by two committees; the last one set its status and progress.
    sheets = ActionSheet.objects.filter(territory=pantin)
    for sheet in sheets:
        last = sheet.evaluations.order_by("-evaluated_on").first()
        assert sheet.evaluations.count() == 2
        assert (sheet.status, sheet.progress) == (last.status, last.progress)

    # The next monitoring committee has sheets of the 2000 contract to review, not all.
    upcoming = Meeting.objects.get(
        territory=pantin, body__kind="monitoring_committee", status=MeetingStatus.PLANNED
    )
    contract = sheets.filter(axis__strategy__kind="safety_contract")
    due = contract.filter(next_review_on__lte=timezone.localdate(upcoming.starts_at))
    assert 0 < due.count() < contract.count() == 45
    assert rollup(contract.values_list("status", "progress")).progress is not None
