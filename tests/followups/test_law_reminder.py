"""The reminder of the law (RAO) end to end, and each of its branches."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.followups.conftest import (
    TODAY,
    boy,
    days_ago,
    hearing_day_came,
    referral,
    with_parent,
)
from tranquillite.followups import services
from tranquillite.followups.effects import add_months
from tranquillite.followups.engine import StepRefused, apply_step
from tranquillite.followups.models import CaseStatistic, DeadlineKind, FollowUp
from tranquillite.followups.retention import destroy_on


def step(actor, follow_up, name, **data):
    apply_step(actor=actor, follow_up=follow_up, step_name=name, data=data)
    follow_up.refresh_from_db()
    return follow_up


def summon(actor, rao, mayor, days_ahead=10):
    # The summons goes to the parents too: a minor needs a legal guardian (followups/letters.py).
    with_parent(rao)
    hearing_at = timezone.localtime() + timedelta(days=days_ahead)
    step(
        actor,
        rao,
        "summon",
        occurred_on=TODAY().isoformat(),
        hearing_at=hearing_at.strftime("%Y-%m-%dT%H:%M"),
        place="Hôtel de ville, bureau du maire",
        presiding_official=mayor.pk,
    )
    return hearing_day_came(rao)


def agree(actor, rao):
    step(actor, rao, "consult_prosecutor", occurred_on=days_ago(25).isoformat())
    return step(
        actor,
        rao,
        "record_prosecutor_answer",
        occurred_on=days_ago(20).isoformat(),
        answer="agreement",
    )


def test_a_referral_opens_a_numbered_file_with_its_anonymous_shadow(rao, minors):
    year = TODAY().year
    assert rao.case_number == f"RAO-{year}-0001"
    assert (rao.state, rao.body, rao.source) == ("referred", minors, "school")
    stat = CaseStatistic.objects.get(follow_up=rao)
    assert (stat.kind, stat.source, stat.age_band, stat.sex) == (
        "law_reminder",
        "school",
        "13_15",
        "male",
    )
    assert rao.events.get().step == "refer"


def test_the_whole_path_from_referral_to_closure(rao, coordinator, mayor):
    agree(coordinator, rao)
    assert rao.state == "to_summon"
    assert rao.deadlines.get(kind=DeadlineKind.PROSECUTOR_ANSWER).done_on is not None

    summon(coordinator, rao, mayor)
    assert (rao.state, rao.presiding_official) == ("summoned", mayor)
    # The mayor who hears the file sees it, without being a member of the group.
    assert FollowUp.objects.visible_to(mayor).filter(pk=rao.pk).exists()

    step(
        coordinator,
        rao,
        "record_hearing",
        occurred_on=TODAY().isoformat(),
        parents_present="one",
        recalled=["school_attendance", "respect_for_others"],
        commitments="Assiduité au collège ; pas de regroupement devant l'établissement.",
        support="on",
        case_worker=coordinator.pk,
    )
    assert (rao.state, rao.case_worker) == ("support", coordinator)
    due = {d.kind: d.due_on for d in rao.deadlines.filter(done_on__isnull=True)}
    assert set(due) == {"review_3_months", "review_6_months", "support_end", "review_12_months"}
    assert due["review_12_months"] > due["review_6_months"] > due["review_3_months"] > TODAY()

    # The reviews are held early here (the day of the hearing): each says why.
    step(
        coordinator,
        rao,
        "record_review",
        occurred_on=TODAY().isoformat(),
        review="review_3_months",
        reoffended="False",
        early_reason="new_facts",
    )
    with pytest.raises(StepRefused):  # the same review twice
        step(
            coordinator,
            rao,
            "record_review",
            occurred_on=TODAY().isoformat(),
            review="review_3_months",
            reoffended="False",
            early_reason="new_facts",
        )
    step(
        coordinator,
        rao,
        "record_review",
        occurred_on=TODAY().isoformat(),
        review="review_6_months",
        reoffended="True",
        early_reason="moving_away",
    )
    step(
        coordinator,
        rao,
        "close",
        occurred_on=TODAY().isoformat(),
        outcome="support_completed",
    )
    assert (rao.state, rao.closed_on, rao.outcome) == ("closed", TODAY(), "support_completed")
    assert rao.destroy_on == destroy_on(birth_date=rao.person.birth_date, closed_on=TODAY())
    assert not rao.deadlines.filter(done_on__isnull=True).exists()
    stat = CaseStatistic.objects.get(follow_up=rao)
    assert (stat.summoned, stat.heard, stat.parents_present, stat.support_started) == (
        True,
        True,
        True,
        True,
    )
    assert (stat.reoffended_6_months, stat.support_completed, stat.closed) == (True, True, True)
    # ...and that review came early: the statistics know it.
    assert (stat.review_6_months_early, stat.review_12_months_early) == (True, False)
    assert [e.step for e in rao.events.order_by("pk")] == [
        "refer",
        "consult_prosecutor",
        "record_prosecutor_answer",
        "summon",
        "record_hearing",
        "record_review",
        "record_review",
        "close",
    ]
    # An archived file no longer changes.
    with pytest.raises(ValidationError):
        step(coordinator, rao, "consult_prosecutor", occurred_on=TODAY().isoformat())


def test_the_prosecutor_objects_and_the_file_closes(rao, coordinator):
    step(coordinator, rao, "consult_prosecutor", occurred_on=days_ago(25).isoformat())
    step(
        coordinator,
        rao,
        "record_prosecutor_answer",
        occurred_on=days_ago(20).isoformat(),
        answer="objection",
    )
    assert (rao.state, rao.outcome, rao.closed_on) == (
        "closed",
        "prosecutor_objection",
        days_ago(20),
    )


def test_a_no_show_leads_to_a_second_summons_or_to_closure(rao, coordinator, mayor):
    agree(coordinator, rao)
    summon(coordinator, rao, mayor)
    step(coordinator, rao, "record_no_show", occurred_on=TODAY().isoformat())
    assert rao.state == "no_show"
    assert CaseStatistic.objects.get(follow_up=rao).no_show is True
    summon(coordinator, rao, mayor, days_ahead=20)  # the second summons
    assert rao.state == "summoned"
    step(coordinator, rao, "record_no_show", occurred_on=TODAY().isoformat())
    step(coordinator, rao, "close", occurred_on=TODAY().isoformat(), outcome="no_show")
    assert (rao.state, rao.outcome) == ("closed", "no_show")


def test_a_hearing_without_support_closes_the_file(rao, coordinator, mayor):
    agree(coordinator, rao)
    summon(coordinator, rao, mayor)
    step(
        coordinator,
        rao,
        "record_hearing",
        occurred_on=TODAY().isoformat(),
        parents_present="none",
        parents_absence="unreachable",
        recalled=["curfew"],
    )
    assert (rao.state, rao.outcome) == ("closed", "no_support_needed")
    assert not rao.deadlines.filter(done_on__isnull=True).exists()
    assert CaseStatistic.objects.get(follow_up=rao).parents_present is False


def test_after_the_support_the_file_waits_for_the_review_at_12_months(rao, coordinator, mayor):
    agree(coordinator, rao)
    summon(coordinator, rao, mayor)
    step(
        coordinator,
        rao,
        "record_hearing",
        occurred_on=TODAY().isoformat(),
        parents_present="both",
        recalled=["respect_for_others"],
        support="on",
        case_worker=coordinator.pk,
    )
    hearing_day = TODAY()
    twelve = rao.deadlines.get(kind=DeadlineKind.REVIEW_12_MONTHS)
    assert twelve.due_on == add_months(hearing_day, 12) and twelve.owner == coordinator
    # Held the day of the hearing, before their window: with a reason.
    review = {"occurred_on": TODAY().isoformat(), "reoffended": "False", "early_reason": "other"}
    step(coordinator, rao, "record_review", review="review_3_months", **review)

    # The support ends (completed): the file is watched, not closed; the end is met.
    with pytest.raises(StepRefused):  # the result of the support is required
        step(coordinator, rao, "end_support", occurred_on=TODAY().isoformat())
    step(coordinator, rao, "end_support", occurred_on=TODAY().isoformat(), result="completed")
    assert rao.state == "watch" and rao.closed_on is None
    assert rao.deadlines.get(kind=DeadlineKind.SUPPORT_END).done_on == TODAY()
    stat = CaseStatistic.objects.get(follow_up=rao)
    assert (stat.support_completed, stat.reoffended_6_months) == (True, None)

    # The review at 6 months may come after the end of support; then the one at 12 months.
    step(coordinator, rao, "record_review_after_support", review="review_6_months", **review)
    assert rao.state == "watch"
    stat.refresh_from_db()
    assert (stat.reoffended_6_months, stat.reoffended_12_months) == (False, None)
    step(
        coordinator,
        rao,
        "record_review_after_support",
        occurred_on=TODAY().isoformat(),
        review="review_12_months",
        reoffended="True",
        early_reason="moving_away",
    )
    stat.refresh_from_db()
    assert (stat.reoffended_6_months, stat.reoffended_12_months) == (False, True)
    assert not rao.deadlines.filter(done_on__isnull=True).exists()
    with pytest.raises(StepRefused):  # the same review twice
        step(coordinator, rao, "record_review_after_support", review="review_12_months", **review)

    step(coordinator, rao, "close", occurred_on=TODAY().isoformat(), outcome="support_completed")
    assert (rao.state, rao.outcome) == ("closed", "support_completed")
    stat.refresh_from_db()
    assert (stat.closed, stat.support_completed, stat.reoffended_12_months) == (True, True, True)


def test_support_not_completed_and_an_early_closure_leave_12_months_unknown(
    rao, coordinator, mayor
):
    agree(coordinator, rao)
    summon(coordinator, rao, mayor)
    step(
        coordinator,
        rao,
        "record_hearing",
        occurred_on=TODAY().isoformat(),
        parents_present="one",
        recalled=["curfew"],
        support="on",
        case_worker=coordinator.pk,
    )
    step(coordinator, rao, "end_support", occurred_on=TODAY().isoformat(), result="partly")
    stat = CaseStatistic.objects.get(follow_up=rao)
    assert stat.support_completed is False
    step(coordinator, rao, "close", occurred_on=TODAY().isoformat(), outcome="withdrawn")
    stat.refresh_from_db()
    # Closed before the review: the 12-month figure of this file stays unknown (no guess).
    assert (stat.reoffended_12_months, stat.support_completed) == (None, False)
    assert not rao.deadlines.exists() or not rao.deadlines.filter(done_on__isnull=True).exists()


def test_steps_out_of_order_and_bad_answers_are_refused_with_reasons(rao, coordinator, mayor):
    with pytest.raises(ValidationError) as refused:
        step(coordinator, rao, "record_hearing", occurred_on=TODAY().isoformat())
    assert "ne peut pas être fait maintenant" in str(refused.value) or "cannot be done" in str(
        refused.value
    )
    agree(coordinator, rao)
    with pytest.raises(StepRefused) as bad:
        step(coordinator, rao, "summon", hearing_at="2001-01-01T10:00", place="x")
    # The day the letters are sent is the step's date: it is required too.
    assert set(bad.value.form.errors) == {"occurred_on", "hearing_at", "presiding_official"}
    summon(coordinator, rao, mayor)
    with pytest.raises(StepRefused) as bad:
        step(
            coordinator,
            rao,
            "record_hearing",
            occurred_on=TODAY().isoformat(),
            parents_present="none",
            recalled=["curfew"],
            support="on",
        )
    assert set(bad.value.form.errors) == {"case_worker", "parents_absence"}
    rao.refresh_from_db()
    assert rao.state == "summoned"  # nothing half-done


def test_only_the_coordinator_closes_a_file(rao, police):
    with pytest.raises(PermissionDenied):
        step(police, rao, "close", occurred_on=TODAY().isoformat(), outcome="withdrawn")
    step(police, rao, "consult_prosecutor", occurred_on=days_ago(25).isoformat())  # but acts


def test_a_referral_needs_no_complaint_no_proceedings_and_the_right_age(minors, coordinator):
    def refer(data=None, **person):
        return services.open_follow_up(
            actor=coordinator,
            body=minors,
            kind="law_reminder",
            data=data or referral(),
            new_person=boy(**person),
        )

    with pytest.raises(StepRefused) as refused:
        refer(referral(no_complaint="", no_proceedings=""))
    assert set(refused.value.form.errors) == {"no_complaint", "no_proceedings"}
    year = TODAY().year
    with pytest.raises(ValidationError):
        refer(birth_date=TODAY().replace(year=year - 8))  # too young: child welfare
    with pytest.raises(ValidationError):
        refer(birth_date=TODAY().replace(year=year - 26))  # 25 or more: nothing kept
    with pytest.raises(StepRefused):
        refer(referral(opened_on=(TODAY() + timedelta(days=1)).isoformat()))
    assert FollowUp.objects.count() == 0


def test_only_members_who_signed_may_refer_and_a_body_must_fit_the_kind(
    territory, minors, family_council, coordinator
):
    from tests.factories import member
    from tranquillite.accounts.roles import Role

    school_head = member(territory, Role.PARTNER_MEMBER)
    with pytest.raises(PermissionDenied):
        services.open_follow_up(
            actor=school_head,
            body=minors,
            kind="law_reminder",
            data=referral(),
            new_person=boy(),
        )
    with pytest.raises(ValidationError):
        services.open_follow_up(
            actor=coordinator,
            body=family_council,
            kind="law_reminder",
            data=referral(),
            new_person=boy(),
        )


def test_case_numbers_follow_each_other_per_kind_and_year(minors, coordinator):
    numbers = [
        services.open_follow_up(
            actor=coordinator,
            body=minors,
            kind="law_reminder",
            data=referral(),
            new_person=boy(first_name=name),
        ).case_number
        for name in ("Adam", "Bilal", "Chloé")
    ]
    year = TODAY().year
    assert numbers == [f"RAO-{year}-0001", f"RAO-{year}-0002", f"RAO-{year}-0003"]


def test_a_restricted_file_takes_no_step_until_lifted(rao, coordinator, police):
    with pytest.raises(PermissionDenied):
        services.restrict(actor=police, follow_up=rao, reason="Contestation")
    services.restrict(actor=coordinator, follow_up=rao, reason="La famille conteste les faits")
    with pytest.raises(ValidationError):
        step(coordinator, rao, "consult_prosecutor", occurred_on=TODAY().isoformat())
    services.lift_restriction(actor=coordinator, follow_up=rao)
    step(coordinator, rao, "consult_prosecutor", occurred_on=TODAY().isoformat())
