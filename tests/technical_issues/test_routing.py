"""Routing: exactly one organisation for every issue, the default when no rule matches, the
rule recorded; areas drawn on the map matched through their precomputed cells."""

from __future__ import annotations

import h3
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import OrganisationFactory
from tests.technical_issues.conftest import QUATRE_CHEMINS, raise_one
from tranquillite.technical_issues import routing, services
from tranquillite.technical_issues.models import (
    IssueCategory,
    RoutingDefault,
    RuleCell,
    TechnicalIssue,
)

pytestmark = pytest.mark.django_db

CATEGORIES = IssueCategory.values


def square(lat: float, lon: float, half: float = 0.0008) -> dict:
    ring = [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def cell_of(lat, lon) -> int:
    return h3.str_to_int(h3.latlng_to_cell(float(lat), float(lon), 10))


def test_no_rule_routes_to_the_default_and_says_so(setup):
    issue = raise_one(setup)
    assert issue.organisation == setup.lighting
    assert issue.routing_rule is None and issue.routed_by_default


def test_no_default_refuses_in_french_and_creates_nothing(setup):
    RoutingDefault.objects.filter(territory=setup.territory).delete()
    with pytest.raises(ValidationError, match="organisme par défaut"):
        raise_one(setup)
    assert not TechnicalIssue.objects.filter(territory=setup.territory).exists()


def test_rule_on_a_neighbourhood_and_a_drawn_area(setup):
    c = setup.coordinator
    t = setup.territory
    by_place = services.save_rule(
        actor=c,
        territory=t,
        name="Quatre-Chemins : bailleur",
        organisation=setup.landlord,
        neighbourhood=setup.field.quatre_chemins,
    )
    issue = raise_one(setup)
    assert issue.organisation == setup.landlord and issue.routing_rule == by_place
    # A residence drawn on the map beats the neighbourhood at the same priority.
    residence = OrganisationFactory(territory=t, name="Résidence")
    area_rule = services.save_rule(
        actor=c,
        territory=t,
        name="Résidence Cité",
        organisation=residence,
        area=square(float(QUATRE_CHEMINS[0]), float(QUATRE_CHEMINS[1])),
    )
    assert RuleCell.objects.filter(rule=area_rule).count() > 0
    assert raise_one(setup).routing_rule == area_rule
    # A higher priority wins over a more specific place.
    general = services.save_rule(
        actor=c,
        territory=t,
        name="Tout l'éclairage",
        organisation=setup.lighting,
        category="lighting",
        priority=500,
    )
    assert raise_one(setup).routing_rule == general
    # Another category goes on to the area's rule.
    assert raise_one(setup, category="graffiti").routing_rule == area_rule


def test_rule_settings_are_checked(setup, other_territory):
    c, t = setup.coordinator, setup.territory
    with pytest.raises(ValidationError, match="GeoJSON"):
        services.save_rule(
            actor=c, territory=t, name="x", organisation=setup.lighting, area="{not json"
        )
    with pytest.raises(ValidationError, match="pas les deux"):
        services.save_rule(
            actor=c,
            territory=t,
            name="x",
            organisation=setup.lighting,
            neighbourhood=setup.field.hoche,
            area=square(48.9, 2.39),
        )
    with pytest.raises(ValidationError):
        services.save_rule(
            actor=c,
            territory=t,
            name="x",
            organisation=OrganisationFactory(territory=other_territory),
        )
    with pytest.raises(ValidationError, match="trop grande"):
        services.save_rule(
            actor=c,
            territory=t,
            name="x",
            organisation=setup.lighting,
            area=square(48.9, 2.39, half=0.5),
        )
    with pytest.raises(PermissionDenied):
        services.save_rule(
            actor=setup.landlord_member, territory=t, name="x", organisation=setup.lighting
        )


@st.composite
def rule_sets(draw):
    return draw(
        st.lists(
            st.tuples(
                st.sampled_from(["", *CATEGORIES]),
                st.sampled_from(["none", "quatre", "hoche", "area"]),
                st.integers(0, 3),  # organisation index
                st.integers(0, 2),  # priority
                st.booleans(),  # active
            ),
            max_size=8,
        )
    )


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rules=rule_sets(),
    category=st.sampled_from(CATEGORIES),
    where=st.sampled_from(["quatre", "hoche", "area"]),
)
def test_every_issue_goes_to_exactly_one_organisation(setup, rules, category, where):
    """Whatever the rules, routing gives one organisation: the best matching rule's (by
    priority, then the place's specificity, then age), else the default — as a brute-force
    reading of the rules says."""
    t, c = setup.territory, setup.coordinator
    from tranquillite.technical_issues.models import RoutingRule

    RoutingRule.objects.filter(territory=t).delete()
    organisations = [
        setup.lighting,
        setup.landlord,
        *[OrganisationFactory(territory=t) for _ in range(2)],
    ]
    centre = (float(QUATRE_CHEMINS[0]), float(QUATRE_CHEMINS[1]))
    area = square(*centre, half=0.0005)
    points = {
        "quatre": (setup.field.quatre_chemins, cell_of(48.9012, 2.3933)),
        "hoche": (setup.field.hoche, cell_of(48.8918, 2.4031)),
        "area": (setup.field.quatre_chemins, cell_of(*centre)),
    }
    saved = []
    for index, (rule_category, place, org, priority, active) in enumerate(rules):
        rule = services.save_rule(
            actor=c,
            territory=t,
            name=f"r{index}",
            organisation=organisations[org],
            category=rule_category,
            neighbourhood={"quatre": setup.field.quatre_chemins, "hoche": setup.field.hoche}.get(
                place
            ),
            area=area if place == "area" else None,
            priority=priority,
            is_active=active,
        )
        saved.append((rule, place))
    neighbourhood, cell = points[where]
    route = routing.route(t, category=category, neighbourhood_id=neighbourhood.pk, cell=cell)
    area_cells = {
        h3.str_to_int(x)
        for x in h3.h3shape_to_cells_experimental(h3.geo_to_h3shape(area), 10, contain="overlap")
    }

    def matches(rule, place):
        if not rule.is_active or rule.category not in ("", category):
            return False
        if place == "none":
            return True
        if place == "area":
            return cell in area_cells
        return rule.neighbourhood_id == neighbourhood.pk

    specificity = {"area": 2, "quatre": 1, "hoche": 1, "none": 0}
    candidates = [(r, p) for r, p in saved if matches(r, p)]
    if not candidates:
        assert route.rule is None and route.organisation == setup.lighting
    else:
        best = max(candidates, key=lambda rp: (rp[0].priority, specificity[rp[1]], -rp[0].pk))[0]
        assert route.rule == best and route.organisation == best.organisation
