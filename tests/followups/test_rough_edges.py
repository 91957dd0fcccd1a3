"""The rough edges of a full reminder of the law (issue 11) and the dates that make no sense in
a follow-up (issue 12, item 8): likely dates by default, a hearing on another day than
summoned, the summons dated the day its letters went, reviews before their window, closing
over support actions in progress, back to the file after adding a guardian, the printed
file, the closure's confirmation."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.access_log import access_rows
from tests.factories import member
from tests.followups.conftest import TODAY, boy, days_ago, referral, with_parent
from tests.followups.test_law_reminder import agree, step
from tests.followups.test_pages import chosen, detail, hearing, new_person, step_url
from tests.followups.test_pages import summoned as summon_for_today
from tranquillite.accounts.roles import Role
from tranquillite.audit.models import AccessAction
from tranquillite.followups import services
from tranquillite.followups.engine import StepRefused
from tranquillite.followups.models import CaseStatistic, DeadlineKind, FollowUpLink
from tranquillite.followups.workflows.common import REVIEW_WINDOW_DAYS

# --- Helpers --------------------------------------------------------------------------------


def send_summons(coordinator, rao, mayor, *, sent_on=None, days_ahead=10):
    """The summons, its letters sent on `sent_on` (today), for a hearing `days_ahead` on."""
    with_parent(rao)
    hearing_at = timezone.localtime() + timedelta(days=days_ahead)
    return step(
        coordinator,
        rao,
        "summon",
        occurred_on=(sent_on or TODAY()).isoformat(),
        hearing_at=hearing_at.strftime("%Y-%m-%dT%H:%M"),
        place="Hôtel de ville",
        presiding_official=mayor.pk,
    )


@pytest.fixture
def summoned(rao, coordinator, mayor):
    """Summoned 10 days ago for a hearing today."""
    return summon_for_today(rao, coordinator, mayor)


@pytest.fixture
def supported(summoned, coordinator):
    return step(coordinator, summoned, "record_hearing", **hearing(case_worker=coordinator.pk))


def value_of(page: str, name: str) -> str:
    """The value an input of the page starts with."""
    found = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert found, name
    value = re.search(r'value="([^"]*)"', found.group(0))
    return value.group(1) if value else ""


# --- 1. Dates default to what is most likely -------------------------------------------------


def test_a_referral_starts_dated_today(minors, coordinator, client_for):
    client = client_for(coordinator)
    page = client.post(
        reverse("followups:create"),
        {
            **chosen(minors),
            **new_person(),
            "action": "new",
        },
    ).content.decode()
    assert value_of(page, "opened_on") == TODAY().isoformat()


def test_a_step_starts_dated_today_and_the_hearing_on_the_day_summoned(
    rao, coordinator, mayor, client_for
):
    client = client_for(coordinator)
    page = client.get(step_url(rao, "consult_prosecutor")).content.decode()
    assert value_of(page, "occurred_on") == TODAY().isoformat()
    agree(coordinator, rao)
    # The summons step is the sending of the letters: today, by default.
    assert value_of(client.get(step_url(rao, "summon")).content.decode(), "occurred_on") == (
        TODAY().isoformat()
    )
    send_summons(coordinator, rao, mayor, days_ahead=3)
    # The hearing's day has not come: today is likelier than a day in the future.
    page = client.get(step_url(rao, "record_hearing")).content.decode()
    assert value_of(page, "occurred_on") == TODAY().isoformat()
    # Summoned for 2 days ago: the hearing (or the no-show) is proposed on that day.
    summons = rao.events.get(step="summon")
    hearing_at = timezone.localtime() - timedelta(days=2)
    summons.data = {**summons.data, "hearing_at": hearing_at.isoformat()}
    summons.occurred_on = days_ago(12)
    summons.save()
    for name in ("record_hearing", "record_no_show"):
        page = client.get(step_url(rao, name)).content.decode()
        assert value_of(page, "occurred_on") == days_ago(2).isoformat(), name


def test_a_review_and_a_support_action_start_dated_today(supported, coordinator, client_for):
    client = client_for(coordinator)
    page = client.get(step_url(supported, "record_review")).content.decode()
    assert value_of(page, "occurred_on") == TODAY().isoformat()
    page = client.get(reverse("followups:action_add", args=[supported.public_id])).content
    assert value_of(page.decode(), "starts_on") == TODAY().isoformat()


def test_a_family_council_session_starts_dated_the_day_planned(
    family_council, coordinator, client_for
):
    child = services.open_follow_up(
        actor=coordinator,
        body=family_council,
        kind="family_council",
        data={"opened_on": days_ago(20).isoformat(), "source": "school", "facts": "absenteeism"},
        new_person=boy(),
    )
    with_parent(child)
    session_at = timezone.localtime() + timedelta(days=7)
    step(
        coordinator,
        child,
        "plan_session",
        occurred_on=days_ago(1).isoformat(),
        session_at=session_at.strftime("%Y-%m-%dT%H:%M"),
        place="Mairie",
    )
    # The convocation is dated the day it was sent, not the session's.
    assert child.events.get(step="plan_session").occurred_on == days_ago(1)
    planned = child.events.get(step="plan_session")
    planned.data = {**planned.data, "session_at": (session_at - timedelta(days=10)).isoformat()}
    planned.save()
    page = client_for(coordinator).get(step_url(child, "record_session")).content.decode()
    assert value_of(page, "occurred_on") == days_ago(3).isoformat()


# --- 2. A hearing on another day than summoned -----------------------------------------------


def test_a_hearing_on_another_day_asks_for_a_confirmation_and_a_reason(
    summoned, coordinator, client_for
):
    client = client_for(coordinator)
    answers = hearing(occurred_on=days_ago(2).isoformat(), case_worker=coordinator.pk)
    page = client.post(step_url(summoned, "record_hearing"), answers)
    content = page.content.decode()
    assert page.status_code == 200
    assert "confirmez la date" in content and "Indiquez pourquoi l’audience a eu lieu" in content
    summoned.refresh_from_db()
    assert summoned.state == "summoned"
    # Confirmed, with a reason: recorded, and the reason is kept in the history.
    answers |= {"other_day_confirmed": "on", "other_day_reason": "came_early"}
    assert client.post(step_url(summoned, "record_hearing"), answers).status_code == 302
    summoned.refresh_from_db()
    assert summoned.state == "support"
    event = summoned.events.get(step="record_hearing")
    assert event.occurred_on == days_ago(2)
    assert event.data["other_day_reason"] == "came_early"
    assert "La famille est venue avant le jour de la convocation" in (
        client.get(detail(summoned)).content.decode()
    )


def test_a_hearing_on_the_day_summoned_needs_no_reason_and_keeps_none(summoned, coordinator):
    step(
        coordinator,
        summoned,
        "record_hearing",
        **hearing(case_worker=coordinator.pk, other_day_reason="other"),
    )
    event = summoned.events.get(step="record_hearing")
    assert "other_day_reason" not in event.data


def test_a_hearing_before_the_summons_was_sent_is_refused(summoned, coordinator):
    # The letters went 10 days ago: a hearing 11 days ago cannot be, reason or not.
    with pytest.raises(StepRefused) as refused:
        step(
            coordinator,
            summoned,
            "record_hearing",
            **hearing(
                occurred_on=days_ago(11).isoformat(),
                case_worker=coordinator.pk,
                other_day_confirmed="on",
                other_day_reason="other",
            ),
        )
    assert "l’audience ne peut pas avoir eu lieu avant" in str(
        refused.value.form.errors["occurred_on"]
    )


# --- Issue 12, 8: the summons is dated the day its letters were sent --------------------------


def test_the_summons_is_dated_the_day_the_letters_were_sent(rao, coordinator, mayor):
    agree(coordinator, rao)
    send_summons(coordinator, rao, mayor, sent_on=days_ago(1), days_ahead=12)
    event = rao.events.get(step="summon")
    assert event.occurred_on == days_ago(1)  # not the hearing, 12 days ahead
    assert rao.deadlines.get(kind=DeadlineKind.HEARING).due_on == TODAY() + timedelta(days=12)


@pytest.mark.parametrize(
    ("answers", "field", "message"),
    [
        # The workflow's own bounds (within the dates any form accepts)...
        ({"occurred_on": (TODAY() + timedelta(days=30)).isoformat()}, "occurred_on", "futur"),
        (
            {"hearing_at": (TODAY() + timedelta(days=800)).strftime("%Y-%m-%dT10:00")},
            "hearing_at",
            "plus d’un an",
        ),
        ({"hearing_at": "2001-01-01T10:00"}, "hearing_at", "dans le futur"),
        # ...and the dates no form accepts (core.validation.SANE_DATES), refused first.
        ({"occurred_on": "9999-12-31"}, "occurred_on", "Saisissez une date entre"),
        ({"hearing_at": "0001-01-01T10:00"}, "hearing_at", "Saisissez une date entre"),
    ],
)
def test_a_summons_with_dates_out_of_range_is_refused_in_french(
    rao, coordinator, mayor, answers, field, message
):
    agree(coordinator, rao)
    data = {
        "occurred_on": TODAY().isoformat(),
        "hearing_at": (timezone.localtime() + timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"),
        "place": "Hôtel de ville",
        "presiding_official": mayor.pk,
        **answers,
    }
    with pytest.raises(StepRefused) as refused:
        step(coordinator, rao, "summon", **data)
    assert message in str(refused.value.form.errors[field])


def test_a_referral_or_an_action_dated_years_away_is_refused(minors, coordinator, supported):
    with pytest.raises(StepRefused) as refused:
        services.open_follow_up(
            actor=coordinator,
            body=minors,
            kind="law_reminder",
            data=referral(opened_on=(TODAY() - timedelta(days=5 * 366)).isoformat()),
            new_person=boy(),
        )
    assert "plus de trois ans" in str(refused.value.form.errors["opened_on"])
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="plus d’un an"):
        services.add_support_action(
            actor=coordinator,
            follow_up=supported,
            kind="leisure",
            starts_on=TODAY(),
            ends_on=TODAY() + timedelta(days=800),
        )
    assert not supported.actions.exists()


# --- Issue 12, 8: a review before its window --------------------------------------------------


def test_a_review_before_its_window_needs_a_reason_and_counts_as_early(
    supported, coordinator, client_for
):
    review = {
        "occurred_on": TODAY().isoformat(),
        "review": "review_6_months",
        "reoffended": "False",
    }
    with pytest.raises(StepRefused) as refused:
        step(coordinator, supported, "record_review", **review)
    assert "il demande un motif" in str(refused.value.form.errors["early_reason"])
    step(coordinator, supported, "record_review", **review, early_reason="moving_away")
    stat = CaseStatistic.objects.get(follow_up=supported)
    assert (stat.reoffended_6_months, stat.review_6_months_early) == (False, True)
    event = supported.events.get(step="record_review")
    assert event.data["early"] is True and event.data["early_reason"] == "moving_away"
    page = client_for(coordinator).get(detail(supported)).content.decode()
    assert "La famille déménage" in page and "Tenu avant son échéance" in page


def test_a_review_within_its_window_needs_no_reason(supported, coordinator):
    # Due in REVIEW_WINDOW_DAYS days: held today, it is on time.
    supported.deadlines.filter(kind=DeadlineKind.REVIEW_3_MONTHS).update(
        due_on=TODAY() + timedelta(days=REVIEW_WINDOW_DAYS)
    )
    step(
        coordinator,
        supported,
        "record_review",
        occurred_on=TODAY().isoformat(),
        review="review_3_months",
        reoffended="False",
        early_reason="moving_away",
    )
    event = supported.events.get(step="record_review")
    assert "early" not in event.data and "early_reason" not in event.data
    # One day earlier would have been early.
    supported.deadlines.filter(kind=DeadlineKind.REVIEW_6_MONTHS).update(
        due_on=TODAY() + timedelta(days=REVIEW_WINDOW_DAYS + 1)
    )
    with pytest.raises(StepRefused):
        step(
            coordinator,
            supported,
            "record_review",
            occurred_on=TODAY().isoformat(),
            review="review_6_months",
            reoffended="False",
        )


# --- 3. Closing with support actions in progress ----------------------------------------------


@pytest.fixture
def two_actions(supported, coordinator):
    leisure = services.add_support_action(
        actor=coordinator, follow_up=supported, kind="leisure", starts_on=days_ago(1)
    )
    schooling = services.add_support_action(
        actor=coordinator, follow_up=supported, kind="schooling", starts_on=days_ago(1)
    )
    return leisure, schooling


def close_data(**overrides):
    return {"occurred_on": TODAY().isoformat(), "outcome": "support_completed", **overrides}


def test_the_closing_form_shows_the_actions_in_progress_and_refuses_silence(
    supported, two_actions, coordinator, client_for
):
    client = client_for(coordinator)
    page = client.get(step_url(supported, "close")).content.decode()
    assert "2 actions d’accompagnement sont encore en cours" in page
    assert "Activité sportive, culturelle ou de loisirs" in page
    response = client.post(step_url(supported, "close"), close_data())
    assert response.status_code == 200
    assert "indiquez pour chacune si elle a été réalisée ou abandonnée" in (
        response.content.decode()
    )
    supported.refresh_from_db()
    assert supported.closed_on is None


def test_each_action_ended_at_closure_done_or_abandoned_with_a_reason(
    supported, two_actions, coordinator
):
    leisure, schooling = two_actions
    answers = close_data(
        **{f"action_{leisure.pk}": "completed", f"action_{schooling.pk}": "not_done"}
    )
    with pytest.raises(StepRefused) as refused:
        step(coordinator, supported, "close", **answers)
    assert f"action_{schooling.pk}_reason" in refused.value.form.errors
    answers[f"action_{schooling.pk}_reason"] = "Déscolarisé, orienté vers la mission locale"
    step(coordinator, supported, "close", **answers)
    leisure.refresh_from_db()
    schooling.refresh_from_db()
    assert (leisure.result, leisure.ends_on) == ("completed", TODAY())
    assert (schooling.result, schooling.ends_on) == ("not_done", TODAY())
    assert "orienté vers la mission locale" in schooling.note
    event = supported.events.get(step="close")
    assert "abandonnée (Déscolarisé" in event.data["actions_ended"]
    assert "Activité sportive, culturelle ou de loisirs : réalisée" in event.data["actions_ended"]


def test_close_anyway_needs_a_reason_kept_in_the_history(
    supported, two_actions, coordinator, client_for
):
    with pytest.raises(StepRefused) as refused:
        step(coordinator, supported, "close", **close_data(close_anyway="on"))
    assert "close_anyway_reason" in refused.value.form.errors
    step(
        coordinator,
        supported,
        "close",
        **close_data(close_anyway="on", close_anyway_reason="Déménagement de la famille"),
    )
    assert supported.closed_on == TODAY()
    assert set(supported.actions.values_list("result", flat=True)) == {"ongoing"}
    event = supported.events.get(step="close")
    assert event.data["close_anyway_reason"] == "Déménagement de la famille"
    assert "laissée en cours" in event.data["actions_ended"]


def test_a_file_without_actions_in_progress_closes_as_before(supported, coordinator):
    step(coordinator, supported, "close", **close_data(close_anyway="on"))
    event = supported.events.get(step="close")
    assert "close_anyway" not in event.data and "actions_ended" not in event.data


# --- 7. Right after closure: the closure's confirmation ---------------------------------------


def test_after_closing_the_coordinator_sees_the_closure_without_a_reason(
    supported, two_actions, coordinator, police, client_for
):
    leisure, schooling = two_actions
    client = client_for(coordinator)
    answers = close_data(
        **{f"action_{leisure.pk}": "completed", f"action_{schooling.pk}": "completed"}
    )
    with access_rows() as rows:
        response = client.post(step_url(supported, "close"), answers, follow=True)
    closed = reverse("followups:closed", args=[supported.public_id])
    assert response.redirect_chain[-1][0] == closed
    page = response.content.decode()
    assert f"Le dossier {supported.case_number} est clos" in page
    assert "Accompagnement mené à terme" in page  # the outcome
    # The summary names the case, never the person.
    assert "Témoin-Planté" not in page and "Yanis" not in page
    assert [(r.action, r.reason) for r in rows.rows if r.action == AccessAction.ARCHIVE_READ] == [
        (AccessAction.ARCHIVE_READ, "closure_summary")
    ]
    # The file itself follows the archive's rules: a reason first.
    assert (
        "Pourquoi ouvrez-vous ce dossier archivé" in client.get(detail(supported)).content.decode()
    )
    # Someone else, or another day: the address leads to the file and its rules.
    assert client_for(police).get(closed).status_code == 302
    supported.events.filter(step="close").update(recorded_at=timezone.now() - timedelta(days=1))
    assert client.get(closed)["Location"] == detail(supported)


def test_a_hearing_without_support_closes_the_file_and_shows_the_closure(
    summoned, coordinator, client_for
):
    client = client_for(coordinator)
    answers = hearing()
    answers.pop("support")
    response = client.post(step_url(summoned, "record_hearing"), answers, follow=True)
    closed = reverse("followups:closed", args=[summoned.public_id])
    assert response.redirect_chain[-1][0] == closed
    page = response.content.decode()
    assert "Entendu ; pas d’accompagnement nécessaire" in page  # the outcome
    assert "Enregistrer l’audience" in page  # the step that closed it


# --- 4. Back to the file after adding a legal guardian ---------------------------------------


@pytest.mark.parametrize(
    ("next_url", "goes_back_to_the_file"),
    [
        ("FILE", True),
        ("https://evil.example/phish", False),
        ("//evil.example/phish", False),
        ("javascript:alert(1)", False),
    ],
)
def test_adding_a_guardian_from_the_file_returns_to_it_and_only_on_this_site(
    rao, coordinator, client_for, next_url, goes_back_to_the_file
):
    client = client_for(coordinator)
    file_url = detail(rao)
    add = reverse("people:guardian_add", args=[rao.person.public_id])
    link = f"{add}?next={file_url}"
    assert link in client.get(file_url).content.decode()
    target = file_url if next_url == "FILE" else next_url
    form = client.get(add, {"next": target}).content.decode()
    assert (f'name="next" value="{file_url}"' in form) is goes_back_to_the_file
    response = client.post(
        add,
        {
            "relationship": "mother",
            "first_name": "Awa",
            "last_name": "Témoin-Planté",
            "has_parental_authority": "on",
            "next": target,
        },
    )
    person_url = reverse("people:detail", args=[rao.person.public_id])
    assert response.status_code == 302
    assert response["Location"] == (file_url if goes_back_to_the_file else person_url)
    assert rao.person.guardians.count() == 1


# --- 5. The printed file ----------------------------------------------------------------------


def pdf_pages_text(content: bytes) -> list[str]:
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext is required (apt-get install poppler-utils)"
    text = subprocess.run(
        [pdftotext, "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()
    return [page for page in text.split("\f") if page.strip()]


@pytest.fixture
def long_file(supported, coordinator, minors):
    """A file with a long support plan (several pages) and, linked to it, another young
    person's file whose name must not appear on its print."""
    for day in range(30):
        services.add_support_action(
            actor=coordinator,
            follow_up=supported,
            kind="leisure" if day % 2 else "schooling",
            starts_on=days_ago(day % 5),
            note=f"Séance {day + 1} au centre social",
        )
    other = services.open_follow_up(
        actor=coordinator,
        body=minors,
        kind="law_reminder",
        data=referral(),
        new_person=boy(first_name="Inès", last_name="Autre-Personne", sex="female"),
    )
    FollowUpLink.objects.create(
        territory=supported.territory, from_follow_up=supported, to_follow_up=other
    )
    return supported


