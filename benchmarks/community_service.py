"""Community service (TIG) for the benchmarks (issue 8): `posts` posts in every territory, ten
years of placements on each with their sessions, and the anonymous shadows the figures read.

Each post hosts as many people at a time as its capacity (1 to 4): on each of its places,
placements follow one another for ten years — proposed, started two to four weeks later, two
sessions a week on the post's days (7 hours with a one-hour break), completed when the hours
ordered are done (one in eight interrupted on the way), a few weeks' gap, the next one. The
last of each place is under way today (its sessions up to yesterday), or proposed.

The data set is the state of a platform whose daily purge runs: a placement ended more than
three years ago (community_service/retention.py) is gone with its person and sessions; its
anonymous shadow (`PlacementStatistic` with `placement` empty, and its hours per year) stays,
so the figures cover the ten years. In the foundation scenario (100 territories × 50 posts)
that leaves about 3,000,000 sessions, the issue's size.

In every territory the posts' supervisors are the generated accounts with the supervisor
role; in the benchmark territory the first of them is renamed `TIG_SUPERVISOR_EMAIL` (the
runner's `tig_supervisor`). Posts belong to the territory's city services; placements come
from its probation service (SPIP). Sessions go in by COPY on PostgreSQL (`write_rows`), the
other tables by bulk_create."""

from __future__ import annotations

import math
import random
import uuid
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from benchmarks.governance import first_free_id, reset_sequences
from tranquillite.core.bulk import write_rows

PARIS = ZoneInfo("Europe/Paris")
TIG_SUPERVISOR_EMAIL = "bench-tig-supervisor@tranquillite.test"
YEARS = 10
BATCH = 5_000
HOURS = (20, 35, 35, 70, 70, 70, 105, 105, 140, 210, 280)
INTERRUPTED_SHARE = 0.12
REASONS = ("absences", "absences", "withdrawn", "health", "moved", "behaviour", "other")
TITLES = (
    ("Entretien des espaces verts", "Désherbage, ramassage des feuilles, arrosage"),
    ("Aide à l'équipe d'entretien du gymnase", "Nettoyage des vestiaires, rangement du matériel"),
    ("Rangement et équipement des livres", "Couverture des livres, rangement en rayon"),
    ("Petits travaux dans les bâtiments", "Peinture, petites réparations, manutention"),
    ("Propreté des rues", "Balayage, ramassage des dépôts, vidage des corbeilles"),
    ("Aide en cuisine scolaire", "Plonge, mise en place, nettoyage"),
)
FIRST = ("Karim", "Léa", "Mamadou", "Inès", "Lucas", "Sofiane", "Chloé", "Yanis", "Awa", "Théo")
LAST = ("Martin", "Diallo", "Benali", "Nguyen", "Dupont", "Traoré", "Ferreira", "Moreau", "Koné")


def _session_minutes(starts: time, ends: time, break_minutes: int) -> int:
    return (ends.hour * 60 + ends.minute) - (starts.hour * 60 + starts.minute) - break_minutes


def _days_from(start: date, weekdays: list[int]) -> Any:
    """The dates from `start` on that fall on these weekdays, for ever."""
    day = start
    while True:
        if day.weekday() in weekdays:
            yield day
        day += timedelta(days=1)


