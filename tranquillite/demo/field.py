"""Field presence in the Pantin demo: the evening team of 10 social mediators (16:00–midnight,
in Quatre-Chemins, Hoche, Sept-Arpents and the Courtillières), the 20 park wardens, and
four months of shifts and daily-log entries with the seasons (summer peaks in the parks,
busier weekend evenings). Written with bulk_create so that `load_demo` stays fast.

The daily log names no one: the public in aggregate (age band, sex, group size) only.
The agents other than the two demo logins cannot sign in (unusable passwords)."""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from tranquillite.accounts.models import Membership, Organisation, User
from tranquillite.accounts.roles import Role
from tranquillite.core.models import Neighbourhood, Territory
from tranquillite.field.geo import cells_of
from tranquillite.field.models import (
    CATEGORIES_BY_KIND,
    Action,
    AgeBand,
    Category,
    Function,
    LocationSource,
    LogEntry,
    Outcome,
    Partner,
    Sector,
    SectorKind,
    Sex,
    Shift,
    Team,
    TeamKind,
    TeamMembership,
)

DAYS = 122
MEDIATION_ORGANISATION = "Ville de Pantin — Médiation sociale"
PARKS_ORGANISATION = "Ville de Pantin — Gardes de parcs"
# name, kind, neighbourhood
SECTORS = [
    ("Quatre-Chemins", SectorKind.NEIGHBOURHOOD, "Quatre-Chemins"),
    ("Hoche", SectorKind.NEIGHBOURHOOD, "Hoche"),
    ("Sept-Arpents", SectorKind.NEIGHBOURHOOD, "Sept-Arpents"),
    ("Courtillières", SectorKind.NEIGHBOURHOOD, "Courtillières"),
    ("Parc des Courtillières", SectorKind.PARK, "Courtillières"),
    ("Parc Stalingrad", SectorKind.PARK, "Quatre-Chemins"),
    ("Parc Diderot", SectorKind.PARK, "Centre"),
    ("Berges du canal de l'Ourcq", SectorKind.ROUTE, "Mairie-Ourcq"),
]
MEDIATION_SECTORS = ["Quatre-Chemins", "Hoche", "Sept-Arpents", "Courtillières"]
PARK_SECTORS = [
    "Parc des Courtillières",
    "Parc Stalingrad",
    "Parc Diderot",
    "Berges du canal de l'Ourcq",
]
FIRST_NAMES = [
    "Karim", "Aïcha", "Samir", "Nadia", "Yanis", "Fatou", "Thomas", "Inès", "Bilal", "Sarah",
    "Mehdi", "Chloé", "Ibrahima", "Lina", "Hugo", "Amel", "Lucas", "Mariam", "Rayan", "Julie",
    "Omar", "Léa", "Sofiane", "Manon", "Adama", "Camille", "Ousmane", "Emma",
]  # fmt: skip
LAST_NAMES = [
    "Benali", "Traoré", "Nguyen", "Martin", "Haddad", "Camara", "Lefèvre", "Mendes", "Kone",
    "Girard", "Bouzid", "Fontaine", "Sow", "Roche", "Morel", "Cissé", "Garnier", "Lopez",
    "Diop", "Perrin", "Mansouri", "Chevalier", "Keita", "Robin", "Sylla", "Masson", "Barry",
    "Noël",
]  # fmt: skip

# What the street brings, by team kind (weights).
MEDIATION_WEIGHTS = {
    Category.GROUP_OF_YOUNG_PEOPLE: 30,
    Category.NEIGHBOUR_CONFLICT: 14,
    Category.NUISANCE: 14,
    Category.PERSON_IN_DISTRESS: 8,
    Category.DAMAGED_EQUIPMENT: 9,
    Category.DUMPED_WASTE: 7,
    Category.WALK_IN: 12,
    Category.OTHER: 6,
}
PARK_WEIGHTS = {
    Category.PARK_RULES: 30,
    Category.GROUP_OF_YOUNG_PEOPLE: 18,
    Category.NUISANCE: 12,
    Category.PERSON_IN_DISTRESS: 5,
    Category.LOST_CHILD: 4,
    Category.DAMAGED_EQUIPMENT: 12,
    Category.DUMPED_WASTE: 12,
    Category.OTHER: 7,
}
FUNCTION_OF = {
    Category.NEIGHBOUR_CONFLICT: Function.CONFLICT_HANDLING,
    Category.NUISANCE: Function.CONFLICT_HANDLING,
    Category.DAMAGED_EQUIPMENT: Function.TECHNICAL_WATCH,
    Category.DUMPED_WASTE: Function.TECHNICAL_WATCH,
    Category.WALK_IN: Function.CONSULTATION,
    Category.PERSON_IN_DISTRESS: Function.PUTTING_IN_CONTACT,
    Category.LOST_CHILD: Function.PUTTING_IN_CONTACT,
}
PARTNER_OF = {
    Category.DAMAGED_EQUIPMENT: Partner.TECHNICAL_SERVICES,
    Category.DUMPED_WASTE: Partner.TECHNICAL_SERVICES,
    Category.PERSON_IN_DISTRESS: Partner.SOCIAL_SERVICES,
    Category.LOST_CHILD: Partner.MUNICIPAL_POLICE,
}
NOTES = [
    "",
    "",
    "",
    "Échange calme, le groupe s'est dispersé.",
    "Lampadaire éteint au bout de la rue, signalé.",
    "Tension entre deux groupes, apaisée après discussion.",
    "Orientation vers la permanence du CCAS.",
    "Musique forte en soirée, rappel des horaires.",
]


