"""A year of individual follow-ups in Pantin for the demo, built through the product itself.

Every file is opened with `followups.services.open_follow_up`, every step taken with
`engine.apply_step`, every legal guardian added with `people.services.add_guardian`, every
support action with `services.add_support_action`; the restriction and the link between a
victim's and an offender's file use `services.restrict` and `services.link_follow_ups`. The
acting users are the demo's own: the coordinator `coordination@pantin.test` for most steps,
the police officer `police@pantin.test` and the social landlord `bailleur@pantin.test` as case
workers of a few files, `elue@pantin.test` presiding the hearings. So the timeline, the
deadlines, the anonymous statistics (`CaseStatistic`), the destruction dates and the letters
are exactly what the product produces — the charter gate included (a step by someone who
may not see the file would be refused here as in the product).

**The clock.** The story spans the last twelve months (and three older files, one of them
archived since long ago), whatever the day it is loaded. Each move is replayed *on its own
day* — a weekday (`working_day`), at a plausible hour: `django.utils.timezone.now` is made
to answer that moment while the move runs (`_as_of`). The forms then judge dates as they did
on that day — a hearing summoned two weeks ahead is in the future, a review is not — and what
the product stamps with "now" (the date of a letter and of its outgoing-mail number,
`recorded_at`, `created_at`, `restricted_at`) is that day. The moves of all files run in date
order, so case numbers and mail numbers follow the calendar as they would have. Two things
escape the clock: the change history (django-auditlog stamps its entries with the real time
of loading; the actor is the demo user who made the change) and the access log (the story
reads no page, so it logs nothing).

**The letters** (one WeasyPrint render each, ~0.1 s) are rendered for three files only, to
keep the demo fast to load: the two files summoned for a hearing in the coming days (one
first summons to a minor and both parents, one second summons after a no-show to a minor and
the mother) and the family-council file whose session is planned (the convocation of both
parents) — 7 letters numbered in the outgoing-mail register. The other files summoned in the
past (and the two other family-council sessions) went through the same steps with the
letters' numbering and rendering left out (`_letters` stubs `letters.send_letters`; the check
that a minor has a legal guardian still runs): they have no letter in the demo.

Everyone is fictitious: surnames are words for "draft" or "copy" (Maquette, Esquisse...),
streets are "rue des Tests" and the like, phone numbers are in the range reserved for fiction.
Summaries and notes name no one, as the product asks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from unittest import mock

from auditlog.context import set_actor
from django.db import models
from django.utils import timezone

from tranquillite.accounts.models import Organisation, User
from tranquillite.core.models import Neighbourhood, Territory
from tranquillite.followups import services
from tranquillite.followups.engine import apply_step
from tranquillite.followups.models import FollowUp, FollowUpKind, SupportAction
from tranquillite.followups.retention import add_years
from tranquillite.governance.models import Body
from tranquillite.people import services as people

RAO = FollowUpKind.LAW_REMINDER
CDDF = FollowUpKind.FAMILY_COUNCIL
ACC = FollowUpKind.INDIVIDUAL_SUPPORT
VIC = FollowUpKind.VICTIM_SUPPORT

MINORS = "Groupe Mineurs"
LANDLORDS = "Groupe Bailleurs"
VICTIMS = "Groupe Victimes"
FAMILY_COUNCIL = "Conseil pour les droits et devoirs des familles (CDDF)"

COORDINATOR = "coordination@pantin.test"
POLICE = "police@pantin.test"
LANDLORD = "bailleur@pantin.test"
DEPUTY_MAYOR = "elue@pantin.test"

# Partners of the support actions (organisations of the demo, data.PANTIN_ORGANISATIONS).
SCHOOLS = "Éducation nationale — circonscription de Pantin"
MEDIATION = "Ville de Pantin — Médiation sociale"
SOCIAL_SERVICE = "Département de la Seine-Saint-Denis — Service social"
YOUTH_JUSTICE = "Protection judiciaire de la jeunesse — UEMO de Pantin"
VICTIM_ASSOCIATION = "Association d'aide aux victimes « Écoute Victimes 93 » (fictive)"
LANDLORD_ORGANISATION = "Bailleur social « Habitat de l'Ourcq » (fictif)"

TOWN = "93500 Pantin"
HEARING_PLACE = "Hôtel de ville, bureau de l'adjointe à la tranquillité publique"
COUNCIL_PLACE = "Centre administratif, salle du CDDF"

# The two files the groupe Mineurs discussed at its last meeting (data._meetings): found
# again by their summary when the demo is loaded a second time.
AGENDA_REFERRED = (
    "Regroupements tardifs et bruyants dans les halls, signalés à plusieurs reprises en "
    "groupe Mineurs ; le groupe propose un rappel à l'ordre."
)
AGENDA_SCHOOL = (
    "Absentéisme scolaire important depuis la rentrée, signalé par le collège après deux "
    "rencontres sans effet avec la famille."
)


@dataclass(frozen=True)
class Guardian:
    relationship: str
    first_name: str
    # Empty: the guardian lives at the young person's address (said so in `Youth`).
    address: str = ""
    phone: str = ""
    last_name: str = ""


@dataclass(frozen=True)
class Youth:
    first_name: str
    last_name: str
    sex: str
    # Age on the day the demo is loaded, and how many days past that birthday.
    age: int
    days: int
    neighbourhood: str
    street: str
    situation: str = "pupil"
    situation_place: str = "Collège des Tests"
    guardians: tuple[Guardian, ...] = ()


@dataclass
class Case:
    """One demo file: its kind, its body, who it is about and the referral."""

    kind: str
    body: str
    source: str
    facts: str
    place: str
    summary: str
    youth: Youth | None = None
    # The file whose person this one is about (a CDDF after a reminder of the law).
    same_person_as: Case | None = None
    file: FollowUp | None = None

    @property
    def follow_up(self) -> FollowUp:
        assert self.file is not None, "the file is opened by an earlier move"
        return self.file


Move = tuple[date, int, int, str, Callable[[], None]]


def working_day(day: date) -> date:
    """The Friday before a Saturday or a Sunday: the city's services, its hearings and its
    council sit on weekdays. (Keeps the order of days: later stays later or the same.)"""
    return day - timedelta(days=max(0, day.weekday() - 4))


@contextmanager
def _as_of(moment: datetime) -> Iterator[None]:
    """Run the product's code as it ran at `moment` (see the module's docstring)."""
    with mock.patch.object(timezone, "now", return_value=moment):
        yield


@contextmanager
def _letters(render: bool) -> Iterator[None]:
    """A summons or a convocation without its letters, for files the demo gives none."""
    if render:
        yield
        return
    with mock.patch("tranquillite.followups.letters.send_letters", return_value=[]):
        yield


def _form_value(value: Any) -> Any:
    """A value as a browser posts it to the step's form."""
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value


