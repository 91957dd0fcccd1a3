"""The coordination's pages: the routing rules (with an area drawn on the map), the default,
the deadlines, the overview with the rule that routed each issue, re-routing with a reason."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from tests.technical_issues.conftest import raise_one
from tranquillite.technical_issues.models import CategoryDeadline, RoutingRule, RuleCell

pytestmark = pytest.mark.django_db

AREA = {
    "type": "Polygon",
    "coordinates": [
        [[2.393, 48.901], [2.394, 48.901], [2.394, 48.902], [2.393, 48.902], [2.393, 48.901]]
    ],
}


def test_the_coordinator_edits_the_rules(setup, client_for):
    client = client_for(setup.coordinator)
    assert client.get(reverse("technical_issues:rules")).status_code == 200
    answer = client.post(
        reverse("technical_issues:save_rule"),
        {
            "name": "Résidence",
            "category": "",
            "area": json.dumps(AREA),
            "organisation": setup.landlord.public_id,
            "priority": 150,
            "is_active": "on",
        },
    )
    assert answer.status_code == 302
    rule = RoutingRule.objects.get(name="Résidence")
    assert RuleCell.objects.filter(rule=rule).exists()
    # A bad area is refused in French, the form kept.
    page = client.post(
        reverse("technical_issues:save_rule"),
        {
            "name": "Autre",
            "area": "{pas du json",
            "organisation": setup.landlord.public_id,
            "priority": 100,
        },
    )
    assert page.status_code == 400 and "polygone GeoJSON" in page.content.decode()
    assert 'value="Autre"' in page.content.decode()
    # Edited, then deleted.
    client.post(
        reverse("technical_issues:save_rule") + f"?regle={rule.public_id}",
        {
            "name": "Résidence B",
            "category": "lighting",
            "area": "",
            "neighbourhood": setup.field.hoche.public_id,
            "organisation": setup.landlord.public_id,
            "priority": 10,
        },
    )
    rule.refresh_from_db()
    assert (rule.name, rule.category, rule.neighbourhood, rule.area) == (
        "Résidence B",
        "lighting",
        setup.field.hoche,
        None,
    )
    assert not RuleCell.objects.filter(rule=rule).exists()
    client.post(
        reverse("technical_issues:save_deadlines"),
        dict.fromkeys(
            (
                "lighting",
                "roads",
                "waste",
                "building_access",
                "parks",
                "graffiti",
                "abandoned_vehicle",
                "other",
            ),
            4,
        ),
    )
    assert CategoryDeadline.objects.get(territory=setup.territory, category="waste").days == 4
    client.post(reverse("technical_issues:delete_rule", args=[rule.public_id]))
    assert not RoutingRule.objects.exists()
    # Nobody else edits them.
    for user in (setup.landlord_member, setup.field.mediator):
        assert client_for(user).get(reverse("technical_issues:rules")).status_code == 403


def test_overview_shows_the_routing_rule_and_reroutes(
    setup, client_for, django_assert_max_num_queries
):
    issues = [raise_one(setup) for _ in range(6)]
    client = client_for(setup.coordinator)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("technical_issues:overview"))
    assert page.content.decode().count("par défaut") >= 6
    detail = client.get(reverse("technical_issues:issue", args=[issues[0].public_id]))
    assert "l'organisme par défaut du territoire" in detail.content.decode()
    refused = client.post(
        reverse("technical_issues:reroute", args=[issues[0].public_id]),
        {"organisation": setup.landlord.public_id, "reason": ""},
    )
    assert refused.status_code == 302
    issues[0].refresh_from_db()
    assert issues[0].organisation == setup.lighting
    client.post(
        reverse("technical_issues:reroute", args=[issues[0].public_id]),
        {"organisation": setup.landlord.public_id, "reason": "Dans la résidence"},
    )
    issues[0].refresh_from_db()
    assert issues[0].organisation == setup.landlord
    # The landlord now sees it; the mediator still follows it.
    assert (
        client_for(setup.landlord_member)
        .get(reverse("technical_issues:issue", args=[issues[0].public_id]))
        .status_code
        == 200
    )
