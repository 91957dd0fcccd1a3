"""The strategy of every generated territory: a current territorial strategy (STSPD), its
axes and action sheets with partners, neighbourhoods, budget lines, indicators and their
monthly measurements, activities with participant counts, and the committees' evaluations
(used by `benchmarks.generate`, after the council, whose meetings the evaluations refer to).

Per territory: one current territorial strategy in `len(AXES)` (6) axes, which began
`measurement_years` years ago (on the first day of the month) and ends at the end of next
year. `sheets` action sheets spread over the axes (numbered `2.7`), each with a lead and 2–3
partners with their roles, drawn from the organisations that carry actions (not the DPO, the
mayor's office or IT; the first organisations — city services, police, justice — more
often), 1–2 of the territory's neighbourhoods, a diagnosis finding, objectives, a target
public and a calendar; 2–3 budget lines a year (the city always, the FIPD on two sheets out
of three, never more than the city, then the Département, landlords or the CAF) over the
strategy's years.

Each sheet has `indicators` indicators (a mix of outputs and outcomes drawn from
`INDICATORS`, each with its unit, direction, baseline and target, about 60 % shown in the
public summary) and, for each, one measurement at the end of every month over the last
`measurement_years` years (60: `indicators` × 60 × sheets × territories rows, 6,000,000 in
the foundation scenario): a trend from the baseline towards the target (reached or not),
with a seasonal wobble and noise; two indicators out of three imported, the others entered
by hand by the coordinator.

2–6 activities per sheet (workshops, classroom sessions requested by a school, awareness
events) over the strategy's years: past ones held (90 %) or cancelled, the next ones
planned; a held activity has participant counts by age band and sex (never a name), and is
run by the lead and perhaps a partner.

2–8 evaluations per sheet, each in a held meeting of the territory's steering or
monitoring committee since the strategy began, progress rising from one to the next. The
sheet's `status`, `progress` and `next_review_on` follow its latest evaluation by the rule of
`strategy/evaluations.py` (six months on, three when at risk, late or reoriented, none once
done or stopped). About `DUE_SHARE` of each territory's sheets — exactly that share in the
benchmark territory (45 of 100) — are due for review by the day of the territory's next
planned monitoring committee: its committee pack holds them. The others were reviewed too
recently, or are done or stopped (~16 %).

Rows go in with explicit ids where other rows refer to them (then the sequences are reset):
on PostgreSQL through `COPY` (the measurements as text, streamed, never all in memory),
elsewhere through `executemany`.
"""

from __future__ import annotations

import calendar
import io
import random
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, cast
from zoneinfo import ZoneInfo

from benchmarks.governance import Rows, first_free_id, reset_sequences
from tranquillite.core.bulk import write_rows

PARIS = ZoneInfo("Europe/Paris")
# Share of the sheets due for review by the next monitoring committee (exact in the benchmark
# territory, the first one: its committee pack holds 45 sheets out of 100).
DUE_SHARE = 0.45
# Share of sheets whose last evaluation closed them (done, stopped).
DONE_SHARE = 0.12
STOPPED_SHARE = 0.04
REVIEW_MONTHS = 6  # as strategy/evaluations.py: next_review_after
SOONER_REVIEW_MONTHS = 3
EVALUATING_KINDS = ("steering_committee", "monitoring_committee")
# Organisations that do not carry actions (indexes of generate.FIRST_ORGANISATIONS): the
# DPO, the mayor's office, IT.
NOT_ACTORS = frozenset({1, 2, 9})
MEASUREMENT_CHUNK = 20_000

