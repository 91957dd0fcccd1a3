"""The alert pages: banner, board, history, alert page and its actions, map. Reads are
logged; whoever may not read alerts gets a 404 everywhere."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.access_log import assert_access_logged
from tests.tensions.conftest import raise_one
from tranquillite.audit.models import AccessAction
from tranquillite.tensions import services
from tranquillite.tensions.models import TensionAlert

pytestmark = pytest.mark.django_db


def test_the_banner_shows_the_active_alerts_cheaply(setup, client_for):
    client = client_for(setup.cell_member)
    empty = client.get(reverse("tensions:banner"))
    assert empty.status_code == 200 and b"alert-danger" not in empty.content
    for _ in range(3):
        raise_one(setup)
    lifted = raise_one(setup, neighbourhoods=[setup.b, setup.c])
    services.lift_alert(actor=setup.coordinator, alert=lifted, outcome="no_violence")
    client.get(reverse("tensions:board"))  # session and roles warm
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("tensions:banner"), headers={"X-Tranquillite-Poll": "1"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"
    text = response.content.decode()
    assert text.count("Courtillières, Quatre-Chemins") == 3 and "Hoche" not in text
    # Session, user, territories and roles (middleware), then one query for the alerts.
    alert_queries = [q for q in queries.captured_queries if "tensions_" in q["sql"]]
    assert len(alert_queries) == 1, alert_queries
    assert len(queries) <= 6


def test_the_banner_says_nothing_to_others(setup, client_for):
    raise_one(setup)
    for user in (setup.outsider, setup.mediator):
        response = client_for(user).get(reverse("tensions:banner"))
        assert response.status_code == 200 and b"Courtill" not in response.content
    # The DPO's role cannot read alerts at all: htmx is told to stop polling.
    from tests.factories import member
    from tranquillite.accounts.roles import Role

    dpo = member(setup.territory, Role.DATA_PROTECTION_OFFICER)
    assert client_for(dpo).get(reverse("tensions:banner")).status_code == 286
    assert client_for(dpo).get("/").content.count(b"tensions/bandeau") == 0
    page = client_for(setup.cell_member).get("/").content.decode()
    assert 'hx-get="/alertes/bandeau/"' in page


def test_a_background_poll_does_not_keep_an_idle_session(setup, client_for, settings):
    from datetime import timedelta

    client = client_for(setup.cell_member)
    client.get("/")
    session = client.session
    session["tranquillite_last_seen_at"] -= 20 * 60
    session.save()
    seen = client.session["tranquillite_last_seen_at"]
    client.get(reverse("tensions:banner"), headers={"X-Tranquillite-Poll": "1"})
    assert client.session["tranquillite_last_seen_at"] == seen
    settings.SESSION_IDLE_TIMEOUT = timedelta(minutes=10)
    response = client.get(reverse("tensions:banner"), headers={"X-Tranquillite-Poll": "1"})
    assert response.status_code == 286  # expired: polling stops, no sign-in page swapped in


def test_a_poll_before_the_second_factor_is_enrolled_stops_instead_of_redirecting(
    setup, client_for
):
    """The enrolment redirect must not be followed by htmx into the banner (the whole
    enrolment page, with a second code field, appeared inside the first one)."""
    from django.contrib.messages import get_messages

    from tests.factories import member
    from tranquillite.accounts.roles import Role

    newcomer = member(setup.territory, Role.COORDINATOR, with_mfa=False)
    client = client_for(newcomer)
    response = client.get(reverse("tensions:banner"), headers={"X-Tranquillite-Poll": "1"})
    assert response.status_code == 286
    assert list(get_messages(response.wsgi_request)) == []
    # A page itself still sends the user to enrol.
    page = client.get(reverse("tensions:board"))
    assert page.status_code == 302 and page["Location"] == reverse("mfa_activate_totp")


def test_board_lists_and_logs_in_few_queries(setup, client_for):
    alerts = [raise_one(setup) for _ in range(5)]
    client = client_for(setup.supervisor)
    client.get(reverse("tensions:board"))
    with (
        assert_access_logged(*[(AccessAction.LIST, a) for a in alerts]),
        CaptureQueriesContext(connection) as queries,
    ):
        response = client.get(reverse("tensions:board"))
    assert response.status_code == 200
    assert response.content.decode().count("Courtillières, Quatre-Chemins") >= 5
    assert "Déclencher l&#x27;alerte" not in response.content.decode()
    assert len(queries) <= 15
    six = len(queries)
    for _ in range(10):
        raise_one(setup)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("tensions:board"))
    assert len(queries) == six  # no N+1


def test_outsiders_get_404_everywhere(setup, client_for, other_territory):
    alert = raise_one(setup)
    from tests.tensions.conftest import make_setup

    stranger = make_setup(other_territory).coordinator
    for user in (setup.outsider, setup.mediator):
        client = client_for(user)
        for name in ("tensions:board", "tensions:history", "tensions:map"):
            assert client.get(reverse(name)).status_code == 404, (user, name)
    for user in (setup.outsider, setup.mediator, stranger):
        client = client_for(user)
        assert client.get(reverse("tensions:detail", args=[alert.public_id])).status_code == 404
        response = client.post(
            reverse("tensions:respond", args=[alert.public_id]), {"kind": "other", "note": "x"}
        )
        assert response.status_code == 404
    assert not alert.responses.exists()


def test_coordinator_raises_and_lifts_through_the_pages(setup, client_for):
    client = client_for(setup.coordinator)
    refused = client.post(
        reverse("tensions:raise"),
        {
            "neighbourhoods": [str(setup.a.public_id)],
            "level": "tension",
            "source": "police",
            "description": "Rumeurs",
        },
    )
    assert refused.status_code == 422
    assert "au moins deux quartiers" in refused.content.decode()
    assert "Rumeurs" in refused.content.decode()  # nothing typed is lost
    response = client.post(
        reverse("tensions:raise"),
        {
            "neighbourhoods": [str(setup.a.public_id), str(setup.b.public_id)],
            "level": "tension",
            "source": "police",
            "description": "Rumeurs de rixe samedi soir",
        },
    )
    alert = TensionAlert.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("tensions:detail", args=[alert.public_id])
    with assert_access_logged((AccessAction.READ, alert)):
        page = client.get(response["Location"])
    assert "Rumeurs de rixe samedi soir" in page.content.decode()
    response = client.post(
        reverse("tensions:respond", args=[alert.public_id]),
        {
            "kind": "team_deployed",
            "team": str(setup.team.public_id),
            "starts_at": "",
            "note": "",
        },
    )
    assert response.status_code == 422  # the time the team was deployed is missing
    response = client.post(
        reverse("tensions:level", args=[alert.public_id]), {"level": "imminent_risk"}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("tensions:lift", args=[alert.public_id]),
        {"outcome": "no_violence", "note": "Fin de soirée calme"},
    )
    assert response.status_code == 302
    alert.refresh_from_db()
    assert (alert.outcome, alert.highest_level) == ("no_violence", "imminent_risk")


def test_cell_member_responds_but_may_not_lift(setup, client_for):
    alert = raise_one(setup)
    client = client_for(setup.cell_member)
    page = client.get(reverse("tensions:detail", args=[alert.public_id])).content.decode()
    assert "Noter la réponse" in page and "Lever l&#x27;alerte" not in page
    response = client.post(
        reverse("tensions:respond", args=[alert.public_id]),
        {"kind": "police_informed", "note": "Commissariat prévenu"},
    )
    assert response.status_code == 302
    assert alert.responses.get().note == "Commissariat prévenu"
    assert (
        client.post(
            reverse("tensions:lift", args=[alert.public_id]), {"outcome": "no_violence"}
        ).status_code
        == 404
    )
    police = client_for(setup.police)
    page = police.get(reverse("tensions:detail", args=[alert.public_id])).content.decode()
    assert "Commissariat prévenu" in page and "Noter la réponse" not in page


def test_history_filters(setup, client_for):
    first = raise_one(setup, level="vigilance")
    services.lift_alert(actor=setup.coordinator, alert=first, outcome="no_violence")
    second = raise_one(setup, neighbourhoods=[setup.b, setup.c])
    services.lift_alert(actor=setup.coordinator, alert=second, outcome="violence")
    raise_one(setup)  # still active: not in the history
    client = client_for(setup.coordinator)
    with assert_access_logged((AccessAction.LIST, second), (AccessAction.LIST, first)):
        page = client.get(reverse("tensions:history")).content.decode()
    assert page.count("<strong>Terminée") == 2 and page.count("<strong>Terminée avec") == 1
    page = client.get(
        reverse("tensions:history"), {"quartier": str(setup.c.public_id)}
    ).content.decode()
    assert "Courtillières, Hoche</a>" in page and "Quatre-Chemins</a>" not in page
    page = client.get(reverse("tensions:history"), {"issue": "no_violence"}).content.decode()
    assert "Quatre-Chemins</a>" in page and "Hoche</a>" not in page
    bad = client.get(reverse("tensions:history"), {"du": "2026-13-45", "quartier": "x"})
    assert bad.status_code == 200


def test_map_is_neighbourhood_level(setup, client_for):
    raise_one(setup, level="imminent_risk")
    page = client_for(setup.police).get(reverse("tensions:map")).content.decode()
    assert "Quatre-Chemins : 1 alerte en cours (Risque imminent)" in page
    assert "affrontement" not in page  # no description on the map


def test_history_pages_through_every_lifted_alert_once_keeping_the_filter(
    setup, client_for, django_assert_max_num_queries
):
    import re

    from tranquillite.tensions.models import TensionAlert
    from tranquillite.tensions.selectors import HISTORY_PAGE

    for _ in range(HISTORY_PAGE + 3):
        alert = raise_one(setup)
        services.lift_alert(actor=setup.coordinator, alert=alert, outcome="no_violence")
    # Same second for several alerts: the order falls back on the row, never skips one.
    TensionAlert.objects.update(raised_at=TensionAlert.objects.first().raised_at)
    other = raise_one(setup)
    services.lift_alert(actor=setup.coordinator, alert=other, outcome="violence")
    client = client_for(setup.coordinator)
    url = reverse("tensions:history")

    def ids(page: str) -> list[str]:
        return re.findall(r'href="/alertes/([0-9a-f-]{36})/"', page)

    with django_assert_max_num_queries(15):
        first = client.get(url, {"issue": "no_violence"}).content.decode()
    assert len(ids(first)) == HISTORY_PAGE

    def older(page: str) -> re.Match[str] | None:
        return re.search(
            r'href="\?issue=no_violence&amp;apres=([0-9a-f-]{36})">Alertes plus anciennes', page
        )

    link = older(first)
    assert link, "the link to older alerts keeps the filter"
    second = client.get(url, {"issue": "no_violence", "apres": link.group(1)}).content.decode()
    assert len(ids(second)) == 3 and older(second) is None
    assert 'href="?issue=no_violence">Les plus récentes' in second
    assert set(ids(first)).isdisjoint(ids(second))
    assert str(other.public_id) not in ids(first) + ids(second)  # the filter held
    # A cursor one may not see (or made up) starts from the most recent.
    made_up = client.get(url, {"issue": "no_violence", "apres": str(setup.a.public_id)})
    assert ids(made_up.content.decode()) == ids(first)
