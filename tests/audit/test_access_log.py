"""The access log: one row per read, append-only, the DPO's screens and export."""

import csv
import io

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from tests.access_log import access_rows, assert_access_logged
from tests.factories import member
from tranquillite.accounts.roles import Role
from tranquillite.audit.models import AccessAction, AccessLogEntry, AppendOnlyError
from tranquillite.audit.services import ReasonRequired, record_access


@pytest.fixture
def colleague(territory):
    return member(territory, Role.PARTNER_MEMBER)


def test_opening_a_member_card_writes_exactly_one_read_row(
    territory, coordinator, colleague, client_for
):
    client = client_for(coordinator)
    with assert_access_logged((AccessAction.READ, colleague)) as captured:
        assert client.get(reverse("accounts:member", args=[colleague.public_id])).status_code == 200
    row = captured.rows[0]
    assert (row.actor_id, row.territory_id) == (coordinator.pk, territory.pk)
    assert row.path == reverse("accounts:member", args=[colleague.public_id])


def test_a_refused_read_writes_a_refusal_and_no_read(
    territory, other_territory, coordinator, client_for
):
    stranger = member(other_territory, Role.PARTNER_MEMBER)
    client = client_for(coordinator)
    with access_rows() as captured:
        response = client.get(reverse("accounts:member", args=[stranger.public_id]))
    assert response.status_code == 404
    # The refusal, in the asker's territory, naming nothing of the other city.
    assert [(r.action, r.object_id, r.territory_id, r.reason) for r in captured.rows] == [
        (AccessAction.DENIED, "", territory.pk, "not_found")
    ]


def test_record_access_writes_one_row_per_record(territory, coordinator, colleague):
    other = member(territory, Role.MEDIATOR)
    rows = record_access(
        None, AccessAction.LIST, [colleague, other], actor=coordinator, territory=territory
    )
    assert [r.object_id for r in rows] == [str(colleague.public_id), str(other.public_id)]
    assert {r.object_type for r in rows} == {"accounts.user"}


def test_exports_and_prints_require_a_reason(territory, coordinator, colleague):
    for action in (AccessAction.EXPORT, AccessAction.PRINT, AccessAction.ARCHIVE_READ):
        with pytest.raises(ReasonRequired):
            record_access(
                None, action, [colleague], actor=coordinator, territory=territory, reason="  "
            )
    rows = record_access(
        None,
        AccessAction.EXPORT,
        [colleague],
        actor=coordinator,
        territory=territory,
        reason="Demande d'accès RGPD n° 12",
    )
    assert rows[0].reason == "Demande d'accès RGPD n° 12"


def test_the_log_cannot_be_changed_or_deleted_through_the_orm(territory, coordinator, colleague):
    row = record_access(
        None, AccessAction.READ, [colleague], actor=coordinator, territory=territory
    )[0]
    row = AccessLogEntry.objects.get(pk=row.pk)
    row.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.filter(pk=row.pk).update(reason="rewritten")
    with pytest.raises(AppendOnlyError):
        AccessLogEntry.objects.all().delete()


def test_the_database_refuses_to_update_a_row(territory, coordinator, colleague):
    row = record_access(
        None, AccessAction.READ, [colleague], actor=coordinator, territory=territory
    )[0]
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_accesslogentry SET reason = 'x' WHERE id = %s", [row.pk])
    assert AccessLogEntry.objects.get(pk=row.pk).reason == ""


def test_only_the_dpo_reads_the_log(territory, client_for):
    for role in Role:
        user = member(territory, role)
        status = client_for(user).get(reverse("audit:log")).status_code
        assert status == (200 if role == Role.DATA_PROTECTION_OFFICER else 403), role


def test_the_dpo_filters_the_log_and_pages_through_it(
    territory, dpo, coordinator, colleague, client_for
):
    for _ in range(60):
        record_access(None, AccessAction.READ, [colleague], actor=coordinator, territory=territory)
    record_access(None, AccessAction.LIST, [coordinator], actor=colleague, territory=territory)
    client = client_for(dpo)
    first = client.get(reverse("audit:log"))
    assert len(first.context["entries"]) == 50
    second = client.get(reverse("audit:log"), {"avant": first.context["next_before"]})
    total = AccessLogEntry.objects.filter(territory=territory).count()  # the DPO's sign-in too
    assert total == 62
    assert len(second.context["entries"]) == total - 50
    assert second.context["next_before"] is None
    assert {e.pk for e in first.context["entries"]}.isdisjoint(
        {e.pk for e in second.context["entries"]}
    )
    filtered = client.get(reverse("audit:log"), {"action": AccessAction.LIST})
    assert [e.actor_id for e in filtered.context["entries"]] == [colleague.pk]
    by_actor = client.get(reverse("audit:log"), {"actor": colleague.email.upper()})
    assert {e.actor_id for e in by_actor.context["entries"]} == {colleague.pk}


def test_a_bad_date_range_gets_a_french_message(dpo, client_for):
    response = client_for(dpo).get(
        reverse("audit:log"), {"since": "2026-05-02", "until": "2026-05-01"}
    )
    assert response.status_code == 200
    assert "La date de début doit précéder la date de fin." in response.content.decode()


