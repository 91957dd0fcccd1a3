"""Tension alerts in the Pantin demo: the monitoring cell (cellule de veille) and two past
episodes with their response logs, both lifted.

1. Quatre-Chemins / Courtillières, about seven weeks ago: rumours on social networks after a
   football tournament; vigilance, then tension; the evening mediators redeployed, the
   school and the landlord alerted, the police informed; ended without violence.
2. Hoche / Sept-Arpents, about three weeks ago: a meeting announced near the canal; tension,
   then imminent risk; both teams deployed, the municipal police informed; the group moved
   towards Bobigny, where the national police took over.

Written directly (no e-mail leaves while loading the demo); the anonymous figures are made by
the same function as the service's."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from tranquillite.accounts.models import Organisation, User
from tranquillite.core.models import Neighbourhood, Territory
from tranquillite.field.models import Team
from tranquillite.governance.models import Body, BodyKind, BodyMember
from tranquillite.tensions.models import AlertResponse, ResponseKind, TensionAlert
from tranquillite.tensions.services import record_figure

CELL = "Cellule de veille — rixes"
CELL_MEMBERS = [
    "coordination@pantin.test",
    "direction@pantin.test",
    "police@pantin.test",
    "bailleur@pantin.test",
    "principale@pantin.test",
    "mediation@pantin.test",
]
# An outside contact with no account, told by e-mail only.
CELL_CONTACT = ("Astreinte prévention spécialisée (fictive)", "astreinte-prevention@pantin.test")


def _at(days_ago: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def load(territory: Territory) -> None:
    if Body.objects.filter(territory=territory, kind=BodyKind.MONITORING_CELL).exists():
        return
    users = {u.email: u for u in User.objects.filter(email__in=CELL_MEMBERS)}
    cell = Body.objects.create(
        territory=territory,
        name=CELL,
        kind=BodyKind.MONITORING_CELL,
        purpose="Informée sans délai des alertes de tension entre quartiers (rixes) ; "
        "coordonne les réponses jusqu'à la levée de l'alerte.",
    )
    for position, email in enumerate(CELL_MEMBERS):
        BodyMember.objects.create(
            territory=territory, body=cell, user=users[email], is_chair=position == 0
        )
    BodyMember.objects.create(
        territory=territory, body=cell, contact_name=CELL_CONTACT[0], contact_email=CELL_CONTACT[1]
    )
    coordinator = users["coordination@pantin.test"]
    moussa = users["mediation@pantin.test"]
    n = {x.name: x for x in Neighbourhood.objects.filter(territory=territory)}
    teams = {t.name: t for t in Team.objects.filter(territory=territory)}
    orgs = {o.name: o for o in Organisation.objects.filter(territory=territory)}
    mediation = teams.get("Médiation sociale — soirée")
    parks = teams.get("Gardes de parcs")

    first = _episode(
        territory,
        [n["Quatre-Chemins"], n["Courtillières"]],
        raised=_at(49, 17, 20),
        level="vigilance",
        source="social_networks",
        description="Messages d'appel à « régler ça » entre jeunes des deux quartiers après le "
        "tournoi de football du week-end ; rendez-vous évoqué vers le parc des Courtillières.",
        by=coordinator,
    )
    _respond(
        first,
        ResponseKind.LEVEL_CHANGED,
        _at(49, 18, 5),
        coordinator,
        level="tension",
        note="Rendez-vous confirmé par plusieurs sources pour ce soir.",
    )
    _respond(
        first,
        ResponseKind.TEAM_DEPLOYED,
        _at(49, 18, 30),
        moussa,
        team=mediation,
        starts=_at(49, 18, 30),
        ends=_at(49, 23, 45),
        note="Présence renforcée au parc et devant le centre social.",
    )
    _respond(
        first,
        ResponseKind.PARTNER_ALERTED,
        _at(49, 18, 40),
        coordinator,
        organisation=orgs["Éducation nationale — circonscription de Pantin"],
        note="Vigilance à la sortie du collège demain.",
    )
    _respond(
        first,
        ResponseKind.PARTNER_ALERTED,
        _at(49, 18, 45),
        coordinator,
        organisation=orgs["Bailleur social « Habitat de l'Ourcq » (fictif)"],
        note="Gardiens prévenus, halls surveillés.",
    )
    _respond(
        first,
        ResponseKind.POLICE_INFORMED,
        _at(49, 18, 50),
        coordinator,
        note="Commissariat informé ; patrouille en fin de soirée.",
    )
    _lift(
        first,
        _at(48, 10, 0),
        coordinator,
        "no_violence",
        "Aucun rassemblement ; échanges apaisés avec les jeunes le lendemain.",
    )

    second = _episode(
        territory,
        [n["Hoche"], n["Sept-Arpents"]],
        raised=_at(21, 16, 10),
        level="tension",
        source="field_team",
        description="Les médiateurs rapportent un rendez-vous annoncé sur les berges du canal "
        "entre groupes des deux quartiers, en fin d'après-midi.",
        by=coordinator,
    )
    _respond(
        second,
        ResponseKind.TEAM_DEPLOYED,
        _at(21, 16, 30),
        moussa,
        team=mediation,
        starts=_at(21, 16, 30),
        ends=_at(21, 22, 0),
        note="Deux binômes sur les berges.",
    )
    _respond(
        second,
        ResponseKind.TEAM_DEPLOYED,
        _at(21, 16, 35),
        coordinator,
        team=parks,
        starts=_at(21, 16, 45),
        ends=_at(21, 20, 0),
        note="Fermeture anticipée du parc.",
    )
    _respond(
        second,
        ResponseKind.LEVEL_CHANGED,
        _at(21, 17, 15),
        coordinator,
        level="imminent_risk",
        note="Groupes en approche des deux côtés.",
    )
    _respond(
        second,
        ResponseKind.POLICE_INFORMED,
        _at(21, 17, 20),
        coordinator,
        note="Police municipale et commissariat sur place.",
    )
    _lift(
        second,
        _at(21, 22, 30),
        coordinator,
        "moved",
        "Les groupes se sont dispersés vers Bobigny ; relais pris par la police nationale.",
    )


def _episode(
    territory: Territory,
    neighbourhoods: list[Neighbourhood],
    *,
    raised: datetime,
    level: str,
    source: str,
    description: str,
    by: User,
) -> TensionAlert:
    alert = TensionAlert.objects.create(
        territory=territory,
        level=level,
        highest_level=level,
        source=source,
        description=description,
        raised_at=raised,
        raised_by=by,
    )
    alert.neighbourhoods.set(neighbourhoods)
    return alert


def _respond(
    alert: TensionAlert,
    kind: str,
    at: datetime,
    by: User,
    *,
    team: Team | None = None,
    organisation: Organisation | None = None,
    starts: datetime | None = None,
    ends: datetime | None = None,
    level: str = "",
    note: str = "",
) -> None:
    AlertResponse.objects.create(
        territory=alert.territory,
        alert=alert,
        kind=kind,
        team=team,
        organisation=organisation,
        starts_at=starts,
        ends_at=ends,
        level=level,
        note=note,
        recorded_at=at,
        recorded_by=by,
    )
    if level:
        alert.level = level
        alert.highest_level = level
        alert.save(update_fields=["level", "highest_level"])


def _lift(alert: TensionAlert, at: datetime, by: User, outcome: str, note: str) -> None:
    alert.lifted_at, alert.lifted_by, alert.outcome, alert.outcome_note = at, by, outcome, note
    alert.save(update_fields=["lifted_at", "lifted_by", "outcome", "outcome_note"])
    record_figure(alert)
