"""Pantin's community service (TIG): ten posts across the city's services and a year of
placements in every state, loaded once (left as it is when the territory has posts).

- `tuteur@pantin.test` (Franck Rousseau, green spaces) supervises two posts and sees three
  people on his day: two on the park post (one of them a minor followed by the PJJ), one on
  the greenhouses, whose placement shows the pace warning.
- `cpip@pantin.test` (SPIP 93) follows his service's placements: active, behind its pace,
  completed with its three documents, interrupted after absences, suspended, proposed; not the
  PJJ's minor.
- The other posts are supervised by a sports team leader without a login.

Sessions and reports are written directly (a historical record: the probation officer was
told at the time), states through the services (each change with who and when).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from typing import Any

from auditlog.context import set_actor
from django.utils import timezone

from tranquillite.accounts.models import Membership, Organisation, OrganisationKind, User
from tranquillite.accounts.roles import Role
from tranquillite.community_service import services, shadows, timesheets
from tranquillite.community_service.documents import produce_document
from tranquillite.community_service.models import (
    InformedBy,
    InterruptionReason,
    Occurrence,
    OccurrenceKind,
    Placement,
    PlacementState,
    Post,
    PostStatusChange,
    WorkSession,
)
from tranquillite.core.models import Neighbourhood, Territory

SERVICES = {
    "green": "Ville de Pantin — Espaces verts",
    "sports": "Ville de Pantin — Sports",
    "libraries": "Ville de Pantin — Bibliothèques",
    "buildings": "Ville de Pantin — Bâtiments communaux",
    "cleaning": "Ville de Pantin — Propreté urbaine",
    "catering": "Ville de Pantin — Restauration scolaire",
}
WEEKDAYS = [0, 1, 2, 3, 4]

# key, service, title, tasks, skills, capacity, days, start, end, neighbourhood, reduced
# mobility, minors, supervised by tuteur@
POSTS: list[tuple[Any, ...]] = [
    (
        "park",
        "green",
        "Parc Diderot — entretien des espaces verts",
        "Désherbage, ramassage des feuilles, arrosage des massifs",
        "Usage des outils de jardinage, travail en équipe",
        2,
        WEEKDAYS,
        time(8),
        time(12),
        "Quatre-Chemins",
        False,
        True,
        True,
    ),
    (
        "greenhouse",
        "green",
        "Serres municipales — rempotage et arrosage",
        "Rempotage, arrosage, préparation des plants pour les écoles",
        "Soin des plantes, ponctualité",
        1,
        [1, 3],
        time(8, 30),
        time(12, 30),
        "Centre",
        True,
        True,
        True,
    ),
    (
        "gym",
        "sports",
        "Gymnase Maurice-Baquet — entretien du matériel",
        "Rangement et nettoyage du matériel sportif",
        "Organisation, sécurité",
        2,
        WEEKDAYS,
        time(9),
        time(13),
        "Hoche",
        False,
        True,
        False,
    ),
    (
        "stadium",
        "sports",
        "Stade Charles-Auray — vestiaires et terrains",
        "Nettoyage des vestiaires, marquage des terrains",
        "Travail en équipe",
        2,
        [0, 2, 4],
        time(13, 30),
        time(17, 30),
        "Courtillières",
        False,
        False,
        False,
    ),
    (
        "library",
        "libraries",
        "Bibliothèque Elsa-Triolet — équipement des livres",
        "Équipement, rangement et reliure des livres",
        "Classement, soin du document",
        1,
        [1, 2, 3],
        time(10),
        time(13),
        "Centre",
        True,
        True,
        False,
    ),
    (
        "mediatheque",
        "libraries",
        "Médiathèque du Haut-Pantin — rangement",
        "Rangement des rayonnages",
        "Classement",
        1,
        [2, 5],
        time(14),
        time(17),
        "Haut-Pantin",
        True,
        True,
        False,
    ),
    (
        "paint",
        "buildings",
        "Atelier peinture — rafraîchissement des écoles",
        "Préparation des surfaces, peinture des préaux",
        "Peinture, sécurité sur chantier",
        2,
        WEEKDAYS,
        time(8),
        time(12),
        "Sept-Arpents",
        False,
        False,
        False,
    ),
    (
        "carpentry",
        "buildings",
        "Menuiserie municipale — petites réparations",
        "Réparation de bancs et de barrières",
        "Menuiserie de base",
        1,
        [0, 1, 2],
        time(8),
        time(12),
        "Mairie-Ourcq",
        False,
        False,
        False,
    ),
    (
        "cleaning",
        "cleaning",
        "Propreté urbaine — dépôts sauvages",
        "Ramassage des dépôts sauvages avec l'équipe de propreté",
        "Tri des déchets",
        3,
        WEEKDAYS,
        time(7),
        time(11),
        "Quatre-Chemins",
        False,
        False,
        False,
    ),
    (
        "kitchen",
        "catering",
        "Cuisine centrale — plonge et préparation",
        "Plonge, préparation des légumes",
        "Hygiène alimentaire",
        1,
        [0, 1, 3, 4],
        time(7),
        time(11),
        "Église",
        True,
        False,
        False,
    ),
]


def _services(territory: Territory) -> dict[str, Organisation]:
    return {
        key: Organisation.objects.update_or_create(
            territory=territory, name=name, defaults={"kind": OrganisationKind.CITY_SERVICE}
        )[0]
        for key, name in SERVICES.items()
    }


def _sports_supervisor(territory: Territory, sports: Organisation) -> User:
    """A supervisor without a login (no password): he appears on the posts he supervises."""
    user = User.objects.filter(email="tuteur.sports@pantin.test").first()
    if user is None:
        user = User.objects.create_user(
            "tuteur.sports@pantin.test",
            None,
            first_name="Nadia",
            last_name="Haddad",
            job_title="Responsable d'équipement sportif",
        )
    Membership.objects.get_or_create(
        user=user, territory=territory, role=Role.SUPERVISOR, defaults={"organisation": sports}
    )
    return user


def _posts(territory: Territory, tutor: User, other: User) -> dict[str, Post]:
    services_by_key = _services(territory)
    neighbourhoods = {n.name: n for n in Neighbourhood.objects.filter(territory=territory)}
    posts = {}
    for number, row in enumerate(POSTS, start=1):
        key, service, title, tasks, skills, capacity, days, start, end = row[:9]
        place, reduced, minors, tutors = row[9:]
        post = Post.objects.create(
            territory=territory,
            service=services_by_key[service],
            title=title,
            tasks=tasks,
            skills=skills,
            capacity=capacity,
            days=days,
            starts_at=start,
            ends_at=end,
            neighbourhood=neighbourhoods.get(place),
            reduced_mobility=reduced,
            minors_accepted=minors,
            tig360_reference=f"TIG360-93055-{number:03d}",
        )
        post.supervisors.set([tutor] if tutors else [other])
        PostStatusChange.objects.create(territory=territory, post=post, is_open=True)
        posts[key] = post
    return posts


def _person(first: str, last: str, birth: date, sex: str) -> dict[str, Any]:
    return {"first_name": first, "last_name": last, "birth_date": birth, "sex": sex}


def _sessions(
    placement: Placement, first: date, last: date, recorder: User, *, skip: int = 0
) -> None:
    """The planned sessions from `first` to `last`, each validated by a supervisor (every
    `skip`-th one missed)."""
    minutes = timesheets.planned_minutes_per_session(
        placement.planned_start, placement.planned_end, placement.planned_break_minutes
    )
    rows = []
    day, n = first, 0
    while day <= last:
        if day.weekday() in placement.planned_days:
            n += 1
            if not (skip and n % skip == 0):
                start, end = timesheets.session_bounds(
                    day, placement.planned_start, placement.planned_end
                )
                rows.append(
                    WorkSession(
                        territory=placement.territory,
                        placement=placement,
                        day=day,
                        starts_at=start,
                        ends_at=end,
                        break_minutes=placement.planned_break_minutes,
                        minutes=minutes,
                        tasks=placement.post.tasks.split(",")[0],
                        validated_at=end,
                        validated_by=recorder,
                        client_token=uuid.uuid4(),
                        recorded_by=recorder,
                    )
                )
        day += timedelta(days=1)
    WorkSession.objects.bulk_create(rows)
    shadows.sync_hours(placement)  # bulk_create skips the services: keep the shadow in step


def _occurrence(placement: Placement, kind: str, day: date, note: str, by: User) -> None:
    Occurrence.objects.create(
        territory=placement.territory,
        placement=placement,
        kind=kind,
        day=day,
        note=note,
        informed_at=timezone.make_aware(datetime.combine(day, time(12, 5))),
        informed_by=InformedBy.PLATFORM_EMAIL,
        client_token=uuid.uuid4(),
        recorded_by=by,
    )


class _Story:
    def __init__(self, territory: Territory, coordinator: User, posts: dict[str, Post]) -> None:
        self.territory = territory
        self.coordinator = coordinator
        self.posts = posts
        self.spip = Organisation.objects.get(
            territory=territory, kind=OrganisationKind.PROBATION_SERVICE
        )
        self.pjj = Organisation.objects.get(
            territory=territory, kind=OrganisationKind.YOUTH_JUSTICE
        )
        self.officer = User.objects.filter(email="cpip@pantin.test").first()
        self.today = timezone.localdate()

    def propose(self, post: str, person: dict[str, Any], **terms: Any) -> Placement:
        service = terms.pop("service", self.spip)
        sentenced = self.today - timedelta(days=terms.pop("sentenced_days_ago"))
        return services.propose_placement(
            actor=self.coordinator,
            territory=self.territory,
            person=None,
            new_person=person,
            terms=services.PlacementTerms(
                post=self.posts[post],
                probation_service=service,
                probation_officer=self.officer if service == self.spip else None,
                officer_name=terms.pop("officer_name", ""),
                officer_email=terms.pop("officer_email", ""),
                probation_reference=terms.pop("reference"),
                hours_ordered=terms.pop("hours"),
                sentence_date=sentenced,
                deadline=terms.pop("deadline", None),
                deadline_reason=terms.pop("deadline_reason", ""),
                planned_days=terms.pop("days"),
                planned_start=self.posts[post].starts_at,
                planned_end=self.posts[post].ends_at,
                planned_break_minutes=terms.pop("pause", 0),
            ),
        )

    def start(self, placement: Placement, days_ago: int) -> Placement:
        started = self.today - timedelta(days=days_ago)
        services.record_start_details(
            actor=self.coordinator,
            placement=placement,
            agreement_on=started - timedelta(days=10),
            first_interview_on=started - timedelta(days=7),
            deadline=placement.deadline,
            deadline_reason=placement.deadline_reason,
        )
        return self.move(placement, PlacementState.ACTIVE, days_ago)

    def move(self, placement: Placement, target: str, days_ago: int, **extra: Any) -> Placement:
        return services.change_state(
            actor=self.coordinator,
            placement=placement,
            target=target,
            occurred_on=self.today - timedelta(days=days_ago),
            **extra,
        )


def load(territory: Territory) -> None:
    if Post.objects.filter(territory=territory).exists():
        return
    coordinator = User.objects.get(email="coordination@pantin.test")
    tutor = User.objects.get(email="tuteur@pantin.test")
    sports = _services(territory)["sports"]
    other = _sports_supervisor(territory, sports)
    with set_actor(coordinator):
        posts = _posts(territory, tutor, other)
        story = _Story(territory, coordinator, posts)
        today = story.today
        yesterday = today - timedelta(days=1)
        # Active on the park, expected today (whatever day the demo is loaded).
        park_days = sorted({0, 2, today.weekday()})
        active = story.start(
            story.propose(
                "park",
                _person("Yanis", "Benali", date(1999, 5, 17), "male"),
                sentenced_days_ago=150,
                reference="SPIP93-2026-0412",
                hours=70,
                days=park_days,
            ),
            days_ago=60,
        )
        _sessions(active, today - timedelta(days=35), yesterday, tutor, skip=5)
        # A minor followed by the PJJ on the same post (an outside contact, no account).
        minor = story.start(
            story.propose(
                "park",
                _person("Enzo", "Lefèvre", timesheets.add_months(today, -12 * 17), "male"),
                service=story.pjj,
                officer_name="Mme Carpentier (éducatrice PJJ)",
                officer_email="uemo.pantin@pjj.test",
                sentenced_days_ago=90,
                reference="PJJ-UEMO-2026-031",
                hours=35,
                days=park_days,
            ),
            days_ago=30,
        )
        _sessions(minor, today - timedelta(days=20), yesterday, tutor, skip=3)
        _occurrence(minor, OccurrenceKind.LATENESS, today - timedelta(days=9), "45 min", tutor)
        # Behind its pace: 150 hours, one morning a week, deadline in two months.
        behind = story.propose(
            "greenhouse",
            _person("Mélissa", "Roche", date(1994, 11, 2), "female"),
            sentenced_days_ago=480,
            reference="SPIP93-2025-1187",
            hours=150,
            days=[today.weekday()],
            deadline=today + timedelta(days=60),
            deadline_reason="Jugement du 12/08/2025",
        )
        story.start(behind, days_ago=120)
        _sessions(behind, today - timedelta(days=120), yesterday, tutor, skip=2)
        # Completed, with its hours form, final report and attestation.
        done = story.propose(
            "gym",
            _person("Karim", "Slimani", date(1990, 3, 8), "male"),
            sentenced_days_ago=330,
            reference="SPIP93-2025-0934",
            hours=40,
            days=[0, 2, 4],
        )
        story.start(done, days_ago=200)
        first = today - timedelta(days=200)
        _sessions(done, first, first + timedelta(days=27), other)
        story.move(done, PlacementState.COMPLETED, 170, note="Heures effectuées")
        for kind in ("hours_form", "final_report", "attestation"):
            produce_document(actor=coordinator, placement=done, kind=kind)
        # Interrupted after repeated absences.
        stopped = story.propose(
            "cleaning",
            _person("Dylan", "Marchand", date(2001, 7, 23), "male"),
            sentenced_days_ago=250,
            reference="SPIP93-2025-1302",
            hours=105,
            days=[1, 3],
        )
        story.start(stopped, days_ago=110)
        start = today - timedelta(days=110)
        _sessions(stopped, start, start + timedelta(days=20), other)
        for offset in (24, 26, 31):
            _occurrence(stopped, OccurrenceKind.ABSENCE, start + timedelta(days=offset), "", other)
        story.move(
            stopped,
            PlacementState.INTERRUPTED,
            75,
            reason=InterruptionReason.ABSENCES,
            note="Signalé au SPIP",
        )
        # Suspended (health), and one proposal waiting for the first interview.
        paused = story.propose(
            "stadium",
            _person("Sarah", "Benamar", date(1996, 1, 30), "female"),
            sentenced_days_ago=120,
            reference="SPIP93-2026-0288",
            hours=60,
            days=[0, 2],
        )
        story.start(paused, days_ago=45)
        _sessions(paused, today - timedelta(days=45), today - timedelta(days=20), other)
        story.move(paused, PlacementState.SUSPENDED, 18, note="Arrêt maladie")
        story.propose(
            "paint",
            _person("Thomas", "Garnier", date(1987, 9, 14), "male"),
            sentenced_days_ago=20,
            reference="SPIP93-2026-0520",
            hours=120,
            days=[0, 1, 3],
        )
        # The médiathèque closed for works: its history says so.
        services.set_post_open(
            actor=coordinator,
            post=posts["mediatheque"],
            is_open=False,
            reason="Travaux de rénovation",
        )
