"""The public summary: no sign-in, and nothing internal, ever."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import StrategyFactory, UserFactory, member
from tests.strategy.test_committee_pack import SECRET_COMMENT, add_sheet, build_plan
from tranquillite.accounts.roles import Role
from tranquillite.strategy.models import Evaluation, Measurement, SheetPartner

# Planted where the internal data live; none may reach the page or the JSON.
PERSON = "Eulalie Quintanilla-Mbaye"
SIGNATORY = "Barnabé Vautrin-Oskarsson"
FINDING = "Constat interne XK-55"
ROLE = "Rôle confidentiel RZ-19"
NOTE = "Note de saisie NT-73"


@pytest.fixture
def plan(territory):
    plan = build_plan(territory)
    coordinator = member(
        territory,
        Role.COORDINATOR,
        user=UserFactory(first_name="Eulalie", last_name="Quintanilla-Mbaye"),
    )
    strategy = plan["strategy"]
    strategy.signatories = f"Le préfet, M. {SIGNATORY}"
    strategy.starts_on, strategy.ends_on = date(2024, 1, 1), date(2027, 12, 31)
    strategy.save()
    sheet = plan["overdue"]
    sheet.finding = FINDING
    sheet.save()
    SheetPartner.objects.filter(sheet=sheet).update(role=ROLE)
    Evaluation.objects.filter(sheet=sheet).update(recorded_by=coordinator)
    Measurement.objects.filter(indicator__sheet=sheet).update(recorded_by=coordinator, note=NOTE)
    plan["coordinator"] = coordinator
    return plan


def public_url(territory, **query):
    url = reverse("public:strategy", args=[territory.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def json_url(territory):
    return reverse("public:strategy_json", args=[territory.slug])


def test_an_anonymous_visitor_reads_the_summary(plan, territory):
    response = Client().get(public_url(territory))
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=3600"
    page = response.content.decode()
    assert "STSPD 2024–2027" in page
    assert "1.1 — Action 1.1" in page
    assert "Ateliers 1.1 publics" in page  # a public indicator, with its latest value
    assert "Ateliers 1.1 internes" not in page  # not public
    assert "Réduire les rixes entre quartiers." in page
    assert "csrfmiddlewaretoken" not in page
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("as_query", [False, True])
def test_the_json_version_for_the_citys_website(plan, territory, as_query):
    url = public_url(territory, format="json") if as_query else json_url(territory)
    response = Client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, max-age=3600"
    data = response.json()
    assert data["territory"] == {"name": "Pantin", "council": "CLSPD de Pantin"}
    assert data["strategy"]["title"] == "STSPD 2024–2027"
    assert data["strategy"]["starts_on"] == "2024-01-01"
    assert data["strategy"]["sheet_count"] == 6
    (axis,) = data["axes"]
    assert axis["budget_by_year"] == [{"year": 2026, "total": 42000}]
    first = axis["sheets"][0]
    assert first["number"] == "1.1"
    assert first["status"] == "at_risk"
    assert [i["name"] for i in first["indicators"]] == ["Ateliers 1.1 publics"]
    assert first["indicators"][0]["latest_value"] == 4
    assert first["indicators"][0]["latest_on"] == "2025-12-31"
    assert first["activities_held_by_year"] == [{"year": 2026, "count": 1}]
    assert [s["number"] for s in axis["sheets"]] == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.10"]


def test_nothing_internal_ever_leaks(plan, territory):
    client = Client()
    for url in (public_url(territory), json_url(territory)):
        body = client.get(url).content.decode()
        if url.endswith(".json"):
            # Also what a JSON parser sees, should the text be escaped.
            body += json.dumps(json.loads(body), ensure_ascii=False)
        for secret in (
            SECRET_COMMENT,
            "Commentaire interne",
            PERSON,
            "Quintanilla",
            "Eulalie",
            plan["coordinator"].email,
            SIGNATORY,
            FINDING,
            ROLE,
            "Animation des ateliers",  # partner roles are working notes
            NOTE,
            "Ateliers 1.1 internes",
            "fipd",
            "FIPD",
        ):
            assert secret not in body, (url, secret)


def test_the_summary_is_the_same_for_a_signed_in_member_but_never_cached_shared(
    plan, territory, client_for
):
    response = client_for(plan["coordinator"]).get(public_url(territory))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"
    assert "Quintanilla" not in response.content.decode()


def test_unknown_territories_and_strategies_are_not_found(plan, territory, other_territory):
    client = Client()
    assert client.get(reverse("public:strategy", args=["nulle-part"])).status_code == 404
    assert client.get(reverse("public:strategy_json", args=["nulle-part"])).status_code == 404
    # A territory without a strategy, a strategy of another territory, a malformed id.
    assert client.get(public_url(other_territory)).status_code == 404
    elsewhere = StrategyFactory(territory=other_territory)
    assert client.get(public_url(territory, strategie=elsewhere.public_id)).status_code == 404
    assert client.get(public_url(territory, strategie="pas-un-id")).status_code == 404
    other_territory.is_active = False
    other_territory.save()
    assert client.get(public_url(other_territory, strategie=elsewhere.public_id)).status_code == 404


def test_an_older_strategy_is_reachable_by_its_id(plan, territory):
    older = StrategyFactory(
        territory=territory, title="Contrat local de sécurité", is_current=False
    )
    page = Client().get(public_url(territory, strategie=older.public_id)).content.decode()
    assert "Contrat local de sécurité" in page
    assert "Action 1.1" not in page


def test_the_summary_costs_the_same_queries_whatever_the_number_of_sheets(plan, territory):
    client = Client()
    url = public_url(territory)
    client.get(url)

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    few = count()
    for n in range(20, 30):
        add_sheet(plan["axis"], f"1.{n}", next_review_on=date(2026, 2, 1))
    assert count() == few <= 10


def test_the_summary_opens_for_a_visitor_whose_session_expired_or_lacks_a_second_factor(
    plan, territory, client_for
):
    import time

    from tranquillite.accounts.middleware import SESSION_LAST_SEEN_AT

    expired = client_for(plan["coordinator"])
    session = expired.session
    session[SESSION_LAST_SEEN_AT] = time.time() - 3600
    session.save()
    assert expired.get(public_url(territory)).status_code == 200

    # A coordinator must enrol a second factor before anything else — but not to read what
    # the city publishes for everyone.
    from tests.factories import member
    from tranquillite.accounts.roles import Role

    newcomer = member(territory, Role.COORDINATOR, with_mfa=False)
    assert client_for(newcomer).get(public_url(territory)).status_code == 200
    assert client_for(newcomer).get(reverse("core:home")).status_code == 302


def test_a_withdrawn_sheet_leaves_the_public_summary_and_keeps_its_reason(
    plan, territory, client_for
):
    from auditlog.models import LogEntry

    sheet = plan["later"]
    client = client_for(plan["coordinator"])
    assert sheet.title in Client().get(public_url(territory)).content.decode()
    refused = client.post(reverse("strategy:sheet_withdraw", args=[sheet.public_id]), {})
    assert refused.status_code == 400  # a reason is required
    done = client.post(
        reverse("strategy:sheet_withdraw", args=[sheet.public_id]),
        {"reason": "Saisie en double de la fiche 1.2"},
    )
    assert done.status_code == 302
    sheet.refresh_from_db()
    assert sheet.withdrawn_on is not None
    page = client.get(reverse("strategy:sheet", args=[sheet.public_id])).content.decode()
    assert "Saisie en double de la fiche 1.2" in page
    assert sheet.title not in Client().get(public_url(territory)).content.decode()
    assert sheet.title not in Client().get(json_url(territory)).content.decode()
    changes = LogEntry.objects.get_for_object(sheet).order_by("-timestamp").first()
    assert "Saisie en double de la fiche 1.2" in json.dumps(changes.changes, ensure_ascii=False)
    # Only a manager withdraws.
    partner = member(territory, Role.PARTNER_MEMBER)
    other = plan["on_the_day"]
    answer = client_for(partner).post(
        reverse("strategy:sheet_withdraw", args=[other.public_id]), {"reason": "x"}
    )
    assert answer.status_code == 403
    other.refresh_from_db()
    assert other.withdrawn_on is None
