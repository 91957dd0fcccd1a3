"""Build many territories of realistic size, fast.

    python -m benchmarks.generate --scenario foundation
    python -m benchmarks.generate --territories 100 --organisations 50 --users 20 \\
        --access-rows 1000000 --meetings-per-year 50 --sheets 100 --indicators 10 \\
        --measurement-years 5 --persons 1000000 --follow-ups 200000

Each territory gets ~10 neighbourhoods, `--organisations` partner organisations (the city's
own services first, then police, justice, schools, landlords, associations...) and
`--users` accounts per organisation, each with one membership in that territory: mostly
partner members, one coordinator and one DPO per territory, a few elected officials,
mediators, park wardens, supervisors and technical administrators. Accounts whose role
requires a second factor have a TOTP authenticator, as they would in production.

The council (benchmarks/governance.py): 8 bodies per territory with their members, charters
and signatures, and `--meetings-per-year` meetings a year over 5 years with agendas,
attendances, decisions and follow-up tasks.

The strategy (benchmarks/strategy.py): a current territorial strategy per territory with
`--sheets` action sheets (partners, neighbourhoods, budget, activities, 2–8 committee
evaluations each), `--indicators` indicators per sheet and a measurement a month for each
over `--measurement-years` years; ~45 % of the sheets due for review by the next monitoring
committee.

The follow-ups (benchmarks/followups.py): `--persons` people and `--follow-ups` files (RAO,
family council, individual and victim support) spread over the territories like the access
log, each played through its workflow with its steps, deadlines, support actions, letters
and anonymous statistics; closed files wait for the daily purge (`destroy_on`).

The access log gets `--access-rows` rows over a year, spread over territories (a few large
cities, many small ones), actors (some far busier than others), actions and records, with
ids growing with time as in production. On PostgreSQL they go in through COPY.

Territory 1 (`bench-001`) is the largest; its coordinator, DPO and one partner member (see
scenarios.py) are the accounts the runner signs in as. Run it on an empty, migrated
database (with `manage.py createcachetable`): it refuses to add a second data set, and does
nothing when the same one is already there.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import time
import unicodedata
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from benchmarks.community_service import write_community_service
from benchmarks.field import write_field
from benchmarks.followups import FollowUpData
from benchmarks.governance import Council, Person, meeting_counts
from benchmarks.scenarios import (
    COORDINATOR_EMAIL,
    DATASET_CACHE_KEY,
    DPO_EMAIL,
    GOVERNANCE_YEARS,
    PARTNER_EMAIL,
    PASSWORD,
    SCENARIOS,
    SLUG_PREFIX,
    setup_django,
)
from benchmarks.strategy import StrategyData
from benchmarks.tensions import write_alerts

BATCH = 5_000
NEIGHBOURHOODS_PER_TERRITORY = 10
# Records of future modules (follow-ups) dominate the log; member cards are read too.
FOLLOWUPS_PER_TERRITORY = 400
FOLLOWUP_TYPE = "followups.followup"
USER_TYPE = "accounts.user"
# Share of record accesses that go to the territory's most-read record ("who saw this").
HOT_RECORD_SHARE = 0.03

FIRST_NAMES = (  # noqa: SIM905 (a list of words reads best as words)
    "Camille Léa Manon Chloé Inès Sarah Jade Louise Emma Alice Lina Julie Claire Nadia "
    "Sophie Aïcha Fatou Mélanie Élodie Céline Nathalie Isabelle Sandrine Laure Hélène "
    "Yasmine Lucas Hugo Louis Nathan Thomas Karim Mehdi Yanis Julien Nicolas Maxime Antoine "
    "Pierre Mathieu Sébastien Olivier Laurent Stéphane Franck David Samir Moussa Omar Bruno "
    "Didier Patrick Christophe Vincent Romain Jérôme Éric Alexandre Quentin Théo"
).split()
LAST_NAMES = (  # noqa: SIM905 (a list of words reads best as words)
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel "
    "Lefèvre Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine "
    "Rousseau Vincent Muller Lefebvre Faure André Mercier Blanc Guérin Boyer Garnier "
    "Chevalier François Legrand Gauthier Garcia Perrin Robin Clément Morin Nicolas Henry "
    "Roussel Mathieu Gautier Masson Marchand Duval Denis Dumont Marie Lemaire Noël Meyer "
    "Dufour Meunier Brun Blanchard Giraud Joly Rivière Lucas Brunet Gaillard Barbier Arnaud "
    "Martinez Gérard Roche Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre "
    "Aubert Lemoine Renaud Dumas Lacroix Olivier Philippe Bourgeois Pierre Benoît Rey "
    "Leclerc Payet Rolland Diallo Traoré Haddad Benali Nguyen Da-Silva Ferreira Kone Mendy "
    "Cissé Bouzid"
).split()
NEIGHBOURHOOD_NAMES = (
    "Centre-ville",
    "Gare",
    "Les Tilleuls",
    "Le Plateau",
    "Bords de Marne",
    "Cité des Fleurs",
    "Les Bosquets",
    "Haut-Village",
    "Quartier des Écoles",
    "Zone d'activités",
    "Les Sablons",
    "La Garenne",
)
JOB_TITLES = (
    "Chargé de mission prévention",
    "Chef de service",
    "Éducateur spécialisé",
    "Conseiller principal d'éducation",
    "Commandant de police",
    "Brigadier-chef",
    "Substitut du procureur",
    "Gardien d'immeuble",
    "Médiateur social",
    "Travailleur social",
    "Directeur d'établissement",
    "",
)
REASONS = (
    "Préparation de la cellule de veille du mois",
    "Demande du parquet (réquisition)",
    "Bilan annuel du CLSPD",
    "Signalement d'un partenaire",
    "Vérification à la demande de la personne concernée (droit d'accès)",
)
# Roles held by the first users of the territory's first organisations; the rest are
# partner members. (organisation index, role, how many)
ROLE_PLAN = (
    (0, "coordinator", 1),
    (1, "dpo", 1),
    (2, "elected_official", 5),
    (2, "director", 1),
    (3, "mediator", 12),
    (4, "park_warden", 8),
    (9, "tech_admin", 2),
    (10, "supervisor", 6),
)
# The acting partner of the benchmark territory: a police officer (organisation index 6, the
# national police), or the first partner member if there are fewer organisations.
PARTNER_ORGANISATION = 6
# (kind, name) of the organisations every territory starts with, then a mix of kinds.
FIRST_ORGANISATIONS = (
    ("city_service", "Ville — Mission prévention et tranquillité publique"),
    ("city_service", "Ville — Délégué à la protection des données"),
    ("city_service", "Ville — Cabinet du maire"),
    ("city_service", "Ville — Médiation sociale"),
    ("city_service", "Ville — Gardes de parcs"),
    ("municipal_police", "Police municipale"),
    ("national_police", "Commissariat de police nationale"),
    ("prosecutor", "Parquet du tribunal judiciaire"),
    ("prefecture", "Préfecture — Cabinet du préfet"),
    ("city_service", "Ville — Systèmes d'information"),
    ("city_service", "Ville — Espaces verts"),
    ("youth_justice", "Protection judiciaire de la jeunesse"),
    ("probation_service", "Service pénitentiaire d'insertion et de probation"),
    ("departement", "Département — Service social"),
)
OTHER_KINDS = (
    ("national_education", "Collège"),
    ("national_education", "Lycée"),
    ("national_education", "École élémentaire"),
    ("social_landlord", "Bailleur social"),
    ("association", "Association"),
    ("association", "Club de prévention"),
    ("city_service", "Ville — Service"),
    ("other", "Transporteur"),
)
# (action, weight, has a record)
ACTIONS = (
    ("record.read", 42.0, True),
    ("record.list", 22.0, True),
    ("record.search", 8.0, True),
    ("record.print", 1.5, True),
    ("record.export", 1.0, True),
    ("record.archive_read", 0.5, True),
    ("audit.export", 0.2, False),
    ("auth.login", 13.0, False),
    ("auth.login_failed", 1.3, False),
    ("auth.logout", 8.5, False),
)
REASON_REQUIRED = {"record.print", "record.export", "record.archive_read", "audit.export"}
ACCESS_COLUMNS = (
    "at",
    "actor_id",
    "actor_label",
    "territory_id",
    "action",
    "object_type",
    "object_id",
    "object_label",
    "reason",
    "path",
    "ip_address",
)


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c if c.isalnum() else "-" for c in plain.lower()).strip("-")


def skewed(items: list[Any], rng: random.Random, power: float = 2.0) -> Any:
    """A few items come up far more often than the others (rank ~ uniform ** power)."""
    return items[int(len(items) * rng.random() ** power)]


class Stopwatch:
    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.last = self.started
        self.stages: dict[str, float] = {}

    def lap(self, stage: str, detail: str = "") -> None:
        now = time.perf_counter()
        self.stages[stage] = round(now - self.last, 2)
        self.last = now
        print(f"  {stage:<22} {self.stages[stage]:7.1f} s  {detail}", flush=True)

    @property
    def running(self) -> float:
        """Seconds since the last lap (a rate for the next lap's detail)."""
        return time.perf_counter() - self.last

    @property
    def total(self) -> float:
        return round(time.perf_counter() - self.started, 2)


class Generator:
    def __init__(
        self,
        *,
        territories: int,
        organisations: int,
        users: int,
        access_rows: int,
        meetings_per_year: int,
        sheets: int,
        indicators: int,
        measurement_years: int,
        persons: int,
        follow_ups: int,
        seed: int,
    ) -> None:
        if organisations < 2 or users < 1 or territories < 1:
            raise SystemExit("Need at least 1 territory, 2 organisations and 1 user each.")
        self.n_territories = territories
        self.n_organisations = organisations
        self.n_users = users
        self.n_access_rows = access_rows
        self.meetings_per_year = meetings_per_year
        self.n_sheets = sheets
        self.n_indicators = indicators
        self.measurement_years = measurement_years
        self.n_persons = persons
        self.n_follow_ups = follow_ups
        self.rng = random.Random(seed)
        self.now = datetime.now(UTC).replace(microsecond=0)
        # Filled as we go: territory pk -> its data.
        self.territory_ids: list[int] = []
        self.weights: list[float] = []
        self.members: dict[int, list[tuple[int, str]]] = {}  # active (user id, e-mail)
        self.user_records: dict[int, list[str]] = {}  # public ids of member cards
        self.followups: dict[int, list[tuple[str, str]]] = {}  # (public id, label)
        self.people: dict[int, list[Person]] = {}  # active accounts who may sit in the council
        self.coordinators: dict[int, int] = {}  # territory id -> user id
        self.partner: tuple[int, int] | None = None  # (territory id, user id)

    # --- territories, neighbourhoods, organisations -------------------------------------
    def territories(self) -> None:
        from tranquillite.core.models import Neighbourhood, Territory, TerritoryKind

        territories = []
        for i in range(1, self.n_territories + 1):
            # A few large cities and many small towns: population ~ 1 / sqrt(rank).
            weight = 1 / (i**0.5)
            self.weights.append(weight)
            name = f"Ville-Banc {i:03d}"
            territories.append(
                Territory(
                    name=name,
                    slug=f"{SLUG_PREFIX}{i:03d}",
                    kind=TerritoryKind.INTERCOMMUNAL if i % 7 == 0 else TerritoryKind.COMMUNE,
                    insee_codes=f"{93000 + i:05d}",
                    population=int(150_000 * weight),
                    council_name=f"CLSPD de {name}",
                    address=f"Hôtel de ville\n1 place de la Mairie\n93{i:03d} {name}",
                    phone="01 23 45 67 89",
                    centre_latitude=Decimal("48.85") + Decimal(i) / 1000,
                    centre_longitude=Decimal("2.35") + Decimal(i) / 1000,
                )
            )
        created = Territory.objects.bulk_create(territories, batch_size=BATCH)
        self.territory_ids = [t.pk for t in created]
        neighbourhoods = [
            Neighbourhood(
                territory_id=territory_id,
                name=NEIGHBOURHOOD_NAMES[j],
                is_priority=j % 3 == 1,
                centre_latitude=Decimal("48.85") + Decimal(j) / 500,
                centre_longitude=Decimal("2.35") + Decimal(j) / 500,
            )
            for territory_id in self.territory_ids
            for j in range(NEIGHBOURHOODS_PER_TERRITORY)
        ]
        Neighbourhood.objects.bulk_create(neighbourhoods, batch_size=BATCH)

    def organisations(self) -> list[list[Any]]:
        from tranquillite.accounts.models import Organisation

        rows = []
        for territory_id in self.territory_ids:
            for j in range(self.n_organisations):
                if j < len(FIRST_ORGANISATIONS):
                    kind, name = FIRST_ORGANISATIONS[j]
                else:
                    kind, prefix = OTHER_KINDS[j % len(OTHER_KINDS)]
                    name = f"{prefix} {self.rng.choice(LAST_NAMES)} n° {j}"
                rows.append(
                    Organisation(
                        territory_id=territory_id,
                        name=name,
                        kind=kind,
                        address="1 rue de la République",
                        phone="01 98 76 54 32",
                        email=f"contact@{ascii_slug(name)[:40]}.test",
                        is_active=self.rng.random() > 0.02 or j < len(FIRST_ORGANISATIONS),
                    )
                )
        created = Organisation.objects.bulk_create(rows, batch_size=BATCH)
        return [
            created[k * self.n_organisations : (k + 1) * self.n_organisations]
            for k in range(self.n_territories)
        ]

    # --- accounts and memberships ---------------------------------------------------------
    def accounts(self, organisations: list[list[Any]]) -> tuple[int, int]:
        from django.contrib.auth.hashers import make_password

        from tranquillite.accounts.models import Membership, User

        password_hash = make_password(PASSWORD)  # once, for every account
        roles: dict[tuple[int, int], str] = {}
        for org_index, role, count in ROLE_PLAN:
            first_free = sum(1 for (o, _u) in roles if o == org_index)
            for u in range(first_free, min(first_free + count, self.n_users)):
                roles[(org_index, u)] = role
        free = [
            (o, u)
            for o in range(self.n_organisations)
            for u in range(self.n_users)
            if (o, u) not in roles
        ]
        partner_slot = next((s for s in free if s[0] == PARTNER_ORGANISATION), None) or next(
            iter(free), None
        )
        users: list[User] = []
        plan: list[tuple[int, Any, str, bool]] = []  # territory id, organisation, role, active
        n = 0
        for t_index, territory_id in enumerate(self.territory_ids):
            for o_index, organisation in enumerate(organisations[t_index]):
                domain = f"{organisation.kind.replace('_', '-')}.{SLUG_PREFIX}{t_index + 1:03d}"
                for u_index in range(self.n_users):
                    n += 1
                    role = roles.get((o_index, u_index), "partner_member")
                    first = self.rng.choice(FIRST_NAMES)
                    last = self.rng.choice(LAST_NAMES)
                    email = f"{ascii_slug(first)}.{ascii_slug(last)}.{n}@{domain}.test"
                    job_title = self.rng.choice(JOB_TITLES)
                    key_role = role in {"coordinator", "dpo"}
                    if t_index == 0 and role == "coordinator":
                        email = COORDINATOR_EMAIL
                    elif t_index == 0 and role == "dpo":
                        email = DPO_EMAIL
                    elif t_index == 0 and (o_index, u_index) == partner_slot:
                        email, job_title, key_role = PARTNER_EMAIL, "Commandant de police", True
                    users.append(
                        User(
                            email=email,
                            first_name=first,
                            last_name=last,
                            job_title=job_title,
                            phone=f"01 {n % 100:02d} {n // 100 % 100:02d} 00 00",
                            password=password_hash,
                            is_active=key_role or self.rng.random() > 0.02,
                            date_joined=self.now - timedelta(days=self.rng.randrange(900)),
                        )
                    )
                    plan.append(
                        (territory_id, organisation, role, key_role or self.rng.random() > 0.02)
                    )
        created = User.objects.bulk_create(users, batch_size=BATCH)
        memberships = [
            Membership(
                territory_id=territory_id,
                user_id=user.pk,
                organisation_id=organisation.pk,
                role=role,
                is_active=active,
            )
            for user, (territory_id, organisation, role, active) in zip(created, plan, strict=True)
        ]
        Membership.objects.bulk_create(memberships, batch_size=BATCH)
        org_index = {
            organisation.pk: j
            for territory_orgs in organisations
            for j, organisation in enumerate(territory_orgs)
        }
        for user, (territory_id, organisation, role, active) in zip(created, plan, strict=True):
            self.user_records.setdefault(territory_id, []).append(str(user.public_id))
            if active and user.is_active and role != "tech_admin":
                self.members.setdefault(territory_id, []).append((user.pk, user.email))
                if role != "dpo":
                    self.people.setdefault(territory_id, []).append(
                        Person(user.pk, organisation.pk, org_index[organisation.pk], role)
                    )
            if role == "coordinator":
                self.coordinators.setdefault(territory_id, user.pk)
            if user.email == PARTNER_EMAIL:
                self.partner = (territory_id, user.pk)
        for territory_id in self.territory_ids:
            # Shuffled, so that the busiest actors are anyone, not the first organisation.
            self.rng.shuffle(self.members.setdefault(territory_id, []))
        return len(created), self._authenticators(created, plan)

    def _authenticators(self, users: list[Any], plan: list[tuple[int, Any, str, bool]]) -> int:
        """A TOTP authenticator for each account whose role requires a second factor."""
        from allauth.mfa.models import Authenticator
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
        from allauth.mfa.utils import encrypt

        from tranquillite.accounts.roles import MFA_REQUIRED_ROLES

        required = {role.value for role in MFA_REQUIRED_ROLES}
        acting = {COORDINATOR_EMAIL, DPO_EMAIL, PARTNER_EMAIL}
        # The accounts the runner uses enrol the way a person does (allauth's TOTP);
        # the others share one encrypted secret, which is enough for "has a second factor".
        for user in users:
            if user.email in acting:
                TOTP.activate(user, generate_totp_secret())
        shared = {"secret": encrypt(generate_totp_secret())}
        rows = [
            Authenticator(user_id=user.pk, type=Authenticator.Type.TOTP, data=shared)
            for user, (_t, _o, role, _a) in zip(users, plan, strict=True)
            if role in required and user.email not in acting
        ]
        Authenticator.objects.bulk_create(rows, batch_size=BATCH)
        return len(rows) + sum(1 for user in users if user.email in acting)

    # --- the council ----------------------------------------------------------------------
    def council(self) -> dict[str, int]:
        council = Council(
            rng=self.rng,
            now=self.now,
            people=self.people,
            coordinators=self.coordinators,
            partner=self.partner,
            meetings_per_year=self.meetings_per_year,
        )
        council.build(self.territory_ids)
        self.council_data = council  # the follow-ups need its bodies, members and signatures
        return council.write()

    # --- the strategy -------------------------------------------------------------------------
    def strategy(self) -> StrategyData:
        """Builds the strategy of every territory (after the council: evaluations refer to
        its committees' meetings) and writes all but the measurements."""
        strategy = StrategyData(
            rng=self.rng,
            now=self.now,
            territory_ids=self.territory_ids,
            coordinators=self.coordinators,
            sheets=self.n_sheets,
            indicators=self.n_indicators,
            measurement_years=self.measurement_years,
        )
        strategy.build()
        return strategy

    # --- people and follow-ups ---------------------------------------------------------------
    def follow_ups(self) -> FollowUpData:
        """Plays every territory's follow-ups (after the council: a file belongs to one of its
        nominative bodies, its case workers signed the body's charter)."""
        data = FollowUpData(
            rng=self.rng,
            now=self.now,
            territory_ids=self.territory_ids,
            weights=self.weights,
            council=self.council_data,
            people=self.people,
            coordinators=self.coordinators,
            partner=self.partner,
            persons=self.n_persons,
            follow_ups=self.n_follow_ups,
        )
        data.build()
        return data

    # --- the access log ------------------------------------------------------------------
    def _timestamps(self) -> list[float]:
        """A year of office hours (and a little at night and at weekends), sorted."""
        rng = self.rng
        end = self.now.timestamp() - 3600
        start_day = (self.now - timedelta(days=365)).replace(hour=0, minute=0, second=0)
        start = start_day.timestamp()
        stamps = []
        for _ in range(self.n_access_rows):
            while True:
                day = rng.randrange(365)
                weekday = (start_day.weekday() + day) % 7
                if weekday < 5 or rng.random() < 0.15:
                    break
            if rng.random() < 0.93:
                seconds = 6.5 * 3600 + rng.random() * 11 * 3600  # 08:30–19:30 Paris, roughly
            else:
                seconds = rng.random() * 86_400
            stamps.append(min(start + day * 86_400 + seconds, end))
        stamps.sort()
        return stamps

    def _access_rows(self) -> Iterator[tuple[Any, ...]]:
        rng = self.rng
        actions = [a for a, _w, _r in ACTIONS]
        action_weights = [w for _a, w, _r in ACTIONS]
        with_record = {a for a, _w, r in ACTIONS if r}
        for territory_id in self.territory_ids:
            self.followups[territory_id] = [
                (str(uuid.UUID(int=rng.getrandbits(128), version=4)), f"Suivi 2025-{k + 1:04d}")
                for k in range(FOLLOWUPS_PER_TERRITORY)
            ]
        stamps = self._timestamps()
        territories = rng.choices(self.territory_ids, weights=self.weights, k=len(stamps))
        chosen_actions = rng.choices(actions, weights=action_weights, k=len(stamps))
        for at, territory_id, action in zip(stamps, territories, chosen_actions, strict=True):
            members = self.members[territory_id]
            actor_id: int | None
            if members:
                actor_id, label = skewed(members, rng)
            else:
                actor_id, label = None, "inconnu@example.test"
            object_type = object_id = object_label = reason = ""
            if action in with_record:
                if rng.random() < 0.8:
                    followups = self.followups[territory_id]
                    if rng.random() < HOT_RECORD_SHARE:
                        object_id, object_label = followups[0]
                    else:
                        object_id, object_label = skewed(followups, rng, 1.5)
                    object_type = FOLLOWUP_TYPE
                    path = {
                        "record.read": f"/suivis/{object_id}/",
                        "record.list": "/suivis/",
                        "record.search": "/suivis/?q=rue",
                        "record.print": f"/suivis/{object_id}/imprimer/",
                        "record.export": "/suivis/export/",
                        "record.archive_read": f"/suivis/archives/{object_id}/",
                    }[action]
                else:
                    object_type = USER_TYPE
                    object_id = skewed(self.user_records[territory_id], rng)
                    path = f"/membres/{object_id}/" if action == "record.read" else "/membres/"
            elif action == "auth.login_failed":
                path = "/compte/connexion/"
                if rng.random() < 0.4:
                    actor_id, label = None, f"{label.split('@')[0]}@erreur-de-saisie.test"
            elif action == "audit.export":
                path = "/audit/journal/export/"
            else:
                path = "/compte/connexion/" if action == "auth.login" else "/compte/deconnexion/"
            if action in REASON_REQUIRED:
                reason = rng.choice(REASONS)
            uid = actor_id or 0
            ip = f"10.{uid >> 16 & 255}.{uid >> 8 & 255}.{uid & 255}"
            yield (
                datetime.fromtimestamp(at, UTC),
                actor_id,
                label,
                territory_id,
                action,
                object_type,
                object_id,
                object_label,
                reason,
                path,
                ip,
            )

    def access_log(self) -> None:
        from django.db import connection

        from tranquillite.audit.models import AccessLogEntry

        table = AccessLogEntry._meta.db_table
        if connection.vendor == "postgresql":
            self._copy_access_log(table)
            return
        placeholders = ", ".join(["%s"] * len(ACCESS_COLUMNS))
        sql = f"INSERT INTO {table} ({', '.join(ACCESS_COLUMNS)}) VALUES ({placeholders})"  # noqa: S608
        ops = connection.ops
        batch: list[tuple[Any, ...]] = []
        with connection.cursor() as cursor:
            for row in self._access_rows():
                at, *rest = row
                batch.append(
                    (
                        ops.adapt_datetimefield_value(at),
                        *rest[:-1],
                        ops.adapt_ipaddressfield_value(rest[-1]),
                    )
                )
                if len(batch) >= BATCH:
                    cursor.executemany(sql, batch)
                    batch.clear()
            if batch:
                cursor.executemany(sql, batch)

    def _copy_access_log(self, table: str) -> None:
        from django.db import connection

        def text(value: Any) -> str:
            if value is None:
                return r"\N"
            if isinstance(value, datetime):
                return value.isoformat()
            return str(value)

        buffer = io.StringIO()
        sql = f"COPY {table} ({', '.join(ACCESS_COLUMNS)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.copy(sql) as copy:
            for count, row in enumerate(self._access_rows(), start=1):
                buffer.write("\t".join(map(text, row)))
                buffer.write("\n")
                if count % 20_000 == 0:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
            copy.write(buffer.getvalue())

    def analyse(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # What autovacuum would have done by the time a real log reached this size:
                # statistics for the planner, a visibility map for index-only scans.
                cursor.execute("VACUUM (ANALYZE)")
            else:
                cursor.execute("ANALYZE")


def existing_dataset() -> dict[str, int] | None:
    from tranquillite.accounts.models import Membership, Organisation
    from tranquillite.audit.models import AccessLogEntry
    from tranquillite.core.models import Territory
    from tranquillite.field.models import LogEntry
    from tranquillite.followups.models import FollowUp
    from tranquillite.governance.models import Meeting
    from tranquillite.people.models import Person as FollowedPerson
    from tranquillite.strategy.models import ActionSheet, Measurement

    territories = Territory.objects.filter(slug__startswith=SLUG_PREFIX)
    if not territories.exists():
        return None
    return {
        "territories": territories.count(),
        "organisations": Organisation.objects.filter(territory__in=territories).count(),
        "memberships": Membership.objects.filter(territory__in=territories).count(),
        "access_rows": AccessLogEntry.objects.filter(territory__in=territories).count(),
        "meetings": Meeting.objects.filter(territory__in=territories).count(),
        "action_sheets": ActionSheet.objects.filter(territory__in=territories).count(),
        "measurements": Measurement.objects.filter(territory__in=territories).count(),
        # The follow-ups' people (those of community service come with their placements).
        "persons": FollowedPerson.objects.filter(
            territory__in=territories, placements__isnull=True
        ).count(),
        "follow_ups": FollowUp.objects.filter(territory__in=territories).count(),
        "log_entries": LogEntry.objects.filter(territory__in=territories).count(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), default="foundation")
    parser.add_argument("--territories", type=int, help="overrides the scenario's size")
    parser.add_argument("--organisations", type=int, help="per territory")
    parser.add_argument("--users", type=int, help="per organisation")
    parser.add_argument("--access-rows", type=int)
    parser.add_argument("--meetings-per-year", type=int, help="per territory, over 5 years")
    parser.add_argument("--sheets", type=int, help="action sheets per territory")
    parser.add_argument("--indicators", type=int, help="per action sheet")
    parser.add_argument("--measurement-years", type=int, help="of monthly measurements")
    parser.add_argument("--persons", type=int, help="people in all (followed or not)")
    parser.add_argument("--follow-ups", type=int, help="follow-up files in all")
    parser.add_argument("--alerts", type=int, help="tension alerts in all")
    parser.add_argument("--tig-posts", type=int, help="community-service posts per territory")
    parser.add_argument("--log-entries", type=int, help="field daily-log entries in all")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    scenario = SCENARIOS[args.scenario]
    sizes = {
        "territories": args.territories or scenario.territories,
        "organisations": args.organisations or scenario.organisations,
        "users": args.users or scenario.users,
        "access_rows": args.access_rows if args.access_rows is not None else scenario.access_rows,
        "meetings_per_year": (
            args.meetings_per_year
            if args.meetings_per_year is not None
            else scenario.meetings_per_year
        ),
        "sheets": args.sheets if args.sheets is not None else scenario.sheets,
        "indicators": args.indicators if args.indicators is not None else scenario.indicators,
        "measurement_years": (
            args.measurement_years
            if args.measurement_years is not None
            else scenario.measurement_years
        ),
        "persons": args.persons if args.persons is not None else scenario.persons,
        "follow_ups": args.follow_ups if args.follow_ups is not None else scenario.follow_ups,
        "alerts": args.alerts if args.alerts is not None else scenario.alerts,
        "tig_posts": args.tig_posts if args.tig_posts is not None else scenario.tig_posts,
        "log_entries": args.log_entries if args.log_entries is not None else scenario.log_entries,
    }

    setup_django()
    from django.core.cache import cache
    from django.db import connection, transaction

    expected = {
        "territories": sizes["territories"],
        "organisations": sizes["territories"] * sizes["organisations"],
        "memberships": sizes["territories"] * sizes["organisations"] * sizes["users"],
        "meetings": sizes["territories"]
        * sum(meeting_counts(sizes["meetings_per_year"]))
        * GOVERNANCE_YEARS,
        "action_sheets": sizes["territories"] * sizes["sheets"],
        "measurements": sizes["territories"]
        * sizes["sheets"]
        * sizes["indicators"]
        * 12
        * sizes["measurement_years"],
        "persons": sizes["persons"],
        "follow_ups": sizes["follow_ups"],
        "log_entries": sizes["log_entries"],
    }
    found = existing_dataset()
    if found is not None:
        if all(found[key] == value for key, value in expected.items()):
            print(f"Benchmark data already present ({found}): nothing to do.")
            return 0
        print(
            f"The database already holds another benchmark data set ({found}); "
            "use a fresh database.",
            file=sys.stderr,
        )
        return 1

    print(
        f"Generating on {connection.vendor}: {sizes['territories']} territories × "
        f"{sizes['organisations']} organisations × {sizes['users']} users, "
        f"{sizes['access_rows']:,} access-log rows, "
        f"{sizes['meetings_per_year']} meetings a year per territory over "
        f"{GOVERNANCE_YEARS} years, "
        f"{sizes['sheets']} action sheets × {sizes['indicators']} indicators × "
        f"{sizes['measurement_years']} years of monthly measurements, "
        f"{sizes['persons']:,} people and {sizes['follow_ups']:,} follow-ups",
        flush=True,
    )
    n_alerts = sizes["alerts"]
    generator = Generator(
        **{k: v for k, v in sizes.items() if k not in ("alerts", "tig_posts", "log_entries")},
        seed=args.seed,
    )
    clock = Stopwatch()
    with transaction.atomic():
        generator.territories()
        clock.lap("territories", f"{sizes['territories']} + neighbourhoods")
        organisations = generator.organisations()
        clock.lap("organisations", f"{expected['organisations']:,}")
        n_users, n_authenticators = generator.accounts(organisations)
        clock.lap("accounts", f"{n_users:,} users and memberships, {n_authenticators:,} TOTP")
    with transaction.atomic():
        council = generator.council()
    clock.lap(
        "council",
        f"{council['bodies']:,} bodies, {council['body_members']:,} members, "
        f"{council['meetings']:,} meetings, {council['attendances']:,} attendances, "
        f"{council['decisions']:,} decisions, {council['tasks']:,} tasks",
    )
    with transaction.atomic():
        strategy = generator.strategy()
        clock.lap("strategy (build)", f"{len(strategy.curves):,} indicators")
        written = strategy.write()
        clock.lap(
            "strategy (write)",
            f"{written['action_sheets']:,} sheets, {written['budget_lines']:,} budget lines, "
            f"{written['activities']:,} activities, {written['participant_counts']:,} counts, "
            f"{written['evaluations']:,} evaluations",
        )
    with transaction.atomic():  # its own: the foreign keys are added after the rows
        written["measurements"] = strategy.write_measurements()
    clock.lap("measurements", f"{written['measurements']:,} rows")
    follow_ups = generator.follow_ups()
    clock.lap(
        "follow-ups (play)",
        f"{len(follow_ups.files):,} files, {len(follow_ups.people):,} people "
        f"({follow_ups.dropped:,} more files played and left out as already purged)",
    )
    people = follow_ups.write_people()
    rows = people["persons"] + people["guardians"]
    clock.lap(
        "people (write)",
        f"{people['persons']:,} people, {people['guardians']:,} guardians "
        f"({rows / max(clock.running, 0.01):,.0f} rows/s)",
    )
    files = follow_ups.write_files()
    rows = sum(v for k, v in files.items() if k != "open_deadlines")
    clock.lap(
        "follow-ups (write)",
        f"{files['follow_ups']:,} files, {files['deadlines']:,} deadlines "
        f"({files['open_deadlines']:,} open), {files['support_actions']:,} actions, "
        f"{files['case_statistics']:,} statistics, {files['outgoing_mail']:,} letters "
        f"({rows / max(clock.running, 0.01):,.0f} rows/s)",
    )
    files["events"] = follow_ups.write_events()
    clock.lap(
        "steps (write)",
        f"{files['events']:,} rows ({files['events'] / max(clock.running, 0.01):,.0f} rows/s)",
    )
    alerts = write_alerts(
        rng=generator.rng,
        now=generator.now,
        territory_ids=generator.territory_ids,
        coordinators=generator.coordinators,
        alerts=n_alerts,
    )
    clock.lap(
        "tension alerts",
        f"{alerts['alerts']:,} alerts, {alerts['responses']:,} responses, "
        f"{alerts['figures']:,} figures",
    )
    tig = write_community_service(
        rng=generator.rng,
        now=generator.now,
        territory_ids=generator.territory_ids,
        posts=sizes["tig_posts"],
    )
    clock.lap(
        "community service",
        f"{tig['posts']:,} posts, {tig['placements']:,} placements "
        f"({tig['purged']:,} more already purged), {tig['sessions']:,} sessions "
        f"({tig['sessions'] / max(clock.running, 0.01):,.0f} sessions/s), "
        f"{tig['statistics']:,} statistics",
    )
    field = write_field(
        rng=generator.rng,
        now=generator.now,
        territory_ids=generator.territory_ids,
        weights=generator.weights,
        people=generator.people,
        entries=sizes["log_entries"],
    )
    clock.lap(
        "field presence",
        f"{field['teams']:,} teams, {field['sectors']:,} sectors, {field['shifts']:,} shifts, "
        f"{field['shift_members']:,} shift members, {field['entries']:,} log entries "
        f"({field['entries'] / max(clock.running, 0.01):,.0f} entries/s)",
    )
    with transaction.atomic():
        generator.access_log()
    clock.lap("access log", f"{sizes['access_rows']:,} rows")
    generator.analyse()
    clock.lap("vacuum/analyse")
    cache.set(
        DATASET_CACHE_KEY,
        {
            "scenario": args.scenario,
            "sizes": sizes,
            "seed": args.seed,
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "vendor": connection.vendor,
            "council": council,
            "strategy": written,
            "follow_ups": {**people, **files, **follow_ups.summary()},
            "tensions": alerts,
            "community_service": tig,
            "field": field,
            "seconds": {**clock.stages, "total": clock.total},
        },
        timeout=None,
    )
    print(f"Done in {clock.total:.1f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