class Story:
    """The moves of every file, replayed in date order (`run`)."""

    def __init__(self, territory: Territory) -> None:
        self.territory = territory
        self.today = timezone.localdate()
        self.started = timezone.now()
        emails = (COORDINATOR, POLICE, LANDLORD, DEPUTY_MAYOR)
        self.users = {user.email: user for user in User.objects.filter(email__in=emails)}
        self.bodies = {body.name: body for body in Body.objects.filter(territory=territory)}
        self.places = {n.name: n for n in Neighbourhood.objects.filter(territory=territory)}
        self.partners = {o.name: o for o in Organisation.objects.filter(territory=territory)}
        self.moves: list[Move] = []

    # --- Scheduling ---------------------------------------------------------------------------

    def day(self, days_ago: int) -> date:
        """The working day `days_ago` days before the loading day (negative: after it)."""
        return working_day(self.today - timedelta(days=days_ago))

    def at(self, days_ago: int, hour: int, actor: str, move: Callable[[], None]) -> None:
        self.moves.append((self.day(days_ago), hour, len(self.moves), actor, move))

    def run(self) -> None:
        for day, hour, _order, actor, move in sorted(self.moves, key=lambda move: move[:3]):
            moment = timezone.make_aware(datetime.combine(day, time(hour)))
            with _as_of(min(moment, self.started)), set_actor(self.users[actor]):
                move()

    # --- The product's writes, each on its day ----------------------------------------------

    def refer(self, case: Case, days_ago: int, *, by: str = COORDINATOR, hour: int = 9) -> None:
        def move() -> None:
            actor = self.users[by]
            data = {
                "opened_on": self.day(days_ago).isoformat(),
                "source": case.source,
                "facts": case.facts,
                "facts_place": case.place,
                "summary": case.summary,
            }
            if case.kind == RAO:
                data |= {"no_complaint": "on", "no_proceedings": "on"}
            body = self.bodies[case.body]
            if case.same_person_as is not None:
                case.file = services.open_follow_up(
                    actor=actor,
                    body=body,
                    kind=case.kind,
                    data=data,
                    person=case.same_person_as.follow_up.person,
                )
                return
            youth = case.youth
            assert youth is not None
            address = f"{youth.street}, {TOWN}"
            case.file = services.open_follow_up(
                actor=actor,
                body=body,
                kind=case.kind,
                data=data,
                new_person={
                    "first_name": youth.first_name,
                    "last_name": youth.last_name,
                    "birth_date": add_years(self.today, -youth.age) - timedelta(days=youth.days),
                    "sex": youth.sex,
                    "address": address,
                    "neighbourhood": self.places[youth.neighbourhood],
                    "situation": youth.situation,
                    "situation_place": youth.situation_place if youth.situation == "pupil" else "",
                },
            )
            for guardian in youth.guardians:
                people.add_guardian(
                    actor=actor,
                    person=case.file.person,
                    relationship=guardian.relationship,
                    first_name=guardian.first_name,
                    last_name=guardian.last_name or youth.last_name,
                    address=guardian.address or address,
                    phone=guardian.phone,
                )

        self.at(days_ago, hour, by, move)

    def step(
        self,
        case: Case,
        days_ago: int,
        name: str,
        *,
        by: str = COORDINATOR,
        hour: int = 15,
        letters: bool = False,
        **answers: Any,
    ) -> None:
        """A step of the file's workflow, with the answers a user would type (the step's
        date is `days_ago` unless the answers say otherwise)."""

        def move() -> None:
            data = {"occurred_on": self.day(days_ago).isoformat()}
            data |= {key: _form_value(value) for key, value in answers.items()}
            with _letters(letters):
                apply_step(
                    actor=self.users[by], follow_up=case.follow_up, step_name=name, data=data
                )

        self.at(days_ago, hour, by, move)

    def agree(self, case: Case, consulted: int, answered: int) -> None:
        """The prosecutor is consulted and agrees to the reminder of the law."""
        self.step(case, consulted, "consult_prosecutor", hour=10)
        self.step(case, answered, "record_prosecutor_answer", hour=11, answer="agreement")

    def summon(
        self,
        case: Case,
        days_ago: int,
        *,
        hearing_in: int,
        hour: int = 14,
        letters: bool = False,
    ) -> None:
        """Summoned on `days_ago` for a hearing `hearing_in` days later, presided by the deputy
        mayor."""
        hearing_at = timezone.make_aware(
            datetime.combine(self.day(days_ago - hearing_in), time(hour, 30))
        )
        self.step(
            case,
            days_ago,
            "summon",
            hour=10,
            letters=letters,
            hearing_at=hearing_at,
            place=HEARING_PLACE,
            presiding_official=self.users[DEPUTY_MAYOR],
        )

    def hearing(
        self,
        case: Case,
        days_ago: int,
        *,
        parents: str,
        recalled: list[str],
        commitments: str,
        case_worker: str = "",
        absence: str = "",
    ) -> None:
        self.step(
            case,
            days_ago,
            "record_hearing",
            hour=17,
            parents_present=parents,
            parents_absence=absence,
            recalled=recalled,
            commitments=commitments,
            support=bool(case_worker),
            case_worker=self.users[case_worker] if case_worker else "",
        )

    def review(
        self,
        case: Case,
        days_ago: int,
        review: str,
        *,
        by: str = COORDINATOR,
        reoffended: bool | None = None,
        note: str = "",
        after_support: bool = False,
    ) -> None:
        answers: dict[str, Any] = {"review": review, "note": note}
        if reoffended is not None:
            answers["reoffended"] = str(reoffended)
        name = "record_review_after_support" if after_support else "record_review"
        self.step(case, days_ago, name, by=by, hour=11, **answers)

    def close(self, case: Case, days_ago: int, outcome: str, note: str = "") -> None:
        self.step(case, days_ago, "close", hour=16, outcome=outcome, note=note)

    def action(
        self,
        case: Case,
        days_ago: int,
        kind: str,
        *,
        note: str,
        partner: str = "",
        parents: bool = False,
        by: str = COORDINATOR,
        ended: int | None = None,
        result: str = "completed",
    ) -> None:
        """An action of the support plan; `ended` (days ago) records its end and result."""
        added: list[SupportAction] = []

        def start() -> None:
            added.append(
                services.add_support_action(
                    actor=self.users[by],
                    follow_up=case.follow_up,
                    beneficiary="parents" if parents else "person",
                    kind=kind,
                    partner=self.partners[partner] if partner else None,
                    starts_on=self.day(days_ago),
                    note=note,
                )
            )

        def end() -> None:
            services.update_support_action(
                actor=self.users[by],
                action=added[0],
                ends_on=self.day(ended or 0),
                result=result,
            )

        self.at(days_ago, 14, by, start)
        if ended is not None:
            self.at(ended, 14, by, end)

    def restrict(self, case: Case, days_ago: int, reason: str) -> None:
        def move() -> None:
            services.restrict(
                actor=self.users[COORDINATOR], follow_up=case.follow_up, reason=reason
            )

        self.at(days_ago, 12, COORDINATOR, move)

    def link(self, first: Case, second: Case, days_ago: int) -> None:
        def move() -> None:
            services.link_follow_ups(
                actor=self.users[COORDINATOR], first=first.follow_up, second=second.follow_up
            )

        self.at(days_ago, 12, COORDINATOR, move)