def test_who_saw_this_record(territory, dpo, coordinator, colleague, client_for):
    other = member(territory, Role.DIRECTOR)
    record_access(None, AccessAction.READ, [colleague], actor=coordinator, territory=territory)
    record_access(None, AccessAction.READ, [colleague], actor=other, territory=territory)
    record_access(None, AccessAction.READ, [other], actor=coordinator, territory=territory)
    response = client_for(dpo).get(
        reverse("audit:record_history", args=["accounts.user", colleague.public_id])
    )
    assert [e.actor_id for e in response.context["entries"]] == [other.pk, coordinator.pk]


def test_the_export_requires_a_reason_and_is_itself_logged(
    territory, dpo, coordinator, colleague, client_for
):
    record_access(None, AccessAction.READ, [colleague], actor=coordinator, territory=territory)
    client = client_for(dpo)
    refused = client.post(reverse("audit:export"), {"reason": ""})
    assert refused.status_code == 400
    with access_rows() as captured:
        response = client.post(reverse("audit:export"), {"reason": "Contrôle trimestriel"})
        body = b"".join(response.streaming_content).decode()
    assert response.status_code == 200
    assert [(r.action, r.reason, r.actor_id) for r in captured.rows] == [
        (AccessAction.LOG_EXPORT, "Contrôle trimestriel", dpo.pk)
    ]
    lines = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert dpo.email in lines[0][0]  # watermark: who exported, when
    assert lines[1][0] == "date"
    assert any(str(colleague.public_id) in line for line in lines[2:] for line in [";".join(line)])


def test_changes_to_records_keep_a_history(territory, coordinator):
    from auditlog.models import LogEntry

    from tranquillite.accounts import services

    colleague = member(territory, Role.MEDIATOR)
    services.deactivate_member(actor=coordinator, territory=territory, user=colleague)
    entries = LogEntry.objects.get_for_object(colleague.memberships.get())
    assert entries.filter(action=LogEntry.Action.UPDATE).exists()
    change = entries.filter(action=LogEntry.Action.UPDATE).first()
    assert "is_active" in change.changes_dict


def test_the_address_is_the_clients_behind_a_proxy(settings, rf):
    from tranquillite.audit.services import client_ip

    request = rf.get("/", HTTP_X_FORWARDED_FOR="10.0.0.9, 203.0.113.7", REMOTE_ADDR="127.0.0.1")
    settings.BEHIND_PROXY = False
    assert client_ip(request) == "127.0.0.1"
    settings.BEHIND_PROXY = True
    assert client_ip(request) == "203.0.113.7"


def test_the_change_history_names_who_made_the_change(territory, coordinator, client_for):
    from auditlog.models import LogEntry

    colleague = member(territory, Role.MEDIATOR)
    client_for(coordinator).post(reverse("accounts:deactivate", args=[colleague.public_id]))
    change = LogEntry.objects.get_for_object(colleague.memberships.get()).first()
    assert change.actor_id == coordinator.pk


def test_the_record_page_shows_its_changes_but_not_another_territorys(
    territory, other_territory, dpo, coordinator, client_for
):
    from tests.factories import OrganisationFactory

    colleague = member(territory, Role.MEDIATOR)
    client_for(coordinator).post(reverse("accounts:deactivate", args=[colleague.public_id]))
    page = client_for(dpo).get(
        reverse("audit:record_history", args=["accounts.user", colleague.public_id])
    )
    newest_first = page.context["changes"]
    assert newest_first[0]["actor"] == coordinator.email
    assert newest_first[0]["action"] == "Modification"
    assert "actif" in newest_first[0]["fields"]  # verbose name of is_active, in French
    theirs = OrganisationFactory(territory=other_territory)
    page = client_for(dpo).get(
        reverse("audit:record_history", args=["accounts.organisation", theirs.public_id])
    )
    assert page.context["changes"] == []
    assert (
        client_for(dpo)
        .get(reverse("audit:record_history", args=["nothing.here", "not-a-uuid"]))
        .status_code
        == 200
    )


def test_the_dpo_reaches_who_saw_from_a_member_card(territory, dpo, colleague, client_for):
    page = client_for(dpo).get(reverse("accounts:member", args=[colleague.public_id]))
    assert reverse("audit:record_history", args=["accounts.user", colleague.public_id]) in (
        page.content.decode()
    )


def test_an_account_can_be_deleted_and_its_trace_stays(territory, coordinator, colleague):
    record_access(None, AccessAction.READ, [colleague], actor=coordinator, territory=territory)
    email = coordinator.email
    coordinator.memberships.all().delete()
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=coordinator).delete()
    coordinator.delete()
    row = AccessLogEntry.objects.get(object_id=str(colleague.public_id))
    assert row.actor_label == email


def test_the_export_defuses_spreadsheet_formulas(territory, dpo, client_for):
    AccessLogEntry.objects.create(
        territory=territory,
        actor_label="=cmd|'/c calc'!a0@x.test",
        action=AccessAction.READ,
        object_type="accounts.user",
        object_id="x",
    )
    response = client_for(dpo).post(reverse("audit:export"), {"reason": "Contrôle"})
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    cells = [row[1] for row in rows[2:]]
    assert "'=cmd|'/c calc'!a0@x.test" in cells
    assert not any(cell.startswith("=") for cell in cells)
