"""The daily purge (CNIL AU-038: 3 years in the archive, never past the 25th birthday): it
leaves nothing behind but anonymous counts, and destroys on the day, not before."""

import json
from datetime import date, timedelta
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from tests.retention.conftest import PLANTED, TODAY, boy, days_ago, referral, step
from tranquillite.followups import services
from tranquillite.followups.models import (
    CaseDocument,
    CaseStatistic,
    Deadline,
    FollowUp,
    FollowUpEvent,
    FollowUpLink,
    SupportAction,
)
from tranquillite.followups.retention import add_years, age_limit_day
from tranquillite.letters.models import OutgoingMail
from tranquillite.people import services as people
from tranquillite.people.models import LegalGuardian, Person, PersonMerge
from tranquillite.people.search import name_key
from tranquillite.people.selectors import similar_names
from tranquillite.retention.models import PurgeRun
from tranquillite.retention.purge import last_day_started

# What must not survive anywhere in the database once the file and the person are destroyed.
NAMES = (
    "Témoin-Planté",
    PLANTED["mother"][1],
    PLANTED["father"][1],
    PLANTED["address"],
    PLANTED["situation_place"],
    PLANTED["mother_phone"],
    PLANTED["father_email"],
    PLANTED["commitments"],
    PLANTED["action_note"],
)


def purge(day, *options):
    out = StringIO()
    call_command("purge_follow_ups", f"--today={day.isoformat()}", *options, stdout=out)
    return out.getvalue()


def close(coordinator, follow_up, outcome="support_completed"):
    # Its support action is still in progress: closed anyway, with a reason.
    return step(
        coordinator,
        follow_up,
        "close",
        occurred_on=TODAY().isoformat(),
        outcome=outcome,
        close_anyway="on",
        close_anyway_reason="Fin du suivi décidée en réunion",
    )


def everything_mentioning(text):
    """Every row of every table whose values contain `text` (as "app.model": count)."""
    found = {}
    for model in apps.get_models():
        for row in model._base_manager.values():
            if text in json.dumps(row, default=str, ensure_ascii=False):
                found[model._meta.label_lower] = found.get(model._meta.label_lower, 0) + 1
    return found


def history_of(model, pks):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(model), object_id__in=pks
    )


def test_the_purge_leaves_nothing_behind_but_anonymous_counts(
    full_file, coordinator, media, django_capture_on_commit_callbacks
):
    rao, person = full_file["follow_up"], full_file["person"]
    guardians, document = full_file["guardians"], full_file["document"]
    stored = media / document.file.name
    assert stored.exists()
    close(coordinator, rao)
    assert rao.destroy_on == add_years(TODAY(), 3)
    # Before: the planted names are in the rows and in their change history.
    assert "auditlog.logentry" in everything_mentioning("Témoin-Planté")
    assert everything_mentioning(PLANTED["mother"][1])["people.legalguardian"] == 1
    rows = {
        FollowUp: [rao.pk],
        FollowUpEvent: list(rao.events.values_list("pk", flat=True)),
        Deadline: list(rao.deadlines.values_list("pk", flat=True)),
        SupportAction: [full_file["action"].pk],
        # Ours, and the letters the summons generated (if the letters module is there).
        CaseDocument: list(rao.documents.values_list("pk", flat=True)),
        Person: [person.pk],
        LegalGuardian: [guardian.pk for guardian in guardians],
    }
    assert len(rows[FollowUpEvent]) == 6 and len(rows[Deadline]) == 2
    assert FollowUpLink.objects.count() == 2
    for model, pks in rows.items():
        assert history_of(model, pks).exists(), model

    with django_capture_on_commit_callbacks(execute=True):
        output = purge(rao.destroy_on)

    for model, pks in rows.items():
        assert not model._base_manager.filter(pk__in=pks).exists(), model
        assert not history_of(model, pks).exists(), model
    assert FollowUpLink.objects.count() == 0  # both directions
    for text in NAMES:
        assert everything_mentioning(text) == {}, text
    # The stored file is gone, and its folder with it: nothing is left on disk.
    assert not stored.exists()
    assert [path.name for path in media.rglob("*")] == ["followups"]
    # The search finds no one.
    people_left = Person.objects.in_territory(rao.territory)
    assert (
        similar_names(people_left, name_key("Yanis", "Témoin-Planté"), 10, territory=rao.territory)
        == []
    )
    # What stays: the anonymous statistic, detached; the mail register (no name); the
    # victim's file and its person, which were only linked.
    statistic = CaseStatistic.objects.get(kind="law_reminder")
    assert statistic.follow_up is None
    assert (statistic.kind, statistic.closed, statistic.outcome) == (
        "law_reminder",
        True,
        "support_completed",
    )
    assert OutgoingMail.objects.filter(pk=full_file["mail"].pk).exists()
    assert FollowUp.objects.get() == full_file["victim_file"]
    assert Person.objects.get() == full_file["victim_file"].person
    run = PurgeRun.objects.get(territory=rao.territory)
    assert run.as_counts() == {
        "follow_ups": 1,
        "follow_ups_by_kind": {"law_reminder": 1},
        "persons": 1,
        "guardians": 2,
        "documents": len(rows[CaseDocument]),
        "stored_files": len(rows[CaseDocument]),
    }
    assert run.rows["followups.followupevent"] == 6
    assert run.rows["followups.followuplink"] == 2
    assert run.rows["auditlog.logentry"] >= 15
    assert run.day == rao.destroy_on
    assert "1 follow-ups and 1 people destroyed" in output


