"""Field presence at scale (issue 9): teams, sectors, shifts and the daily log of every
territory over ten years, then what the runner times on them.

    100 territories × 10 years, 10,000,000 log entries: one territory-year map aggregation
    at p95 ≤ 150 ms and within 2× the raw SQL of that aggregation; the figures page
    ≤ 200 ms; a supervisor's day ≤ 100 ms and ≤ 15 queries. API ingestion under gunicorn
    (2 workers) at ≥ 500 entries/s and at ≥ 30 % of the same server's /healthz/ rate,
    measured in one run.

**The data** (`write_field`, called by `benchmarks.generate` with `--log-entries`): per
territory a mediation team (its mediators, 16:00–midnight) and a park wardens' team (its
park wardens, the parks' opening hours, later in summer), each supervised by one of its
members; a sector per neighbourhood, three parks and a route. Every day of the ten years
ending yesterday, each team works in 1–3 crews (more in the large cities), one shift per
crew, clocked in and out and validated the next morning (yesterday's are still to validate).
`--log-entries` entries are shared out over territories (∝ their weight, as the access log),
days and teams by the seasons (summer peaks in the parks, busier weekend evenings) with
noise, exactly that many in all (largest remainders); each is placed in a crew's shift at a
moment of the shift (later moments likelier), near the sector's neighbourhood (3 of 4 with a
position, snapped to its nearest neighbourhood as `field/services.py` does; the others
chosen from the list, at the neighbourhood's centre) and described by what the street
brings (the demo's weights, `tranquillite.demo.field`).

Fast: positions are drawn from a pool of 64 per neighbourhood whose h3 cells are computed
once (`field.geo.cells_of`, the code the application uses), the rest of an entry from a
pool of 4,096 pre-rendered descriptions per kind of team; rows are written day by day for
all territories together (ids and physical order growing with time, as in production),
a month per `COPY`, the table bare (its foreign keys, unique constraints and indexes dropped
during the load and built back afterwards in the same transaction).

**What the runner times** (`field_pages`, `field_calls`, `field_ingestion`): see
docs/benchmarks.md, "Field presence (issue 9)".
"""

from __future__ import annotations

import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

YEARS = 10
DAYS = YEARS * 365 + YEARS // 4
POSITIONS_PER_NEIGHBOURHOOD = 64
DESCRIPTIONS_PER_KIND = 4096
LOCATED_SHARE = 0.75
# The supervisor the runner signs in as: the mediation team's supervisor in bench-001.
SUPERVISOR_EMAIL = "bench-field-supervisor@tranquillite.test"
# Share of the entries by kind of team, and each kind's seasons (month → weight).
KIND_SHARE = {"mediation": 0.6, "park_wardens": 0.4}
SEASON = {
    "mediation": {1: 0.85, 2: 0.85, 3: 0.95, 4: 1.0, 5: 1.1, 6: 1.2, 7: 1.15, 8: 0.9, 12: 0.9},
    "park_wardens": {
        1: 0.4, 2: 0.45, 3: 0.7, 4: 0.9, 5: 1.1, 6: 1.5, 7: 1.7,
        8: 1.5, 9: 1.0, 10: 0.8, 11: 0.5, 12: 0.4,
    },
}  # fmt: skip
# Busier days: Friday and Saturday evenings for the mediators, weekends in the parks.
WEEKDAY = {"mediation": {4: 1.3, 5: 1.35}, "park_wardens": {5: 1.4, 6: 1.5}}
# (start hour, end hour) of a shift; the parks close later in summer.
HOURS = {"mediation": (16, 24), "park_wardens": (9, 18)}
SUMMER_CLOSING = 21
PARKS = ("Parc de la Mairie", "Parc des Sports", "Square du Marché")
ROUTE = "Berges du canal"
ENTRY_COLUMNS = (
    "public_id",
    "territory_id",
    "team_id",
    "shift_id",
    "author_id",
    "client_uuid",
    "occurred_at",
    "neighbourhood_id",
    "location_source",
    "latitude",
    "longitude",
    "h3_r6",
    "h3_r8",
    "h3_r10",
    "function",
    "category",
    "age_band",
    "sex",
    "group_size",
    "action",
    "partner",
    "outcome",
    "follow_up_needed",
    "note",
    "note_warnings",
    "photo",
    "created_at",
)
SHIFT_FIELDS = (
    "id",
    "public_id",
    "territory",
    "team",
    "sector",
    "date",
    "planned_start",
    "planned_end",
    "started_at",
    "ended_at",
    "validated_at",
    "validated_by",
    "created_at",
)


# --- the data ---------------------------------------------------------------------------------
@dataclass
class Crewed:
    """A team of one territory: who works in it and in which sectors."""

    team_id: int
    kind: str
    members: list[int]
    supervisor: int
    crews: int
    sectors: list[tuple[int, int]]  # (sector id, index of its neighbourhood)


@dataclass
class Place:
    """One territory: its share of the entries, neighbourhoods, teams and position pools."""

    territory_id: int
    share: float
    neighbourhoods: list[int]
    teams: list[Crewed] = field(default_factory=list)
    # neighbourhood index → pre-rendered places (neighbourhood, source, position, cells)
    located: list[list[tuple[Any, ...]]] = field(default_factory=list)
    listed: list[tuple[Any, ...]] = field(default_factory=list)