def _mother(first_name: str, **fields: Any) -> Guardian:
    return Guardian("mother", first_name, **fields)


def _father(first_name: str, **fields: Any) -> Guardian:
    return Guardian("father", first_name, **fields)


def _law_reminders() -> dict[str, Case]:
    def rao(youth: Youth, source: str, facts: str, place: str, summary: str) -> Case:
        return Case(RAO, MINORS, source, facts, place, summary, youth)

    return {
        "agenda_referred": rao(
            Youth(
                "Adam",
                "Maquette",
                "male",
                15,
                100,
                "Quatre-Chemins",
                "12 rue des Tests",
                guardians=(_mother("Samira"), _father("Rachid")),
            ),
            "minors_group",
            "gatherings",
            "Halls d'immeuble, rue des Tests",
            AGENDA_REFERRED,
        ),
        "referred": rao(
            Youth(
                "Nathan",
                "Esquisse",
                "male",
                16,
                40,
                "Centre",
                "3 place de l'Exemple",
                situation="apprentice",
                guardians=(_mother("Valérie"),),
            ),
            "municipal_police",
            "noise",
            "Place de l'Exemple",
            "Tapage nocturne répété sur la place, constaté deux fois par la police municipale, "
            "sans suite judiciaire.",
        ),
        "awaiting": rao(
            Youth(
                "Inès",
                "Ébauche",
                "female",
                13,
                200,
                "Sept-Arpents",
                "8 allée des Essais",
                guardians=(_mother("Leïla"), _father("Karim")),
            ),
            "school",
            "absenteeism",
            "Collège des Tests",
            "Absences répétées le vendredi et retards quotidiens depuis la rentrée.",
        ),
        "awaiting_late": rao(
            Youth(
                "Rayan",
                "Gabarit",
                "male",
                14,
                30,
                "Quatre-Chemins",
                "27 avenue de la Démonstration",
                guardians=(_father("Hakim"),),
            ),
            "national_police",
            "minor_damage",
            "Abri de bus, avenue de la Démonstration",
            "Tags sur le mobilier urbain, reconnus par le jeune ; pas de plainte déposée.",
        ),
        "to_summon": rao(
            Youth(
                "Lina",
                "Brouillon",
                "female",
                12,
                150,
                "Courtillières",
                "5 cité des Maquettes",
                guardians=(_mother("Nadège"),),
            ),
            "mediator",
            "verbal_abuse",
            "Square des Courtillières",
            "Insultes répétées envers les médiateurs lors de leurs passages dans le square.",
        ),
        "summoned": rao(
            Youth(
                "Mehdi",
                "Croquis",
                "male",
                14,
                250,
                "Courtillières",
                "14 cité des Maquettes",
                guardians=(
                    _mother("Fatima", phone="06 39 98 00 14"),
                    _father("Youssef", address=f"3 impasse du Brouillon, {TOWN}"),
                ),
            ),
            "school",
            "incivilities",
            "Abords du collège",
            "Incivilités répétées à la sortie des cours, bousculades et crachats ; deux "
            "exclusions temporaires dans l'année.",
        ),
        "summoned_again": rao(
            Youth(
                "Théo",
                "Canevas",
                "male",
                15,
                60,
                "Hoche",
                "9 rue du Prototype",
                guardians=(_mother("Sylvie"),),
            ),
            "municipal_police",
            "late_wandering",
            "Parc (entrée nord)",
            "Présence répétée dans le parc après 23 heures, avec des jeunes plus âgés.",
        ),
        "no_show": rao(
            Youth(
                "Ilyes",
                "Prototype",
                "male",
                16,
                300,
                "Quatre-Chemins",
                "31 rue des Tests",
                guardians=(_mother("Amina"),),
            ),
            "national_police",
            "gatherings",
            "Hall d'immeuble, rue des Tests",
            "Regroupements bruyants dans un hall, plusieurs interventions de police sans suite "
            "judiciaire.",
        ),
        "support": rao(
            Youth(
                "Kylian",
                "Spécimen",
                "male",
                15,
                20,
                "Courtillières",
                "2 cité des Maquettes",
                guardians=(_mother("Christelle"), _father("Franck")),
            ),
            "school",
            "incivilities",
            "Cour du collège",
            "Perturbations répétées en classe et insolence envers les adultes du collège.",
        ),
        "agenda_school": rao(
            Youth(
                "Yasmine",
                "Échantillon",
                "female",
                14,
                90,
                "Quatre-Chemins",
                "18 rue des Tests",
                guardians=(_mother("Naïma"),),
            ),
            "school",
            "absenteeism",
            "Collège des Tests",
            AGENDA_SCHOOL,
        ),
        "support_linked": rao(
            Youth(
                "Samuel",
                "Exemplaire",
                "male",
                16,
                120,
                "Hoche",
                "6 rue du Prototype",
                situation_place="Lycée de l'Exemple",
                guardians=(_mother("Isabelle"), _father("Patrick")),
            ),
            "mediator",
            "verbal_abuse",
            "Arrêt de bus, rue du Prototype",
            "Insultes et moqueries répétées envers une élève à l'arrêt de bus ; la famille de "
            "l'élève ne souhaite pas porter plainte.",
        ),
        "watch": rao(
            Youth(
                "Hugo",
                "Copie",
                "male",
                17,
                45,
                "Église",
                "11 rue de l'Épreuve",
                situation_place="Lycée de l'Exemple",
                guardians=(_father("Laurent"),),
            ),
            "municipal_police",
            "minor_damage",
            "Gymnase municipal",
            "Dégradation de la porte du gymnase, réparée à ses frais par la famille.",
        ),
        "watch_due": rao(
            Youth(
                "Bilal",
                "Doublure",
                "male",
                16,
                10,
                "Sept-Arpents",
                "20 allée des Essais",
                guardians=(_mother("Aïcha"), _father("Mourad")),
            ),
            "national_police",
            "gatherings",
            "Parvis de la gare",
            "Regroupements et rodéos à pied sur le parvis, signalés par la police nationale.",
        ),
        "closed_completed": rao(
            Youth(
                "Noah",
                "Figurant",
                "male",
                17,
                140,
                "Quatre-Chemins",
                "40 rue des Tests",
                situation_place="Lycée de l'Exemple",
                guardians=(_mother("Sandrine"),),
            ),
            "school",
            "incivilities",
            "Abords du collège",
            "Incivilités et provocations répétées envers les surveillants.",
        ),
        "closed_no_support": rao(
            Youth(
                "Sofiane",
                "Leurre",
                "male",
                18,
                200,
                "Petit-Pantin",
                "7 rue de la Copie",
                situation="job_seeker",
            ),
            "social_landlord",
            "noise",
            "Résidence, rue de la Copie",
            "Nuisances sonores nocturnes répétées signalées par le bailleur après plusieurs "
            "courriers.",
        ),
        "closed_family_council": rao(
            Youth(
                "Maëlys",
                "Pastiche",
                "female",
                13,
                60,
                "Courtillières",
                "22 cité des Maquettes",
                guardians=(
                    _mother("Jessica"),
                    _father("Dylan", address=f"1 rue du Calque, {TOWN}"),
                ),
            ),
            "school",
            "absenteeism",
            "Collège des Tests",
            "Absentéisme massif (plus de la moitié des demi-journées) ; parents difficiles à "
            "joindre.",
        ),
        "closed_parenting": rao(
            Youth(
                "Enzo",
                "Simulacre",
                "male",
                12,
                210,
                "Haut-Pantin",
                "4 sentier des Maquettes",
                guardians=(_mother("Céline"), _father("Olivier")),
            ),
            "elected_official",
            "incivilities",
            "Aire de jeux du Haut-Pantin",
            "Incivilités répétées sur l'aire de jeux, signalées par des riverains à l'élue de "
            "quartier.",
        ),
        "closed_welfare": rao(
            Youth(
                "Aya",
                "Factice",
                "female",
                11,
                200,
                "Quatre-Chemins",
                "9 rue des Tests",
                guardians=(_mother("Mariam"),),
            ),
            "national_police",
            "late_wandering",
            "Rue des Tests",
            "Enfant trouvée seule dans la rue après minuit à deux reprises.",
        ),
        "closed_prosecutor_note": rao(
            Youth(
                "Ibrahim",
                "Postiche",
                "male",
                17,
                50,
                "Sept-Arpents",
                "15 allée des Essais",
                situation="neet",
                guardians=(_mother("Kadiatou"),),
            ),
            "municipal_police",
            "minor_damage",
            "Parking de la résidence",
            "Dégradations de boîtes aux lettres et de l'éclairage du parking.",
        ),
        "closed_objection": rao(
            Youth(
                "Lucas",
                "Ersatz",
                "male",
                15,
                170,
                "Mairie-Ourcq",
                "10 quai des Essais",
                guardians=(_mother("Émilie"), _father("Julien")),
            ),
            "national_police",
            "verbal_abuse",
            "Quai des Essais",
            "Insultes envers un agent de la ville lors d'un contrôle de stationnement.",
        ),
        "closed_no_show": rao(
            Youth(
                "Mohamed",
                "Mirage",
                "male",
                16,
                220,
                "Courtillières",
                "30 cité des Maquettes",
                situation="neet",
                guardians=(_father("Ahmed"),),
            ),
            "national_police",
            "gatherings",
            "Galerie commerciale des Courtillières",
            "Regroupements et nuisances dans la galerie commerciale, signalés par les commerçants.",
        ),
        "closed_withdrawn": rao(
            Youth(
                "Chloé",
                "Chimère",
                "female",
                14,
                320,
                "Centre",
                "5 rue de l'Ébauche",
                guardians=(_mother("Aurélie"),),
            ),
            "school",
            "incivilities",
            "Abords du collège",
            "Insolence et provocations envers les surveillants, à la sortie des cours.",
        ),
        "archived": rao(
            Youth(
                "Amine",
                "Fable",
                "male",
                18,
                100,
                "Quatre-Chemins",
                "44 rue des Tests",
                situation="apprentice",
                guardians=(_mother("Souad"),),
            ),
            "social_landlord",
            "noise",
            "Résidence, rue des Tests",
            "Musique forte la nuit depuis un appartement, plaintes répétées des voisins auprès "
            "du bailleur.",
        ),
        "restricted": rao(
            Youth(
                "Léa",
                "Conte",
                "female",
                15,
                80,
                "Hoche",
                "2 rue du Prototype",
                guardians=(_mother("Caroline"),),
            ),
            "school",
            "incivilities",
            "Cantine du collège",
            "Altercations verbales répétées à la cantine, selon le collège.",
        ),
    }