def test_not_destroyed_the_day_before(full_file, coordinator):
    rao = close(coordinator, full_file["follow_up"])
    purge(rao.destroy_on - timedelta(days=1))
    assert FollowUp.objects.filter(pk=rao.pk).exists()
    assert LegalGuardian.objects.count() == 2
    assert PurgeRun.objects.get().follow_ups == 0


def test_a_person_with_another_live_file_stays(rao, coordinator, victims, media):
    person = rao.person
    people.add_guardian(
        actor=coordinator, person=person, relationship="mother", first_name="A", last_name="B"
    )
    live = services.open_follow_up(
        actor=coordinator,
        body=victims,
        kind="victim_support",
        data={
            "opened_on": days_ago(5).isoformat(),
            "source": "national_police",
            "facts": "physical_violence",
        },
        person=person,
    )
    close(coordinator, rao)
    purge(rao.destroy_on)
    assert not FollowUp.objects.filter(pk=rao.pk).exists()
    assert FollowUp.objects.get() == live
    assert Person.objects.get() == person
    assert LegalGuardian.objects.filter(person=person).count() == 1
    assert PurgeRun.objects.get().as_counts()["persons"] == 0


def test_an_open_file_is_destroyed_on_the_25th_birthday_not_the_day_before(minors, coordinator):
    birthday = TODAY() + timedelta(days=10)
    born = add_years(birthday, -25)
    follow_up = services.open_follow_up(
        actor=coordinator,
        body=minors,
        kind="law_reminder",
        data=referral(),
        new_person=boy(birth_date=born),
    )
    assert follow_up.destroy_on is None and follow_up.closed_on is None
    assert age_limit_day(born) == birthday

    purge(birthday - timedelta(days=1))
    assert FollowUp.objects.filter(pk=follow_up.pk).exists()

    purge(birthday)
    assert not FollowUp.objects.exists()
    assert not Person.objects.exists()
    assert [run.follow_ups for run in PurgeRun.objects.order_by("pk")] == [0, 1]


def test_a_birth_date_corrected_after_closure_still_bounds_the_file(rao, coordinator):
    close(coordinator, rao)
    # The birth date was wrong: the person is in fact about to turn 25.
    people.update_person(actor=coordinator, person=rao.person, birth_date=add_years(TODAY(), -25))
    assert rao.destroy_on > TODAY()
    purge(TODAY())
    assert not FollowUp.objects.exists()