AXES = (
    "Prévention de la délinquance des jeunes",
    "Tranquillité publique et présence de terrain",
    "Prévention de la récidive",
    "Aide aux victimes et lutte contre les violences intrafamiliales",
    "Lutte contre les trafics, les rixes et les rodéos",
    "Coordination, observation et évaluation",
)
# Titles of action sheets, by axis (index of AXES); a sheet may add a neighbourhood's name.
SHEET_TITLES = (
    (
        "Rappel à l'ordre des mineurs et accompagnement de six mois",
        "Projet jeunes–police : quatre ateliers par an",
        "Interventions de policiers en classe sur le cyberharcèlement",
        "Lutte contre le décrochage scolaire : une classe relais",
        "Soutien à la parentalité",
        "Accompagnement des exclusions temporaires",
        "Chantiers éducatifs",
        "Actions d'été pour les 11–17 ans",
    ),
    (
        "Médiation sociale en soirée",
        "Gardes de parcs : présence et prévention des rixes",
        "Tranquillité dans les halls d'immeubles",
        "Gestion des conflits de voisinage",
        "Animation des squares et des parcs",
        "Sécurisation des abords des établissements scolaires",
        "Marches exploratoires de femmes",
    ),
    (
        "Accueil de TIG dans les services municipaux",
        "Prévention de la récidive : alternatives à l'incarcération",
        "Insertion professionnelle des sortants de prison",
        "Stages de citoyenneté",
        "Accompagnement des jeunes suivis par la PJJ",
    ),
    (
        "Aide aux victimes et orientation",
        "Accueil des victimes de violences intrafamiliales",
        "Logement d'urgence des victimes de violences conjugales",
        "Intervenant social en commissariat",
        "Permanences d'accès au droit",
    ),
    (
        "Lutte contre les trafics dans les halls",
        "Prévention des rixes entre quartiers",
        "Rodéos urbains : prévention et saisies",
        "Vidéoprotection des espaces publics",
        "Traitement des épaves et véhicules ventouses",
    ),
    (
        "Observatoire local de la délinquance",
        "Cellule de veille éducative",
        "Groupe bailleurs",
        "Formation commune des acteurs de la prévention",
        "Échanges d'information entre partenaires",
        "Évaluation de la stratégie territoriale",
    ),
)
FINDINGS = (
    "Le diagnostic local de sécurité relève une hausse des faits commis par des mineurs de "
    "13 à 16 ans, le soir, aux abords des équipements.",
    "Les partenaires signalent des regroupements et des nuisances dans les parties communes, "
    "et un sentiment d'insécurité des locataires.",
    "Les victimes restent peu orientées vers l'aide disponible ; les délais de prise en charge "
    "sont longs.",
    "Les échanges entre partenaires sont irréguliers et les chiffres du territoire peu suivis.",
)
OBJECTIVES = (
    "Réduire les passages à l'acte et accompagner les familles.",
    "Assurer une présence de terrain régulière et apaiser les conflits d'usage.",
    "Orienter chaque victime en moins de 48 heures.",
    "Partager un tableau de bord commun et le présenter au comité de suivi.",
)
TARGET_PUBLICS = (
    "Jeunes de 11 à 17 ans et leurs parents",
    "Habitants des quartiers prioritaires",
    "Victimes et leurs proches",
    "Partenaires du CLSPD",
    "Personnes sous main de justice",
)
CALENDARS = (
    "Lancement au premier trimestre, bilan d'étape au comité de suivi, bilan annuel en "
    "assemblée plénière.",
    "Quatre séances par an, une réunion de préparation avec les partenaires avant chacune.",
    "Mise en place progressive quartier par quartier ; évaluation à mi-parcours.",
)
PARTNER_ROLES = (
    "Cofinancement et participation au comité de suivi",
    "Mise à disposition de locaux",
    "Orientation des publics",
    "Animation des séances",
    "Appui méthodologique et évaluation",
    "Repérage des situations",
    "Présence sur le terrain",
)
# (kind, name, unit, direction, baseline range): a monthly figure (or a rate, "%").
INDICATORS = (
    ("output", "Séances organisées", "séances", "increase", (2, 12)),
    ("output", "Jeunes accompagnés", "jeunes", "increase", (5, 40)),
    ("output", "Familles reçues", "familles", "increase", (3, 25)),
    ("output", "Heures de présence sur le terrain", "heures", "increase", (40, 300)),
    ("output", "Partenaires mobilisés", "partenaires", "increase", (2, 10)),
    ("output", "Classes sensibilisées", "classes", "increase", (1, 8)),
    ("output", "Personnes orientées", "personnes", "increase", (5, 60)),
    ("output", "Interventions réalisées", "interventions", "increase", (10, 120)),
    ("outcome", "Taux de participation", "%", "increase", (40, 70)),
    ("outcome", "Faits signalés dans le secteur", "faits", "decrease", (10, 80)),
    ("outcome", "Mineurs sans réitération à 6 mois", "%", "increase", (50, 75)),
    ("outcome", "Conflits résolus par la médiation", "%", "increase", (45, 70)),
    ("outcome", "Habitants se sentant en sécurité", "%", "increase", (35, 60)),
    ("outcome", "Appels pour nuisances", "appels", "decrease", (20, 150)),
    ("outcome", "Dégradations constatées", "faits", "decrease", (5, 60)),
    ("outcome", "Absentéisme scolaire", "%", "decrease", (5, 20)),
)
ACTIVITY_TITLES = {
    "workshop": ("Atelier d'échange", "Atelier jeunes–police", "Atelier parents"),
    "classroom_session": ("Intervention en classe", "Séance de sensibilisation au collège"),
    "awareness_event": ("Réunion publique", "Stand d'information", "Marche exploratoire"),
    "other": ("Réunion de partenaires", "Permanence"),
}
PLACES = (
    "Maison de quartier",
    "Centre social",
    "Collège Jean-Moulin",
    "Hôtel de ville, salle des fêtes",
    "Gymnase municipal",
)
AGE_BANDS = ("11_13", "14_17", "18_25")
COMMENTS = {
    "on_track": ("Calendrier tenu, à poursuivre.", "Bonne mobilisation des partenaires."),
    "at_risk": ("Recrutement difficile ; revoir le public visé.", "Financement à confirmer."),
    "late": ("Démarrage retardé faute de local.", "Partenaire principal indisponible."),
    "done": ("Action achevée ; bilan à diffuser.",),
    "stopped": ("Objectif repris par une autre fiche.",),
}


