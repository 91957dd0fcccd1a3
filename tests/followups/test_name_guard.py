"""Free text that names a person followed is refused where names must never appear —
minutes, agendas, task titles, committee comments, activity summaries, measurement notes —
and the refusal tells nothing to someone who may not see that person."""

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.factories import ActionSheetFactory, IndicatorFactory, member
from tests.followups.conftest import boy, referral
from tranquillite.accounts.roles import Role
from tranquillite.followups import services as followups
from tranquillite.governance import services as council
from tranquillite.governance.models import Body, BodyKind, Decision
from tranquillite.strategy import evaluations, indicators


@pytest.fixture
def followed(minors, coordinator):
    # Yanis Témoin-Planté, followed in the groupe Mineurs (tests/followups/conftest.py).
    return followups.open_follow_up(
        actor=coordinator, body=minors, kind="law_reminder", data=referral(), new_person=boy()
    )


@pytest.fixture
def plenary_meeting(territory, coordinator):
    plenary = Body.objects.create(territory=territory, name="Plénière", kind=BodyKind.PLENARY)
    return council.plan_meeting(
        actor=coordinator,
        body=plenary,
        starts_at=timezone.make_aware(datetime(2027, 2, 1, 18, 0)),
        place="Mairie",
    )


@pytest.mark.parametrize(
    "text",
    [
        "Point sur Yanis Témoin-Planté",
        "point sur TEMOIN PLANTE yanis",  # accents, case, hyphen and order aside
    ],
)
def test_minutes_and_agendas_refuse_a_followed_persons_name(
    followed, plenary_meeting, coordinator, text
):
    with pytest.raises(ValidationError) as refused:
        council.record_decision(actor=coordinator, meeting=plenary_meeting, text=text)
    assert "numéro" in str(refused.value) or "case number" in str(refused.value)
    with pytest.raises(ValidationError):
        council.add_agenda_item(actor=coordinator, meeting=plenary_meeting, title=text)
    with pytest.raises(ValidationError):
        council.record_decision(
            actor=coordinator,
            meeting=plenary_meeting,
            text="Une décision sans nom.",
            task_title=text,
            task_owner=coordinator,
            task_due_on=date(2027, 3, 1),
        )
    assert not Decision.objects.exists()


def test_a_first_name_alone_or_the_case_number_are_fine(followed, plenary_meeting, coordinator):
    council.record_decision(actor=coordinator, meeting=plenary_meeting, text="Yanis a progressé.")
    council.record_decision(
        actor=coordinator,
        meeting=plenary_meeting,
        text=f"La situation {followed.case_number} est suivie.",
    )
    assert Decision.objects.count() == 2


def test_the_guard_reveals_nothing_to_someone_who_may_not_see_the_person(
    followed, territory, coordinator
):
    # A second coordinator, in no group: the name means nothing to the platform, for him.
    colleague = member(territory, Role.COORDINATOR)
    plenary = Body.objects.create(territory=territory, name="Plénière", kind=BodyKind.PLENARY)
    meeting = council.plan_meeting(
        actor=colleague,
        body=plenary,
        starts_at=timezone.make_aware(datetime(2027, 2, 1, 18, 0)),
        place="Mairie",
    )
    council.record_decision(actor=colleague, meeting=meeting, text="Yanis Témoin-Planté")
    assert Decision.objects.count() == 1


def test_the_page_says_why_and_keeps_what_was_typed(
    followed, plenary_meeting, coordinator, client_for
):
    response = client_for(coordinator).post(
        reverse("governance:decision_add", args=[plenary_meeting.public_id]),
        {"text": "Le cas de Yanis Témoin-Planté est évoqué."},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "numéro" in page
    assert "Le cas de Yanis" in page  # nothing typed is lost
    assert not Decision.objects.exists()


def test_the_strategy_refuses_names_in_comments_summaries_and_notes(
    followed, territory, coordinator
):
    from tests.factories import AxisFactory, StrategyFactory

    sheet = ActionSheetFactory(axis=AxisFactory(strategy=StrategyFactory(territory=territory)))
    with pytest.raises(ValidationError):
        evaluations.evaluate_sheet(
            actor=coordinator,
            sheet=sheet,
            evaluated_on=timezone.localdate(),
            status="on_track",
            progress=40,
            decision="continue",
            comment="Yanis Témoin-Planté a quitté l'action.",
        )
    indicator = IndicatorFactory(sheet=sheet)
    with pytest.raises(ValidationError):
        indicators.record_measurement(
            actor=coordinator,
            indicator=indicator,
            measured_on=timezone.localdate() - timedelta(days=1),
            value=Decimal(3),
            note="dont Yanis Témoin-Planté",
        )
    assert not sheet.evaluations.exists() and not indicator.measurements.exists()