def test_the_printed_file_names_its_case_on_every_page_and_nobody_else(
    long_file, coordinator, client_for, tmp_path
):
    client = client_for(coordinator)
    with access_rows() as rows:
        response = client.post(
            reverse("followups:print", args=[long_file.public_id]), {"reason": "hearing"}
        )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages = pdf_pages_text(response.content)
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert long_file.case_number in page, number
        assert "Confidentiel" in page, number
        assert f"Imprimé par {coordinator.get_full_name()}" in page, number
    text = "\n".join(pages)
    for expected in (
        "TÉMOIN-PLANTÉ Yanis",
        "Karim TÉMOIN-PLANTÉ",  # the legal guardian, addressee of the summons
        "Convoquer à une audience",
        "Enregistrer l’audience",
        "Bilan à 3 mois",
        "Séance 30 au centre social",
        "Convocation",  # the letters
    ):
        assert expected in text, expected
    assert "Autre-Personne" not in text and "Inès" not in text
    # The print is in the access log, with its reason, for the file and the people on it.
    printed = [r for r in rows.rows if r.action == AccessAction.PRINT]
    assert {r.object_type for r in printed} == {
        "followups.followup",
        "people.person",
        "people.legalguardian",
    }
    assert {r.reason for r in printed} == {"Pour l’audience"}
    # A page looked at: rendered to an image (tests/e2e keeps one under var/screenshots).
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm
    (tmp_path / "file.pdf").write_bytes(response.content)
    subprocess.run(
        [pdftoppm, "-png", "-r", "60", "-f", "1", "-l", "1", str(tmp_path / "file.pdf"), "p"],
        cwd=tmp_path,
        check=True,
    )
    assert any(path.stat().st_size > 5000 for path in tmp_path.glob("p*.png"))


