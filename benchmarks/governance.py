"""The council of every generated territory: bodies, members, charters, meetings and their
agendas, attendances, decisions and follow-up tasks (used by `benchmarks.generate`).

Per territory: the 8 bodies of `BODY_PLAN` (plenary, steering and monitoring committees,
4 working groups and the family council that handle nominative cases), 10–25 members each
drawn from a "council pool" of the territory's accounts (the same people sit in several
bodies, as they do), an ethics charter (v1) on each nominative body signed by most of its
members, and `meetings_per_year` meetings a year over `GOVERNANCE_YEARS` years, the last two
months still ahead. A meeting has 5 agenda items (on a nominative body, 2–4 of them
confidential: a case number such as RAO-2026-0012 and no title); a held one (past, 96 %)
also has an attendance per member of the body at that date and 2–3 decisions with 1–2
follow-up tasks each, owned by members of the body, due 2 weeks to 3 months later, mostly
done when long past due and mostly open when not yet due. Past meetings are otherwise
cancelled (agenda only), future ones planned (agenda only).

The coordinator of each territory belongs to all its bodies and chairs all but the plenary
(an elected official does). In the benchmark territory, the partner account the runner
signs in as sits in five bodies and owns exactly `PARTNER_OPEN_TASKS` open tasks.

Rows go in with explicit ids (then the sequences are reset): on PostgreSQL through `COPY`,
elsewhere through `executemany`, so that 600,000 rows take seconds, not minutes.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from benchmarks.scenarios import GOVERNANCE_YEARS
from tranquillite.core.bulk import write_rows

PARIS = ZoneInfo("Europe/Paris")
# The last meetings are this far ahead: planned, with an agenda and nothing else yet.
AHEAD_DAYS = 60
CANCELLED_SHARE = 0.04
# (kind, name, handles nominative cases, meetings a year out of 50, members (min, max),
# prefix of its case numbers)
BODY_PLAN = (
    ("plenary", "Assemblée plénière du CLSPD", False, 2, (22, 25), ""),
    ("steering_committee", "Comité de pilotage", False, 4, (12, 16), ""),
    (
        "monitoring_committee",
        "Comité de suivi de la stratégie territoriale",
        False,
        4,
        (10, 14),
        "",
    ),
    (
        "working_group",
        "Groupe de travail — Prévention de la délinquance des mineurs",
        True,
        8,
        (14, 20),
        "GTM",
    ),
    ("working_group", "Groupe de travail — Tranquillité résidentielle", True, 8, (12, 18), "GTR"),
    ("working_group", "Groupe de travail — Violences intrafamiliales", True, 8, (12, 18), "VIF"),
    ("working_group", "Groupe de travail — Prévention de la récidive", True, 8, (10, 16), "REC"),
    (
        "family_council",
        "Conseil pour les droits et devoirs des familles",
        True,
        8,
        (10, 14),
        "RAO",
    ),
)
PURPOSES = {
    "plenary": "Réunit une fois par an au moins l'ensemble des membres du CLSPD.",
    "steering_committee": "Arrête les orientations de la stratégie territoriale.",
    "monitoring_committee": "Suit la mise en œuvre des actions et leurs indicateurs.",
    "working_group": "Échange d'informations confidentielles (art. L132-5 CSI).",
    "family_council": "Conseil pour les droits et devoirs des familles (art. L141-1 CASF).",
}
# The benchmark territory's partner sits in these bodies (indexes of BODY_PLAN): the plenary,
# the steering committee and three working groups.
PARTNER_BODIES = frozenset({0, 1, 3, 4, 5})
PARTNER_OPEN_TASKS = 30
# People of the territory who sit in the council, besides the coordinator, elected officials
# and the director; drawn mostly from the first organisations (police, justice, city...).
POOL_SIZE = 55
NOMINATIVE_ROLES = frozenset(
    {"coordinator", "director", "elected_official", "partner_member", "supervisor", "dpo"}
)
PLACES = (
    "Hôtel de ville, salle du conseil",
    "Hôtel de ville, salle des commissions",
    "Maison de la justice et du droit",
    "Commissariat, salle de réunion",
    "Centre social des Tilleuls",
    "Visioconférence",
)
HOURS = ((9, 30), (10, 0), (14, 0), (14, 30), (17, 30))
OPEN_ITEMS = (
    "Approbation du relevé de décisions de la dernière réunion",
    "Bilan des faits constatés du trimestre",
    "Point sur les actions de la stratégie territoriale",
    "Retour de la police municipale",
    "Retour du parquet",
    "Tranquillité des abords des établissements scolaires",
    "Rodéos urbains : bilan des opérations",
    "Médiation de nuit : horaires d'été",
    "Vidéoprotection : nouvelles implantations",
    "Questions diverses",
)
OPEN_DECISIONS = (
    "Le bilan présenté est validé et sera diffusé aux partenaires.",
    "Une réunion de quartier est organisée avec le bailleur et la police municipale.",
    "Le plan d'action contre les rodéos urbains est reconduit pour six mois.",
    "Une marche exploratoire est programmée dans le quartier prioritaire.",
    "Les horaires de la médiation de nuit sont étendus pendant l'été.",
    "Le diagnostic local de sécurité est mis à jour avec les chiffres du trimestre.",
)
CASE_DECISIONS = (
    "orientation vers le programme de réussite éducative",
    "rappel à l'ordre par le maire",
    "accompagnement par l'éducateur de prévention",
    "proposition d'une mesure de responsabilisation",
    "nouveau point de situation à la prochaine réunion",
    "saisine du conseil pour les droits et devoirs des familles",
    "clôture du suivi",
)
TASKS = (
    "Transmettre le relevé de décisions aux partenaires",
    "Prendre contact avec le bailleur social",
    "Organiser une rencontre avec l'établissement scolaire",
    "Préparer les chiffres du trimestre",
    "Relancer le service social du département",
    "Proposer une date de rencontre à la famille",
    "Vérifier la mise en œuvre de la mesure",
    "Rédiger la note au maire",
)
# (presence, weight)
PRESENCES = (("present", 72), ("represented", 6), ("excused", 15), ("absent", 7))
CHARTER_TEXT = "\n\n".join(
    [
        "Charte déontologique du groupe de travail",
        "1. Les membres du groupe échangent des faits et informations à caractère "
        "confidentiel dans le seul but de prévenir la délinquance (article L132-5 du code "
        "de la sécurité intérieure). Ils ne peuvent les communiquer à des tiers.",
        "2. Un dossier est désigné par son numéro, jamais par le nom d'une personne, dans "
        "l'ordre du jour, le relevé de décisions et toute correspondance.",
        "3. Chaque membre n'accède qu'aux dossiers du groupe, après avoir signé la présente "
        "charte ; tout accès est journalisé.",
        "4. Le secret professionnel de chacun demeure : seules les informations strictement "
        "nécessaires sont partagées.",
        "5. Un manquement entraîne la suspension du membre, décidée par le coordonnateur.",
    ]
)


class Rows:
    """Rows of one table, written at the end with explicit ids."""

    def __init__(self, model: Any, fields: Sequence[str], first_id: int | None = None) -> None:
        self.model = model
        self.fields = list(fields)
        self.rows: list[list[Any]] = []
        self.next_id = first_id

    def add(self, *values: Any) -> int:
        """Appends a row; returns its id when the table's ids are explicit."""
        if self.next_id is None:
            self.rows.append(list(values))
            return 0
        pk = self.next_id
        self.next_id += 1
        self.rows.append([pk, *values])
        return pk

    def __len__(self) -> int:
        return len(self.rows)

    def write(self) -> None:
        fields = (["id"] if self.next_id is not None else []) + self.fields
        write_rows(self.model, fields, self.rows)


