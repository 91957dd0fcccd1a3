"""Technical issues in the Pantin demo: a year of issues raised by the mediators, the park
wardens, the landlord and the coordination, routed by the territory's rules to the city's
services (lighting, roads, cleanliness, green spaces) and the two social landlords, most of
them fixed, a few refused, some late. The city's services have no accounts: they answer
through the signed link of their e-mail. `bailleur@pantin.test` (Habitat de l'Ourcq) works his
queue: open issues, two of them past their deadline, one waiting for his answer.

Written with bulk_create (routing through the real rules, one query an issue). An issue names
no one: the descriptions below describe things, never people."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tranquillite.accounts.models import Organisation, OrganisationKind, User
from tranquillite.core.models import Neighbourhood, Territory
from tranquillite.field.geo import cells_of
from tranquillite.field.models import LogEntry, Team
from tranquillite.technical_issues import routing, services
from tranquillite.technical_issues.conf import DEFAULT_DEADLINE_DAYS
from tranquillite.technical_issues.models import (
    EventKind,
    IssueCategory,
    IssueEvent,
    IssueSource,
    IssueStatus,
    RuleCell,
    TechnicalIssue,
)

C = IssueCategory
LANDLORD = "Bailleur social « Habitat de l'Ourcq » (fictif)"
SECOND_LANDLORD = "Bailleur social « Résidences du Canal » (fictif)"
GREEN_SPACES = "Ville de Pantin — Espaces verts"
# name, kind, generic e-mail (the city's services answer through the signed link)
SERVICES = [
    ("Ville de Pantin — Éclairage public", OrganisationKind.CITY_SERVICE, "eclairage@pantin.test"),
    ("Ville de Pantin — Voirie", OrganisationKind.CITY_SERVICE, "voirie@pantin.test"),
    ("Ville de Pantin — Propreté urbaine", OrganisationKind.CITY_SERVICE, "proprete@pantin.test"),
    (
        "Ville de Pantin — Centre technique municipal",
        OrganisationKind.CITY_SERVICE,
        "ctm@pantin.test",
    ),
    (SECOND_LANDLORD, OrganisationKind.SOCIAL_LANDLORD, "gardiennage@residences-canal.test"),
]
DEADLINES = {C.LIGHTING: 5, C.WASTE: 2, C.BUILDING_ACCESS: 5, C.PARKS: 7, C.GRAFFITI: 10}
WEIGHTS = {
    C.LIGHTING: 24,
    C.ROADS: 12,
    C.WASTE: 22,
    C.BUILDING_ACCESS: 14,
    C.PARKS: 10,
    C.GRAFFITI: 9,
    C.ABANDONED_VEHICLE: 5,
    C.OTHER: 4,
}
DESCRIPTIONS = {
    C.LIGHTING: [
        "Lampadaire éteint au fond de la cour",
        "Éclairage du passage piéton hors service",
        "Candélabre qui clignote toute la nuit",
    ],
    C.ROADS: [
        "Nid-de-poule devant l'arrêt de bus",
        "Potelet arraché sur le trottoir",
        "Plaque d'égout descellée",
    ],
    C.WASTE: [
        "Dépôt sauvage d'encombrants au pied de l'immeuble",
        "Corbeille de rue pleine depuis plusieurs jours",
        "Sacs de gravats déposés le long du mur",
    ],
    C.BUILDING_ACCESS: [
        "Porte du hall qui ne ferme plus",
        "Interphone du bâtiment hors service",
        "Ascenseur en panne depuis deux jours",
        "Éclairage de la cage d'escalier en panne",
    ],
    C.PARKS: [
        "Portillon de l'aire de jeux cassé",
        "Banc arraché près du bassin",
        "Grillage du terrain de sport découpé",
    ],
    C.GRAFFITI: ["Tags sur la façade de l'école", "Graffitis sur l'abribus"],
    C.ABANDONED_VEHICLE: ["Véhicule sans plaques stationné depuis un mois", "Scooter brûlé"],
    C.OTHER: ["Bouche d'incendie qui fuit", "Panneau de signalisation tourné"],
}
# A residence of Habitat de l'Ourcq drawn on the map in Quatre-Chemins (GeoJSON: lon, lat).
RESIDENCE: dict[str, Any] = {
    "type": "Polygon",
    "coordinates": [
        [
            [2.3915, 48.9002],
            [2.3948, 48.9002],
            [2.3948, 48.9022],
            [2.3915, 48.9022],
            [2.3915, 48.9002],
        ]
    ],
}
ISSUES = 620


def _organisations(territory: Territory) -> dict[str, Organisation]:
    for name, kind, email in SERVICES:
        Organisation.objects.get_or_create(
            territory=territory, name=name, defaults={"kind": kind, "email": email}
        )
    return {o.name: o for o in Organisation.objects.filter(territory=territory)}


def _rules(territory: Territory, coordinator: User, orgs: dict[str, Organisation]) -> None:
    hoods = {n.name: n for n in Neighbourhood.objects.filter(territory=territory)}
    services.set_default_organisation(
        actor=coordinator,
        territory=territory,
        organisation=orgs["Ville de Pantin — Centre technique municipal"],
    )
    for category, days in DEADLINES.items():
        services.set_deadline(actor=coordinator, territory=territory, category=category, days=days)
    rules: list[tuple[str, str, str | None, dict[str, Any] | None, str, int]] = [
        ("Éclairage public", C.LIGHTING, None, None, "Ville de Pantin — Éclairage public", 100),
        ("Voirie", C.ROADS, None, None, "Ville de Pantin — Voirie", 100),
        ("Véhicules abandonnés", C.ABANDONED_VEHICLE, None, None, "Ville de Pantin — Voirie", 100),
        ("Propreté", C.WASTE, None, None, "Ville de Pantin — Propreté urbaine", 100),
        ("Tags", C.GRAFFITI, None, None, "Ville de Pantin — Propreté urbaine", 100),
        ("Parcs et aires de jeux", C.PARKS, None, None, GREEN_SPACES, 100),
    ]
    for hood in ("Quatre-Chemins", "Courtillières"):
        rules.append((f"Immeubles — {hood}", C.BUILDING_ACCESS, hood, None, LANDLORD, 100))
    for hood in ("Sept-Arpents", "Hoche"):
        rules.append((f"Immeubles — {hood}", C.BUILDING_ACCESS, hood, None, SECOND_LANDLORD, 100))
    # Inside the residence's courtyard, the landlord fixes lighting and waste too.
    rules.append(("Résidence des Quatre-Chemins — cour", "", None, RESIDENCE, LANDLORD, 200))
    for name, rule_category, place, area, organisation, priority in rules:
        services.save_rule(
            actor=coordinator,
            territory=territory,
            name=name,
            category=rule_category,
            neighbourhood=hoods[place] if place else None,
            area=area,
            organisation=orgs[organisation],
            priority=priority,
        )


def load(territory: Territory) -> None:
    if TechnicalIssue.objects.filter(territory=territory).exists():
        return
    rng = random.Random(10)
    coordinator = User.objects.get(email="coordination@pantin.test")
    orgs = _organisations(territory)
    _rules(territory, coordinator, orgs)
    hoods = list(Neighbourhood.objects.filter(territory=territory))
    quatre_chemins = next(n for n in hoods if n.name == "Quatre-Chemins")
    reporters = {
        "mediator": User.objects.get(email="mediation@pantin.test"),
        "warden": User.objects.get(email="gardes@pantin.test"),
        "landlord": User.objects.get(email="bailleur@pantin.test"),
        "coordinator": coordinator,
    }
    teams = {team.kind: team for team in Team.objects.filter(territory=territory)}
    entries = list(
        LogEntry.objects.filter(territory=territory, function="technical_watch").order_by(
            "occurred_at"
        )
    )
    area_rules: dict[int, frozenset[int]] = {}
    for cell, rule_id in RuleCell.objects.filter(territory=territory).values_list(
        "cell", "rule_id"
    ):
        area_rules[cell] = area_rules.get(cell, frozenset()) | {rule_id}
    routes: dict[tuple[str, int, frozenset[int]], routing.Route] = {}
    now = timezone.now()
    categories = list(WEIGHTS)
    weights = list(WEIGHTS.values())
    issues: list[TechnicalIssue] = []
    plans: list[tuple[TechnicalIssue, str, float, float]] = []
    for _index in range(ISSUES):
        age = rng.uniform(0.2, 365)
        created = now - timedelta(days=age)
        category = rng.choices(categories, weights)[0]
        # The landlord's residence gets its share; the rest spread over the city.
        hood = quatre_chemins if rng.random() < 0.2 else rng.choice(hoods)
        latitude = Decimal(str(round(float(hood.centre_latitude) + rng.uniform(-0.002, 0.002), 6)))
        longitude = Decimal(
            str(round(float(hood.centre_longitude) + rng.uniform(-0.003, 0.003), 6))
        )
        cells = cells_of(latitude, longitude)
        # Routing through the real rules, once per distinct situation: the category, the
        # neighbourhood and the drawn areas the point falls in decide it.
        key = (category, hood.pk, area_rules.get(cells.r10, frozenset()))
        route = routes.get(key)
        if route is None:
            route = routes[key] = routing.route(
                territory, category=category, neighbourhood_id=hood.pk, cell=cells.r10
            )
        who = rng.choices(["mediator", "warden", "landlord", "coordinator"], [50, 25, 10, 15])[0]
        if category == C.PARKS:
            who = "warden"
        reporter = reporters[who]
        entry = None
        if who == "mediator" and entries and rng.random() < 0.5:
            candidates = [e for e in entries if abs((e.occurred_at - created).days) < 2]
            entry = rng.choice(candidates) if candidates else None
        team = teams.get("park_wardens" if who == "warden" else "mediation")
        days = DEADLINES.get(category, DEFAULT_DEADLINE_DAYS[category])
        issue = TechnicalIssue(
            territory=territory,
            category=category,
            description=rng.choice(DESCRIPTIONS[category]),
            neighbourhood=hood,
            latitude=latitude,
            longitude=longitude,
            place_given_by="point",
            h3_r6=cells.r6,
            h3_r8=cells.r8,
            h3_r10=cells.r10,
            source=(
                IssueSource.LOG_ENTRY
                if entry
                else IssueSource.PARTNER
                if who == "landlord"
                else IssueSource.COORDINATION
            ),
            log_entry=entry,
            reporter=reporter,
            team=team if who in ("mediator", "warden") else None,
            organisation=route.organisation,
            routing_rule=route.rule,
            routed_by_default=route.by_default,
            routed_at=created,
            created_at=created,
            due_at=created + timedelta(days=days),
        )
        issues.append(issue)
        # How this organisation answers: the landlords and lighting are slower.
        slow = route.organisation.name in (LANDLORD, SECOND_LANDLORD) or category == C.LIGHTING
        acknowledge_days = rng.uniform(0.05, 3.5 if slow else 1.2)
        fix_days = acknowledge_days + rng.expovariate(1 / (days * (1.3 if slow else 0.6)))
        plans.append((issue, who, acknowledge_days, fix_days))
    # References by creation order, numbered per year.
    plans.sort(key=lambda plan: plan[0].routed_at)
    counters: dict[int, int] = {}
    for issue, _who, _ack, _fix in plans:
        year = timezone.localtime(issue.routed_at).year
        counters[year] = counters.get(year, 0) + 1
        issue.reference = f"VT-{year}-{counters[year]:05d}"
    for issue, _who, acknowledge_days, fix_days in plans:
        acknowledged = issue.routed_at + timedelta(days=acknowledge_days)
        fixed = issue.routed_at + timedelta(days=fix_days)
        issue.status = IssueStatus.OPEN
        if acknowledged < now:
            issue.status = IssueStatus.ACKNOWLEDGED
            issue.acknowledged_at = acknowledged
        if fixed < now:
            issue.closed_at = fixed
            if rng.random() < 0.06:
                issue.status = IssueStatus.REFUSED
                issue.closing_note = "Hors de notre patrimoine : à réorienter vers la voirie."
            else:
                issue.status = IssueStatus.RESOLVED
                issue.closing_note = rng.choice(["", "", "Réparé.", "Pièce remplacée."])
        if issue.is_open and issue.due_at < now:
            issue.reminded_at = issue.due_at + timedelta(days=1)
            issue.escalated_at = issue.due_at + timedelta(days=1)
    # Habitat de l'Ourcq's queue today: fresh issues, two late, one waiting for the reporter.
    mine = [p for p in plans if p[0].organisation.name == LANDLORD]
    recent = [p for p in mine if p[0].routed_at > now - timedelta(days=3)]
    for issue, _who, _ack, _fix in recent[:4]:
        issue.status, issue.acknowledged_at, issue.closed_at = IssueStatus.OPEN, None, None
        issue.closing_note = ""
    late = [p for p in mine if now - timedelta(days=40) < p[0].routed_at < now - timedelta(days=10)]
    for issue, _who, _ack, _fix in late[:2]:
        issue.status, issue.closed_at, issue.closing_note = IssueStatus.ACKNOWLEDGED, None, ""
        issue.reminded_at = issue.escalated_at = issue.due_at + timedelta(days=1)
    TechnicalIssue.objects.bulk_create(issues, batch_size=500)
    events: list[IssueEvent] = []
    for issue, _who, _ack, _fix in plans:
        events.append(_event(issue, EventKind.RAISED, issue.routed_at, actor=issue.reporter))
        events.append(_event(issue, EventKind.ROUTED, issue.routed_at, org=issue.organisation))
        if issue.acknowledged_at:
            events.append(
                _event(
                    issue,
                    EventKind.ACKNOWLEDGED,
                    issue.acknowledged_at,
                    org=issue.organisation,
                    via_link=True,
                )
            )
        if issue.status == IssueStatus.RESOLVED and issue.closed_at:
            events.append(
                _event(
                    issue,
                    EventKind.RESOLVED,
                    issue.closed_at,
                    org=issue.organisation,
                    via_link=True,
                    text=issue.closing_note,
                )
            )
        if issue.status == IssueStatus.REFUSED and issue.closed_at:
            events.append(
                _event(
                    issue,
                    EventKind.REFUSED,
                    issue.closed_at,
                    org=issue.organisation,
                    via_link=True,
                    text=issue.closing_note,
                )
            )
        if issue.reminded_at:
            events.append(
                _event(issue, EventKind.REMINDED, issue.reminded_at, org=issue.organisation)
            )
            events.append(
                _event(issue, EventKind.ESCALATED, issue.reminded_at, org=issue.organisation)
            )
    IssueEvent.objects.bulk_create(events, batch_size=1000)
    # One issue waits for the mediator's answer to the landlord's question.
    waiting = next((p[0] for p in recent[4:] if p[0].reporter == reporters["mediator"]), None) or (
        recent[0][0] if recent else None
    )
    if waiting is not None:
        landlord = reporters["landlord"]
        TechnicalIssue.objects.filter(pk=waiting.pk).update(
            status=IssueStatus.INFORMATION_REQUESTED, acknowledged_at=now, closed_at=None
        )
        IssueEvent.objects.create(
            territory=territory,
            issue=waiting,
            kind=EventKind.INFORMATION_REQUESTED,
            actor=landlord,
            organisation=orgs[LANDLORD],
            text="Quel bâtiment et quel étage ?",
        )


def _event(
    issue: TechnicalIssue,
    kind: str,
    when: datetime,
    *,
    actor: User | None = None,
    org: Organisation | None = None,
    via_link: bool = False,
    text: str = "",
) -> IssueEvent:
    return IssueEvent(
        territory=issue.territory,
        issue=issue,
        kind=kind,
        actor=actor,
        organisation=org,
        via_link=via_link,
        text=text,
        created_at=when,
    )