def write_community_service(
    *, rng: random.Random, now: datetime, territory_ids: list[int], posts: int
) -> dict[str, int]:
    from django.db import transaction

    from tranquillite.accounts.models import Membership, Organisation, User
    from tranquillite.community_service.models import (
        Placement,
        PlacementHoursStatistic,
        PlacementStatistic,
        Post,
        WorkSession,
    )
    from tranquillite.community_service.retention import destroy_on
    from tranquillite.community_service.shadows import age_band, age_on
    from tranquillite.core.models import Neighbourhood
    from tranquillite.people.models import Person
    from tranquillite.people.search import name_key

    today = now.astimezone(PARIS).date()
    first_day = today - timedelta(days=365 * YEARS)
    kept_after = today - timedelta(days=365 * 3)  # ended later than this: not purged yet
    supervisors: dict[int, list[int]] = {}
    for territory_id, user_id in (
        Membership.objects.filter(
            territory_id__in=territory_ids, role="supervisor", is_active=True, user__is_active=True
        )
        .order_by("territory_id", "user_id")
        .values_list("territory_id", "user_id")
    ):
        supervisors.setdefault(territory_id, []).append(user_id)
    services: dict[int, list[int]] = {}
    probation: dict[int, int] = {}
    for pk, territory_id, kind in Organisation.objects.filter(
        territory_id__in=territory_ids, kind__in=["city_service", "probation_service"]
    ).values_list("pk", "territory_id", "kind"):
        if kind == "probation_service":
            probation.setdefault(territory_id, pk)
        else:
            services.setdefault(territory_id, []).append(pk)
    hoods: dict[int, list[int]] = {}
    for pk, territory_id in Neighbourhood.objects.filter(
        territory_id__in=territory_ids
    ).values_list("pk", "territory_id"):
        hoods.setdefault(territory_id, []).append(pk)

    counts = dict.fromkeys(("posts", "placements", "people", "sessions", "statistics", "purged"), 0)
    session_fields = [
        "id",
        "public_id",
        "territory",
        "placement",
        "day",
        "starts_at",
        "ends_at",
        "break_minutes",
        "minutes",
        "tasks",
        "validated_at",
        "validated_by",
        "client_token",
        "recorded_at",
        "recorded_by",
    ]
    next_session = first_free_id(WorkSession)
    case_number = 0
    for t_index, territory_id in enumerate(territory_ids):
        staff = supervisors.get(territory_id)
        if not staff or territory_id not in probation or not services.get(territory_id):
            continue
        if t_index == 0:
            User.objects.filter(pk=staff[0]).update(email=TIG_SUPERVISOR_EMAIL)
        post_rows = []
        for p in range(posts):
            title, tasks = TITLES[p % len(TITLES)]
            days = sorted(rng.sample(range(5), rng.choice([2, 3, 5])))
            post_rows.append(
                Post(
                    territory_id=territory_id,
                    service_id=services[territory_id][p % len(services[territory_id])],
                    title=f"{title} n° {p + 1}",
                    tasks=tasks,
                    skills="Travail en équipe, ponctualité",
                    capacity=rng.choice([1, 2, 3, 3, 4, 4]),
                    days=days,
                    starts_at=time(9),
                    ends_at=time(16),
                    neighbourhood_id=rng.choice(hoods[territory_id])
                    if hoods.get(territory_id)
                    else None,
                    place="Centre technique municipal",
                    reduced_mobility=rng.random() < 0.3,
                    minors_accepted=rng.random() < 0.4,
                    tig360_reference=f"TIG-{territory_id}-{p + 1:03d}",
                    is_open=rng.random() > 0.05,
                )
            )
        with transaction.atomic():
            created_posts = Post.objects.bulk_create(post_rows, batch_size=BATCH)
            through = Post.supervisors.through
            # Five posts a supervisor; the benchmark's supervisor has the first five.
            through.objects.bulk_create(
                [
                    through(post_id=post.pk, user_id=staff[(i // 5) % len(staff)])
                    for i, post in enumerate(created_posts)
                ],
                batch_size=BATCH,
            )
            plans: list[dict[str, Any]] = []
            for index, post in enumerate(created_posts):
                minutes_each = _session_minutes(post.starts_at, post.ends_at, 60)
                supervisor = staff[(index // 5) % len(staff)]
                for _place in range(post.capacity):
                    cursor = first_day + timedelta(days=rng.randint(0, 60))
                    while cursor <= today:
                        hours = rng.choice(HOURS)
                        per_week = min(rng.choice([2, 3]), len(post.days))
                        weekdays = sorted(rng.sample(post.days, per_week))
                        started = cursor + timedelta(days=rng.randint(14, 30))
                        needed = math.ceil(hours * 60 / minutes_each)
                        if rng.random() < INTERRUPTED_SHARE:
                            needed = rng.randint(0, max(needed - 1, 0))
                            interrupted = True
                        else:
                            interrupted = False
                        days_worked: list[date] = []
                        if started <= today:
                            for day in _days_from(started, weekdays):
                                if len(days_worked) >= needed or day >= today:
                                    break
                                days_worked.append(day)
                        finished = len(days_worked) >= needed and started < today
                        last = days_worked[-1] if days_worked else started
                        if started > today:
                            state, ended = "proposed", None
                        elif not finished:
                            state, ended = "active", None
                        else:
                            state, ended = ("interrupted" if interrupted else "completed"), last
                        plans.append(
                            {
                                "post": post,
                                "supervisor": supervisor,
                                "hours": hours,
                                "weekdays": weekdays,
                                "proposed": cursor,
                                "started": started if started <= today else None,
                                "state": state,
                                "ended": ended,
                                "days": days_worked,
                                "minutes_each": minutes_each,
                            }
                        )
                        if ended is None:
                            break
                        cursor = ended + timedelta(days=rng.randint(7, 45))
            kept = [p for p in plans if p["ended"] is None or p["ended"] > kept_after]
            people = Person.objects.bulk_create(
                [_person(rng, territory_id, p, hoods, name_key) for p in kept], batch_size=BATCH
            )
            placements = []
            for plan, person in zip(kept, people, strict=True):
                case_number += 1
                sentence = plan["proposed"] - timedelta(days=rng.randint(30, 120))
                plan["person"] = person
                placements.append(
                    Placement(
                        territory_id=territory_id,
                        case_number=f"TIG-B-{case_number:07d}",
                        post_id=plan["post"].pk,
                        person_id=person.pk,
                        probation_service_id=probation[territory_id],
                        officer_name="Conseiller d'insertion et de probation",
                        officer_email="spip@bench.test",
                        probation_reference=f"SPIP-{case_number}",
                        hours_ordered=plan["hours"],
                        sentence_date=sentence,
                        deadline=sentence + timedelta(days=548),
                        planned_days=plan["weekdays"],
                        planned_start=plan["post"].starts_at,
                        planned_end=plan["post"].ends_at,
                        planned_break_minutes=60,
                        agreement_on=plan["started"] and plan["proposed"],
                        first_interview_on=plan["started"] and plan["proposed"],
                        started_on=plan["started"],
                        state=plan["state"],
                        interruption_reason=(
                            rng.choice(REASONS) if plan["state"] == "interrupted" else ""
                        ),
                        ended_on=plan["ended"],
                        destroy_on=destroy_on(plan["ended"]) if plan["ended"] else None,
                    )
                )
            created = Placement.objects.bulk_create(placements, batch_size=BATCH)
            for plan, placement in zip(kept, created, strict=True):
                plan["placement"] = placement
            sessions = []
            for plan in kept:
                placement = plan["placement"]
                for day in plan["days"]:
                    starts = datetime.combine(day, time(9), PARIS)
                    ends = datetime.combine(day, time(16), PARIS)
                    old = day < today - timedelta(days=2)
                    sessions.append(
                        [
                            next_session,
                            uuid.uuid4(),
                            territory_id,
                            placement.pk,
                            day,
                            starts,
                            ends,
                            60,
                            plan["minutes_each"],
                            "Entretien",
                            ends + timedelta(days=1) if old else None,
                            plan["supervisor"] if old else None,
                            uuid.uuid4(),
                            ends,
                            plan["supervisor"],
                        ]
                    )
                    next_session += 1
            write_rows(WorkSession, session_fields, sessions)
            statistics = PlacementStatistic.objects.bulk_create(
                [_statistic(rng, territory_id, plan, age_band, age_on) for plan in plans],
                batch_size=BATCH,
            )
            hours_rows = []
            for plan, statistic in zip(plans, statistics, strict=True):
                per_year: dict[int, int] = {}
                for day in plan["days"]:
                    per_year[day.year] = per_year.get(day.year, 0) + plan["minutes_each"]
                hours_rows.extend(
                    PlacementHoursStatistic(
                        territory_id=territory_id, statistic_id=statistic.pk, year=y, minutes=m
                    )
                    for y, m in per_year.items()
                )
            PlacementHoursStatistic.objects.bulk_create(hours_rows, batch_size=BATCH)
        counts["posts"] += len(created_posts)
        counts["placements"] += len(created)
        counts["people"] += len(people)
        counts["sessions"] += len(sessions)
        counts["statistics"] += len(statistics)
        counts["purged"] += len(plans) - len(kept)
    reset_sequences([WorkSession])
    return counts


def _person(
    rng: random.Random,
    territory_id: int,
    plan: dict[str, Any],
    hoods: dict[int, list[int]],
    key: Any,
) -> Any:
    from tranquillite.people.models import Person

    first, last = rng.choice(FIRST), rng.choice(LAST)
    youngest = 16 if plan["post"].minors_accepted else 18
    age = rng.randint(youngest, 45)
    birth = plan["proposed"] - timedelta(days=365 * age + rng.randint(0, 364))
    return Person(
        territory_id=territory_id,
        first_name=first,
        last_name=last,
        birth_date=birth,
        sex=rng.choice(["male", "male", "male", "female"]),
        neighbourhood_id=rng.choice(hoods[territory_id]) if hoods.get(territory_id) else None,
        name_key=key(first, last),
    )


def _statistic(
    rng: random.Random, territory_id: int, plan: dict[str, Any], band: Any, age: Any
) -> Any:
    """The anonymous shadow: from the placement's person when it is kept, else as the
    purged one was (an age band and a sex, nothing more)."""
    from tranquillite.community_service.models import PlacementStatistic

    person = plan.get("person")
    if person is not None:
        age_band, sex = band(age(person.birth_date, plan["proposed"])), person.sex
    else:
        age_band, sex = band(rng.randint(18, 45)), rng.choice(["male", "male", "male", "female"])
    return PlacementStatistic(
        territory_id=territory_id,
        placement_id=plan["placement"].pk if "placement" in plan else None,
        service_id=plan["post"].service_id,
        post_id=plan["post"].pk,
        age_band=age_band,
        sex=sex,
        hours_ordered=plan["hours"],
        proposed_on=plan["proposed"],
        started_on=plan["started"],
        ended_on=plan["ended"],
        state=plan["state"],
        interruption_reason="absences" if plan["state"] == "interrupted" else "",
        minutes_done=len(plan["days"]) * plan["minutes_each"],
    )


def community_service_pages(territory: Any, page: Any) -> list[Any]:
    """The supervisor's day, a placement page, the catalogue, the coordinator's work list and
    the figures (`page` is the runner's Page class)."""
    from django.urls import reverse
    from django.utils import timezone

    from tranquillite.community_service.models import Placement

    placement = (
        Placement.objects.filter(territory=territory, state="active")
        .order_by("-started_on", "pk")
        .first()
    )
    if placement is None:
        return []
    year = timezone.localdate().year - 1
    return [
        page(
            "tig_supervisor_day",
            "TIG: the supervisor's day",
            "tig_supervisor",
            reverse("community_service:my_day"),
        ),
        page(
            "tig_placement",
            "TIG: a placement under way",
            "coordinator",
            reverse("community_service:placement", args=[placement.public_id]),
        ),
        page(
            "tig_catalogue",
            "TIG: the catalogue of posts",
            "coordinator",
            reverse("community_service:catalogue"),
        ),
        page(
            "tig_work_list",
            "TIG: the coordinator's work list",
            "coordinator",
            reverse("community_service:placements"),
        ),
        page(
            "tig_figures",
            "TIG: the year's figures",
            "coordinator",
            f"{reverse('observatory:community_service')}?year={year}",
        ),
    ]


def community_service_calls(territory: Any, call: Any, coordinator: Any) -> list[Any]:
    """The hours form of a completed placement, numbered, rendered and filed (`call` is the
    runner's Call class; each call is rolled back, its file deleted)."""
    from tranquillite.community_service.documents import produce_document
    from tranquillite.community_service.models import Placement, PlacementDocument

    placement = (
        Placement.objects.filter(territory=territory, state="completed")
        .order_by("-ended_on", "pk")
        .first()
    )
    if placement is None:
        return []
    storage = PlacementDocument._meta.get_field("file").storage
    written: list[str] = []

    def run() -> Any:
        document = produce_document(actor=coordinator, placement=placement, kind="hours_form")
        written.append(document.file.name)
        return document

    def cleanup() -> None:
        for name in written:
            storage.delete(name)
        written.clear()

    return [
        call(
            "tig_hours_form",
            "TIG: the hours form of a completed placement (numbered, rendered and filed), "
            "in process, coordinator",
            run,
            cleanup,
            iterations=20,
            warmup=2,
        )
    ]
