"""People followed individually and their follow-ups, in every generated territory (used by
`benchmarks.generate`, after the council: a file belongs to one of its nominative bodies).

Sizes: `persons` people and `follow_ups` files in all, spread over the territories like the
access log (a few large cities, many small towns: weight ∝ 1/√rank, so `bench-001` holds
~5.4 % of them). The four kinds, each in a body of the kind its workflow accepts
(followups/workflows/*.py): reminders of the law (RAO, 45 %: groupe Mineurs or Récidive),
individual support (25 %: Mineurs, Tranquillité résidentielle or Récidive), victim support
(15 %: Violences intrafamiliales) and the family council (CDDF, 15 %).

Each file is *played*: referred on a day of the last 4½ years, then taken step by step
through its workflow — the same states, steps, answers (`FollowUpEvent.data` as the engine
writes it: the step form's cleaned values as JSON), deadlines set and met, case worker
assigned, letters numbered in the outgoing-mail register, anonymous statistics kept in step —
with realistic delays, until it closes or until today comes first (then it waits in its
state, its deadlines open, some overdue). Closed files get `destroy_on` from
followups/retention.py (3 years after closure, never past the 25th birthday). What the daily
purge would already have destroyed (due on or before today) is left out: the data set is the
state of a platform whose purge runs every day; case numbers keep the gaps it left.

People: realistic French names (`FIRST_NAMES` × `LAST_NAMES`, accents, compound first names,
~7 % hyphenated double last names: several thousand distinct last names), `name_key` computed
by the application's own `people.search.name_key`, born 10–24 years ago (each file's kind has
its age range at referral), an address, a neighbourhood (priority ones more often), a school
or work situation. About one person in ten has two files. Each minor gets one or two legal
guardians (~1.5). People beyond those with a file (`persons` − the files' people, ~81 % in
the foundation scenario, whose issue asks for 1,000,000 people and 200,000 files) are
*filler*: a person with no file is seen by no one and the daily purge destroys them — the
application never leaves one behind; they are here because the issue sizes the search table.

Case workers are members of the file's body who signed its charter. In the benchmark
territory the partner account is the case worker of files of its working groups with
exactly `PARTNER_WORKLIST` open deadlines within the work list's horizon (overdue, this week,
the next days), and owns no other.

Rows go in with explicit ids where other rows refer to them (then the sequences are reset):
on PostgreSQL through `COPY` (people and steps with their foreign keys added after the load),
elsewhere through `executemany`. Documents are rows only: the summons PDFs are not written
to storage (the pages list them; the purge's deletion of a missing file is a no-op).
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from benchmarks.governance import BODY_PLAN, Council, Rows, first_free_id, reset_sequences
from benchmarks.governance import Person as CouncilPerson

PARIS = ZoneInfo("Europe/Paris")
HISTORY_DAYS = int(4.5 * 365)
# The partner's open deadlines within the work list's horizon (followups/worklists.py).
PARTNER_WORKLIST = 40
WORKLIST_HORIZON_DAYS = 30
# (kind, share, bodies by BODY_PLAN index and weight, age at referral (low, mode, high))
KINDS = (
    ("law_reminder", 45, ((3, 7), (6, 3)), (10, 14, 20)),
    ("individual_support", 25, ((3, 5), (4, 2), (6, 3)), (11, 16, 22)),
    ("victim_support", 15, ((5, 1),), (10, 17, 24)),
    ("family_council", 15, ((7, 1),), (6, 13, 17)),
)
REUSE_SHARE = 0.1  # a file about someone who already has one
RESTRICTED_SHARE = 0.004
CASE_PREFIXES = {
    "law_reminder": "RAO",
    "family_council": "CDDF",
    "individual_support": "ACC",
    "victim_support": "VIC",
}

FEMALE = (  # noqa: SIM905 (a list of words reads best as words)
    "Camille Léa Manon Chloé Inès Sarah Jade Louise Emma Alice Lina Julie Clara Zoé Lucie "
    "Anaïs Maëlys Océane Mélissa Yasmine Aïcha Fatoumata Fatou Aminata Mariam Kadiatou Awa "
    "Nour Salma Imane Rania Amira Lina Sofia Maya Nina Eva Rose Ambre Romane Margaux Elsa "
    "Juliette Héloïse Noémie Laura Léna Lola Louna Maëva Naïma Samira Sabrina Soraya Leïla "
    "Khadija Djeneba Assia Hawa Bintou Marwa Hiba Aya Ilona Alicia Justine Pauline Agathe "
    "Capucine Clémence Apolline Victoire Constance Mathilde Jeanne Adèle Éloïse Élise Émilie "
    "Anne-Sophie Marie-Lou Marie-Ange Lou-Ann Thi Linh Mai Ana Beatriz Inês Mónica Graziella "
    "Oriane Shaïna Kenza Nawel Chaïma Ilham Ikram Sirine Assa Ramatoulaye Chloë Gaëlle"
).split()
MALE = (  # noqa: SIM905
    "Lucas Hugo Louis Nathan Thomas Karim Mehdi Yanis Julien Nicolas Maxime Antoine Théo "
    "Enzo Mathis Noah Adam Rayan Ilyes Ibrahim Moussa Mamadou Souleymane Amadou Bakary "
    "Ousmane Sékou Issa Youssef Ayoub Bilal Hamza Anis Sofiane Nassim Walid Samy Amine "
    "Mohamed Ali Omar Idriss Kylian Kévin Jordan Dylan Bryan Steven Killian Clément Baptiste "
    "Quentin Valentin Romain Alexis Arthur Jules Gabriel Raphaël Léo Paul Victor Timéo "
    "Mathéo Évan Axel Liam Ethan Malik Jibril Ismaël Élias Gaël Loïc Noé Tom Sacha Aurélien "
    "Jean-Baptiste Pierre-Louis Jean-Marc Marc-Antoine Duc Minh Tuan João Tiago Rui Luís "
    "Mattéo Lorenzo Aleksander Dragan Florin Andreï Riyad Rédouane Abdoulaye Cheick Kader"
).split()
LAST_NAMES = (  # noqa: SIM905
    "Martin Bernard Thomas Petit Robert Richard Durand Dubois Moreau Laurent Simon Michel "
    "Lefèvre Leroy Roux David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine "
    "Rousseau Vincent Muller Lefebvre Faure André Mercier Blanc Guérin Boyer Garnier "
    "Chevalier François Legrand Gauthier Garcia Perrin Robin Clément Morin Nicolas Henry "
    "Roussel Mathieu Gautier Masson Marchand Duval Denis Dumont Marie Lemaire Noël Meyer "
    "Dufour Meunier Brun Blanchard Giraud Joly Rivière Lucas Brunet Gaillard Barbier Arnaud "
    "Martinez Gérard Roche Renard Schmitt Roy Leroux Colin Vidal Caron Picard Roger Fabre "
    "Aubert Lemoine Renaud Dumas Lacroix Olivier Philippe Bourgeois Pierre Benoît Rey "
    "Leclerc Payet Rolland Diallo Traoré Haddad Benali Nguyen Ferreira Koné Mendy Cissé "
    "Bouzid Camara Touré Sylla Keïta Konaté Coulibaly Doumbia Sissoko Dembélé Fofana Bamba "
    "Kanté Ndiaye Diop Sow Ba Fall Gueye Faye Mbaye Sarr Kaba Soumaré Tounkara Sangaré "
    "Benmansour Belkacem Boukhari Cherif Hamidi Mansouri Saïdi Zerrouki Amrani Bennani "
    "Benhamou Brahimi Kaci Meziane Ouali Rahmani Slimani Taleb Yahiaoui Ziani Aït-Ali "
    "Ben-Saïd El-Amrani Hadj Laroussi Messaoudi Nasri Tahiri Belhadj Bouaziz Chaouch "
    "Dos-Santos Da-Costa Pereira Rodrigues Fernandes Gonçalves Lopes Martins Sousa Oliveira "
    "Carvalho Teixeira Ribeiro Almeida Moreira Pinto Tran Pham Lê Hoàng Phan Vũ Đặng Bùi Ngô "
    "Lin Chen Wang Zhang Liu Huang Yilmaz Kaya Demir Şahin Çelik Öztürk Arslan Popescu Ionescu "
    "Kowalski Nowak Wiśniewski Petrović Jovanović Novak Horvat Rossi Russo Ferrari Esposito "
    "Bianchi Romano Colombo Ricci Marino Greco Bruno Gallo Conti Costa Giordano Mancini "
    "Lombard Charpentier Dupuis Perret Jacquet Collet Prévost Carré Hubert Leblanc Guillot "
    "Tessier Bailly Hervé Germain Marchal Paris Baron Lebrun Julien Hamon Marty Barre "
    "Benard Rémy Navarro Bertin Maillard Poirier Weber Caillaud Perrot Laine Leconte Cordier "
    "Langlois Lejeune Besnard Guillaume Millet Gilbert Bouvier Cousin Brunel Devaux Delmas "
    "Aubry Hoarau Grondin Fontaine Leveque Boucher Deschamps Leclercq Le-Goff Le-Gall "
    "Le-Roux Le-Bihan Kerbrat Quéré Tanguy Goasdoué Hénaff Ollivier D'Almeida D'Souza "
    "De-Sousa Delacroix Desjardins Duchêne Dufresne Dubreuil Beaumont Bellamy Chauvin Cléret "
    "Œuvrard Lætitia-Vernet Saint-Martin Saint-Cyr Sainte-Marie Vasseur Verdier Vidal-Naquet"
).split()
STREETS = (
    "rue de la République",
    "avenue Jean-Jaurès",
    "rue Victor-Hugo",
    "allée des Tilleuls",
    "rue du 8-Mai-1945",
    "boulevard Gabriel-Péri",
    "rue Paul-Vaillant-Couturier",
    "cité des Fleurs, bâtiment B",
    "rue des Sablons",
    "place du Marché",
    "chemin des Bosquets",
    "rue Édouard-Vaillant",
)
SCHOOLS = (
    "Collège Jean-Moulin",
    "Collège Anatole-France",
    "Collège Politzer",
    "Lycée Marcelin-Berthelot",
    "Lycée professionnel Théodore-Monod",
    "École élémentaire Joliot-Curie",
    "CFA du bâtiment",
    "Mission locale",
    "",
)
PLACES_OF_FACTS = (
    "Abords du collège",
    "Hall d'immeuble, cité des Fleurs",
    "Parc des Sablons",
    "Gare routière",
    "Centre commercial",
    "Place du Marché",
    "Rue de la République",
    "Square des Tilleuls",
    "",
)
SUMMARIES = (
    "Regroupements bruyants en soirée au pied de l'immeuble, signalés à plusieurs reprises.",
    "Absences répétées au collège depuis la rentrée ; la famille a été reçue par le CPE.",
    "Dégradation d'un abribus ; pas de plainte déposée.",
    "Errance tardive signalée par la médiation de nuit.",
    "Insultes envers un agent de la médiation ; excuses présentées.",
    "Difficultés éducatives exprimées par la mère auprès du service social.",
    "Orientée par le commissariat après une agression dans les transports.",
    "Décrochage scolaire ; accompagnement vers la Mission locale proposé.",
    "",
)
NOTES = (
    "",
    "",
    "",
    "Famille reçue avec l'éducateur de prévention.",
    "Relance par téléphone sans réponse.",
    "Point fait avec l'établissement scolaire.",
    "Engagements tenus à ce jour.",
)
HEARING_PLACES = ("Hôtel de ville, bureau du maire", "Maison de la justice et du droit")
SESSION_PLACES = ("Hôtel de ville, salle des commissions", "Maison des familles")
RECALLED = (
    "school_attendance",
    "respect_for_others",
    "public_tranquillity",
    "public_property",
    "curfew",
    "parental_responsibility",
)
SUBJECTS = {
    ("law_reminder", False): "Convocation — rappel à l’ordre",
    ("law_reminder", True): "Seconde convocation — rappel à l’ordre",
    ("family_council", False): "Convocation — conseil pour les droits et devoirs des familles",
}
RELATIONSHIP_LABELS = {
    "mother": "mère",
    "father": "père",
    "guardian": "tuteur",
    "child_welfare": "service de l'aide sociale à l'enfance (ase)",
    "other": "autre",
}
ACTION_KINDS = {
    "law_reminder": ("schooling", "leisure", "citizenship", "parenting", "training", "health"),
    "family_council": ("parenting", "schooling", "health", "other"),
    "individual_support": ("schooling", "leisure", "training", "health", "citizenship"),
    "victim_support": ("victim_help", "health", "other"),
}


def shares(total: int, weights: Sequence[float]) -> list[int]:
    """`total` split in proportion to `weights` (largest remainder): the parts add up."""
    exact = [total * w / sum(weights) for w in weights]
    parts = [int(x) for x in exact]
    for i in sorted(range(len(exact)), key=lambda i: parts[i] - exact[i])[: total - sum(parts)]:
        parts[i] += 1
    return parts


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


@dataclass(eq=False)
class PersonRow:
    first_name: str
    last_name: str
    birth_date: date
    sex: str
    address: str
    neighbourhood: int | None
    created_on: date
    guardians: list[list[Any]] = field(default_factory=list)  # rows without territory/person
    pk: int = 0
    guardian_pks: list[int] = field(default_factory=list)


@dataclass(eq=False)
class File:
    """One follow-up being played through its workflow."""

    territory: int
    kind: str
    body: int
    person: PersonRow
    opened_on: date
    source: str
    facts: str
    recorder: int
    state: str = "referred"
    case_worker: int | None = None
    presiding: int | None = None
    outcome: str = ""
    closed_on: date | None = None
    destroy_on: date | None = None
    restricted_at: datetime | None = None
    # (step, from, to, occurred_on, data, recorded_by, recorded_at)
    events: list[list[Any]] = field(default_factory=list)
    deadlines: list[list[Any]] = field(default_factory=list)  # [kind, due, done, owner]
    actions: list[list[Any]] = field(default_factory=list)
    # (sent_on, guardian index or None, document kind, second summons)
    letters: list[tuple[date, int | None, str, bool]] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    worker_data: list[dict[str, Any]] = field(default_factory=list)
    case_number: str = ""
    pk: int = 0


class FollowUpData:
    def __init__(
        self,
        *,
        rng: random.Random,
        now: datetime,
        territory_ids: Sequence[int],
        weights: Sequence[float],
        council: Council,
        people: dict[int, list[CouncilPerson]],
        coordinators: dict[int, int],
        partner: tuple[int, int] | None,
        persons: int,
        follow_ups: int,
    ) -> None:
        from tranquillite.accounts.models import Organisation, User
        from tranquillite.core.models import Neighbourhood
        from tranquillite.followups import retention

        self.rng = rng
        self.now = now
        self.today = now.astimezone(PARIS).date()
        self.territory_ids = list(territory_ids)
        self.weights = list(weights)
        self.coordinators = coordinators
        self.partner = partner
        self.n_persons = persons
        self.n_follow_ups = follow_ups
        self.retention = retention
        self.user_public_ids = {
            pk: str(pid) for pk, pid in User.objects.values_list("pk", "public_id")
        }
        self.elected: dict[int, list[int]] = {
            t: [p.user_id for p in people.get(t, []) if p.role == "elected_official"]
            for t in self.territory_ids
        }
        self.organisations: dict[int, list[tuple[int, str, str]]] = {}
        for pk, territory_id, kind, public_id in Organisation.objects.filter(
            territory_id__in=self.territory_ids, is_active=True
        ).values_list("pk", "territory_id", "kind", "public_id"):
            self.organisations.setdefault(territory_id, []).append((pk, kind, str(public_id)))
        self.neighbourhoods: dict[int, list[tuple[int, bool]]] = {}
        for pk, territory_id, priority in Neighbourhood.objects.filter(
            territory_id__in=self.territory_ids
        ).values_list("pk", "territory_id", "is_priority"):
            self.neighbourhoods.setdefault(territory_id, []).append((pk, priority))
        self._bodies_from(council)
        self.name_keys: dict[tuple[str, str], str] = {}
        self.people: list[PersonRow] = []
        self.people_territory: list[int] = []
        self.files: list[File] = []
        self.dropped = 0

    def _bodies_from(self, council: Council) -> None:
        """The nominative bodies of each territory (by BODY_PLAN index) and, for each, the
        users who may be case workers: active members who signed its charter."""
        names = {plan[1]: index for index, plan in enumerate(BODY_PLAN)}
        b = {name: i + 1 for i, name in enumerate(council.bodies.fields)}
        self.bodies: dict[int, dict[int, int]] = {}  # territory -> plan index -> body id
        for row in council.bodies.rows:
            self.bodies.setdefault(row[b["territory"]], {})[names[row[b["name"]]]] = row[0]
        s = council.signatures.fields.index("member")
        signed = {row[s] for row in council.signatures.rows}
        m = {name: i + 1 for i, name in enumerate(council.members.fields)}
        self.workers: dict[int, list[int]] = {}  # body id -> user ids
        elected = {u for users in self.elected.values() for u in users}
        coordinators = set(self.coordinators.values())
        partner = self.partner[1] if self.partner else None
        for row in council.members.rows:
            user = row[m["user"]]
            eligible = user not in elected and user not in coordinators and user != partner
            if row[0] in signed and row[m["status"]] == "active" and eligible:
                self.workers.setdefault(row[m["body"]], []).append(user)
        self.partner_bodies: set[int] = set()
        if self.partner is not None:
            for row in council.members.rows:
                if row[m["user"]] == partner and row[0] in signed:
                    self.partner_bodies.add(row[m["body"]])

    # --- people ----------------------------------------------------------------------------
    def name_key(self, first: str, last: str) -> str:
        from tranquillite.people.search import name_key

        key = self.name_keys.get((first, last))
        if key is None:
            key = self.name_keys[(first, last)] = name_key(first, last)
        return key

    def last_name(self) -> str:
        rng = self.rng
        last = LAST_NAMES[int(len(LAST_NAMES) * rng.random() ** 1.6)]
        if rng.random() < 0.07:
            other = rng.choice(LAST_NAMES)
            if other != last:
                last = f"{last}-{other}"
        return last

    def new_person(self, territory: int, birth_date: date, created_on: date) -> PersonRow:
        rng = self.rng
        sex = rng.choices(("female", "male", "unknown"), weights=(44, 55, 1))[0]
        first = rng.choice(FEMALE if sex == "female" else MALE)
        hoods = self.neighbourhoods.get(territory, [])
        hood = None
        if hoods and rng.random() < 0.93:
            hood = rng.choices(hoods, weights=[3 if p else 1 for _h, p in hoods])[0][0]
        address = ""
        if rng.random() < 0.95:
            n = self._index[territory]
            address = f"{rng.randint(1, 180)} {rng.choice(STREETS)}, 93{n:03d} Ville-Banc {n:03d}"
        person = PersonRow(first, self.last_name(), birth_date, sex, address, hood, created_on)
        self.people.append(person)
        self.people_territory.append(territory)
        return person

    def add_guardians(self, person: PersonRow) -> None:
        rng = self.rng
        if person.guardians:
            return
        if rng.random() < 0.04:
            person.guardians.append(
                [
                    "child_welfare",
                    "Service de l'aide sociale à l'enfance",
                    "Département",
                    "Département — Service social, 93000 Bobigny",
                    "01 43 93 93 93",
                    "",
                    True,
                ]
            )
            return
        relationships = (
            ["mother", "father"]
            if rng.random() < 0.5
            else [rng.choices(("mother", "father", "guardian"), weights=(75, 20, 5))[0]]
        )
        for relationship in relationships:
            if relationship == "father":
                first = rng.choice(MALE)
                last = person.last_name
            else:
                first = rng.choice(FEMALE)
                last = person.last_name if rng.random() < 0.6 else self.last_name()
            own_address = rng.random() < 0.25
            person.guardians.append(
                [
                    relationship,
                    first,
                    last,
                    (
                        f"{rng.randint(1, 180)} {rng.choice(STREETS)}, 93000 Ville"
                        if own_address
                        else (person.address.replace(", ", "\n") if rng.random() < 0.5 else "")
                    ),
                    f"06 {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} "
                    f"{rng.randint(10, 99)}"
                    if rng.random() < 0.8
                    else "",
                    "",
                    rng.random() < 0.95,
                ]
            )
        if not any(g[6] for g in person.guardians):
            person.guardians[0][6] = True

    def birth_for(self, opened_on: date, low: int, mode: int, high: int) -> date:
        """A birth date giving an age at referral in [low, high] and today in [10, 24]."""
        rng = self.rng
        for _attempt in range(20):
            age = int(rng.triangular(low, high + 1, mode))
            birth = years_before(opened_on, age) - timedelta(days=rng.randrange(365))
            if years_before(self.today, 25) < birth <= years_before(self.today, 10):
                return birth
        # The youngest allowed today, if the referral was long ago.
        return years_before(self.today, 10) - timedelta(days=rng.randrange(1, 300))

    # --- playing a file ----------------------------------------------------------------------
    def moment(self, day: date, index: int) -> datetime:
        return datetime(
            day.year, day.month, day.day, 9 + index % 9, self.rng.randrange(60), tzinfo=PARIS
        )

    def event(
        self,
        f: File,
        step: str,
        to: str,
        day: date,
        data: dict[str, Any],
        *,
        recorded_on: date | None = None,
        by: int | None = None,
    ) -> None:
        data = {
            k: (v.isoformat() if isinstance(v, date | datetime) else v) for k, v in data.items()
        }
        by = by if by is not None else self.actor(f)
        f.events.append(
            [
                step,
                f.state if step != "refer" else "",
                to,
                day,
                data,
                by,
                self.moment(recorded_on or day, len(f.events)),
            ]
        )
        f.state = to

    def actor(self, f: File) -> int:
        rng = self.rng
        if rng.random() < 0.6 or not self.workers.get(f.body):
            return self.coordinators[f.territory]
        if f.case_worker is not None and rng.random() < 0.7:
            return f.case_worker
        return rng.choice(self.workers[f.body])

    def deadline(self, f: File, kind: str, due: date, by: int) -> None:
        f.deadlines.append([kind, due, None, f.case_worker or by])

    def meet(self, f: File, kinds: set[str], day: date) -> None:
        for deadline in f.deadlines:
            if deadline[0] in kinds and deadline[2] is None:
                deadline[2] = day

    def assign(self, f: File, worker: int) -> None:
        f.case_worker = worker
        for deadline in f.deadlines:
            if deadline[2] is None:
                deadline[3] = worker

    def close(self, f: File, day: date, outcome: str) -> None:
        f.closed_on = day
        f.outcome = outcome
        f.destroy_on = self.retention.destroy_on(birth_date=f.person.birth_date, closed_on=day)
        f.deadlines = [d for d in f.deadlines if d[2] is not None]
        f.stats.update(closed=True, outcome=outcome)

    def close_step(self, f: File, day: date, outcome: str, completed: set[str]) -> None:
        by = self.coordinators[f.territory]
        self.event(
            f,
            "close",
            "closed",
            day,
            {"occurred_on": day, "outcome": outcome, "note": self.rng.choice(NOTES)},
            by=by,
        )
        if outcome in completed:
            f.stats["support_completed"] = True
        self.close(f, day, outcome)

    def worker(self, f: File) -> int:
        return self.rng.choice(self.workers.get(f.body) or [self.coordinators[f.territory]])

    def later(self, day: date, low: int, mode: int, high: int) -> date:
        return day + timedelta(days=int(self.rng.triangular(low, high, mode)))

    def support_actions(self, f: File, start: date, end: date | None) -> None:
        rng = self.rng
        organisations = self.organisations.get(f.territory, [])
        for _n in range(rng.randint(1, 3)):
            starts = self.later(start, 0, 7, 40)
            if starts > self.today:
                continue
            ends = starts + timedelta(days=rng.randint(30, 180))
            finished = ends <= self.today and (end is None or ends <= end)
            if end is not None and not finished:
                ends, finished = max(starts, end), True
            partner = rng.choice(organisations)[0] if organisations and rng.random() < 0.9 else None
            result = (
                rng.choices(("completed", "partly", "not_done"), weights=(60, 25, 15))[0]
                if finished
                else "ongoing"
            )
            f.actions.append(
                [
                    "parents" if f.kind == "family_council" or rng.random() < 0.15 else "person",
                    rng.choice(ACTION_KINDS[f.kind]),
                    partner,
                    starts,
                    ends if finished else None,
                    result,
                    rng.choice(NOTES),
                ]
            )

    def law_reminder(self, f: File) -> None:
        rng, today = self.rng, self.today
        completed = {"support_completed"}
        day = self.later(f.opened_on, 1, 3, 12)
        if day > today:
            return
        by = self.actor(f)
        self.event(
            f,
            "consult_prosecutor",
            "awaiting_prosecutor",
            day,
            {"occurred_on": day, "note": rng.choice(NOTES)},
            by=by,
        )
        self.deadline(f, "prosecutor_answer", day + timedelta(days=15), by)
        day = self.later(day, 3, 12, 40)
        if day > today:
            return
        agreed = rng.random() < 0.92
        self.event(
            f,
            "record_prosecutor_answer",
            "to_summon" if agreed else "closed",
            day,
            {"occurred_on": day, "answer": "agreement" if agreed else "objection", "note": ""},
        )
        self.meet(f, {"prosecutor_answer"}, day)
        if not agreed:
            self.close(f, day, "prosecutor_objection")
            return
        second = False
        while True:
            day = self.later(day, 2, 8, 30)
            if day > today:
                return
            if rng.random() < 0.02:
                self.close_step(f, day, "withdrawn", completed)
                return
            hearing = self.later(day, 8, 15, 30)
            hearing_at = datetime(hearing.year, hearing.month, hearing.day, 14, 30, tzinfo=PARIS)
            f.presiding = rng.choice(self.elected.get(f.territory) or [None])  # type: ignore[list-item]
            by = self.actor(f)
            self.event(
                f,
                "summon",
                "summoned",
                day,  # the step is the sending of the letters (the hearing is an answer)
                {
                    "occurred_on": day,
                    "hearing_at": hearing_at,
                    "place": rng.choice(HEARING_PLACES),
                    "presiding_official": self.user_public_ids.get(f.presiding)
                    if f.presiding
                    else None,
                },
                recorded_on=day,
                by=by,
            )
            self.deadline(f, "hearing", hearing, by)
            f.stats["summoned"] = True
            kind = "second_summons" if second else "summons"
            f.letters.append((day, None, kind, second))
            if self.retention.age_on(f.person.birth_date, day) < 18:
                self.add_guardians(f.person)
                for index, guardian in enumerate(f.person.guardians):
                    if guardian[6]:
                        f.letters.append((day, index, kind, second))
            day = hearing
            if day > today:
                return
            if rng.random() < 0.12:
                self.event(f, "record_no_show", "no_show", day, {"occurred_on": day, "note": ""})
                self.meet(f, {"hearing"}, day)
                f.stats["no_show"] = True
                day = self.later(day, 3, 10, 30)
                if day > today:
                    return
                if rng.random() < 0.35 or second:
                    self.close_step(f, day, "no_show", completed)
                    return
                second = True
                continue
            break
        supported = rng.random() < 0.65
        parents = rng.choices(("both", "one", "guardian", "none"), weights=(35, 50, 5, 10))[0]
        worker = self.worker(f) if supported else None
        data = {
            "occurred_on": day,
            "parents_present": parents,
            "parents_absence": rng.choice(("excused", "unreachable", "refused"))
            if parents == "none"
            else "",
            "recalled": rng.sample(RECALLED, rng.randint(1, 3)),
            "commitments": rng.choice(NOTES),
            "support": supported,
            "case_worker": self.user_public_ids.get(worker) if worker else None,
        }
        self.event(f, "record_hearing", "support" if supported else "closed", day, data)
        if supported:
            f.worker_data.append(f.events[-1][4])
        self.meet(f, {"hearing"}, day)
        f.stats.update(heard=True, no_show=False, parents_present=parents != "none")
        if not supported:
            self.close(f, day, "no_support_needed")
            return
        assert worker is not None
        hearing = day
        self.assign(f, worker)
        for kind, months in (
            ("review_3_months", 3),
            ("review_6_months", 6),
            ("support_end", 6),
            ("review_12_months", 12),
        ):
            self.deadline(f, kind, hearing + timedelta(days=round(months * 30.4)), worker)
        f.stats["support_started"] = True
        self.support_actions(f, hearing, None)
        reviews = (("review_3_months", 91), ("review_6_months", 182))
        for review, offset in reviews:
            day = self.later(hearing + timedelta(days=offset), -10, 3, 45)
            if day > today:
                return
            if rng.random() < 0.03:
                self.close_step(
                    f,
                    day,
                    rng.choice(("escalated_family_council", "parenting_support", "withdrawn")),
                    completed,
                )
                return
            reoffended = rng.random() < 0.18
            self.event(
                f,
                "record_review",
                "support",
                day,
                {
                    "occurred_on": day,
                    "review": review,
                    "reoffended": reoffended,
                    "note": rng.choice(NOTES),
                },
            )
            self.meet(f, {review}, day)
            if review == "review_6_months":
                f.stats["reoffended_6_months"] = reoffended
        day = self.later(day, 0, 5, 30)
        if day > today:
            return
        result = rng.choices(("completed", "partly", "not_done"), weights=(65, 25, 10))[0]
        self.event(
            f,
            "end_support",
            "watch",
            day,
            {"occurred_on": day, "result": result, "note": rng.choice(NOTES)},
        )
        self.meet(f, {"support_end"}, day)
        f.stats["support_completed"] = result == "completed"
        day = self.later(hearing + timedelta(days=365), -10, 5, 45)
        if day > today:
            return
        reoffended = rng.random() < 0.22
        self.event(
            f,
            "record_review_after_support",
            "watch",
            day,
            {
                "occurred_on": day,
                "review": "review_12_months",
                "reoffended": reoffended,
                "note": rng.choice(NOTES),
            },
        )
        self.meet(f, {"review_12_months"}, day)
        f.stats["reoffended_12_months"] = reoffended
        day = self.later(day, 1, 10, 60)
        if day > today:
            return
        self.close_step(
            f,
            day,
            "support_completed"
            if result == "completed"
            else rng.choice(("support_completed", "parenting_support", "withdrawn")),
            completed,
        )

    def family_council(self, f: File) -> None:
        rng, today = self.rng, self.today
        completed = {"measures_completed"}
        self.add_guardians(f.person)
        day = self.later(f.opened_on, 5, 15, 45)
        if day > today:
            return
        if rng.random() < 0.05:
            self.close_step(f, day, "withdrawn", completed)
            return
        session = self.later(day, 10, 20, 40)
        by = self.actor(f)
        session_at = datetime(session.year, session.month, session.day, 17, 30, tzinfo=PARIS)
        self.event(
            f,
            "plan_session",
            "session_planned",
            day,  # the step is the sending of the convocation
            {"occurred_on": day, "session_at": session_at, "place": rng.choice(SESSION_PLACES)},
            recorded_on=day,
            by=by,
        )
        self.deadline(f, "session", session, by)
        for index, guardian in enumerate(f.person.guardians):
            if guardian[6]:
                f.letters.append((day, index, "summons", False))
        day = session
        if day > today:
            return
        came = rng.random() < 0.85
        proposed = (
            rng.sample(
                ("parenting_support", "recommendations", "social_services", "school_meeting"),
                rng.randint(1, 2),
            )
            if came
            else []
        )
        accepted = came and rng.random() < 0.7
        worker = self.worker(f) if accepted else None
        data = {
            "occurred_on": day,
            "parents_present": came,
            "measures_proposed": proposed,
            "measures_accepted": accepted,
            "case_worker": self.user_public_ids.get(worker) if worker else None,
            "note": rng.choice(NOTES),
        }
        self.event(f, "record_session", "support" if accepted else "closed", day, data)
        self.meet(f, {"session"}, day)
        f.stats.update(heard=True, parents_present=came)
        if not accepted:
            self.close(
                f,
                day,
                "parents_absent"
                if not came
                else ("measures_refused" if proposed else "no_measure"),
            )
            return
        assert worker is not None
        f.worker_data.append(f.events[-1][4])
        start = day
        self.assign(f, worker)
        for kind, months in (("review_3_months", 3), ("review_6_months", 6), ("support_end", 6)):
            self.deadline(f, kind, start + timedelta(days=round(months * 30.4)), worker)
        f.stats["support_started"] = True
        self.support_actions(f, start, None)
        for review, offset in (("review_3_months", 91), ("review_6_months", 182)):
            day = self.later(start + timedelta(days=offset), -10, 3, 45)
            if day > today:
                return
            self.event(
                f,
                "record_review",
                "support",
                day,
                {"occurred_on": day, "review": review, "note": rng.choice(NOTES)},
            )
            self.meet(f, {review}, day)
        day = self.later(day, 1, 10, 45)
        if day > today:
            return
        outcome = rng.choices(
            ("measures_completed", "measures_refused", "withdrawn"), weights=(75, 15, 10)
        )[0]
        self.close_step(f, day, outcome, completed)

    def individual_support(self, f: File) -> None:
        rng, today = self.rng, self.today
        completed = {"support_completed"}
        day = self.later(f.opened_on, 3, 12, 45)
        if day > today:
            return
        if rng.random() < 0.06:
            self.close_step(f, day, rng.choice(("declined", "withdrawn")), completed)
            return
        worker = self.worker(f)
        self.event(
            f,
            "start_support",
            "support",
            day,
            {
                "occurred_on": day,
                "case_worker": self.user_public_ids.get(worker),
                "note": rng.choice(NOTES),
            },
        )
        f.worker_data.append(f.events[-1][4])
        start = day
        self.assign(f, worker)
        for kind, months in (("review_3_months", 3), ("review_6_months", 6), ("support_end", 6)):
            self.deadline(f, kind, start + timedelta(days=round(months * 30.4)), worker)
        f.stats["support_started"] = True
        self.support_actions(f, start, None)
        for review, offset in (("review_3_months", 91), ("review_6_months", 182)):
            day = self.later(start + timedelta(days=offset), -10, 3, 45)
            if day > today:
                return
            reoffended = rng.random() < 0.15
            self.event(
                f,
                "record_review",
                "support",
                day,
                {
                    "occurred_on": day,
                    "review": review,
                    "reoffended": reoffended,
                    "note": rng.choice(NOTES),
                },
            )
            self.meet(f, {review}, day)
            if review == "review_6_months":
                f.stats["reoffended_6_months"] = reoffended
        day = self.later(day, 1, 15, 90)
        if day > today:
            return
        outcome = rng.choices(
            ("support_completed", "handed_over", "declined", "moved_away"), weights=(65, 20, 8, 7)
        )[0]
        self.close_step(f, day, outcome, completed)

    def victim_support(self, f: File) -> None:
        rng, today = self.rng, self.today
        completed = {"supported", "complaint_filed"}
        day = self.later(f.opened_on, 0, 3, 14)
        if day > today:
            return
        associations = [o for o in self.organisations.get(f.territory, []) if o[1] == "association"]
        worker = self.worker(f)
        self.event(
            f,
            "orient",
            "oriented",
            day,
            {
                "occurred_on": day,
                "association": rng.choice(associations)[2] if associations else None,
                "case_worker": self.user_public_ids.get(worker),
                "note": rng.choice(NOTES),
            },
        )
        f.worker_data.append(f.events[-1][4])
        self.assign(f, worker)
        f.stats["support_started"] = True
        self.support_actions(f, day, None)
        for _contact in range(rng.randint(1, 4)):
            day = self.later(day, 5, 15, 40)
            if day > today:
                return
            self.event(
                f,
                "record_contact",
                "oriented",
                day,
                {
                    "occurred_on": day,
                    "contact": rng.choice(
                        ("interview", "legal_help", "psychological_help", "accompanied")
                    ),
                    "note": rng.choice(NOTES),
                },
            )
        day = self.later(day, 5, 20, 60)
        if day > today:
            return
        outcome = rng.choices(
            ("supported", "complaint_filed", "oriented_elsewhere", "declined", "unreachable"),
            weights=(45, 20, 15, 10, 10),
        )[0]
        self.close_step(f, day, outcome, completed)

    def play(self, f: File) -> None:
        from tranquillite.followups.services import age_band

        person = f.person
        f.stats = {
            "age_band": age_band(self.retention.age_on(person.birth_date, f.opened_on)),
            "summoned": False,
            "heard": False,
            "no_show": False,
            "parents_present": False,
            "support_started": False,
            "support_completed": False,
            "reoffended_6_months": None,
            "reoffended_12_months": None,
            "outcome": "",
            "closed": False,
        }
        if self.retention.age_on(person.birth_date, f.opened_on) < 18:
            self.add_guardians(person)
        self.event(
            f,
            "refer",
            "referred",
            f.opened_on,
            {"source": f.source, "facts": f.facts},
            by=f.recorder,
        )
        getattr(self, f.kind)(f)
        # Actions of a closed file end with it at the latest.
        for action in f.actions:
            if f.closed_on is not None and action[4] is None:
                action[4] = max(action[3], f.closed_on)
                action[5] = self.rng.choices(
                    ("completed", "partly", "not_done"), weights=(55, 30, 15)
                )[0]

    # --- building ----------------------------------------------------------------------------
    def build(self) -> None:
        from tranquillite.followups.workflows import (
            family_council,
            individual_support,
            law_reminder,
            victim_support,
        )

        workflows = {
            "law_reminder": law_reminder.WORKFLOW,
            "family_council": family_council.WORKFLOW,
            "individual_support": individual_support.WORKFLOW,
            "victim_support": victim_support.WORKFLOW,
        }
        self._index = {t: i + 1 for i, t in enumerate(self.territory_ids)}
        file_counts = shares(self.n_follow_ups, self.weights)
        person_counts = shares(self.n_persons, self.weights)
        kinds = [k for k, _s, _b, _a in KINDS]
        kind_weights = [s for _k, s, _b, _a in KINDS]
        plans = {k: (b, a) for k, _s, b, a in KINDS}
        rng = self.rng
        for territory, n_files, n_people in zip(
            self.territory_ids, file_counts, person_counts, strict=True
        ):
            first_person = len(self.people)
            played: list[tuple[File, bool]] = []
            kept = 0
            known: list[PersonRow] = []
            while kept < n_files:
                kind = rng.choices(kinds, weights=kind_weights)[0]
                body_plan, (low, mode, high) = plans[kind]
                index = rng.choices([i for i, _w in body_plan], weights=[w for _i, w in body_plan])[
                    0
                ]
                body = self.bodies[territory][index]
                opened_on = self.today - timedelta(days=rng.randrange(HISTORY_DAYS))
                person = None
                if known and rng.random() < REUSE_SHARE:
                    candidate = rng.choice(known)
                    age = self.retention.age_on(candidate.birth_date, opened_on)
                    workflow = workflows[kind]
                    if (
                        workflow.min_age <= age <= workflow.max_age
                        and candidate.created_on <= opened_on
                    ):
                        person = candidate
                if person is None:
                    person = self.new_person(
                        territory, self.birth_for(opened_on, low, mode, high), opened_on
                    )
                    known.append(person)
                workflow = workflows[kind]
                f = File(
                    territory=territory,
                    kind=kind,
                    body=body,
                    person=person,
                    opened_on=opened_on,
                    source=rng.choice(workflow.sources)[0],
                    facts=rng.choice(workflow.facts)[0] if workflow.facts else "",
                    recorder=self.coordinators[territory]
                    if rng.random() < 0.5 or not self.workers.get(body)
                    else rng.choice(self.workers[body]),
                )
                self.play(f)
                due = f.destroy_on is not None and f.destroy_on <= self.today
                played.append((f, not due))
                kept += not due
            self.dropped += len(played) - kept
            # Case numbers in the order of referral, per kind and year; the purged files
            # leave their gaps.
            played.sort(key=lambda pair: (pair[0].opened_on, pair[0].events[0][6]))
            counters: dict[str, int] = {}
            for f, keep in played:
                key = f"{CASE_PREFIXES[f.kind]}-{f.opened_on.year}"
                counters[key] = counters.get(key, 0) + 1
                f.case_number = f"{key}-{counters[key]:04d}"
                if keep:
                    self.files.append(f)
            # People: those of the files kept, then filler up to the territory's count.
            used = {id(f.person) for f, keep in played if keep}
            mine = self.people[first_person:]
            self.people[first_person:] = [p for p in mine if id(p) in used]
            del self.people_territory[first_person:]
            self.people_territory += [territory] * (len(self.people) - first_person)
            followed = len(self.people) - first_person
            if followed > n_people:
                raise SystemExit(
                    f"--persons is too small: {followed} people have a file in territory "
                    f"{self._index[territory]}, its share of --persons is {n_people}."
                )
            for _n in range(n_people - followed):
                created = self.today - timedelta(days=rng.randrange(HISTORY_DAYS))
                self.new_person(territory, self.birth_for(self.today, 10, 16, 24), created)
            for f in (f for f, keep in played if keep):
                if rng.random() < RESTRICTED_SHARE and f.closed_on is None:
                    f.restricted_at = self.moment(self.today - timedelta(days=rng.randrange(90)), 1)
        self.settle_partner()

    def settle_partner(self) -> None:
        """The benchmark territory's partner: case worker of files of its working groups
        with exactly PARTNER_WORKLIST open deadlines due within the work list's horizon."""
        if self.partner is None:
            return
        territory, partner = self.partner
        horizon = self.today + timedelta(days=WORKLIST_HORIZON_DAYS)
        safe = self.today + timedelta(days=400)  # not destroyed by the year's purge
        candidates = [
            f
            for f in self.files
            if f.territory == territory
            and f.body in self.partner_bodies
            and f.closed_on is None
            and f.restricted_at is None
            and f.worker_data
            and self.retention.age_limit_day(f.person.birth_date) > safe
        ]
        self.rng.shuffle(candidates)
        total = 0
        for f in candidates:
            due = sum(1 for d in f.deadlines if d[2] is None and d[1] <= horizon)
            if not due or total + due > PARTNER_WORKLIST:
                continue
            total += due
            self.assign(f, partner)
            for data in f.worker_data:
                data["case_worker"] = self.user_public_ids[partner]
            if total == PARTNER_WORKLIST:
                break
        self.partner_deadlines = total

    # --- writing -----------------------------------------------------------------------------
    def write_people(self) -> dict[str, int]:
        """People and their legal guardians (their own transaction: the people's foreign keys
        are added after the load on PostgreSQL)."""
        from benchmarks.strategy import foreign_keys_added_after
        from tranquillite.people.models import LegalGuardian, Person

        rng = self.rng
        people = Rows(
            Person,
            [
                "territory",
                "public_id",
                "first_name",
                "last_name",
                "birth_date",
                "sex",
                "address",
                "neighbourhood",
                "situation",
                "situation_place",
                "name_key",
                "created_at",
                "created_by",
            ],
            first_free_id(Person),
        )
        guardians = Rows(
            LegalGuardian,
            [
                "territory",
                "public_id",
                "person",
                "relationship",
                "first_name",
                "last_name",
                "address",
                "phone",
                "email",
                "has_parental_authority",
            ],
            first_free_id(LegalGuardian),
        )
        for person, territory in zip(self.people, self.people_territory, strict=True):
            age = self.retention.age_on(person.birth_date, self.today)
            if age < 16:
                situation = "pupil"
            else:
                situation = rng.choices(
                    ("pupil", "apprentice", "student", "employed", "job_seeker", "neet", "unknown"),
                    weights=(25, 10, 10, 15, 15, 15, 10),
                )[0]
            place = rng.choice(SCHOOLS) if situation in ("pupil", "apprentice", "student") else ""
            created = datetime(
                person.created_on.year,
                person.created_on.month,
                person.created_on.day,
                10,
                tzinfo=PARIS,
            )
            person.pk = people.add(
                territory,
                self.uuid(),
                person.first_name,
                person.last_name,
                person.birth_date,
                person.sex,
                person.address,
                person.neighbourhood,
                situation,
                place,
                self.name_key(person.first_name, person.last_name),
                created,
                self.coordinators.get(territory),
            )
            for relationship, first, last, address, phone, email, authority in person.guardians:
                person.guardian_pks.append(
                    guardians.add(
                        territory,
                        self.uuid(),
                        person.pk,
                        relationship,
                        first,
                        last,
                        address,
                        phone,
                        email,
                        authority,
                    )
                )
        with transaction.atomic(), foreign_keys_added_after(Person):
            people.write()
        with transaction.atomic():
            guardians.write()
            reset_sequences([Person, LegalGuardian])
        return {"persons": len(people), "guardians": len(guardians)}

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def write_files(self) -> dict[str, int]:
        """Follow-ups, deadlines, support actions, statistics, the outgoing-mail register and
        the case documents (one transaction)."""
        from tranquillite.followups.models import (
            CaseDocument,
            CaseStatistic,
            Deadline,
            FollowUp,
            SupportAction,
        )
        from tranquillite.letters.models import OutgoingMail

        files = Rows(
            FollowUp,
            [
                "territory",
                "public_id",
                "kind",
                "case_number",
                "body",
                "person",
                "state",
                "source",
                "facts",
                "facts_place",
                "summary",
                "opened_on",
                "case_worker",
                "presiding_official",
                "outcome",
                "closed_on",
                "destroy_on",
                "restricted_at",
                "restriction_reason",
                "created_at",
                "created_by",
            ],
            first_free_id(FollowUp),
        )
        deadlines = Rows(Deadline, ["territory", "follow_up", "kind", "due_on", "done_on", "owner"])
        actions = Rows(
            SupportAction,
            [
                "territory",
                "follow_up",
                "beneficiary",
                "kind",
                "partner",
                "starts_on",
                "ends_on",
                "result",
                "note",
            ],
        )
        statistics = Rows(
            CaseStatistic,
            [
                "territory",
                "follow_up",
                "kind",
                "year",
                "referred_on",
                "source",
                "facts",
                "age_band",
                "sex",
                "neighbourhood",
                "summoned",
                "heard",
                "no_show",
                "parents_present",
                "support_started",
                "support_completed",
                "reoffended_6_months",
                "reoffended_12_months",
                "outcome",
                "closed",
                "review_6_months_early",
                "review_12_months_early",
            ],
        )
        mails = Rows(
            OutgoingMail,
            [
                "territory",
                "year",
                "sequence",
                "sent_on",
                "subject",
                "reference",
                "addressee",
                "recorded_by",
                "recorded_at",
            ],
            first_free_id(OutgoingMail),
        )
        documents = Rows(
            CaseDocument,
            [
                "territory",
                "public_id",
                "follow_up",
                "kind",
                "guardian",
                "mail",
                "file",
                "created_at",
                "created_by",
            ],
        )
        rng = self.rng
        letters: list[tuple[date, int, File, int | None, str, bool]] = []
        for f in self.files:
            t = f.territory
            f.pk = files.add(
                t,
                self.uuid(),
                f.kind,
                f.case_number,
                f.body,
                f.person.pk,
                f.state,
                f.source,
                f.facts,
                rng.choice(PLACES_OF_FACTS),
                rng.choice(SUMMARIES),
                f.opened_on,
                f.case_worker,
                f.presiding,
                f.outcome,
                f.closed_on,
                f.destroy_on,
                f.restricted_at,
                "Contestation de l'exactitude des données par la famille (RGPD art. 18)"
                if f.restricted_at
                else "",
                f.events[0][6],
                f.recorder,
            )
            for kind, due, done, owner in f.deadlines:
                deadlines.add(t, f.pk, kind, due, done, owner)
            for action in f.actions:
                actions.add(t, f.pk, *action)
            s = f.stats
            statistics.add(
                t,
                f.pk,
                f.kind,
                f.opened_on.year,
                f.opened_on,
                f.source,
                f.facts,
                s["age_band"],
                f.person.sex,
                f.person.neighbourhood,
                s["summoned"],
                s["heard"],
                s["no_show"],
                s["parents_present"],
                s["support_started"],
                s["support_completed"],
                s["reoffended_6_months"],
                s["reoffended_12_months"],
                s["outcome"],
                s["closed"],
                False,
                False,
            )
            for sent_on, guardian, kind, second in f.letters:
                letters.append((sent_on, t, f, guardian, kind, second))
        # The register: numbered by territory and year, in the order the letters left.
        letters.sort(key=lambda letter: (letter[1], letter[0], letter[2].pk))
        sequences: dict[tuple[int, int], int] = {}
        for sent_on, t, f, guardian, kind, second in letters:
            key = (t, sent_on.year)
            sequences[key] = sequences.get(key, 0) + 1
            person = f.person
            if guardian is None:
                addressee = "Personne convoquée"
            else:
                addressee = (
                    f"Représentant légal ({RELATIONSHIP_LABELS[person.guardians[guardian][0]]})"
                )
            at = datetime(sent_on.year, sent_on.month, sent_on.day, 11, tzinfo=PARIS)
            by = self.coordinators[t]
            mail = mails.add(
                t,
                sent_on.year,
                sequences[key],
                sent_on,
                SUBJECTS[(f.kind, second)],
                f.case_number,
                addressee,
                by,
                at,
            )
            public_id = self.uuid()
            documents.add(
                t,
                public_id,
                f.pk,
                kind,
                person.guardian_pks[guardian] if guardian is not None else None,
                mail,
                f"followups/{public_id}/courrier-{sent_on.year}-{sequences[key]:05d}.pdf",
                at,
                by,
            )
        with transaction.atomic():
            for rows in (files, deadlines, actions, statistics, mails, documents):
                rows.write()
            reset_sequences([FollowUp, OutgoingMail])
        return {
            "follow_ups": len(files),
            "deadlines": len(deadlines),
            "open_deadlines": sum(1 for row in deadlines.rows if row[4] is None),
            "support_actions": len(actions),
            "case_statistics": len(statistics),
            "outgoing_mail": len(mails),
            "case_documents": len(documents),
        }

    def write_events(self) -> int:
        """The timelines (their own transaction: foreign keys added after the load)."""

        from benchmarks.strategy import foreign_keys_added_after
        from tranquillite.followups.models import FollowUpEvent

        events = Rows(
            FollowUpEvent,
            [
                "territory",
                "follow_up",
                "step",
                "from_state",
                "to_state",
                "occurred_on",
                "data",
                "recorded_by",
                "recorded_at",
            ],
        )
        for f in self.files:
            for step, from_state, to_state, day, data, by, at in f.events:
                events.add(
                    f.territory,
                    f.pk,
                    step,
                    from_state,
                    to_state,
                    day,
                    data,  # the JSONField's value, as to the ORM (core.bulk.write_rows)
                    by,
                    at,
                )
        with transaction.atomic(), foreign_keys_added_after(FollowUpEvent):
            events.write()
        return len(events)

    def summary(self) -> dict[str, Any]:
        by_state: dict[str, int] = {}
        for f in self.files:
            key = f"{f.kind}:{f.state}"
            by_state[key] = by_state.get(key, 0) + 1
        expiring = sum(
            1
            for f in self.files
            if (f.destroy_on and f.destroy_on <= self.today + timedelta(days=365))
            or self.retention.age_limit_day(f.person.birth_date) <= self.today + timedelta(days=365)
        )
        return {
            "states": dict(sorted(by_state.items())),
            "dropped_as_already_purged": self.dropped,
            "expiring_within_a_year": expiring,
            "partner_worklist_deadlines": getattr(self, "partner_deadlines", 0),
        }
