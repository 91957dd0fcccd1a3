"""Work lists: "My work" for whoever follows files, the team's view for the coordinator.
Grouped by urgency, only files the user may still see, no name, one query for the deadlines,
every list written to the access log."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import member
from tests.followups.conftest import TODAY, boy, days_ago, referral
from tranquillite.accounts.roles import Role
from tranquillite.audit.models import AccessAction, AccessLogEntry
from tranquillite.followups import services, worklists
from tranquillite.followups.models import Deadline, FollowUp
from tranquillite.governance import services as council
from tranquillite.governance.models import BodyMember

MY_WORK = reverse("followups:worklist")
TEAM = reverse("followups:team_worklist")


def due(follow_up, kind, days, owner, done=False):
    return Deadline.objects.create(
        territory=follow_up.territory,
        follow_up=follow_up,
        kind=kind,
        due_on=TODAY() + timedelta(days=days),
        done_on=TODAY() if done else None,
        owner=owner,
    )


def another_file(minors, coordinator, **person):
    return services.open_follow_up(
        actor=coordinator,
        body=minors,
        kind="law_reminder",
        data=referral(),
        new_person=boy(**person),
    )


def test_my_work_groups_my_open_deadlines_by_urgency(rao, coordinator, police):
    late = due(rao, "hearing", -2, coordinator)
    today = due(rao, "review_3_months", 0, coordinator)
    in_six = due(rao, "review_6_months", 6, coordinator)
    in_seven = due(rao, "support_end", 7, coordinator)
    in_thirty = due(rao, "review_12_months", 30, coordinator)
    due(rao, "prosecutor_answer", 31, coordinator)  # beyond the horizon
    due(rao, "session", -5, coordinator, done=True)  # done
    due(rao, "hearing", 1, police)  # someone else's

    work = worklists.my_work(coordinator, rao.territory, TODAY())
    assert work.groups[worklists.OVERDUE] == [late]
    assert work.groups[worklists.THIS_WEEK] == [today, in_six]
    assert work.groups[worklists.NEXT_DAYS] == [in_seven, in_thirty]
    assert work.follow_ups == [rao]


def test_the_page_lists_case_numbers_never_names_and_is_logged(rao, coordinator, client_for):
    due(rao, "hearing", -1, coordinator)
    due(rao, "review_3_months", 3, coordinator)
    page = client_for(coordinator).get(MY_WORK).content.decode()
    assert rao.case_number in page and "Audience" in page and "Bilan à 3 mois" in page
    assert "en retard" in page
    assert "Témoin-Planté" not in page and "Yanis" not in page
    rows = AccessLogEntry.objects.filter(action=AccessAction.LIST, actor=coordinator)
    assert [row.object_label for row in rows] == [rao.case_number]


def test_a_case_worker_who_lost_access_stops_seeing_the_deadlines(
    rao, minors, coordinator, police, client_for
):
    due(rao, "review_3_months", 2, police)
    client = client_for(police)
    assert rao.case_number in client.get(MY_WORK).content.decode()

    member = BodyMember.objects.get(body=minors, user=police)
    council.suspend_member(actor=coordinator, member=member, reason="Manquement à la charte")
    assert worklists.my_work(police, rao.territory, TODAY()).deadlines == []
    assert rao.case_number not in client.get(MY_WORK).content.decode()

    # Reinstated, but a new charter is out and not signed yet: still nothing.
    council.reinstate_member(actor=coordinator, member=member)
    council.publish_charter(actor=coordinator, body=minors, text="Charte v2")
    assert worklists.my_work(police, rao.territory, TODAY()).deadlines == []
    council.sign_charter(actor=police, body=minors)
    assert [d.follow_up for d in worklists.my_work(police, rao.territory, TODAY()).deadlines] == [
        rao
    ]


def test_closed_and_restricted_files_remind_nothing(rao, minors, coordinator):
    due(rao, "review_3_months", 2, coordinator)
    services.restrict(actor=coordinator, follow_up=rao, reason="Contestation des données")
    assert worklists.my_work(coordinator, rao.territory, TODAY()).deadlines == []


def test_only_roles_that_may_reach_names_open_my_work(territory, client_for):
    warden = member(territory, Role.PARK_WARDEN)
    assert client_for(warden).get(MY_WORK).status_code == 403


def test_the_team_view_is_the_coordinators_and_filters_by_case_worker(
    rao, minors, coordinator, police, client_for
):
    assert client_for(police).get(TEAM).status_code == 403
    mine = due(rao, "hearing", 1, coordinator)
    theirs = due(rao, "review_3_months", 2, police)
    ending = due(rao, "support_end", 20, police)

    work = worklists.team_work(coordinator, rao.territory, TODAY())
    assert work.deadlines == [mine, theirs, ending]
    assert work.support_ending == [ending]
    only_police = worklists.team_work(coordinator, rao.territory, TODAY(), owner=police)
    assert only_police.deadlines == [theirs, ending]

    client = client_for(coordinator)
    page = client.get(TEAM, {"owner": str(police.public_id)}).content.decode()
    assert police.get_full_name() in page
    assert "Fin de l’accompagnement" in page or "Fin de l'accompagnement" in page
    assert "Témoin-Planté" not in page


def test_the_team_view_lists_the_archives_about_to_be_destroyed(
    rao, minors, coordinator, client_for
):
    closed = another_file(minors, coordinator, first_name="Ilyes", last_name="Archivé-Planté")
    FollowUp.objects.filter(pk=closed.pk).update(
        state="closed", closed_on=days_ago(1000), destroy_on=TODAY() + timedelta(days=12)
    )
    later = another_file(minors, coordinator, first_name="Nora", last_name="Archivé-Planté")
    FollowUp.objects.filter(pk=later.pk).update(
        state="closed", closed_on=days_ago(10), destroy_on=TODAY() + timedelta(days=400)
    )
    assert worklists.archives_to_destroy(coordinator, rao.territory, TODAY()) == [closed]
    client = client_for(coordinator)
    page = client.get(TEAM).content.decode()
    closed.refresh_from_db()
    assert closed.case_number in page and later.case_number not in page
    assert "Archivé-Planté" not in page
    logged = set(
        AccessLogEntry.objects.filter(action=AccessAction.LIST).values_list(
            "object_label", flat=True
        )
    )
    assert closed.case_number in logged


def test_the_team_view_does_not_show_files_of_bodies_the_coordinator_cannot_see(
    rao, territory, coordinator, client_for
):
    from tests.followups.conftest import nominative_body

    other_coordinator = member(territory, Role.COORDINATOR)
    elsewhere = nominative_body(territory, other_coordinator, "Cellule de veille")
    hidden = services.open_follow_up(
        actor=other_coordinator,
        body=elsewhere,
        kind="law_reminder",
        data=referral(),
        new_person=boy(first_name="Sami"),
    )
    due(hidden, "hearing", 1, other_coordinator)
    due(rao, "hearing", 1, coordinator)
    work = worklists.team_work(coordinator, territory, TODAY())
    assert [d.follow_up for d in work.deadlines] == [rao]
    assert hidden.case_number not in client_for(coordinator).get(TEAM).content.decode()


@pytest.mark.parametrize("url", [MY_WORK, TEAM])
def test_a_work_list_costs_the_same_queries_however_long(url, rao, minors, coordinator, client_for):
    client = client_for(coordinator)
    due(rao, "hearing", 1, coordinator)
    client.get(url)
    with CaptureQueriesContext(connection) as short:
        client.get(url)
    for index in range(6):
        other = another_file(minors, coordinator, first_name=f"Enfant{index}")
        due(other, "review_3_months", index - 2, coordinator)
        due(other, "support_end", index + 10, coordinator)
    with CaptureQueriesContext(connection) as long:
        page = client.get(url).content.decode()
    assert page.count("/suivis/") >= 13
    assert len(long) == len(short)
    deadline_queries = [q for q in long.captured_queries if 'FROM "followups_deadline"' in q["sql"]]
    # One query for the list (and, on the team view, one for the case workers of the filter).
    assert len(deadline_queries) == (1 if url == MY_WORK else 2)
    assert len(long) <= 15