def test_no_print_without_a_reason_nor_of_an_archive_without_one(
    supported, coordinator, client_for
):
    client = client_for(coordinator)
    url = reverse("followups:print", args=[supported.public_id])
    with access_rows() as rows:
        response = client.post(url, {"reason": ""})
    assert response.status_code == 302 and not rows.rows
    step(coordinator, supported, "close", **close_data())
    with access_rows() as rows:
        response = client.post(url, {"reason": "hearing"})
    assert response.status_code == 302 and response["Location"] == detail(supported)
    assert not [r for r in rows.rows if r.action == AccessAction.PRINT]


def test_someone_outside_the_group_cannot_print_the_file(rao, territory, client_for):
    outsider = member(territory, Role.PARTNER_MEMBER)
    response = client_for(outsider).post(
        reverse("followups:print", args=[rao.public_id]), {"reason": "hearing"}
    )
    assert response.status_code == 404


def test_summonses_recorded_before_are_redated_the_day_their_letters_went(rao, coordinator, mayor):
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "tranquillite.followups.migrations.0004_summons_dated_when_sent"
    )
    agree(coordinator, rao)
    send_summons(coordinator, rao, mayor, days_ahead=12)
    # As a summons was kept before: dated by its hearing, no sending day among its answers.
    event = rao.events.get(step="summon")
    hearing_day = TODAY() + timedelta(days=12)
    data = {key: value for key, value in event.data.items() if key != "occurred_on"}
    rao.events.filter(pk=event.pk).update(occurred_on=hearing_day, data=data)
    migration.date_when_sent(apps, None)
    event.refresh_from_db()
    assert event.occurred_on == timezone.localdate(event.recorded_at) == TODAY()
    assert event.data["occurred_on"] == TODAY().isoformat()
    assert event.data["hearing_at"]  # the hearing stays among its answers