def _agents(
    territory: Territory, organisation: Organisation, role: Role, count: int, prefix: str
) -> list[User]:
    users = []
    for index in range(count):
        email = f"{prefix}-{index + 2:02d}@pantin.test"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(
                email=email,
                first_name=FIRST_NAMES[(index * 7 + len(prefix)) % len(FIRST_NAMES)],
                last_name=LAST_NAMES[(index * 5 + len(prefix)) % len(LAST_NAMES)],
                job_title="Médiateur social" if role == Role.MEDIATOR else "Garde de parc",
            )
            user.set_unusable_password()
            user.save()
        Membership.objects.get_or_create(
            user=user, territory=territory, role=role, defaults={"organisation": organisation}
        )
        users.append(user)
    return users


def _aware(day: date, hour: int, minute: int = 0) -> datetime:
    base = datetime.combine(day, time(0))
    return timezone.make_aware(base + timedelta(hours=hour, minutes=minute))


def load(territory: Territory) -> None:
    if Team.objects.filter(territory=territory).exists():
        return
    rng = random.Random(9)
    neighbourhoods = {n.name: n for n in Neighbourhood.objects.filter(territory=territory)}
    sectors = {
        name: Sector.objects.create(
            territory=territory, name=name, kind=kind, neighbourhood=neighbourhoods[where]
        )
        for name, kind, where in SECTORS
    }
    organisations = {o.name: o for o in Organisation.objects.filter(territory=territory)}
    moussa = User.objects.get(email="mediation@pantin.test")
    laura = User.objects.get(email="gardes@pantin.test")
    mediators = [
        moussa,
        *_agents(territory, organisations[MEDIATION_ORGANISATION], Role.MEDIATOR, 9, "mediateur"),
    ]
    wardens = [
        laura,
        *_agents(territory, organisations[PARKS_ORGANISATION], Role.PARK_WARDEN, 19, "garde"),
    ]
    # The demo logins supervise their team, so they also see the supervisor's day.
    mediation = Team.objects.create(
        territory=territory,
        name="Médiation sociale — soirée",
        kind=TeamKind.MEDIATION,
        supervisor=moussa,
    )
    parks = Team.objects.create(
        territory=territory, name="Gardes de parcs", kind=TeamKind.PARK_WARDENS, supervisor=laura
    )
    TeamMembership.objects.bulk_create(
        [TeamMembership(territory=territory, team=mediation, user=u) for u in mediators]
        + [TeamMembership(territory=territory, team=parks, user=u) for u in wardens]
    )
    today = timezone.localdate()
    shifts: list[Shift] = []
    crews: list[list[User]] = []
    for offset in range(DAYS, 0, -1):
        day = today - timedelta(days=offset)
        summer = day.month in (6, 7, 8)
        # Mediators: 16:00–midnight, crews of three in three of their four sectors.
        for index, name in enumerate(rng.sample(MEDIATION_SECTORS, 3)):
            start = _aware(day, 16, rng.choice((0, 0, 5, 10)))
            shifts.append(_shift(territory, mediation, sectors[name], day, 16, 24, start, rng))
            crews.append(mediators[index * 3 : index * 3 + 3])
        # Park wardens: the parks' opening hours, later in summer.
        close = 21 if summer else 18
        for index, name in enumerate(PARK_SECTORS):
            start = _aware(day, 9, rng.choice((0, 0, 10)))
            shifts.append(_shift(territory, parks, sectors[name], day, 9, close, start, rng))
            crews.append(wardens[index * 5 : index * 5 + 5])
    Shift.objects.bulk_create(shifts)
    through = Shift.members.through
    through.objects.bulk_create(
        [
            through(shift_id=shift.pk, user_id=user.pk)
            for shift, crew in zip(shifts, crews, strict=True)
            for user in crew
        ]
    )
    entries = []
    for shift, crew in zip(shifts, crews, strict=True):
        entries += _entries(territory, shift, crew, rng)
    LogEntry.objects.bulk_create(entries, batch_size=1000)