def _descriptions(kind: str, rng: random.Random) -> list[tuple[Any, ...]]:
    """What an entry says, drawn as the demo draws it (its weights, one piece of code): the
    function, situation, public in aggregate, action, partner, outcome, follow-up, note."""
    from tranquillite.demo.field import (
        FUNCTION_OF,
        MEDIATION_WEIGHTS,
        NOTES,
        PARK_WEIGHTS,
        PARTNER_OF,
    )
    from tranquillite.field.models import (
        CATEGORIES_BY_KIND,
        Action,
        AgeBand,
        Function,
        Outcome,
        Partner,
        Sex,
    )

    parks = kind == "park_wardens"
    weights = PARK_WEIGHTS if parks else MEDIATION_WEIGHTS
    categories = [c for c in weights if c in CATEGORIES_BY_KIND[kind]]
    ages = (
        [AgeBand.CHILDREN, AgeBand.ADULTS, AgeBand.MIXED, AgeBand.TEENAGERS]
        if parks
        else [AgeBand.TEENAGERS, AgeBand.TEENAGERS, AgeBand.YOUNG_ADULTS, AgeBand.ADULTS]
    )
    rows = []
    for category in rng.choices(
        categories, [weights[c] for c in categories], k=DESCRIPTIONS_PER_KIND
    ):
        function = FUNCTION_OF.get(category, Function.ACTIVE_PRESENCE)
        conflict = function == Function.CONFLICT_HANDLING
        if conflict:
            outcome = rng.choices(
                [Outcome.SETTLED, Outcome.PARTLY_SETTLED, Outcome.NOT_SETTLED], [6, 3, 1]
            )[0]
            action = Action.MEDIATION
        elif category in PARTNER_OF:
            outcome, action = Outcome.REFERRED, Action.REPORTED
        else:
            outcome = Outcome.NOT_APPLICABLE
            action = rng.choice([Action.DIALOGUE, Action.INFORMATION, Action.REMINDER_OF_RULES])
        rows.append(
            (
                str(function),
                str(category),
                str(rng.choice(ages)),
                str(rng.choice([Sex.MALE, Sex.MALE, Sex.MIXED, Sex.FEMALE])),
                rng.choice([1, 1, 2, 2, 3, 4, 6, 8]),
                str(action),
                str(PARTNER_OF.get(category, Partner.NONE)),
                str(outcome),
                rng.random() < 0.1,
                rng.choice(NOTES),
            )
        )
    return rows


def _season(kind: str, day: date) -> float:
    return SEASON[kind].get(day.month, 1.0) * WEEKDAY[kind].get(day.weekday(), 1.0)


def largest_remainders(expected: list[float], total: int) -> list[int]:
    """Integer counts summing to exactly `total`, each as near its expected share as can be."""
    scale = total / (sum(expected) or 1)
    exact = [x * scale for x in expected]
    counts = [int(x) for x in exact]
    missing = total - sum(counts)
    if missing > 0:
        order = sorted(range(len(exact)), key=lambda i: counts[i] - exact[i])
        for i in order[:missing]:
            counts[i] += 1
    return counts