def _other_files(rao: dict[str, Case]) -> dict[str, Case]:
    return {
        "council_planned": Case(
            CDDF,
            FAMILY_COUNCIL,
            "school",
            "absenteeism",
            "Collège des Tests",
            "Absentéisme persistant malgré les rencontres avec l'équipe éducative ; les parents "
            "disent ne plus savoir comment agir.",
            Youth(
                "Nour",
                "Apologue",
                "female",
                13,
                70,
                "Quatre-Chemins",
                "25 rue des Tests",
                guardians=(
                    _mother("Hind", phone="06 39 98 00 25"),
                    _father("Nabil", address=f"8 avenue de la Démonstration, {TOWN}"),
                ),
            ),
        ),
        "council_support": Case(
            CDDF,
            FAMILY_COUNCIL,
            "law_reminder",
            "parental_authority",
            "",
            "Après un rappel à l'ordre : parents en difficulté pour faire respecter "
            "l'obligation scolaire.",
            same_person_as=rao["closed_family_council"],
        ),
        "council_absent": Case(
            CDDF,
            FAMILY_COUNCIL,
            "social_services",
            "parental_authority",
            "",
            "Enfant souvent seul le soir ; la famille a refusé l'aide proposée par le service "
            "social.",
            Youth(
                "Emma",
                "Fabliau",
                "female",
                10,
                40,
                "Courtillières",
                "11 cité des Maquettes",
                situation_place="École des Essais",
                guardians=(_mother("Priscilla"),),
            ),
        ),
        "council_referred": Case(
            CDDF,
            FAMILY_COUNCIL,
            "national_police",
            "public_order",
            "Aire de jeux de l'Église",
            "Enfant de 9 ans impliqué à plusieurs reprises dans des dégradations avec des "
            "plus âgés.",
            Youth(
                "Louis",
                "Parabole",
                "male",
                9,
                120,
                "Église",
                "3 rue de l'Épreuve",
                situation_place="École des Essais",
                guardians=(_mother("Marion"), _father("Cédric")),
            ),
        ),
        "support_police": Case(
            ACC,
            MINORS,
            "law_reminder",
            "school_dropout",
            "",
            "Déscolarisé depuis la fin du collège ; souhaite une formation dans le bâtiment.",
            Youth(
                "Ilan",
                "Légende",
                "male",
                16,
                150,
                "Quatre-Chemins",
                "33 rue des Tests",
                situation="neet",
                guardians=(_mother("Sonia"),),
            ),
        ),
        "support_referred": Case(
            ACC,
            MINORS,
            "school",
            "school_dropout",
            "",
            "Décrochage scolaire progressif depuis le deuxième trimestre.",
            Youth(
                "Sarah",
                "Songe",
                "female",
                15,
                230,
                "Sept-Arpents",
                "12 allée des Essais",
                guardians=(_mother("Delphine"), _father("Stéphane")),
            ),
        ),
        "support_completed": Case(
            ACC,
            MINORS,
            "social_services",
            "family_difficulties",
            "",
            "Tensions familiales importantes ; le jeune passe ses soirées dehors.",
            Youth(
                "Yanis",
                "Rêverie",
                "male",
                14,
                15,
                "Courtillières",
                "19 cité des Maquettes",
                guardians=(_mother("Farida"),),
            ),
        ),
        "landlord_archived": Case(
            ACC,
            LANDLORDS,
            "other",
            "risky_behaviour",
            "Résidence, rue de la Copie",
            "Jeune adulte hébergé chez un tiers, conflits de voisinage répétés ; accepte un "
            "accompagnement.",
            Youth(
                "Jordan",
                "Fantaisie",
                "male",
                # The 25th birthday comes in 20 days: the archived file must be destroyed then.
                24,
                345,
                "Petit-Pantin",
                "9 rue de la Copie",
                situation="job_seeker",
            ),
        ),
        "landlord_support": Case(
            ACC,
            LANDLORDS,
            "mediator",
            "risky_behaviour",
            "Parking de la résidence",
            "Présence tardive sur le parking avec des jeunes plus âgés, inquiétude des médiateurs.",
            Youth(
                "Fatou",
                "Parodie",
                "female",
                17,
                30,
                "Hoche",
                "16 rue du Prototype",
                situation_place="Lycée de l'Exemple",
                guardians=(_mother("Aminata"),),
            ),
        ),
        "victim_linked": Case(
            VIC,
            VICTIMS,
            "school",
            "harassment",
            "Arrêt de bus, rue du Prototype",
            "Élève victime d'insultes et de moqueries répétées à l'arrêt de bus ; la famille ne "
            "souhaite pas porter plainte.",
            Youth(
                "Jade",
                "Calque",
                "female",
                15,
                160,
                "Hoche",
                "1 rue du Prototype",
                situation_place="Lycée de l'Exemple",
                guardians=(_mother("Virginie"),),
            ),
        ),
        "victim_complaint": Case(
            VIC,
            VICTIMS,
            "national_police",
            "theft",
            "Parvis de la gare",
            "Vol de téléphone avec bousculade ; la victime hésite à porter plainte.",
            Youth(
                "Emma",
                "Pochoir",
                "female",
                19,
                100,
                "Centre",
                "6 place de l'Exemple",
                situation="student",
            ),
        ),
        "victim_referred": Case(
            VIC,
            VICTIMS,
            "hospital",
            "physical_violence",
            "",
            "Adolescente vue aux urgences après une bagarre à la sortie du lycée.",
            Youth(
                "Aïcha",
                "Récit",
                "female",
                16,
                50,
                "Quatre-Chemins",
                "29 rue des Tests",
                situation_place="Lycée de l'Exemple",
                guardians=(_mother("Khadija"), _father("Moussa")),
            ),
        ),
        "victim_oriented": Case(
            VIC,
            VICTIMS,
            "municipal_police",
            "theft",
            "Berges du canal",
            "Vol de vélo avec menaces ; orienté vers l'association pour une aide juridique.",
            Youth(
                "Adrien",
                "Roman",
                "male",
                20,
                10,
                "Mairie-Ourcq",
                "4 quai des Essais",
                situation="employed",
            ),
        ),
        "victim_unreachable": Case(
            VIC,
            VICTIMS,
            "self",
            "harassment",
            "",
            "Harcèlement en ligne après une rupture ; demande de conseils.",
            Youth(
                "Sofia",
                "Nouvelle",
                "female",
                22,
                200,
                "Église",
                "8 rue de l'Épreuve",
                situation="employed",
            ),
        ),
    }