def _shift(
    territory: Territory,
    team: Team,
    sector: Sector,
    day: date,
    start_hour: int,
    end_hour: int,
    started: datetime,
    rng: random.Random,
) -> Shift:
    ended = _aware(day, end_hour) - timedelta(minutes=rng.choice((0, 0, 10, 20)))
    # The supervisor validates the next morning: yesterday's shifts are still to validate.
    validated = day < timezone.localdate() - timedelta(days=1)
    return Shift(
        territory=territory,
        team=team,
        sector=sector,
        date=day,
        planned_start=_aware(day, start_hour),
        planned_end=_aware(day, end_hour),
        started_at=started,
        ended_at=ended,
        validated_at=ended + timedelta(hours=12) if validated else None,
        validated_by=team.supervisor if validated else None,
    )


def _entries(
    territory: Territory, shift: Shift, crew: list[User], rng: random.Random
) -> list[LogEntry]:
    assert shift.started_at is not None and shift.ended_at is not None
    parks = shift.team.kind == TeamKind.PARK_WARDENS
    day = shift.date
    weekend = day.weekday() >= 4
    if parks:
        mean = {6: 7, 7: 9, 8: 8, 5: 5, 9: 5}.get(day.month, 3)
    else:
        mean = 5 + (2 if weekend else 0) + (1 if day.month in (5, 6, 7) else 0)
    weights = PARK_WEIGHTS if parks else MEDIATION_WEIGHTS
    allowed = CATEGORIES_BY_KIND[shift.team.kind]
    categories = [c for c in weights if c in allowed]
    neighbourhood = shift.sector.neighbourhood
    span = (shift.ended_at - shift.started_at).total_seconds()
    result = []
    for _index in range(max(0, round(rng.gauss(mean, 1.5)))):
        category = rng.choices(categories, [weights[c] for c in categories])[0]
        # Evenings are busier: later moments are more likely.
        moment = shift.started_at + timedelta(seconds=span * rng.random() ** 0.7)
        located = rng.random() < 0.75
        lat = float(neighbourhood.centre_latitude) + rng.uniform(-0.003, 0.003)
        lon = float(neighbourhood.centre_longitude) + rng.uniform(-0.004, 0.004)
        if not located:
            lat, lon = float(neighbourhood.centre_latitude), float(neighbourhood.centre_longitude)
        cells = cells_of(lat, lon)
        conflict = FUNCTION_OF.get(category) == Function.CONFLICT_HANDLING
        outcome = (
            rng.choices([Outcome.SETTLED, Outcome.PARTLY_SETTLED, Outcome.NOT_SETTLED], [6, 3, 1])[
                0
            ]
            if conflict
            else Outcome.REFERRED
            if category in PARTNER_OF
            else Outcome.NOT_APPLICABLE
        )
        result.append(
            LogEntry(
                territory=territory,
                team=shift.team,
                shift=shift,
                author=rng.choice(crew),
                client_uuid=uuid.UUID(int=rng.getrandbits(128), version=4),
                occurred_at=moment,
                neighbourhood=neighbourhood,
                location_source=LocationSource.DEVICE if located else LocationSource.LIST,
                latitude=Decimal(f"{lat:.6f}") if located else None,
                longitude=Decimal(f"{lon:.6f}") if located else None,
                h3_r6=cells.r6,
                h3_r8=cells.r8,
                h3_r10=cells.r10,
                function=FUNCTION_OF.get(category, Function.ACTIVE_PRESENCE),
                category=category,
                age_band=rng.choice(
                    [AgeBand.TEENAGERS, AgeBand.TEENAGERS, AgeBand.YOUNG_ADULTS, AgeBand.ADULTS]
                    if not parks
                    else [AgeBand.CHILDREN, AgeBand.ADULTS, AgeBand.MIXED, AgeBand.TEENAGERS]
                ),
                sex=rng.choice([Sex.MALE, Sex.MALE, Sex.MIXED, Sex.FEMALE]),
                group_size=rng.choice([1, 1, 2, 2, 3, 4, 6, 8]),
                action=(
                    Action.MEDIATION
                    if conflict
                    else Action.REPORTED
                    if category in PARTNER_OF
                    else rng.choice([Action.DIALOGUE, Action.INFORMATION, Action.REMINDER_OF_RULES])
                ),
                partner=PARTNER_OF.get(category, Partner.NONE),
                outcome=outcome,
                follow_up_needed=rng.random() < 0.1,
                note=rng.choice(NOTES),
            )
        )
    return result