@contextmanager
def foreign_keys_added_after(model: Any) -> Iterator[None]:
    """On PostgreSQL, loads a table without its foreign keys and adds them back afterwards,
    in the caller's transaction (a fresh one: PostgreSQL refuses to alter a table with
    foreign-key checks still pending). Each key then checks every row at once, in one join,
    instead of one lookup and one row lock on the referenced row per row loaded: 6,000,000
    measurements load ~3 times faster. The table ends with the same constraints and indexes
    as before (its indexes stay in place during the load)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        yield
        return
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            [model._meta.db_table],
        )
        keys = cursor.fetchall()
        for name, _definition in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        for name, definition in keys:
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
            )


def add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_review_after(evaluated_on: date, status: str, decision: str) -> date | None:
    """strategy/evaluations.py's rule (kept here so the data does not depend on app code
    being written): none once closed, three months when at risk, late or reoriented, six
    otherwise."""
    if status in ("done", "stopped"):
        return None
    sooner = status in ("at_risk", "late") or decision == "reorient"
    return add_months(evaluated_on, SOONER_REVIEW_MONTHS if sooner else REVIEW_MONTHS)


def month_ends(first: date, count: int) -> list[date]:
    """The last day of `count` months from `first`'s month."""
    days = []
    for k in range(count):
        last = add_months(first.replace(day=1), k)
        days.append(last.replace(day=calendar.monthrange(last.year, last.month)[1]))
    return days


@dataclass(frozen=True)
class CommitteeMeeting:
    id: int
    day: date
    starts_at: datetime


@dataclass(frozen=True)
class IndicatorCurve:
    """What the measurements of one indicator need (kept for the streamed measurements)."""

    id: int
    territory_id: int
    baseline: float
    target: float
    reached: float  # share of the way to the target by the last month
    noise: float
    percent: bool
    manual: bool