def _script(story: Story, rao: dict[str, Case], other: dict[str, Case]) -> None:
    """What happened to each file, in days before the demo's loading day."""
    s = story

    # --- Reminders of the law, one per state (and each common outcome) ---
    # Discussed by the groupe Mineurs at its meeting of 14 days ago (data._meetings), which
    # referred it for a reminder of the law: the prosecutor is to be consulted.
    s.refer(rao["agenda_referred"], 14, hour=17)
    s.refer(rao["referred"], 3)

    case = rao["awaiting"]
    s.refer(case, 20)
    s.step(case, 8, "consult_prosecutor", note="Demande transmise par courriel au parquet.")

    # The prosecutor has not answered within 15 days: late in the coordinator's work list.
    case = rao["awaiting_late"]
    s.refer(case, 30)
    s.step(case, 24, "consult_prosecutor")

    case = rao["to_summon"]
    s.refer(case, 42)
    s.agree(case, 38, 27)

    # Summoned for a hearing in 5 days: the letters to the minor and to both parents.
    case = rao["summoned"]
    s.refer(case, 48)
    s.agree(case, 45, 33)
    s.summon(case, 6, hearing_in=11, letters=True)

    # Did not come, summoned again for a hearing in 9 days: the second summons' letters.
    case = rao["summoned_again"]
    s.refer(case, 80)
    s.agree(case, 77, 66)
    s.summon(case, 58, hearing_in=14, hour=16)
    s.step(case, 44, "record_no_show", hour=18, note="Ni le jeune ni sa mère ne sont venus.")
    s.summon(case, 4, hearing_in=13, hour=10, letters=True)

    case = rao["no_show"]
    s.refer(case, 62)
    s.agree(case, 59, 49)
    s.summon(case, 40, hearing_in=14)
    s.step(case, 26, "record_no_show", hour=18, note="Absent ; la famille n'a pas prévenu.")

    # Six months of support followed by the police officer; the 3-month review is done, the
    # 6-month one comes in three weeks.
    case = rao["support"]
    s.refer(case, 195)
    s.agree(case, 192, 182)
    s.summon(case, 175, hearing_in=15)
    s.hearing(
        case,
        160,
        parents="both",
        recalled=["respect_for_others", "school_attendance"],
        commitments="Respecter le règlement du collège ; suivre l'atelier citoyenneté.",
        case_worker=POLICE,
    )
    s.action(case, 150, "schooling", partner=SCHOOLS, by=POLICE, note="Tutorat hebdomadaire.")
    s.action(
        case,
        140,
        "citizenship",
        partner=MEDIATION,
        by=POLICE,
        note="Atelier citoyenneté, quatre séances.",
        ended=110,
    )
    s.action(
        case,
        145,
        "parenting",
        partner=SOCIAL_SERVICE,
        parents=True,
        by=POLICE,
        note="Groupe de parole de parents.",
    )
    s.review(
        case,
        66,
        "review_3_months",
        by=POLICE,
        reoffended=False,
        note="Assiduité retrouvée ; plus d'incident signalé par le collège.",
    )

    # The second file on the meeting's agenda: its 3-month review is overdue.
    case = rao["agenda_school"]
    s.refer(case, 135)
    s.agree(case, 132, 122)
    s.summon(case, 116, hearing_in=15)
    s.hearing(
        case,
        101,
        parents="one",
        recalled=["school_attendance", "parental_responsibility"],
        commitments="Assiduité au collège ; la mère rencontre le CPE chaque mois.",
        case_worker=POLICE,
    )
    s.action(case, 95, "schooling", partner=SCHOOLS, by=POLICE, note="Contrat d'assiduité.")

    case = rao["support_linked"]
    s.refer(case, 90)
    s.agree(case, 88, 78)
    s.summon(case, 72, hearing_in=12)
    s.hearing(
        case,
        60,
        parents="both",
        recalled=["respect_for_others"],
        commitments="Cesser tout propos envers l'élève ; rencontre avec la médiation.",
        case_worker=COORDINATOR,
    )
    s.action(case, 50, "citizenship", partner=MEDIATION, note="Travail sur le respect d'autrui.")

    # Support ended; the file waits for the review at 12 months.
    case = rao["watch"]
    s.refer(case, 290)
    s.agree(case, 287, 276)
    s.summon(case, 268, hearing_in=18)
    s.hearing(
        case,
        250,
        parents="one",
        recalled=["public_property"],
        commitments="Chantier de réparation au gymnase avec les services techniques.",
        case_worker=COORDINATOR,
    )
    s.action(case, 240, "training", note="Stage d'été dans un atelier municipal.", ended=100)
    s.review(case, 156, "review_3_months", reoffended=False)
    s.review(case, 66, "review_6_months", reoffended=False)
    s.step(case, 66, "end_support", hour=16, result="completed", note="Objectifs atteints.")

    # The same, followed by the police officer: the 12-month review comes in two weeks.
    case = rao["watch_due"]
    s.refer(case, 385)
    s.agree(case, 382, 372)
    s.summon(case, 365, hearing_in=15)
    s.hearing(
        case,
        350,
        parents="both",
        recalled=["public_tranquillity", "curfew"],
        commitments="Rentrer avant 22 heures en semaine ; s'inscrire à un club sportif.",
        case_worker=POLICE,
    )
    s.action(
        case,
        340,
        "leisure",
        partner=MEDIATION,
        by=POLICE,
        note="Inscription au club de boxe.",
        ended=170,
        result="partly",
    )
    s.review(case, 258, "review_3_months", by=POLICE, reoffended=False)
    s.review(
        case,
        168,
        "review_6_months",
        by=POLICE,
        reoffended=True,
        note="Un nouveau regroupement signalé, sans suite.",
    )
    s.step(case, 167, "end_support", by=POLICE, hour=16, result="partly")

    # The whole path: hearing, six months of support, reviews at 3, 6 and 12 months, closure.
    case = rao["closed_completed"]
    s.refer(case, 440)
    s.agree(case, 437, 427)
    s.summon(case, 420, hearing_in=15)
    s.hearing(
        case,
        405,
        parents="one",
        recalled=["respect_for_others", "school_attendance"],
        commitments="Respect des surveillants ; soutien scolaire deux soirs par semaine.",
        case_worker=COORDINATOR,
    )
    s.action(case, 400, "schooling", partner=SCHOOLS, note="Soutien scolaire.", ended=230)
    s.action(
        case,
        395,
        "parenting",
        partner=SOCIAL_SERVICE,
        parents=True,
        note="Entretiens avec une conseillère familiale.",
        ended=260,
    )
    s.review(case, 313, "review_3_months", reoffended=False)
    s.review(case, 222, "review_6_months", reoffended=False)
    s.step(case, 221, "end_support", hour=16, result="completed")
    s.review(case, 39, "review_12_months", reoffended=False, after_support=True)
    s.close(case, 38, "support_completed", "Douze mois sans réitération.")

    case = rao["closed_no_support"]
    s.refer(case, 215)
    s.agree(case, 212, 200)
    s.summon(case, 190, hearing_in=14)
    s.hearing(
        case,
        176,
        parents="one",
        recalled=["public_tranquillity"],
        commitments="Respecter le calme de la résidence après 22 heures.",
    )

    case = rao["closed_family_council"]
    s.refer(case, 250)
    s.agree(case, 247, 236)
    s.summon(case, 229, hearing_in=14)
    s.hearing(
        case,
        215,
        parents="none",
        absence="refused",
        recalled=["school_attendance", "parental_responsibility"],
        commitments="Assiduité au collège, point chaque semaine avec le CPE.",
        case_worker=COORDINATOR,
    )
    s.review(
        case,
        122,
        "review_3_months",
        reoffended=True,
        note="Absentéisme persistant ; parents injoignables.",
    )
    s.close(case, 120, "escalated_family_council", "Saisine du CDDF pour soutenir les parents.")

    case = rao["closed_parenting"]
    s.refer(case, 320)
    s.agree(case, 318, 306)
    s.summon(case, 300, hearing_in=15)
    s.hearing(
        case,
        285,
        parents="both",
        recalled=["respect_for_others", "parental_responsibility"],
        commitments="Ne plus fréquenter l'aire de jeux le soir sans adulte.",
        case_worker=POLICE,
    )
    s.review(case, 193, "review_3_months", by=POLICE, reoffended=False)
    s.close(case, 185, "parenting_support", "Les parents acceptent un soutien à la parentalité.")

    case = rao["closed_welfare"]
    s.refer(case, 110)
    s.agree(case, 108, 100)
    s.summon(case, 96, hearing_in=12)
    s.hearing(
        case,
        84,
        parents="none",
        absence="unreachable",
        recalled=["curfew"],
        commitments="Rentrer à la maison à la sortie de l'école.",
        case_worker=COORDINATOR,
    )
    s.close(case, 78, "child_welfare_concern", "Information préoccupante transmise (CRIP 93).")

    case = rao["closed_prosecutor_note"]
    s.refer(case, 200)
    s.agree(case, 197, 186)
    s.summon(case, 180, hearing_in=14)
    s.hearing(
        case,
        166,
        parents="one",
        recalled=["public_property"],
        commitments="Réparer les boîtes aux lettres avec le gardien de la résidence.",
        case_worker=POLICE,
    )
    s.review(
        case,
        73,
        "review_3_months",
        by=POLICE,
        reoffended=True,
        note="Nouvelles dégradations signalées.",
    )
    s.close(case, 70, "note_to_prosecutor", "Réitération : note transmise au parquet.")

    case = rao["closed_objection"]
    s.refer(case, 100)
    s.step(case, 97, "consult_prosecutor", hour=10)
    s.step(
        case,
        86,
        "record_prosecutor_answer",
        hour=11,
        answer="objection",
        note="Une procédure est en cours pour d'autres faits.",
    )

    case = rao["closed_no_show"]
    s.refer(case, 260)
    s.agree(case, 257, 247)
    s.summon(case, 240, hearing_in=14)
    s.step(case, 226, "record_no_show", hour=18)
    s.close(case, 205, "no_show", "Pas de réponse aux relances.")

    case = rao["closed_withdrawn"]
    s.refer(case, 310)
    s.step(case, 307, "consult_prosecutor", hour=10)
    s.close(case, 290, "withdrawn", "La famille a quitté la commune.")

    # Closed long ago: in the archive, with its destruction date.
    case = rao["archived"]
    s.refer(case, 640)
    s.agree(case, 637, 626)
    s.summon(case, 619, hearing_in=14)
    s.hearing(
        case,
        605,
        parents="one",
        recalled=["public_tranquillity"],
        commitments="Plus de musique forte après 22 heures.",
    )

    # RGPD art. 18: the mother contests the facts; the file is frozen while they are checked.
    case = rao["restricted"]
    s.refer(case, 58)
    s.agree(case, 55, 44)
    s.restrict(
        case,
        33,
        "La mère conteste l'exactitude des faits signalés : traitement limité le temps de la "
        "vérification (RGPD, art. 18).",
    )

    # --- Family council (CDDF) ---
    # The session is in 12 days: the convocation letters to both parents.
    case = other["council_planned"]
    s.refer(case, 30)
    s.step(
        case,
        5,
        "plan_session",
        hour=10,
        letters=True,
        session_at=timezone.make_aware(datetime.combine(s.day(5 - 17), time(18))),
        place=COUNCIL_PLACE,
    )

    case = other["council_support"]
    s.refer(case, 118)
    s.step(
        case,
        112,
        "plan_session",
        hour=10,
        session_at=timezone.make_aware(datetime.combine(s.day(96), time(18))),
        place=COUNCIL_PLACE,
    )
    s.step(
        case,
        96,
        "record_session",
        hour=20,
        parents_present=True,
        measures_proposed=["parenting_support", "school_meeting"],
        measures_accepted=True,
        case_worker=s.users[COORDINATOR],
        note="Les parents acceptent un accompagnement et une rencontre avec le collège.",
    )
    s.action(
        case,
        90,
        "parenting",
        partner=SOCIAL_SERVICE,
        parents=True,
        note="Accompagnement à la parentalité, un entretien par mois.",
    )
    s.review(case, 3, "review_3_months", note="Les parents se présentent aux entretiens.")

    case = other["council_absent"]
    s.refer(case, 205)
    s.step(
        case,
        200,
        "plan_session",
        hour=10,
        session_at=timezone.make_aware(datetime.combine(s.day(186), time(18))),
        place=COUNCIL_PLACE,
    )
    s.step(case, 186, "record_session", hour=20, note="Aucun parent présent, sans excuse.")

    s.refer(other["council_referred"], 9)

    # --- Individual support ---
    case = other["support_police"]
    s.refer(case, 80)
    s.step(
        case,
        75,
        "start_support",
        case_worker=s.users[POLICE],
        note="Retour en formation ; dispositif de remobilisation.",
    )
    s.action(case, 70, "training", by=POLICE, note="Dispositif de remobilisation.")

    s.refer(other["support_referred"], 12)

    case = other["support_completed"]
    s.refer(case, 270)
    s.step(case, 262, "start_support", case_worker=s.users[COORDINATOR])
    s.action(case, 255, "leisure", partner=MEDIATION, note="Club de football.", ended=90)
    s.review(case, 170, "review_3_months", reoffended=False)
    s.review(case, 79, "review_6_months", reoffended=False)
    s.close(case, 77, "support_completed")

    case = other["landlord_archived"]
    s.refer(case, 300, by=LANDLORD)
    s.step(case, 295, "start_support", by=LANDLORD, case_worker=s.users[LANDLORD])
    s.action(
        case,
        290,
        "other",
        partner=LANDLORD_ORGANISATION,
        by=LANDLORD,
        note="Médiation de voisinage.",
        ended=210,
        result="partly",
    )
    s.review(case, 204, "review_3_months", by=LANDLORD, reoffended=False)
    s.close(case, 150, "moved_away", "Relogé hors de la commune.")

    case = other["landlord_support"]
    s.refer(case, 45, by=LANDLORD)
    s.step(case, 40, "start_support", by=LANDLORD, case_worker=s.users[LANDLORD])
    s.action(case, 35, "leisure", partner=MEDIATION, by=LANDLORD, note="Chantier éducatif.")

    # --- Victim support (groupe Victimes: the coordinator alone has signed its charter) ---
    # The victim of the reminder-of-the-law file "support_linked": the two files are linked.
    victims = s.partners[VICTIM_ASSOCIATION]
    case = other["victim_linked"]
    s.refer(case, 88)
    s.step(case, 85, "orient", association=victims, case_worker=s.users[COORDINATOR])
    s.link(case, rao["support_linked"], 84)
    s.step(case, 80, "record_contact", contact="interview")
    s.step(case, 60, "record_contact", contact="psychological_help")

    case = other["victim_complaint"]
    s.refer(case, 150)
    s.step(case, 148, "orient", association=victims, case_worker=s.users[COORDINATOR])
    s.step(case, 140, "record_contact", contact="legal_help")
    s.step(case, 120, "record_contact", contact="accompanied")
    s.close(case, 62, "complaint_filed")

    s.refer(other["victim_referred"], 6)

    case = other["victim_oriented"]
    s.refer(case, 52)
    s.step(case, 50, "orient", association=victims, case_worker=s.users[COORDINATOR])
    s.step(case, 45, "record_contact", contact="interview")

    case = other["victim_unreachable"]
    s.refer(case, 140)
    s.step(case, 138, "orient", association=victims, case_worker=s.users[COORDINATOR])
    s.close(case, 110, "unreachable")


def agenda_cases(territory: Territory) -> tuple[str, str]:
    """The case numbers of the two files on the agenda of the groupe Mineurs' last meeting."""
    numbers = []
    files = FollowUp.objects.filter(territory=territory, kind=RAO, body__name=MINORS)
    for summary in (AGENDA_REFERRED, AGENDA_SCHOOL):
        found = files.filter(summary=summary).first() or files.order_by("-opened_on").first()
        numbers.append(found.case_number if found else "")
    return numbers[0], numbers[1]


def load(territory: Territory) -> tuple[str, str]:
    """Pantin's year of follow-ups, once (left as it is when the territory has any); returns
    the case numbers on the agenda of the groupe Mineurs' meeting."""
    if not FollowUp.objects.filter(territory=territory).exists():
        story = Story(territory)
        rao = _law_reminders()
        _script(story, rao, _other_files(rao))
        story.run()
    return agenda_cases(territory)