def first_free_id(model: Any) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(last=Max("pk"))["last"] or 0) + 1


def reset_sequences(models: Sequence[Any]) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def meeting_counts(per_year: int) -> list[int]:
    """Meetings a year of each body of BODY_PLAN, `per_year` in all (largest remainder)."""
    shares = [plan[3] for plan in BODY_PLAN]
    exact = [per_year * share / sum(shares) for share in shares]
    counts = [int(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: counts[i] - exact[i])
    for i in by_remainder[: per_year - sum(counts)]:
        counts[i] += 1
    return counts


class Person:
    __slots__ = ("organisation_id", "organisation_index", "role", "user_id")

    def __init__(self, user_id: int, organisation_id: int, organisation_index: int, role: str):
        self.user_id = user_id
        self.organisation_id = organisation_id
        self.organisation_index = organisation_index
        self.role = role


class Council:
    def __init__(
        self,
        *,
        rng: random.Random,
        now: datetime,
        people: dict[int, list[Person]],  # territory id -> active accounts, by organisation
        coordinators: dict[int, int],  # territory id -> the coordinator's user id
        partner: tuple[int, int] | None,  # (territory id, user id) of the acting partner
        meetings_per_year: int,
    ) -> None:
        from tranquillite.governance.models import (
            AgendaItem,
            Attendance,
            Body,
            BodyMember,
            CharterSignature,
            Decision,
            EthicsCharter,
            FollowUpTask,
            Meeting,
        )

        self.rng = rng
        self.now = now
        self.today = now.astimezone(PARIS).date()
        self.people = people
        self.coordinators = coordinators
        self.partner = partner
        self.counts = meeting_counts(meetings_per_year)
        self.end = now + timedelta(days=AHEAD_DAYS)
        self.start = self.end - timedelta(days=365 * GOVERNANCE_YEARS)
        self.id_models = [Body, BodyMember, EthicsCharter, Meeting, Decision]
        self.bodies = Rows(
            Body,
            ["territory", "public_id", "name", "kind", "purpose", "handles_cases", "is_active"],
            first_free_id(Body),
        )
        self.members = Rows(
            BodyMember,
            [
                "territory",
                "public_id",
                "body",
                "user",
                "contact_name",
                "contact_email",
                "organisation",
                "is_chair",
                "status",
                "status_reason",
                "status_changed_at",
                "status_changed_by",
            ],
            first_free_id(BodyMember),
        )
        self.charters = Rows(
            EthicsCharter,
            ["territory", "public_id", "body", "version", "text", "published_at", "published_by"],
            first_free_id(EthicsCharter),
        )
        self.signatures = Rows(CharterSignature, ["territory", "member", "charter", "signed_at"])
        self.meetings = Rows(
            Meeting,
            [
                "territory",
                "public_id",
                "body",
                "starts_at",
                "place",
                "status",
                "minutes_summary",
                "cancellation_reason",
            ],
            first_free_id(Meeting),
        )
        self.items = Rows(
            AgendaItem,
            [
                "territory",
                "public_id",
                "meeting",
                "position",
                "title",
                "is_confidential",
                "case_number",
            ],
        )
        self.attendances = Rows(Attendance, ["territory", "meeting", "member", "presence"])
        self.decisions = Rows(
            Decision,
            ["territory", "public_id", "meeting", "text", "created_at"],
            first_free_id(Decision),
        )
        self.tasks = Rows(
            FollowUpTask,
            [
                "territory",
                "public_id",
                "decision",
                "title",
                "owner",
                "due_on",
                "status",
                "completed_at",
            ],
        )
        # Open tasks of the partner's bodies: (row, the owners it could have had).
        self.partner_open: list[tuple[list[Any], list[int]]] = []

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def moment(self, start: datetime, end: datetime) -> datetime:
        return start + (end - start) * self.rng.random()

    # --- building -------------------------------------------------------------------------
    def build(self, territory_ids: Sequence[int]) -> None:
        for territory_id in territory_ids:
            self.territory(territory_id)
        self.settle_partner_tasks()

    def council_pool(self, territory_id: int) -> tuple[list[Person], list[Person]]:
        """(elected officials, the others who sit in the council), coordinator excluded."""
        rng = self.rng
        people = [p for p in self.people.get(territory_id, []) if p.role != "coordinator"]
        elected = [p for p in people if p.role == "elected_official"]
        directors = [p for p in people if p.role == "director"]
        others = [p for p in people if p.role not in {"elected_official", "director"}]
        # Weighted sample without replacement (the first organisations weigh five times more).
        others.sort(key=lambda p: -(rng.random() ** (1 / (5 if p.organisation_index < 14 else 1))))
        return elected, directors + others[:POOL_SIZE]

    def territory(self, territory_id: int) -> None:
        rng = self.rng
        coordinator = self.coordinators.get(territory_id)
        partner = self.partner[1] if self.partner and self.partner[0] == territory_id else None
        elected, pool = self.council_pool(territory_id)
        by_user = {p.user_id: p for p in self.people.get(territory_id, [])}
        cases: dict[str, int] = {}  # "RAO-2026" -> last number
        for index, (kind, name, nominative, _share, (low, high), prefix) in enumerate(BODY_PLAN):
            body_id = self.bodies.add(
                territory_id, self.uuid(), name, kind, PURPOSES[kind], nominative, True
            )
            # Members: the coordinator, the partner where it sits, every elected official on
            # the plenary, then the pool (only roles that may reach nominative data on a
            # nominative body).
            forced = [u for u in (coordinator,) if u is not None]
            if partner is not None and index in PARTNER_BODIES:
                forced.append(partner)
            if kind == "plenary":
                forced += [p.user_id for p in elected]
            candidates = [
                p.user_id
                for p in pool
                if p.user_id not in forced and (not nominative or p.role in NOMINATIVE_ROLES)
            ]
            size = rng.randint(low, high)
            chosen = forced + rng.sample(
                candidates, max(0, min(size - len(forced), len(candidates)))
            )
            chair = elected[0].user_id if kind == "plenary" and elected else coordinator
            members: list[tuple[int, int, datetime | None]] = []  # member id, user id, until
            for user_id in chosen:
                status, reason, changed_at, until = "active", "", None, None
                if user_id not in forced:
                    draw = rng.random()
                    if draw < 0.04:
                        status, reason = "left", "Changement d'affectation"
                        changed_at = until = self.moment(self.start, self.now)
                    elif draw < 0.06:
                        status, reason = "suspended", "Manquement à la charte (diffusion)"
                        changed_at = until = self.moment(self.now - timedelta(days=365), self.now)
                person = by_user[user_id]
                member_id = self.members.add(
                    territory_id,
                    self.uuid(),
                    body_id,
                    user_id,
                    "",
                    "",
                    person.organisation_id,
                    user_id == chair,
                    status,
                    reason,
                    changed_at,
                    coordinator if changed_at else None,
                )
                members.append((member_id, user_id, until))
            if nominative:
                published = self.start - timedelta(days=30)
                charter_id = self.charters.add(
                    territory_id, self.uuid(), body_id, 1, CHARTER_TEXT, published, coordinator
                )
                for member_id, user_id, _until in members:
                    if user_id in forced or rng.random() < 0.85:
                        signed = published + timedelta(days=rng.uniform(1, 90))
                        self.signatures.add(territory_id, member_id, charter_id, signed)
            self.body_meetings(
                territory_id, body_id, index, nominative, prefix, members, cases, partner
            )

    def body_meetings(
        self,
        territory_id: int,
        body_id: int,
        index: int,
        nominative: bool,
        prefix: str,
        members: list[tuple[int, int, datetime | None]],
        cases: dict[str, int],
        partner: int | None,
    ) -> None:
        rng = self.rng
        count = self.counts[index] * GOVERNANCE_YEARS
        if not count:
            return
        step = (self.end - self.start) / count
        place = rng.choice(PLACES)
        for k in range(count):
            day = (self.start + step * (k + 0.5) + timedelta(days=rng.uniform(-5, 5))).date()
            day += timedelta(days={5: -1, 6: 1}.get(day.weekday(), 0))  # a weekday
            hour, minute = rng.choice(HOURS)
            starts_at = datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)
            if starts_at > self.now:
                status = "planned"
            else:
                status = "cancelled" if rng.random() < CANCELLED_SHARE else "held"
            summary = (
                "Tour de table des partenaires et examen des points inscrits à l'ordre du jour."
                if status == "held"
                else ""
            )
            meeting_id = self.meetings.add(
                territory_id,
                self.uuid(),
                body_id,
                starts_at,
                rng.choice(PLACES) if rng.random() < 0.2 else place,
                status,
                summary,
                "",
            )
            # Agenda: 5 items; on a nominative body, 2–4 confidential cases.
            n_cases = rng.randint(2, 4) if nominative else 0
            confidential = set(rng.sample(range(2, 6), n_cases))
            titles = rng.sample(OPEN_ITEMS[1:], 5)
            meeting_cases = []
            for position in range(1, 6):
                if position in confidential:
                    key = f"{prefix}-{day.year}"
                    cases[key] = cases.get(key, 0) + 1
                    number = f"{key}-{cases[key]:04d}"
                    meeting_cases.append(number)
                    self.items.add(
                        territory_id, self.uuid(), meeting_id, position, "", True, number
                    )
                else:
                    title = OPEN_ITEMS[0] if position == 1 else titles[position - 1]
                    self.items.add(
                        territory_id, self.uuid(), meeting_id, position, title, False, ""
                    )
            if status != "held":
                continue
            present = [(m, u) for m, u, until in members if until is None or until > starts_at]
            for member_id, _user_id in present:
                presence = rng.choices(PRESENCES, weights=[w for _p, w in PRESENCES])[0][0]
                self.attendances.add(territory_id, meeting_id, member_id, presence)
            owners = [u for _m, u in present]
            for d in range(rng.randint(2, 3)):
                case = meeting_cases[d % len(meeting_cases)] if meeting_cases else ""
                text = (
                    f"Dossier {case} : {rng.choice(CASE_DECISIONS)}."
                    if case
                    else rng.choice(OPEN_DECISIONS)
                )
                decided = starts_at + timedelta(hours=2, minutes=d)
                decision_id = self.decisions.add(
                    territory_id, self.uuid(), meeting_id, text, decided
                )
                for _t in range(rng.randint(1, 2)):
                    self.task(territory_id, decision_id, case, day, owners, index, partner)

    def task(
        self,
        territory_id: int,
        decision_id: int,
        case: str,
        day: date,
        owners: list[int],
        index: int,
        partner: int | None,
    ) -> None:
        rng = self.rng
        due = day + timedelta(days=rng.randint(14, 90))
        late = (self.today - due).days
        if late < 0:  # not due yet
            weights = (62, 30, 8, 0)
        elif late < 90:
            weights = (25, 20, 50, 5)
        else:
            weights = (4, 2, 85, 9)
        status = rng.choices(("open", "in_progress", "done", "cancelled"), weights=weights)[0]
        completed = None
        if status == "done":
            done_day = day + timedelta(days=rng.randint(3, max(3, (due - day).days + 20)))
            completed = min(
                datetime(done_day.year, done_day.month, done_day.day, 16, 0, tzinfo=PARIS),
                self.now,
            )
        title = rng.choice(TASKS)
        if case:
            title = f"Dossier {case} : {title[0].lower()}{title[1:]}"
        row = [
            territory_id,
            self.uuid(),
            decision_id,
            title,
            rng.choice(owners),
            due,
            status,
            completed,
        ]
        self.tasks.add(*row)
        if partner is not None and index in PARTNER_BODIES and status in {"open", "in_progress"}:
            self.partner_open.append((self.tasks.rows[-1], owners))

    def settle_partner_tasks(self) -> None:
        """Exactly PARTNER_OPEN_TASKS open tasks for the benchmark territory's partner: give
        them the latest open tasks of the bodies they sit in (or hand some to others)."""
        if self.partner is None:
            return
        partner = self.partner[1]
        owner = self.tasks.fields.index("owner")  # the tasks' ids are not explicit
        mine = [(row, owners) for row, owners in self.partner_open if row[owner] == partner]
        others = [(row, owners) for row, owners in self.partner_open if row[owner] != partner]
        # The most recent first: mostly tasks not yet due, a few late ones.
        due = self.tasks.fields.index("due_on")
        others.sort(key=lambda task: task[0][due], reverse=True)
        for row, _owners in others[: max(0, PARTNER_OPEN_TASKS - len(mine))]:
            row[owner] = partner
        for row, owners in mine[PARTNER_OPEN_TASKS:]:
            row[owner] = self.rng.choice([u for u in owners if u != partner] or [partner])

    # --- writing --------------------------------------------------------------------------
    def write(self) -> dict[str, int]:
        tables = {
            "bodies": self.bodies,
            "body_members": self.members,
            "charters": self.charters,
            "signatures": self.signatures,
            "meetings": self.meetings,
            "agenda_items": self.items,
            "attendances": self.attendances,
            "decisions": self.decisions,
            "tasks": self.tasks,
        }
        for rows in tables.values():
            rows.write()
        reset_sequences(self.id_models)
        return {name: len(rows) for name, rows in tables.items()}