class StrategyData:
    def __init__(
        self,
        *,
        rng: random.Random,
        now: datetime,
        territory_ids: Sequence[int],
        coordinators: dict[int, int],
        sheets: int,
        indicators: int,
        measurement_years: int,
    ) -> None:
        from tranquillite.strategy.models import (
            ActionSheet,
            Activity,
            Axis,
            BudgetLine,
            Evaluation,
            Indicator,
            Measurement,
            ParticipantCount,
            SheetPartner,
            Strategy,
        )

        self.rng = rng
        self.now = now
        self.today = now.astimezone(PARIS).date()
        self.territory_ids = list(territory_ids)
        self.coordinators = coordinators
        self.n_sheets = sheets
        self.n_indicators = indicators
        self.months = 12 * measurement_years
        # The strategy began with the first month measured and ends at the end of next year.
        this_month = self.today.replace(day=1)
        self.starts_on = add_months(this_month, -self.months)
        self.ends_on = date(self.today.year + 1, 12, 31)
        self.measured_on = month_ends(self.starts_on, self.months)
        self.id_models = [Strategy, Axis, ActionSheet, Indicator, Activity, Evaluation]
        self.strategies = Rows(
            Strategy,
            [
                "territory",
                "public_id",
                "kind",
                "title",
                "signed_on",
                "starts_on",
                "ends_on",
                "signatories",
                "is_current",
            ],
            first_free_id(Strategy),
        )
        self.axes = Rows(Axis, ["territory", "strategy", "number", "title"], first_free_id(Axis))
        self.sheets = Rows(
            ActionSheet,
            [
                "territory",
                "public_id",
                "axis",
                "number",
                "title",
                "finding",
                "objectives",
                "target_public",
                "lead",
                "calendar",
                "status",
                "progress",
                "next_review_on",
                "withdrawal_reason",
            ],
            first_free_id(ActionSheet),
        )
        self.sheet_neighbourhoods = Rows(
            ActionSheet.neighbourhoods.through, ["actionsheet", "neighbourhood"]
        )
        self.partners = Rows(SheetPartner, ["territory", "sheet", "organisation", "role"])
        self.budget = Rows(BudgetLine, ["territory", "sheet", "year", "funder", "amount"])
        self.indicators = Rows(
            Indicator,
            [
                "territory",
                "public_id",
                "sheet",
                "kind",
                "name",
                "unit",
                "direction",
                "baseline",
                "baseline_on",
                "target",
                "target_on",
                "source_key",
                "is_public",
                "position",
            ],
            first_free_id(Indicator),
        )
        self.curves: list[IndicatorCurve] = []
        self.activities = Rows(
            Activity,
            [
                "territory",
                "public_id",
                "sheet",
                "kind",
                "title",
                "status",
                "planned_on",
                "held_on",
                "place",
                "neighbourhood",
                "requested_by",
                "requested_on",
                "class_name",
                "summary",
            ],
            first_free_id(Activity),
        )
        self.facilitators = Rows(Activity.facilitators.through, ["activity", "organisation"])
        self.counts = Rows(ParticipantCount, ["territory", "activity", "age_band", "sex", "count"])
        self.evaluations = Rows(
            Evaluation,
            [
                "territory",
                "public_id",
                "sheet",
                "meeting",
                "evaluated_on",
                "status",
                "progress",
                "decision",
                "comment",
                "recorded_by",
                "recorded_at",
            ],
            first_free_id(Evaluation),
        )
        self.first_measurement_id = first_free_id(Measurement)
        self.measurement_model = Measurement
        # Loaded from the database: what the territories already hold.
        self.organisations: dict[int, list[tuple[int, str]]] = {}  # (id, kind), in order
        self.neighbourhoods: dict[int, list[int]] = {}
        self.meetings: dict[int, list[CommitteeMeeting]] = {}  # held, since the start
        self.next_review_day: dict[int, date] = {}

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    # --- what the territories hold ----------------------------------------------------------
    def load(self) -> None:
        from tranquillite.accounts.models import Organisation
        from tranquillite.core.models import Neighbourhood
        from tranquillite.governance.models import Meeting

        ids = self.territory_ids
        for pk, territory_id, kind in (
            Organisation.objects.filter(territory_id__in=ids, is_active=True)
            .order_by("pk")
            .values_list("pk", "territory_id", "kind")
        ):
            self.organisations.setdefault(territory_id, []).append((pk, kind))
        for pk, territory_id in (
            Neighbourhood.objects.filter(territory_id__in=ids)
            .order_by("pk")
            .values_list("pk", "territory_id")
        ):
            self.neighbourhoods.setdefault(territory_id, []).append(pk)
        start = datetime.combine(self.starts_on, time(0), tzinfo=PARIS)
        for pk, territory_id, starts_at, status, kind in (
            Meeting.objects.filter(territory_id__in=ids, body__kind__in=EVALUATING_KINDS)
            .order_by("starts_at")
            .values_list("pk", "territory_id", "starts_at", "status", "body__kind")
        ):
            day = starts_at.astimezone(PARIS).date()
            if status == "held" and starts_at >= start:
                meeting = CommitteeMeeting(pk, day, starts_at)
                self.meetings.setdefault(territory_id, []).append(meeting)
            elif (
                status == "planned"
                and kind == "monitoring_committee"
                and territory_id not in self.next_review_day
            ):
                self.next_review_day[territory_id] = day

    # --- building ---------------------------------------------------------------------------
    def build(self) -> None:
        self.load()
        for number, territory_id in enumerate(self.territory_ids):
            self.territory(territory_id, benchmark=number == 0)

    def territory(self, territory_id: int, *, benchmark: bool) -> None:
        rng = self.rng
        years = f"{self.starts_on.year}–{self.ends_on.year}"
        strategy_id = self.strategies.add(
            territory_id,
            self.uuid(),
            "territorial_strategy",
            f"Stratégie territoriale de sécurité et de prévention de la délinquance {years}",
            self.starts_on - timedelta(days=20),
            self.starts_on,
            self.ends_on,
            "La commune, la préfecture, le parquet, la direction académique et le Département.",
            True,
        )
        axis_ids = [
            self.axes.add(territory_id, strategy_id, number, title)
            for number, title in enumerate(AXES, start=1)
        ]
        organisations = self.organisations.get(territory_id, [])
        actors = [
            (position, pk, kind)
            for position, (pk, kind) in enumerate(organisations)
            if position not in NOT_ACTORS
        ]
        schools = [pk for pk, kind in organisations if kind == "national_education"]
        # The committee pack's day: the next planned monitoring committee (or in a month).
        review_day = self.next_review_day.get(territory_id, self.today + timedelta(days=30))
        # Which sheets are due by then (exactly DUE_SHARE in the benchmark territory), which
        # were closed by their last evaluation, and which are running, reviewed recently.
        n_due = round(self.n_sheets * (DUE_SHARE if benchmark else rng.uniform(0.3, 0.55)))
        n_done = round(self.n_sheets * DONE_SHARE)
        n_stopped = round(self.n_sheets * STOPPED_SHARE)
        fates = (
            ["due"] * n_due
            + ["done"] * min(n_done, self.n_sheets - n_due)
            + ["stopped"] * max(0, min(n_stopped, self.n_sheets - n_due - n_done))
        )
        fates += ["recent"] * (self.n_sheets - len(fates))
        rng.shuffle(fates)
        per_axis = [0] * len(AXES)
        for k in range(self.n_sheets):
            axis = k * len(AXES) // self.n_sheets
            per_axis[axis] += 1
            titles = SHEET_TITLES[axis]
            cycle, index = divmod(per_axis[axis] - 1, len(titles))
            self.sheet(
                territory_id,
                axis_ids[axis],
                f"{axis + 1}.{per_axis[axis]}",
                titles[index] + (f" — volet {cycle + 1}" if cycle else ""),
                actors,
                schools,
                fates[k],
                review_day,
            )

    def sheet(
        self,
        territory_id: int,
        axis_id: int,
        number: str,
        title: str,
        actors: list[tuple[int, int, str]],
        schools: list[int],
        fate: str,
        review_day: date,
    ) -> None:
        rng = self.rng
        neighbourhoods = rng.sample(
            self.neighbourhoods.get(territory_id, []),
            min(rng.randint(1, 2), len(self.neighbourhoods.get(territory_id, []))),
        )
        # The lead: the first organisations (city services, police, justice) more often.
        weighted = sorted(actors, key=lambda a: -(rng.random() ** (1 / (6 if a[0] < 14 else 1))))
        lead = weighted[0][1]
        partners = [pk for _position, pk, _kind in weighted[1 : 1 + rng.randint(2, 3)]]
        evaluations = self.evaluation_plan(territory_id, fate, review_day)
        status, decision = "planned", ""
        progress: int | None = None
        day: date | None = None
        if evaluations:
            status, progress, decision, last = evaluations[-1]
            day = last.day
        sheet_id = self.sheets.add(
            territory_id,
            self.uuid(),
            axis_id,
            number,
            title,
            rng.choice(FINDINGS),
            rng.choice(OBJECTIVES),
            rng.choice(TARGET_PUBLICS),
            lead,
            rng.choice(CALENDARS),
            status,
            progress,
            next_review_after(day, status, decision) if day else None,
            "",
        )
        for neighbourhood in neighbourhoods:
            self.sheet_neighbourhoods.add(sheet_id, neighbourhood)
        for organisation in partners:
            self.partners.add(territory_id, sheet_id, organisation, rng.choice(PARTNER_ROLES))
        for year in range(self.starts_on.year, self.ends_on.year + 1):
            city = Decimal(rng.randrange(5_000, 60_000, 500))
            self.budget.add(territory_id, sheet_id, year, "city", city)
            if rng.random() < 0.67:
                fipd = min(city, Decimal(rng.randrange(2_000, 40_000, 500)))
                self.budget.add(territory_id, sheet_id, year, "fipd", fipd)
            if rng.random() < 0.5:
                other = rng.choice(("departement", "social_landlords", "caf", "other"))
                amount = Decimal(rng.randrange(1_000, 20_000, 500))
                self.budget.add(territory_id, sheet_id, year, other, amount)
        self.sheet_indicators(territory_id, sheet_id)
        self.sheet_activities(territory_id, sheet_id, lead, partners, neighbourhoods, schools)
        coordinator = self.coordinators.get(territory_id)
        for status, progress, decision, meeting in evaluations:
            self.evaluations.add(
                territory_id,
                self.uuid(),
                sheet_id,
                meeting.id,
                meeting.day,
                status,
                progress,
                decision,
                rng.choice(COMMENTS[status]),
                coordinator,
                meeting.starts_at + timedelta(hours=3),
            )

    @staticmethod
    def is_due(day: date, status: str, decision: str, review_day: date) -> bool:
        review = next_review_after(day, status, decision)
        return review is not None and review <= review_day

    def evaluation_plan(
        self, territory_id: int, fate: str, review_day: date
    ) -> list[tuple[str, int, str, CommitteeMeeting]]:
        """The last evaluation (status, progress, decision, meeting) consistent with `fate`,
        and the earlier ones: 2–8 in all, in held committee meetings, oldest first."""
        rng = self.rng
        meetings = self.meetings.get(territory_id, [])
        if not meetings:
            return []
        if fate == "done":
            status, progress, decision = "done", 100, "continue"
        elif fate == "stopped":
            status, progress, decision = "stopped", rng.randint(10, 60), "stop"
        else:
            status = rng.choices(("on_track", "at_risk", "late"), weights=(65, 20, 15))[0]
            reorient = status != "on_track" and rng.random() < 0.5
            decision = "reorient" if reorient else "continue"
            progress = rng.randint(15, 90)
        if fate in ("done", "stopped"):  # closed: any time in the second half so far
            last = rng.randrange(len(meetings) // 2, len(meetings))
        else:
            # Due: reviewed some months ago, back before the committee now (some overdue).
            # Recent: reviewed since, not back yet. A sheet at risk comes back after three
            # months: when no meeting fits, it was on track (six months).
            last = len(meetings) - 1
            for option in ((status, decision), ("on_track", "continue")):
                eligible = [
                    i
                    for i, m in enumerate(meetings)
                    if self.is_due(m.day, *option, review_day) == (fate == "due")
                ]
                if eligible:
                    status, decision = option
                    if fate != "due":
                        last = rng.choice(eligible)
                    elif rng.random() < 0.7:  # the last meeting that makes it due now
                        last = eligible[-1]
                    else:  # overdue: missed a committee or two
                        last = rng.choice(eligible[-4:])
                    break
        count = min(rng.randint(2, 8), last + 1)
        earlier = sorted(rng.sample(range(last), count - 1))
        # Progress rises towards the last evaluation's.
        plan = []
        for k, meeting in enumerate(meetings[i] for i in earlier):
            share = (k + 1) / count
            earlier_status = rng.choices(("on_track", "at_risk", "late"), weights=(70, 20, 10))[0]
            earlier_decision = (
                "reorient" if earlier_status != "on_track" and rng.random() < 0.4 else "continue"
            )
            plan.append(
                (
                    earlier_status,
                    max(0, min(95, round(progress * share) - rng.randint(0, 5))),
                    earlier_decision,
                    meeting,
                )
            )
        plan.append((status, progress, decision, meetings[last]))
        return plan

    def sheet_indicators(self, territory_id: int, sheet_id: int) -> None:
        rng = self.rng
        count = self.n_indicators
        templates = rng.sample(INDICATORS, min(count, len(INDICATORS)))
        templates += [rng.choice(INDICATORS) for _ in range(count - len(templates))]
        templates.sort(key=lambda t: t[0] != "output")  # outputs first
        baseline_on = self.starts_on - timedelta(days=1)
        for position, (kind, name, unit, direction, (low, high)) in enumerate(templates):
            if position >= len(INDICATORS):
                name = f"{name} ({position + 1})"
            percent = unit == "%"
            baseline = float(rng.randint(low, high))
            if direction == "increase":
                target = min(98.0, baseline + rng.randint(10, 25)) if percent else baseline * 1.5
            else:
                target = baseline * rng.uniform(0.5, 0.8)
            target = round(target)
            indicator_id = self.indicators.add(
                territory_id,
                self.uuid(),
                sheet_id,
                kind,
                name,
                unit,
                direction,
                Decimal(int(baseline)),
                baseline_on,
                Decimal(target),
                self.ends_on,
                "",
                kind == "outcome" or rng.random() < 0.3,
                position,
            )
            self.curves.append(
                IndicatorCurve(
                    indicator_id,
                    territory_id,
                    baseline,
                    float(target),
                    rng.uniform(0.4, 1.15),
                    max(0.5, abs(target - baseline) * rng.uniform(0.05, 0.2)),
                    percent,
                    rng.random() < 0.33,
                )
            )

    def sheet_activities(
        self,
        territory_id: int,
        sheet_id: int,
        lead: int,
        partners: list[int],
        neighbourhoods: list[int],
        schools: list[int],
    ) -> None:
        rng = self.rng
        span = (self.today + timedelta(days=180) - self.starts_on).days
        for _ in range(rng.randint(2, 6)):
            kind = rng.choices(
                ("workshop", "classroom_session", "awareness_event", "other"),
                weights=(45, 25, 20, 10),
            )[0]
            planned_on = self.starts_on + timedelta(days=rng.randrange(span))
            if planned_on > self.today:
                status, held_on = "planned", None
            elif rng.random() < 0.1:
                status, held_on = "cancelled", None
            else:
                status, held_on = "held", planned_on
            classroom = kind == "classroom_session" and bool(schools)
            activity_id = self.activities.add(
                territory_id,
                self.uuid(),
                sheet_id,
                kind,
                rng.choice(ACTIVITY_TITLES[kind]),
                status,
                planned_on,
                held_on,
                rng.choice(PLACES),
                rng.choice(neighbourhoods) if neighbourhoods else None,
                rng.choice(schools) if classroom else None,
                planned_on - timedelta(days=rng.randint(15, 45)) if classroom else None,
                rng.choice(("6e A", "5e B", "4e C", "3e D")) if classroom else "",
                "Séance tenue comme prévu ; participants comptés, jamais nommés."
                if held_on
                else "",
            )
            self.facilitators.add(activity_id, lead)
            if partners and rng.random() < 0.5:
                self.facilitators.add(activity_id, rng.choice(partners))
            if held_on:
                for band in AGE_BANDS:
                    for sex in ("female", "male"):
                        self.counts.add(territory_id, activity_id, band, sex, rng.randint(0, 12))

    # --- measurements -----------------------------------------------------------------------
    def recorded_at(self, day: date) -> datetime:
        """A month's figure is typed in or imported a few days after the month ends."""
        return min(datetime.combine(day + timedelta(days=5), time(9), tzinfo=UTC), self.now)

    def _values(self, curve: IndicatorCurve) -> Iterator[float]:
        rng = self.rng
        last = max(1, self.months - 1)
        for k in range(self.months):
            trend = curve.baseline + (curve.target - curve.baseline) * curve.reached * k / last
            season = ((k % 12) - 5.5) / 5.5 * curve.noise * 0.5
            value = max(0.0, trend + season + rng.uniform(-curve.noise, curve.noise))
            yield min(100.0, value) if curve.percent else value

    def _measurement_rows(self) -> Iterator[list[Any]]:
        """Rows as values (for executemany): id, territory, indicator, date, value, origin,
        note, recorded_by, recorded_at."""
        pk = self.first_measurement_id
        for curve in self.curves:
            coordinator = self.coordinators.get(curve.territory_id) if curve.manual else None
            origin = "manual" if curve.manual else "import"
            for day, value in zip(self.measured_on, self._values(curve), strict=True):
                yield [
                    pk,
                    curve.territory_id,
                    curve.id,
                    day,
                    Decimal(f"{value:.1f}"),
                    origin,
                    "",
                    coordinator,
                    self.recorded_at(day),
                ]
                pk += 1

    def _measurement_lines(self) -> Iterator[str]:
        """The same rows as COPY text, a chunk at a time."""
        pk = self.first_measurement_id
        days = [(day.isoformat(), self.recorded_at(day).isoformat()) for day in self.measured_on]
        buffer = io.StringIO()
        rows = 0
        for curve in self.curves:
            coordinator = (
                str(self.coordinators.get(curve.territory_id, r"\N")) if curve.manual else r"\N"
            )
            tail = f"\t{'manual' if curve.manual else 'import'}\t\t{coordinator}\t"
            head = f"\t{curve.territory_id}\t{curve.id}\t"
            for (day, stamp), value in zip(days, self._values(curve), strict=True):
                buffer.write(f"{pk}{head}{day}\t{value:.1f}{tail}{stamp}\n")
                pk += 1
            rows += self.months
            if rows >= MEASUREMENT_CHUNK:
                yield buffer.getvalue()
                buffer = io.StringIO()
                rows = 0
        yield buffer.getvalue()

    def write_measurements(self) -> int:
        from django.db import connection

        fields = [
            "id",
            "territory",
            "indicator",
            "measured_on",
            "value",
            "origin",
            "note",
            "recorded_by",
            "recorded_at",
        ]
        model = self.measurement_model
        if connection.vendor == "postgresql":
            meta = model._meta
            columns = ", ".join(
                connection.ops.quote_name(cast(Any, meta.get_field(name)).column) for name in fields
            )
            table = connection.ops.quote_name(meta.db_table)
            with (
                foreign_keys_added_after(model),
                connection.cursor() as cursor,
                cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for chunk in self._measurement_lines():
                    copy.write(chunk)
        else:
            write_rows(model, fields, self._measurement_rows())
        reset_sequences([model])
        return len(self.curves) * self.months

    # --- writing ----------------------------------------------------------------------------
    def write(self) -> dict[str, int]:
        """Everything but the measurements (`write_measurements`)."""
        tables = {
            "strategies": self.strategies,
            "axes": self.axes,
            "action_sheets": self.sheets,
            "sheet_neighbourhoods": self.sheet_neighbourhoods,
            "sheet_partners": self.partners,
            "budget_lines": self.budget,
            "indicators": self.indicators,
            "activities": self.activities,
            "activity_facilitators": self.facilitators,
            "participant_counts": self.counts,
            "evaluations": self.evaluations,
        }
        for rows in tables.values():
            rows.write()
        reset_sequences(self.id_models)
        return {name: len(rows) for name, rows in tables.items()}