class FieldData:
    """Builds and writes the field data of every territory (see the module's docstring)."""

    def __init__(
        self,
        *,
        rng: random.Random,
        now: datetime,
        territory_ids: list[int],
        weights: list[float],
        people: dict[int, list[Any]],
        entries: int,
    ) -> None:
        self.rng = rng
        self.now = now
        self.territory_ids = territory_ids
        self.weights = weights
        self.people = people
        self.n_entries = entries
        self.places: list[Place] = []
        self.counts = {"teams": 0, "sectors": 0, "shifts": 0, "shift_members": 0, "entries": 0}

    # --- teams and sectors (the ORM: a few thousand rows) -----------------------------------
    def setup(self) -> None:
        from tranquillite.accounts.models import User
        from tranquillite.core.models import Neighbourhood
        from tranquillite.field.models import Sector, SectorKind, Team, TeamMembership

        hoods: dict[int, list[Any]] = {}
        for hood in Neighbourhood.objects.filter(territory_id__in=self.territory_ids).order_by(
            "territory_id", "pk"
        ):
            hoods.setdefault(hood.territory_id, []).append(hood)
        heaviest = max(self.weights, default=1.0)
        total_weight = sum(self.weights) or 1.0
        sectors: list[Any] = []
        teams: list[Any] = []
        plans: list[tuple[Place, str, list[int]]] = []
        for territory_id, weight in zip(self.territory_ids, self.weights, strict=True):
            places = hoods.get(territory_id, [])
            if not places:
                continue
            place = Place(territory_id, weight / total_weight, [h.pk for h in places])
            self.places.append(place)
            for hood in places:
                sectors.append(
                    Sector(
                        territory_id=territory_id,
                        name=f"Secteur {hood.name}",
                        kind=SectorKind.NEIGHBOURHOOD,
                        neighbourhood_id=hood.pk,
                    )
                )
            for offset, name in enumerate(PARKS):
                hood = places[(offset * 3) % len(places)]
                sectors.append(
                    Sector(
                        territory_id=territory_id,
                        name=name,
                        kind=SectorKind.PARK,
                        neighbourhood_id=hood.pk,
                    )
                )
            sectors.append(
                Sector(
                    territory_id=territory_id,
                    name=ROUTE,
                    kind=SectorKind.ROUTE,
                    neighbourhood_id=places[-1].pk,
                )
            )
            staff = self.people.get(territory_id, [])
            for kind, role, label in (
                ("mediation", "mediator", "Médiation sociale — soirée"),
                ("park_wardens", "park_warden", "Gardes de parcs"),
            ):
                members = sorted(p.user_id for p in staff if p.role == role)
                if not members:
                    continue
                teams.append(
                    Team(territory_id=territory_id, name=label, kind=kind, supervisor_id=members[0])
                )
                plans.append((place, kind, members))
        created_sectors = Sector.objects.bulk_create(sectors, batch_size=5_000)
        by_territory: dict[int, list[Any]] = {}
        for sector in created_sectors:
            by_territory.setdefault(sector.territory_id, []).append(sector)
        created_teams = Team.objects.bulk_create(teams, batch_size=5_000)
        TeamMembership.objects.bulk_create(
            [
                TeamMembership(territory_id=team.territory_id, team_id=team.pk, user_id=user)
                for team, (_p, _k, members) in zip(created_teams, plans, strict=True)
                for user in members
            ],
            batch_size=5_000,
        )
        for team, (place, kind, members) in zip(created_teams, plans, strict=True):
            index_of = {pk: i for i, pk in enumerate(place.neighbourhoods)}
            own = [
                (s.pk, index_of[s.neighbourhood_id])
                for s in by_territory[place.territory_id]
                if (s.kind == SectorKind.NEIGHBOURHOOD) == (kind == "mediation")
            ]
            # More crews in the large cities: 3 a day in the largest, 1 in the small towns.
            weight = place.share * total_weight
            crews = max(1, min(len(own), len(members), 1 + round(2 * weight / heaviest)))
            place.teams.append(Crewed(team.pk, kind, members, members[0], crews, own))
        self.counts["teams"] = len(created_teams)
        self.counts["sectors"] = len(created_sectors)
        # The runner signs in as the supervisor of the first territory's mediation team.
        first = next((p for p in self.places if p.teams), None)
        if first is not None:
            User.objects.filter(pk=first.teams[0].supervisor).update(email=SUPERVISOR_EMAIL)
        self._positions(hoods)

    def _positions(self, hoods: dict[int, list[Any]]) -> None:
        """Pools of positions near each neighbourhood's centre with their h3 cells, each
        snapped to its nearest neighbourhood as the application does; territories laid out
        alike (the generator's are) share the computation."""
        from tranquillite.field.geo import cells_of, nearest_neighbourhood

        done: dict[tuple[Any, ...], tuple[list[list[tuple[Any, ...]]], list[tuple[Any, ...]]]] = {}
        for place in self.places:
            places = hoods[place.territory_id]
            layout = tuple((h.centre_latitude, h.centre_longitude) for h in places)
            if layout not in done:
                rng = random.Random(len(done))
                located: list[list[tuple[Any, ...]]] = []
                for hood in places:
                    pool = []
                    lat0, lon0 = float(hood.centre_latitude), float(hood.centre_longitude)
                    for _ in range(POSITIONS_PER_NEIGHBOURHOOD):
                        lat = round(lat0 + rng.uniform(-0.002, 0.002), 6)
                        lon = round(lon0 + rng.uniform(-0.003, 0.003), 6)
                        near = nearest_neighbourhood(places, lat, lon) or hood
                        cells = cells_of(lat, lon)
                        pool.append((places.index(near), lat, lon, cells.r6, cells.r8, cells.r10))
                    located.append(pool)
                listed = []
                for index, hood in enumerate(places):
                    cells = cells_of(hood.centre_latitude, hood.centre_longitude)
                    listed.append((index, None, None, cells.r6, cells.r8, cells.r10))
                done[layout] = (located, listed)
            located, listed = done[layout]
            ids = place.neighbourhoods
            place.located = [[(ids[i], "device", *rest) for i, *rest in pool] for pool in located]
            place.listed = [(ids[i], "list", *rest) for i, *rest in listed]

    # --- how many entries each team writes each day -------------------------------------------
    def _days(self) -> list[date]:
        """Ten years ending yesterday; a small data set (under ~50 entries a day in all)
        covers fewer days, at least 90, so that the smoke scenario stays quick."""
        from django.utils import timezone

        yesterday = timezone.localdate(self.now) - timedelta(days=1)
        days = min(DAYS, max(90, self.n_entries // 50))
        return [yesterday - timedelta(days=offset) for offset in range(days - 1, -1, -1)]

    def _allocation(self, days: list[date]) -> list[int]:
        """Entries per (day, territory, team), in that order, exactly `n_entries` in all."""
        rng = self.rng
        season = {
            kind: [_season(kind, day) for day in days] for kind in ("mediation", "park_wardens")
        }
        norm = {kind: sum(values) for kind, values in season.items()}
        expected: list[float] = []
        for d in range(len(days)):
            for place in self.places:
                for team in place.teams:
                    expected.append(
                        place.share
                        * KIND_SHARE[team.kind]
                        * season[team.kind][d]
                        / norm[team.kind]
                        * rng.lognormvariate(0, 0.25)
                    )
        return largest_remainders(expected, self.n_entries)

    # --- writing ------------------------------------------------------------------------------
    def write(self) -> dict[str, int]:
        from django.db import connection

        from tranquillite.field.models import LogEntry, Shift

        days = self._days()
        counts = self._allocation(days)
        descriptions = {
            kind: _descriptions(kind, self.rng) for kind in ("mediation", "park_wardens")
        }
        postgres = connection.vendor == "postgresql"
        members_model = Shift.members.through
        from benchmarks.governance import first_free_id, reset_sequences
        from tranquillite.core.bulk import write_rows

        next_shift = first_free_id(Shift)
        slot = 0
        month: list[date] = []
        with bare_table(LogEntry), bare_table(Shift), bare_table(members_model):
            for d, day in enumerate(days):
                month.append(day)
                if d + 1 < len(days) and days[d + 1].month == day.month:
                    continue
                shifts: list[tuple[Any, ...]] = []
                members: list[tuple[int, int]] = []
                entries: list[Any] = []
                for current in month:
                    next_shift, slot = self._day(
                        current,
                        counts,
                        slot,
                        next_shift,
                        descriptions,
                        shifts,
                        members,
                        entries,
                        postgres,
                    )
                write_rows(Shift, SHIFT_FIELDS, shifts)
                write_rows(members_model, ("shift", "user"), members)
                self._write_entries(entries, postgres)
                self.counts["shifts"] += len(shifts)
                self.counts["shift_members"] += len(members)
                self.counts["entries"] += len(entries)
                month = []
        reset_sequences([Shift])
        return dict(self.counts)

    def _day(
        self,
        day: date,
        counts: list[int],
        slot: int,
        next_shift: int,
        descriptions: dict[str, list[tuple[Any, ...]]],
        shifts: list[tuple[Any, ...]],
        members: list[tuple[int, int]],
        entries: list[Any],
        postgres: bool,
    ) -> tuple[int, int]:
        from django.utils import timezone

        rng = self.rng
        random_ = rng.random
        randrange = rng.randrange
        today = timezone.localdate(self.now)
        validated_day = day < today - timedelta(days=1)
        midnight = timezone.make_aware(datetime.combine(day, datetime.min.time()))
        summer = day.month in (6, 7, 8)
        for place in self.places:
            for team in place.teams:
                n = counts[slot]
                slot += 1
                start_hour, end_hour = HOURS[team.kind]
                if team.kind == "park_wardens" and summer:
                    end_hour = SUMMER_CLOSING
                planned_start = (midnight + timedelta(hours=start_hour)).astimezone(UTC)
                planned_end = (midnight + timedelta(hours=end_hour)).astimezone(UTC)
                crews = team.crews
                crew_size = max(1, min(3, len(team.members) // crews))
                rotation = randrange(len(team.members))
                chosen = rng.sample(team.sectors, min(crews, len(team.sectors)))
                # How many of the team's n entries each crew writes.
                split = [0] * len(chosen)
                for _ in range(n):
                    split[randrange(len(chosen))] += 1
                pool = descriptions[team.kind]
                later = 0.7 if team.kind == "mediation" else 1.0
                for crew_index, (sector_id, hood_index) in enumerate(chosen):
                    shift_id = next_shift
                    next_shift += 1
                    started = planned_start + timedelta(minutes=rng.choice((0, 0, 5, 10)))
                    ended = planned_end - timedelta(minutes=rng.choice((0, 0, 10, 20)))
                    validated = ended + timedelta(hours=12) if validated_day else None
                    shifts.append(
                        (
                            shift_id,
                            uuid.UUID(int=rng.getrandbits(128), version=4),
                            place.territory_id,
                            team.team_id,
                            sector_id,
                            day,
                            planned_start,
                            planned_end,
                            started,
                            ended,
                            validated,
                            team.supervisor if validated else None,
                            started,
                        )
                    )
                    crew = [
                        team.members[(rotation + crew_index * crew_size + k) % len(team.members)]
                        for k in range(crew_size)
                    ]
                    members.extend((shift_id, user) for user in dict.fromkeys(crew))
                    count = split[crew_index]
                    if not count:
                        continue
                    span = (ended - started).total_seconds()
                    located = place.located[hood_index]
                    listed = place.listed[hood_index]
                    ids = os.urandom(32 * count).hex()
                    for k in range(count):
                        at = started + timedelta(seconds=int(span * random_() ** later))
                        where = (
                            located[randrange(POSITIONS_PER_NEIGHBOURHOOD)]
                            if random_() < LOCATED_SHARE
                            else listed
                        )
                        what = pool[randrange(DESCRIPTIONS_PER_KIND)]
                        sent = at + timedelta(seconds=randrange(30, 1800))
                        entries.append(
                            (
                                ids[64 * k : 64 * k + 32],
                                place.territory_id,
                                team.team_id,
                                shift_id,
                                crew[randrange(len(crew))],
                                ids[64 * k + 32 : 64 * k + 64],
                                at,
                                where,
                                what,
                                sent,
                            )
                        )
        return next_shift, slot

    def _write_entries(self, entries: list[Any], postgres: bool) -> None:
        from django.db import connection

        from tranquillite.field.models import LogEntry

        if not postgres:
            from tranquillite.core.bulk import write_rows

            rows = [
                (
                    uuid.UUID(public),
                    territory,
                    team,
                    shift,
                    author,
                    uuid.UUID(client),
                    at,
                    where[0],
                    where[1],
                    None if where[2] is None else Decimal(f"{where[2]:.6f}"),
                    None if where[3] is None else Decimal(f"{where[3]:.6f}"),
                    *where[4:],
                    *what,
                    [],
                    "",
                    sent,
                )
                for public, territory, team, shift, author, client, at, where, what, sent in entries
            ]
            keys = ("territory_id", "team_id", "shift_id", "author_id", "neighbourhood_id")
            fields = [c.removesuffix("_id") if c in keys else c for c in ENTRY_COLUMNS]
            write_rows(LogEntry, fields, rows)
            return
        table = LogEntry._meta.db_table
        lines: list[str] = []
        rendered: dict[int, str] = {}
        with (
            connection.cursor() as cursor,
            cursor.copy(f"COPY {table} ({', '.join(ENTRY_COLUMNS)}) FROM STDIN") as copy,
        ):
            for public, territory, team, shift, author, client, at, where, what, sent in entries:
                place = rendered.get(id(where))
                if place is None:
                    hood, source, lat, lon, r6, r8, r10 = where
                    place = "\t".join(
                        (
                            str(hood),
                            source,
                            r"\N" if lat is None else f"{lat:.6f}",
                            r"\N" if lon is None else f"{lon:.6f}",
                            str(r6),
                            str(r8),
                            str(r10),
                        )
                    )
                    rendered[id(where)] = place
                said = rendered.get(id(what))
                if said is None:
                    said = "\t".join(
                        [
                            *(str(v) for v in what[:8]),
                            "t" if what[8] else "f",
                            what[9],
                            "[]",
                            "",
                        ]
                    )
                    rendered[id(what)] = said
                lines.append(
                    f"{public}\t{territory}\t{team}\t{shift}\t{author}\t{client}\t"
                    f"{at.isoformat()}\t{place}\t{said}\t{sent.isoformat()}\n"
                )
                if len(lines) >= 20_000:
                    copy.write("".join(lines))
                    lines.clear()
            if lines:
                copy.write("".join(lines))


@contextmanager
def bare_table(model: Any) -> Iterator[None]:
    """On PostgreSQL, loads a table without its foreign keys, unique constraints and
    secondary indexes, and builds them back afterwards (each in one pass over the rows,
    with more sort memory), in the caller's transaction: 10,000,000 entries into a table
    that keeps its twelve indexes — two of them on random UUIDs — is many times slower. The
    table ends with the same constraints and indexes as before."""
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        yield
        return
    table = model._meta.db_table
    quoted = connection.ops.quote_name(table)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('f', 'u') ORDER BY contype, conname",
            [table],
        )
        constraints = cursor.fetchall()
        for name, _definition in constraints:
            cursor.execute(
                f"ALTER TABLE {quoted} DROP CONSTRAINT {connection.ops.quote_name(name)}"
            )
        cursor.execute(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname "
            "AND c.conrelid = %s::regclass)",
            [table, table],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        yield
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        # Unique constraints first (they build their indexes), then the foreign keys.
        for name, definition in sorted(constraints, key=lambda c: c[1].startswith("FOREIGN")):
            cursor.execute(
                f"ALTER TABLE {quoted} ADD CONSTRAINT {connection.ops.quote_name(name)} "
                f"{definition}"
            )


def write_field(
    *,
    rng: random.Random,
    now: datetime,
    territory_ids: list[int],
    weights: list[float],
    people: dict[int, list[Any]],
    entries: int,
) -> dict[str, int]:
    data = FieldData(
        rng=rng,
        now=now,
        territory_ids=territory_ids,
        weights=weights,
        people=people,
        entries=entries,
    )
    from django.db import transaction

    # Two transactions: PostgreSQL refuses to alter a table (bare_table) while rows just
    # written to the tables it refers to still have their foreign-key checks pending.
    with transaction.atomic():
        data.setup()
    with transaction.atomic():
        return data.write()


# --- what the runner times ----------------------------------------------------------------------
# Targets of the issue (also in scenarios.PAGE_TARGETS for the pages): the map's aggregation
# within RATIO_TARGET × the raw SQL of that aggregation, timed in the same run; the API's
# ingestion at INGEST_TARGET entries/s and at HEALTHZ_SHARE_TARGET of /healthz/'s rate.
RATIO_TARGET = 2.0
INGEST_TARGET = 500.0
HEALTHZ_SHARE_TARGET = 0.30
# The map aggregation held to RATIO_TARGET: the API endpoint the map calls when it zooms out
# (the cells alone, as JSON), median against median — the tails of two distributions timed
# apart say more about the machine than about the code; the p95 ratio is reported beside
# it. The map page (the same cells, the table by neighbourhood and the page around them)
# has its ratios reported, not judged.
RATIO_PAGES = ("field_map_cells",)
REPORTED_RATIO_PAGES = ("field_map",)
RAW_SQL = "field_map_sql"


def _last_year() -> int:
    from django.utils import timezone

    return timezone.localdate().year - 1


def field_pages(territory: Any, page: Any) -> list[Any]:
    """The territory-year map (the page, and the API's cells at the zoomed-out resolution
    6) and the figures (a month and its year) as the coordinator; the supervisor's day
    (yesterday, the mediation team, still to validate) as its supervisor. `page` is the
    runner's Page class."""
    from django.urls import reverse
    from django.utils import timezone

    from tranquillite.accounts.models import User
    from tranquillite.field.models import LogEntry, Shift, Team, TeamKind

    supervisor = User.objects.filter(email=SUPERVISOR_EMAIL).first()
    team = (
        Team.objects.filter(territory=territory, supervisor=supervisor, kind=TeamKind.MEDIATION)
        .order_by("pk")
        .first()
    )
    if supervisor is None or team is None:
        print("NOTE: no field data in the benchmark territory: field pages skipped.")
        return []
    year = _last_year()
    start, end = date(year, 1, 1), date(year + 1, 1, 1)
    in_year = LogEntry.objects.filter(
        territory=territory,
        occurred_at__gte=timezone.make_aware(datetime(year, 1, 1)),
        occurred_at__lt=timezone.make_aware(datetime(year + 1, 1, 1)),
    ).count()
    # The team's last day (yesterday when the data was generated), still to validate.
    yesterday = Shift.objects.filter(team=team).order_by("-date").values_list(
        "date", flat=True
    ).first() or timezone.localdate() - timedelta(days=1)
    day_shifts = Shift.objects.filter(team=team, date=yesterday)
    day_entries = LogEntry.objects.filter(shift__in=day_shifts).count()
    last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    figures = reverse("observatory:field")
    return [
        page(
            "field_map",
            f"Field map: a territory-year ({year}, {in_year:,} entries), h3 resolution 6, "
            "with its tables, coordinator",
            "coordinator",
            f"{reverse('field:map')}?"
            + urlencode({"mois": f"{year}-01", "periode": "annee", "finesse": "6"}),
        ),
        page(
            "field_map_cells",
            "Field map: the API's cells of that year (resolution 6), coordinator",
            "coordinator",
            f"{reverse('api_v1:field_cells')}?"
            + urlencode({"start": start.isoformat(), "end": end.isoformat(), "resolution": 6}),
        ),
        page(
            "field_figures",
            f"Field figures: a month ({last_month:%Y-%m}) beside the one before, coordinator",
            "coordinator",
            f"{figures}?" + urlencode({"mois": f"{last_month:%Y-%m}", "periode": "month"}),
        ),
        page(
            "field_figures_year",
            f"Field figures: a year ({last_month:%Y}) beside the one before, coordinator",
            "coordinator",
            f"{figures}?" + urlencode({"mois": f"{last_month:%Y-%m}", "periode": "year"}),
        ),
        page(
            "field_day",
            f"Supervisor's day: the team's last day, {day_shifts.count()} shifts and {day_entries} "
            "entries to validate, the team's supervisor",
            "supervisor",
            f"{reverse('field:day')}?"
            + urlencode({"equipe": str(team.public_id), "date": yesterday.isoformat()}),
        ),
    ]


def field_calls(territory: Any, call: Any) -> list[Any]:
    """The raw SQL of the map's aggregation (the same territory-year, resolution 6): what
    the page and the API endpoint are held to (RATIO_TARGET)."""
    from django.db import connection
    from django.utils import timezone

    from tranquillite.field.models import LogEntry

    year = _last_year()
    table = connection.ops.quote_name(LogEntry._meta.db_table)
    sql = (
        f"SELECT h3_r6, COUNT(*) FROM {table} WHERE territory_id = %s "  # noqa: S608
        "AND occurred_at >= %s AND occurred_at < %s GROUP BY h3_r6 ORDER BY 2 DESC, 1"
    )
    params = [
        territory.pk,
        timezone.make_aware(datetime(year, 1, 1)),
        timezone.make_aware(datetime(year + 1, 1, 1)),
    ]

    def run() -> Any:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return [
        call(
            RAW_SQL,
            f"Field map: the raw SQL of that aggregation (GROUP BY h3_r6 over {year})",
            run,
            lambda: None,
        )
    ]


def judge_ratios(results: list[dict[str, Any]]) -> None:
    """Holds the map's aggregation to RATIO_TARGET × its raw SQL (p50 against p50, both
    timed in this run; the p95 ratio reported); the ratios go into the results."""
    from django.db import connection

    raw = next((r for r in results if r["name"] == RAW_SQL), None)
    if raw is None:
        return
    # The target is for PostgreSQL at full size: on the smoke scenario's SQLite a
    # year of a small territory is a 0.2 ms query, and the ratio only measures Django.
    judged = connection.vendor == "postgresql"
    for result in results:
        if result["name"] not in RATIO_PAGES + REPORTED_RATIO_PAGES:
            continue
        median = result["p50_ms"] / max(raw["p50_ms"], 0.001)
        tail = result["p95_ms"] / max(raw["p95_ms"], 0.001)
        result["ratio_to_raw_sql_p50"] = round(median, 2)
        result["ratio_to_raw_sql_p95"] = round(tail, 2)
        result["label"] += f"; ×{median:.2f} the raw SQL at p50, ×{tail:.2f} at p95"
        if judged and result["name"] in RATIO_PAGES and median > RATIO_TARGET:
            result["misses"].append(f"p50 {median:.2f}× the raw SQL > {RATIO_TARGET:g}×")
            result["passed"] = False


# --- the API's ingestion under gunicorn -----------------------------------------------------------
INGEST_SECONDS = 10.0
INGEST_ACCOUNTS = 4
INGEST_THREADS = 4  # two requests waiting per worker: neither worker ever idles
GUNICORN_WORKERS = 2
# Entries per request: what a phone sends when the network comes back after a stretch with
# none (its queue), or a partner's application syncing; the API takes up to 100.
BATCH_SIZE = 20
# The per-user rate limit of the API (API_RATE_LIMIT, 600 requests a minute per account in
# production: 4 accounts × 10 requests/s × 20 entries = 800 entries/s) is raised for the
# benchmark's server, through the setting, so that what is measured is the server, not the
# limit. The throttle still runs on every request (its counters in the shared cache).
BENCH_RATE_LIMIT = "1000000/m"


@dataclass
class Ingestion:
    """What the load generator sends: each account's token and open shift, and what the
    phones say (pre-rendered JSON objects without their client_uuid)."""

    secrets: list[str]
    shifts: list[str]
    bodies: list[str]
    cleanup: Callable[[], None]


def _prepare_ingestion(territory: Any) -> Ingestion | None:
    """INGEST_ACCOUNTS members of the benchmark territory's mediation team clock in today
    and hold an API token. A token is for a partner's application (api.hold_tokens): the
    accounts are set up as the mediators of a partner association that sends its daily log
    through its own software — a mediator membership (the team) and a partner-member
    membership (the token) in the territory. Undone afterwards (`cleanup`)."""
    from django.utils import timezone

    from tranquillite.accounts.models import Membership, Organisation
    from tranquillite.accounts.roles import Role
    from tranquillite.api.models import ApiToken
    from tranquillite.api.services import create_token
    from tranquillite.demo.field import NOTES
    from tranquillite.field import services
    from tranquillite.field.models import LogEntry, Sector, SectorKind, Shift, Team, TeamKind

    team = (
        Team.objects.filter(
            territory=territory, kind=TeamKind.MEDIATION, supervisor__email=SUPERVISOR_EMAIL
        )
        .select_related("territory")
        .first()
    )
    sector = (
        Sector.objects.filter(territory=territory, kind=SectorKind.NEIGHBOURHOOD)
        .select_related("neighbourhood")
        .order_by("pk")
        .first()
    )
    organisation = Organisation.objects.filter(territory=territory).order_by("pk").last()
    if team is None or sector is None or organisation is None:
        return None
    accounts = [m.user for m in team.memberships.filter(is_active=True).select_related("user")][
        :INGEST_ACCOUNTS
    ]
    added = []
    secrets, shifts = [], []
    for user in accounts:
        membership, created = Membership.objects.get_or_create(
            user=user,
            territory=territory,
            role=Role.PARTNER_MEMBER,
            defaults={"organisation": organisation},
        )
        if created:
            added.append(membership.pk)
        _token, secret = create_token(
            actor=user, territory=territory, name="Benchmark ingestion", days=1
        )
        secrets.append(secret)
        shift = services.clock_in(actor=user, team=team, sector=sector)
        shifts.append(str(shift.public_id))
    rng = random.Random(9)
    lat0 = float(sector.neighbourhood.centre_latitude)
    lon0 = float(sector.neighbourhood.centre_longitude)
    occurred = (timezone.now() - timedelta(minutes=2)).isoformat()
    bodies = []
    for what in _descriptions("mediation", rng)[:512]:
        function, category, age, sex, size, action, partner, outcome, follow_up, note = what
        bodies.append(
            json.dumps(
                {
                    "occurred_at": occurred,
                    "function": function,
                    "category": category,
                    "age_band": age,
                    "sex": sex,
                    "group_size": size,
                    "action": action,
                    "partner": partner,
                    "outcome": outcome,
                    "follow_up_needed": follow_up,
                    # Every entry with a note (the demo's), so the name guard always runs.
                    "note": note or rng.choice([n for n in NOTES if n]),
                    "latitude": round(lat0 + rng.uniform(-0.001, 0.001), 6),
                    "longitude": round(lon0 + rng.uniform(-0.001, 0.001), 6),
                }
            )
        )
    opened = list(dict.fromkeys(shifts))

    def cleanup() -> None:
        LogEntry.objects.filter(shift__public_id__in=opened).delete()
        Shift.objects.filter(public_id__in=opened).delete()
        ApiToken.objects.filter(user__in=accounts, name="Benchmark ingestion").delete()
        Membership.objects.filter(pk__in=added).delete()

    return Ingestion(secrets, shifts, bodies, cleanup)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _request(
    port: int, method: str, path: str, body: bytes | None, headers: dict[str, str]
) -> tuple[int, bytes]:
    # A connection per request: gunicorn's sync workers close it after each answer.
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


Request = tuple[str, str, bytes | None, dict[str, str]]


def _hammer(
    port: int,
    seconds: float,
    make: Callable[[int], Request],
    expected: int,
    done: Callable[[bytes], int] = lambda _body: 1,
) -> dict[str, Any]:
    """INGEST_THREADS threads send requests back to back for `seconds`: how many requests
    were answered `expected`, how many units of work they did (`done`: entries created),
    per second, with each request's time."""
    latencies: list[list[float]] = [[] for _ in range(INGEST_THREADS)]
    units = [0] * INGEST_THREADS
    errors: list[dict[int, int]] = [{} for _ in range(INGEST_THREADS)]
    deadline = time.perf_counter() + seconds

    def work(index: int) -> None:
        sequence = index
        while time.perf_counter() < deadline:
            method, path, body, headers = make(sequence)
            sequence += INGEST_THREADS
            started = time.perf_counter()
            try:
                status, answer = _request(port, method, path, body, headers)
            except OSError:
                status, answer = 0, b""
            if status == expected:
                latencies[index].append((time.perf_counter() - started) * 1000)
                units[index] += done(answer)
            else:
                errors[index][status] = errors[index].get(status, 0) + 1

    threads = [threading.Thread(target=work, args=(i,)) for i in range(INGEST_THREADS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    durations = [ms for per_thread in latencies for ms in per_thread]
    failed: dict[int, int] = {}
    for per_thread in errors:
        for status, count in per_thread.items():
            failed[status] = failed.get(status, 0) + count
    return {
        "requests": len(durations),
        "units": sum(units),
        "seconds": round(elapsed, 2),
        "rate": len(durations) / elapsed,
        "unit_rate": sum(units) / elapsed,
        "durations": durations,
        "errors": failed,
    }


@contextmanager
def gunicorn(port: int) -> Iterator[subprocess.Popen[bytes]]:
    """The application under gunicorn (GUNICORN_WORKERS sync workers, as docs/operations.md
    runs it), on the runner's database, with DEBUG off and the benchmark's rate limit."""
    root = Path(__file__).resolve().parent.parent
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "API_RATE_LIMIT": BENCH_RATE_LIMIT,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--workers",
        str(GUNICORN_WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=root, env=env)  # noqa: S603
    try:
        deadline = time.perf_counter() + 60
        while True:
            try:
                if _request(port, "GET", "/healthz/", None, {})[0] == 200:
                    break
            except OSError:
                pass
            if server.poll() is not None or time.perf_counter() > deadline:
                raise RuntimeError("gunicorn did not start (see its output above)")
            time.sleep(0.2)
        yield server
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _summary(
    name: str, label: str, measured: dict[str, Any], *, gating: bool, misses: list[str]
) -> dict[str, Any]:
    from benchmarks.run import percentile

    durations = measured["durations"] or [0.0]
    return {
        "name": name,
        "label": label,
        "url": "",
        "actor": "",
        "status": 200,
        "iterations": measured["requests"],
        "p50_ms": round(statistics.median(durations), 1),
        "p95_ms": round(percentile(durations, 95), 1),
        "max_ms": round(max(durations), 1),
        "mean_ms": round(statistics.fmean(durations), 1),
        "sql_p50_ms": 0.0,
        "python_cpu_p50_ms": 0.0,
        "queries": "—",
        "queries_max": "—",
        "queries_session_write": 0,
        "bytes": 0,
        "requests_per_s": round(measured["rate"], 1),
        "units_per_s": round(measured["unit_rate"], 1),
        "seconds": measured["seconds"],
        "errors": measured["errors"],
        "target_p95_ms": None,
        "target_queries": None,
        "gating": gating,
        "passed": not misses,
        "misses": misses,
    }


def field_ingestion(territory: Any, *, seconds: float | None = None) -> list[dict[str, Any]]:
    """Entries posted to the API under gunicorn with 2 workers, as a partner's application
    or a phone coming back online sends them: batches of BATCH_SIZE
    (`POST /api/v1/field/shifts/<id>/entries/batch`, a token, a fresh client_uuid per entry)
    for `seconds`, then one entry a request (`…/entries` with an Idempotency-Key) as long,
    between two runs of `/healthz/` on the same server. Judged: the batches' entries/s
    against INGEST_TARGET and against HEALTHZ_SHARE_TARGET × the mean /healthz/ rate. The
    rows written are deleted afterwards."""
    from django.db import connection

    prepared = _prepare_ingestion(territory)
    if prepared is None:
        print("NOTE: no field team in the benchmark territory: the API ingestion skipped.")
        return []
    # Another process writes: SQLite is the smoke scenario's harness check, not judged.
    gating = connection.vendor == "postgresql"
    if seconds is None:
        seconds = INGEST_SECONDS if gating else 2.0
    port = _free_port()
    accounts = len(prepared.secrets)
    bodies = prepared.bodies

    def health(_sequence: int) -> Request:
        return "GET", "/healthz/", None, {}

    def headers(account: int) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {prepared.secrets[account]}",
            "Content-Type": "application/json",
        }

    def one(sequence: int) -> Request:
        account = sequence % accounts
        key = str(uuid.uuid4())
        return (
            "POST",
            f"/api/v1/field/shifts/{prepared.shifts[account]}/entries",
            bodies[sequence % len(bodies)].encode(),
            {**headers(account), "Idempotency-Key": key},
        )

    def batch(sequence: int) -> Request:
        account = sequence % accounts
        first = sequence * BATCH_SIZE
        entries = ",".join(
            f'{{"client_uuid": "{uuid.uuid4()}", {bodies[(first + k) % len(bodies)][1:]}'
            for k in range(BATCH_SIZE)
        )
        return (
            "POST",
            f"/api/v1/field/shifts/{prepared.shifts[account]}/entries/batch",
            f'{{"entries": [{entries}]}}'.encode(),
            headers(account),
        )

    def created(answer: bytes) -> int:
        return answer.count(b'"status":"created"') or answer.count(b'"status": "created"')

    try:
        with gunicorn(port):
            _hammer(port, min(2.0, seconds), health, 200)  # warm-up: imports, connections
            _hammer(port, min(2.0, seconds), batch, 200, created)
            before = _hammer(port, seconds, health, 200)
            batches = _hammer(port, seconds, batch, 200, created)
            single = _hammer(port, seconds, one, 201)
            after = _hammer(port, seconds, health, 200)
    finally:
        prepared.cleanup()
    healthz = {
        "requests": before["requests"] + after["requests"],
        "units": before["units"] + after["units"],
        "seconds": round(before["seconds"] + after["seconds"], 2),
        "rate": (before["rate"] + after["rate"]) / 2,
        "unit_rate": (before["rate"] + after["rate"]) / 2,
        "durations": before["durations"] + after["durations"],
        "errors": {**before["errors"], **after["errors"]},
    }
    share = batches["unit_rate"] / max(healthz["rate"], 0.001)
    single_share = single["unit_rate"] / max(healthz["rate"], 0.001)
    misses = []
    if batches["unit_rate"] < INGEST_TARGET:
        misses.append(f"{batches['unit_rate']:.0f} entries/s < {INGEST_TARGET:g}")
    if share < HEALTHZ_SHARE_TARGET:
        misses.append(f"{share:.0%} of /healthz/ < {HEALTHZ_SHARE_TARGET:.0%}")
    if batches["errors"] or batches["units"] != batches["requests"] * BATCH_SIZE:
        misses.append(
            f"not every entry created: {batches['units']} of "
            f"{batches['requests'] * BATCH_SIZE}, errors {batches['errors']}"
        )
    print(
        f"  {'field_ingest':<22} {batches['unit_rate']:7.1f} entries/s in batches of "
        f"{BATCH_SIZE} ({share:.0%} of /healthz/), {single['unit_rate']:.1f} entries/s one "
        f"a request ({single_share:.0%}); /healthz/ {healthz['rate']:.1f} req/s (before "
        f"{before['rate']:.1f}, after {after['rate']:.1f})",
        flush=True,
    )
    workers = f"gunicorn, {GUNICORN_WORKERS} workers, {INGEST_THREADS} client threads"
    rows = [
        _summary(
            "field_ingest_healthz",
            f"API ingestion, reference: /healthz/ on the same server ({workers}): "
            f"{healthz['rate']:,.0f} req/s (before {before['rate']:,.0f}, after "
            f"{after['rate']:,.0f})",
            healthz,
            gating=False,
            misses=[f"answers other than 200: {healthz['errors']}"] if healthz["errors"] else [],
        ),
        _summary(
            "field_ingest",
            f"API ingestion: batches of {BATCH_SIZE} entries with {accounts} tokens, a fresh "
            f"client_uuid each ({workers}): **{batches['unit_rate']:,.0f} entries/s, "
            f"{share:.0%} of /healthz/**",
            batches,
            gating=gating,
            misses=misses,
        ),
        _summary(
            "field_ingest_single",
            f"API ingestion, one entry a request (Idempotency-Key), same server: "
            f"{single['unit_rate']:,.0f} entries/s, {single_share:.0%} of /healthz/",
            single,
            gating=False,
            misses=[f"answers other than 201: {single['errors']}"] if single["errors"] else [],
        ),
    ]
    rows[1]["ratio_to_healthz"] = round(share, 3)
    rows[2]["ratio_to_healthz"] = round(single_share, 3)
    rows[0]["target_text"] = "reference"
    rows[2]["target_text"] = "reported"
    rows[1]["target_text"] = (
        f"≥ {INGEST_TARGET:g} entries/s and ≥ {HEALTHZ_SHARE_TARGET:.0%} of /healthz/"
    )
    return rows
