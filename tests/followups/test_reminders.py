"""The daily reminders: deadlines due in 3 days or late by one, to their owners who still may
see the file; the archives to be destroyed, weekly, to the coordinator. Case numbers, never a
name."""

from datetime import date, timedelta

from django.core import mail
from django.core.management import call_command

from tests.factories import member
from tests.followups.conftest import TODAY, boy, referral
from tranquillite.accounts.roles import Role
from tranquillite.followups import services, tasks
from tranquillite.followups.models import Deadline, FollowUp
from tranquillite.governance import services as council
from tranquillite.governance.models import BodyMember

PLANTED = "Zéphyrin-Planté"


def due(follow_up, kind, days, owner, today=None):
    return Deadline.objects.create(
        territory=follow_up.territory,
        follow_up=follow_up,
        kind=kind,
        due_on=(today or TODAY()) + timedelta(days=days),
        owner=owner,
    )


def planted_file(minors, coordinator):
    return services.open_follow_up(
        actor=coordinator,
        body=minors,
        kind="law_reminder",
        data=referral(facts_place=f"Devant chez {PLANTED}"),
        new_person=boy(first_name="Zéphyrin", last_name=PLANTED),
    )


def test_owners_get_one_mail_with_case_numbers_and_what_is_due_never_a_name(
    minors, coordinator, police
):
    rao = planted_file(minors, coordinator)
    due(rao, "review_3_months", 3, police)
    due(rao, "hearing", -1, police)
    due(rao, "support_end", 2, police)  # not a reminder day
    due(rao, "review_6_months", -2, police)  # late by two: reminded yesterday already
    done = due(rao, "review_12_months", 3, police)
    done.done_on = TODAY()
    done.save()

    assert tasks.send_deadline_reminders(TODAY()) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [police.email]
    text = message.subject + message.body
    assert rao.case_number in text
    assert "Bilan à 3 mois" in text and "Audience" in text and "en retard" in text
    assert "Fin de l’accompagnement" not in text and "Bilan à 6 mois" not in text
    assert "/suivis/travail/" in text
    for name in (PLANTED, "Zéphyrin", "Témoin"):
        assert name not in text


def test_no_mail_to_whoever_lost_access_even_if_queued_before(minors, coordinator, police):
    rao = planted_file(minors, coordinator)
    deadline = due(rao, "review_3_months", 3, police)
    member_row = BodyMember.objects.get(body=minors, user=police)
    council.suspend_member(actor=coordinator, member=member_row, reason="Manquement")
    assert tasks.send_deadline_reminders(TODAY()) == 0
    # Queued while allowed, sent after the suspension: the worker checks again.
    council.reinstate_member(actor=coordinator, member=member_row)
    council.suspend_member(actor=coordinator, member=member_row, reason="Manquement")
    tasks.send_deadline_reminder.call(police.pk, [deadline.pk], TODAY().isoformat())
    assert mail.outbox == []


def test_closed_restricted_and_inactive_remind_nobody(minors, coordinator, police):
    rao = planted_file(minors, coordinator)
    due(rao, "review_3_months", 3, police)
    services.restrict(actor=coordinator, follow_up=rao, reason="Contestation")
    assert tasks.send_deadline_reminders(TODAY()) == 0
    services.lift_restriction(actor=coordinator, follow_up=rao)
    police.is_active = False
    police.save()
    assert tasks.send_deadline_reminders(TODAY()) == 0
    police.is_active = True
    police.save()
    assert tasks.send_deadline_reminders(TODAY()) == 1


def test_the_archive_digest_goes_on_mondays_to_the_coordinator_who_sees_the_files(
    territory, minors, coordinator, police
):
    rao = planted_file(minors, coordinator)
    monday = date(2031, 3, 3)
    assert monday.weekday() == 0
    FollowUp.objects.filter(pk=rao.pk).update(
        state="closed", closed_on=date(2028, 3, 1), destroy_on=monday + timedelta(days=4)
    )
    other_coordinator = member(territory, Role.COORDINATOR)  # not in the groupe Mineurs
    assert tasks.send_archive_digests(monday + timedelta(days=1)) == 0  # a Tuesday
    assert tasks.send_archive_digests(monday) == 1
    (message,) = mail.outbox
    assert message.to == [coordinator.email]
    assert other_coordinator.email not in message.to and police.email not in message.to
    assert rao.case_number in message.body and "/suivis/travail/equipe/" in message.body
    assert PLANTED not in message.subject + message.body
    # Next week's destruction is not this week's news.
    FollowUp.objects.filter(pk=rao.pk).update(destroy_on=monday + timedelta(days=7))
    assert tasks.send_archive_digests(monday) == 0


def test_the_daily_command_queues_both(minors, coordinator, police, capsys):
    rao = planted_file(minors, coordinator)
    day = date(2031, 3, 3)  # a Monday
    due(rao, "hearing", 3, police, today=day)
    call_command("send_follow_up_reminders", "--today", day.isoformat())
    assert "1 deadline owners; 0 archive digests" in capsys.readouterr().out
    assert [m.to for m in mail.outbox] == [[police.email]]