def test_a_dry_run_changes_nothing(full_file, coordinator, media):
    rao = close(coordinator, full_file["follow_up"])
    before = {model: model._base_manager.count() for model in apps.get_models()}
    output = purge(rao.destroy_on, "--dry-run")
    assert "1 follow-ups and 1 people would be destroyed" in output
    documents = full_file["follow_up"].documents.count()
    assert f"2 legal guardians, {documents} documents, {documents} stored files" in output
    assert {model: model._base_manager.count() for model in apps.get_models()} == before
    assert (media / full_file["document"].file.name).exists()
    assert not PurgeRun.objects.exists()


def test_the_purge_is_idempotent(full_file, coordinator):
    rao = close(coordinator, full_file["follow_up"])
    purge(rao.destroy_on)
    output = purge(rao.destroy_on)
    assert "0 follow-ups and 0 people destroyed" in output
    second = PurgeRun.objects.order_by("pk").last()
    assert second.as_counts()["follow_ups"] == 0 and second.rows == {}


def test_a_merged_duplicate_leaves_no_history_behind(rao, coordinator, minors):
    duplicate = services.open_follow_up(
        actor=coordinator,
        body=minors,
        kind="law_reminder",
        data=referral(),
        new_person=boy(first_name="Yanys", last_name="Doublon-Témoin"),
    )
    people.merge_people(
        actor=coordinator, survivor=rao.person, absorbed=duplicate.person, reason="Même enfant"
    )
    assert everything_mentioning("Doublon-Témoin") == {"auditlog.logentry": 2}
    close(coordinator, rao)
    duplicate.refresh_from_db()
    close(coordinator, duplicate)
    purge(rao.destroy_on)
    assert not Person.objects.exists() and not PersonMerge.objects.exists()
    assert everything_mentioning("Doublon-Témoin") == {}
    assert everything_mentioning("Témoin-Planté") == {}


def test_people_with_no_file_at_all_go_too(territory):
    Person.objects.create(
        territory=territory, first_name="Zoé", last_name="Orpheline", birth_date=date(2012, 3, 1)
    )
    purge(TODAY())
    assert not Person.objects.exists()
    assert PurgeRun.objects.get().persons == 1


def test_each_territory_purges_its_own(rao, coordinator, other_territory):
    close(coordinator, rao)
    purge(rao.destroy_on)
    assert {run.territory for run in PurgeRun.objects.all()} == {rao.territory, other_territory}
    assert PurgeRun.objects.get(territory=other_territory).follow_ups == 0


days = st.dates(min_value=date(2020, 1, 1), max_value=date(2060, 12, 31))
births = st.dates(min_value=date(1995, 1, 1), max_value=date(2040, 12, 31))


@given(days, births, st.sampled_from([3, 25]))
def test_the_cutoff_matches_the_rule_around_leap_days(today, start, years):
    """`last_day_started` (what the database compares) agrees with `add_years` (the rule)."""
    assert (add_years(start, years) <= today) == (start <= last_day_started(today, years))


def test_the_cutoff_on_leap_days():
    # Born on 29 February 2000: 25 on 28 February 2025 (never later than the law).
    assert last_day_started(date(2025, 2, 28), 25) == date(2000, 2, 29)
    assert last_day_started(date(2025, 3, 1), 25) == date(2000, 3, 1)
    assert last_day_started(date(2028, 2, 29), 25) == date(2003, 2, 28)


def test_a_birth_date_in_the_future_is_refused_on_correction(rao, coordinator):
    from django.core.exceptions import ValidationError

    for wrong in (date(9999, 12, 31), TODAY() + timedelta(days=1)):
        with pytest.raises(ValidationError):
            people.update_person(actor=coordinator, person=rao.person, birth_date=wrong)
        rao.person.refresh_from_db()
        assert rao.person.birth_date != wrong


def test_the_purge_survives_a_far_future_birth_date_kept_from_before_the_bounds(rao, coordinator):
    close(coordinator, rao)
    # Written around every check, as an old record could be: the purge must still run.
    Person.objects.filter(pk=rao.person.pk).update(birth_date=date(9999, 12, 31))
    assert add_years(date(9999, 12, 31), 25) == date.max
    purge(TODAY())
    assert FollowUp.objects.filter(pk=rao.pk).exists()  # not due yet: 3 years after closure
    purge(add_years(TODAY(), 3) + timedelta(days=1))
    assert not FollowUp.objects.exists()
