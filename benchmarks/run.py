"""Time pages end to end on the generated data: p50, p95, max and SQL queries per page.

    python -m benchmarks.run --scenario foundation --iterations 200 --out benchmarks/results

Requests go through django.test.Client, in process: the whole middleware stack (sessions,
authentication, MFA, current territory...), the real views, templates and database; no
network and no WSGI server. The coordinator, the DPO and a partner member of the benchmark
territory are signed in with `force_login`; their TOTP authenticator lets the mandatory-MFA
middleware through, as for a real user. Each page gets warm-up requests, then `--iterations` timed
ones (fewer for the slow pages of `scenarios.PAGE_ITERATIONS`, e.g. the committee pack's PDF);
each must answer 200 or the run stops. A page with form data is sent by POST (the person
search: a name never goes into a URL).

Besides pages: the summon step of a reminder of the law (its letters are numbered, rendered
and filed), timed in process through the engine inside a transaction rolled back each time;
and, last of all because it destroys data, the daily purge: once as on today (it destroys
the filler people no file refers to), then once as on a year from now (a year of expiries),
each timed once (`--no-purge` skips it; the data set must be generated again after it).

Writes `<out>/<scenario>-<vendor>-<UTC timestamp>.json` and `.md`, prints the table and
exits 1 when a gating page misses its target (`--no-fail` only reports). `--explain` also
writes the SQL of each page and EXPLAIN ANALYZE of its slowest queries to `...-explain.tmp`
(large, and ignored by git: for investigating, not for committing).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from benchmarks.community_service import (
    TIG_SUPERVISOR_EMAIL,
    community_service_calls,
    community_service_pages,
)
from benchmarks.field import (
    SUPERVISOR_EMAIL,
    field_calls,
    field_ingestion,
    field_pages,
    judge_ratios,
)
from benchmarks.scenarios import (
    COORDINATOR_EMAIL,
    DATASET_CACHE_KEY,
    DPO_EMAIL,
    PAGE_ITERATIONS,
    PAGE_WARMUP,
    PARTNER_EMAIL,
    SCENARIOS,
    SLUG_PREFIX,
    Scenario,
    setup_django,
)
from benchmarks.tensions import tension_pages

ROOT = Path(__file__).resolve().parent.parent
# Who the runner signs in as (all of the benchmark territory).
ACTORS = {
    "coordinator": COORDINATOR_EMAIL,
    "dpo": DPO_EMAIL,
    "partner": PARTNER_EMAIL,
    "tig_supervisor": TIG_SUPERVISOR_EMAIL,  # a community-service supervisor (issue 8)
    "supervisor": SUPERVISOR_EMAIL,  # a field team's supervisor (benchmarks/field.py)
}


class BenchmarkError(RuntimeError):
    pass


@dataclass(frozen=True)
class Page:
    name: str
    label: str
    actor: str  # a key of ACTORS
    url: str
    # Fewer timed and warm-up requests for a slow page (the smaller of these and the run's).
    iterations: int | None = None
    warmup: int | None = None
    # Form data: the page is sent by POST.
    data: dict[str, str] | None = None


@dataclass(frozen=True)
class Call:
    """Something timed in process that is not a page (the summon step): `run` is called inside
    a transaction rolled back after each call; `cleanup` runs after the rollback."""

    name: str
    label: str
    run: Callable[[], Any]
    cleanup: Callable[[], None]
    iterations: int | None = None
    warmup: int | None = None


# --- what to request ------------------------------------------------------------------------
def benchmark_territory() -> Any:
    from tranquillite.accounts.models import Membership

    membership = (
        Membership.objects.filter(user__email=DPO_EMAIL, role="dpo", is_active=True)
        .select_related("territory")
        .first()
    )
    if membership is None:
        raise BenchmarkError(
            f"No benchmark data: {DPO_EMAIL} not found. Run `python -m benchmarks.generate`."
        )
    return membership.territory


def pages_for(territory: Any) -> list[Page]:
    from django.db.models import Count
    from django.urls import reverse
    from django.utils import timezone

    from tranquillite.audit.models import AccessLogEntry

    log = AccessLogEntry.objects.filter(territory=territory)
    # The DPO's typical investigation: one person's accesses over a month, three months ago.
    busiest = (
        log.exclude(actor=None)
        .values("actor_label")
        .annotate(n=Count("id"))
        .order_by("-n", "actor_label")
        .first()
    )
    today = timezone.localdate()
    since, until = today - timedelta(days=120), today - timedelta(days=91)
    # Last year's entries, near the end of their retention: the oldest month of the log.
    old_since, old_until = today - timedelta(days=330), today - timedelta(days=301)
    # "Who saw this record" for the territory's most-read record.
    hot = (
        log.exclude(object_id="")
        .values("object_type", "object_id")
        .annotate(n=Count("id"))
        .order_by("-n", "object_id")
        .first()
    )
    # "Did this person ever open anything?": an actor with very few accesses, all dates.
    rarest = (
        log.exclude(actor=None)
        .values("actor_label")
        .annotate(n=Count("id"))
        .order_by("n", "actor_label")
        .first()
    )
    if busiest is None or hot is None or rarest is None:
        raise BenchmarkError("The benchmark territory has no access-log rows to look at.")
    log_url = reverse("audit:log")
    return [
        Page("home", "Home page", "coordinator", reverse("core:home")),
        Page(
            "organisations", "Organisation list", "coordinator", reverse("accounts:organisations")
        ),
        Page("members", "Member list (first page)", "coordinator", reverse("accounts:members")),
        Page("access_log", "DPO access log (first page)", "dpo", log_url),
        Page(
            "access_log_filtered",
            "DPO access log, one actor over 30 days",
            "dpo",
            f"{log_url}?"
            + urlencode({"actor": busiest["actor_label"], "since": since, "until": until}),
        ),
        Page(
            "access_log_month",
            "DPO access log, 30 days eleven months ago",
            "dpo",
            f"{log_url}?" + urlencode({"since": old_since, "until": old_until}),
        ),
        Page(
            "access_log_rare_actor",
            f"DPO access log, an actor with {rarest['n']} accesses, all dates",
            "dpo",
            f"{log_url}?" + urlencode({"actor": rarest["actor_label"]}),
        ),
        Page(
            "record_history",
            f"Who saw this record ({hot['n']:,} accesses)",
            "dpo",
            reverse("audit:record_history", args=[hot["object_type"], hot["object_id"]]),
        ),
        *council_pages(territory),
        *strategy_pages(territory),
        *followup_pages(territory),
        *tension_pages(territory, Page),
        *community_service_pages(territory, Page),
        *field_pages(territory, Page),
    ]


def council_pages(territory: Any) -> list[Page]:
    """The council: the body list, the partner's largest working group, its last held
    meeting (as the coordinator, who sees the management forms, and as the partner), and
    the partner's open tasks."""
    from django.db.models import Count, Q
    from django.urls import reverse

    from tranquillite.accounts.models import User
    from tranquillite.governance.models import (
        Body,
        BodyKind,
        FollowUpTask,
        Meeting,
        MeetingStatus,
        MemberStatus,
        TaskStatus,
    )

    partner = User.objects.filter(email=PARTNER_EMAIL).first()
    bodies = Body.objects.in_territory(territory)
    active = Q(members__status=MemberStatus.ACTIVE)
    group = (
        bodies.filter(
            kind=BodyKind.WORKING_GROUP,
            pk__in=bodies.filter(active, members__user=partner).values("pk"),
        )
        .annotate(
            n_members=Count("members", filter=active, distinct=True),
            n_meetings=Count("meetings", distinct=True),
        )
        .order_by("-n_members", "name")
        .first()
    )
    meeting = (
        Meeting.objects.filter(body=group, status=MeetingStatus.HELD)
        .annotate(
            n_items=Count("agenda_items", distinct=True),
            n_attendances=Count("attendances", distinct=True),
            n_decisions=Count("decisions", distinct=True),
            n_tasks=Count("decisions__tasks", distinct=True),
        )
        .order_by("-starts_at")
        .first()
        if group is not None
        else None
    )
    if partner is None or group is None or meeting is None:
        raise BenchmarkError(
            f"No council data for {PARTNER_EMAIL} (a working group and a held meeting of it): "
            "generate the data again."
        )
    open_tasks = FollowUpTask.objects.filter(
        territory=territory, owner=partner, status__in=[TaskStatus.OPEN, TaskStatus.IN_PROGRESS]
    ).count()
    meeting_url = reverse("governance:meeting", args=[meeting.public_id])
    held = (
        f"{meeting.n_items} items, {meeting.n_attendances} attendances, "
        f"{meeting.n_decisions} decisions, {meeting.n_tasks} tasks"
    )
    return [
        Page(
            "bodies",
            f"Council: body list ({bodies.count()} bodies)",
            "coordinator",
            reverse("governance:bodies"),
        ),
        Page(
            "body",
            f"Council: working group ({group.n_members} members, {group.n_meetings} meetings)",
            "coordinator",
            reverse("governance:body", args=[group.public_id]),
        ),
        Page(
            "meeting",
            f"Council: held meeting, coordinator with forms ({held})",
            "coordinator",
            meeting_url,
        ),
        Page("meeting_partner", "Council: the same meeting, partner", "partner", meeting_url),
        Page(
            "my_tasks",
            f"Council: my tasks, partner ({open_tasks} open)",
            "partner",
            reverse("governance:my_tasks"),
        ),
    ]


def strategy_pages(territory: Any) -> list[Page]:
    """The strategy: the overview of the current strategy, the action sheet with the most
    evaluations (every sheet has all its indicators' measurements), the held monitoring
    committee meeting with the most evaluations, and the committee pack of the next planned
    monitoring committee (when the application has the page)."""
    from django.db.models import Count
    from django.urls import NoReverseMatch, reverse
    from django.utils import timezone

    from tranquillite.governance.models import BodyKind, Meeting, MeetingStatus
    from tranquillite.strategy.models import ActionSheet, Indicator, Measurement, Strategy

    strategy = Strategy.objects.in_territory(territory).filter(is_current=True).first()
    sheet = (
        ActionSheet.objects.filter(axis__strategy=strategy)
        .annotate(n_evaluations=Count("evaluations", distinct=True))
        .order_by("-n_evaluations", "axis__number", "pk")
        .first()
        if strategy is not None
        else None
    )
    committee = Meeting.objects.in_territory(territory).filter(
        body__kind=BodyKind.MONITORING_COMMITTEE
    )
    meeting = (
        committee.filter(status=MeetingStatus.HELD)
        .annotate(n_evaluations=Count("evaluations"))
        .order_by("-n_evaluations", "-starts_at")
        .first()
    )
    if strategy is None or sheet is None or meeting is None or not meeting.n_evaluations:
        raise BenchmarkError(
            "No strategy data in the benchmark territory (a current strategy, its sheets and "
            "a monitoring committee meeting with evaluations): generate the data again."
        )
    n_sheets = ActionSheet.objects.filter(axis__strategy=strategy).count()
    n_indicators = Indicator.objects.filter(sheet=sheet).count()
    n_measurements = Measurement.objects.filter(indicator__sheet=sheet).count()
    n_activities = sheet.activities.count()
    pages = [
        Page(
            "strategy_overview",
            f"Strategy: overview ({n_sheets} sheets), coordinator",
            "coordinator",
            f"{reverse('strategy:overview')}?" + urlencode({"strategie": strategy.public_id}),
        ),
        Page(
            "strategy_sheet",
            f"Strategy: action sheet ({n_indicators} indicators, {n_measurements} measurements, "
            f"{n_activities} activities, {sheet.n_evaluations} evaluations), coordinator",
            "coordinator",
            reverse("strategy:sheet", args=[sheet.public_id]),
        ),
        Page(
            "committee_meeting",
            f"Strategy: held monitoring committee ({meeting.n_evaluations} evaluations), "
            "coordinator",
            "coordinator",
            reverse("governance:meeting", args=[meeting.public_id]),
        ),
    ]
    # The next committee's pack: the sheets due for review by its day.
    upcoming = committee.filter(status=MeetingStatus.PLANNED).order_by("starts_at").first()
    try:
        pack_url = reverse("strategy:committee_pack")
    except NoReverseMatch:
        print(
            "NOTE: no committee pack page yet (the URL strategy:committee_pack does not "
            "exist): skipped.",
            flush=True,
        )
        return pages
    if upcoming is None:
        print("NOTE: no planned monitoring committee meeting: committee pack skipped.")
        return pages
    # Every generated sheet has been evaluated: due means its next review has come.
    due = ActionSheet.objects.filter(
        axis__strategy=strategy, next_review_on__lte=timezone.localdate(upcoming.starts_at)
    ).count()
    pages.append(
        Page(
            "committee_pack",
            f"Strategy: committee pack PDF ({due} sheets due), coordinator",
            "coordinator",
            f"{pack_url}?" + urlencode({"reunion": upcoming.public_id}),
            iterations=PAGE_ITERATIONS.get("committee_pack"),
            warmup=PAGE_WARMUP.get("committee_pack"),
        )
    )
    return pages


def purge_safe_birth_date() -> date:
    """People born after this day keep their files through the year's purge (their 25th
    birthday comes later): the pages measured must still be there for a later run."""
    from django.utils import timezone

    from tranquillite.followups.retention import add_years

    return add_years(timezone.localdate() + timedelta(days=400), -25)


def typo(word: str) -> str:
    """Two letters swapped in the middle of a word: 'martin' → 'matrin'."""
    if len(word) < 4:
        return word + word[-1]
    i = len(word) // 2
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def followup_pages(territory: Any) -> list[Page]:
    """The follow-ups: the person search (a first and last name with a typo, no accents, the
    most common last name of the territory: the most candidates), the page of the open file
    with the longest timeline, and the partner's work list (the case worker of ~40 open
    deadlines)."""
    from django.db.models import Count
    from django.urls import reverse
    from django.utils import timezone

    from tranquillite.accounts.models import User
    from tranquillite.followups import worklists
    from tranquillite.followups.engine import workflow_for
    from tranquillite.followups.models import FollowUp
    from tranquillite.people.models import Person
    from tranquillite.people.search import normalise
    from tranquillite.people.selectors import search_people

    coordinator = User.objects.get(email=COORDINATOR_EMAIL)
    partner = User.objects.get(email=PARTNER_EMAIL)
    safe = purge_safe_birth_date()
    files = FollowUp.objects.visible_to(coordinator).filter(
        territory=territory,
        closed_on__isnull=True,
        restricted_at__isnull=True,
        person__birth_date__gt=safe,
    )
    longest = (
        files.annotate(n_events=Count("events", distinct=True)).order_by("-n_events", "pk").first()
    )
    if longest is None:
        raise BenchmarkError("No open follow-up in the benchmark territory: generate the data.")
    common = (
        Person.objects.filter(territory=territory, follow_ups__in=files)
        .values("last_name")
        .annotate(n=Count("id"))
        .order_by("-n", "last_name")
        .first()
    )
    assert common is not None
    sought = (
        Person.objects.filter(follow_ups__in=files, last_name=common["last_name"])
        .order_by("pk")
        .first()
    )
    assert sought is not None
    query = f"{normalise(sought.first_name)} {typo(normalise(sought.last_name))}"
    matches = search_people(coordinator, territory, query)
    rank = next((i for i, m in enumerate(matches, 1) if m.person.pk == sought.pk), None)
    people = Person.objects.filter(territory=territory).count()
    work = worklists.my_work(partner, territory, timezone.localdate())
    n_events = longest.events.count()
    return [
        Page(
            "person_search",
            f"Person search, coordinator: a first and last name with a typo ({len(matches)} "
            f"matches shown, the person sought {f'#{rank}' if rank else 'not found'}; "
            f"{people:,} people in the territory)",
            "coordinator",
            reverse("people:search"),
            data={"query": query, "birth_date": ""},
        ),
        Page(
            "follow_up",
            f"Follow-up page ({workflow_for(longest.kind).state_label(longest.state)}, "
            f"{n_events} steps, {longest.deadlines.filter(done_on__isnull=True).count()} open "
            f"deadlines, {longest.actions.count()} actions, {longest.documents.count()} letters), "
            "coordinator",
            "coordinator",
            reverse("followups:detail", args=[longest.public_id]),
        ),
        Page(
            "worklist",
            f"My work (the case worker's {len(work.deadlines)} open deadlines within "
            f"{worklists.HORIZON_DAYS} days), partner",
            "partner",
            reverse("followups:worklist"),
        ),
    ]


def summons_calls(territory: Any) -> list[Call]:
    """The summon step of a reminder of the law, through the engine (`apply_step`: form,
    event, deadline, statistics, then the letters numbered in the register, rendered by
    WeasyPrint and filed): for a young adult — one letter, the issue's 'summons PDF' — and
    for a minor with two parents — three letters (watched, not gating)."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from tranquillite.accounts.models import User
    from tranquillite.followups.engine import apply_step
    from tranquillite.followups.models import CaseDocument, FollowUp, FollowUpKind
    from tranquillite.followups.retention import add_years
    from tranquillite.followups.workflows.common import presiding_officials

    coordinator = User.objects.get(email=COORDINATOR_EMAIL)
    today = timezone.localdate()
    to_summon = FollowUp.objects.visible_to(coordinator).filter(
        territory=territory,
        kind=FollowUpKind.LAW_REMINDER,
        state__in=["to_summon", "no_show"],
        closed_on__isnull=True,
        restricted_at__isnull=True,
    )
    adult = to_summon.filter(person__birth_date__lte=add_years(today, -18)).order_by("pk").first()
    minor = (
        to_summon.filter(person__birth_date__gt=add_years(today, -18))
        .annotate(
            n_parents=Count(
                "person__guardians", filter=Q(person__guardians__has_parental_authority=True)
            )
        )
        .filter(n_parents__gte=1)
        .order_by("-n_parents", "pk")
        .first()
    )
    storage = CaseDocument._meta.get_field("file").storage

    def summon(follow_up: Any) -> tuple[Callable[[], Any], Callable[[], None]]:
        official = presiding_officials(follow_up).first()
        hearing = (timezone.localtime() + timedelta(days=12)).replace(hour=14, minute=30)
        data = {
            "occurred_on": timezone.localdate().isoformat(),  # the letters go today
            "hearing_at": hearing.strftime("%Y-%m-%dT%H:%M"),
            "place": "Hôtel de ville, bureau du maire",
            "presiding_official": str(official.pk) if official else "",
        }
        written: list[str] = []

        def run() -> Any:
            event = apply_step(
                actor=coordinator, follow_up=follow_up, step_name="summon", data=data
            )
            written.extend(
                CaseDocument.objects.filter(
                    follow_up=follow_up, created_at__gte=event.recorded_at
                ).values_list("file", flat=True)
            )
            return event

        def cleanup() -> None:
            for name in written:
                storage.delete(name)
            written.clear()

        return run, cleanup

    calls = []
    if adult is None:
        print("NOTE: no reminder of the law of a young adult to summon: summons_pdf skipped.")
    else:
        run, cleanup = summon(adult)
        calls.append(
            Call(
                "summons_pdf",
                "Summons PDF: the summon step of a young adult (1 letter numbered, rendered "
                "and filed), in process, coordinator",
                run,
                cleanup,
                iterations=PAGE_ITERATIONS.get("summons_pdf"),
                warmup=PAGE_WARMUP.get("summons_pdf"),
            )
        )
    if minor is None:
        print("NOTE: no reminder of the law of a minor to summon: summons_minor skipped.")
    else:
        run, cleanup = summon(minor)
        letters = 1 + minor.n_parents
        calls.append(
            Call(
                "summons_minor",
                f"Summon step of a minor ({letters} letters: the young person and each parent), "
                "in process, coordinator",
                run,
                cleanup,
                iterations=PAGE_ITERATIONS.get("summons_minor"),
                warmup=PAGE_WARMUP.get("summons_minor"),
            )
        )
    return calls


# --- timing ---------------------------------------------------------------------------------
def percentile(values: list[float], pct: int) -> float:
    if len(values) < 2:
        return max(values)
    return statistics.quantiles(values, n=100, method="inclusive")[pct - 1]


def get(client: Any, page: Page) -> int:
    """Requests the page; returns the size of its body (a file is read to the end, as a
    browser would)."""
    response = client.post(page.url, page.data) if page.data is not None else client.get(page.url)
    if response.status_code != 200:
        where = response.get("Location", "")
        raise BenchmarkError(
            f"{page.name}: {'POST' if page.data is not None else 'GET'} {page.url} answered "
            f"{response.status_code}"
            f"{f' (redirect to {where})' if where else ''}, not 200."
        )
    if not response.streaming:
        return len(response.content)
    size = sum(len(chunk) for chunk in response.streaming_content)
    response.close()
    return size


class QueryTimer:
    """An execute wrapper that times each query precisely (Django's capture rounds to 1 ms)."""

    def __init__(self) -> None:
        self.queries: list[tuple[str, Any, float]] = []  # sql, params, milliseconds

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((sql, params, (time.perf_counter() - started) * 1000))

    @property
    def total_ms(self) -> float:
        return sum(ms for _sql, _params, ms in self.queries)


def expire_last_seen(client: Any) -> None:
    """Make the client's next request the one a minute that writes the session's last-seen
    time (three more queries): every page's timed requests then include exactly one, every
    run, instead of one or none depending on where the minute falls."""
    from tranquillite.accounts.middleware import (
        LAST_SEEN_RESOLUTION_SECONDS,
        SESSION_LAST_SEEN_AT,
    )

    session = client.session
    session[SESSION_LAST_SEEN_AT] = time.time() - LAST_SEEN_RESOLUTION_SECONDS - 1
    session.save()


def measure(client: Any, page: Page, *, iterations: int, warmup: int) -> dict[str, Any]:
    iterations = min(iterations, page.iterations or iterations)
    warmup = min(warmup, page.warmup if page.warmup is not None else warmup)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        get(client, page)
    gc.collect()
    durations: list[float] = []
    queries: list[int] = []
    sql_ms: list[float] = []
    cpu_ms: list[float] = []  # Python time of this process: the rest is waiting for the DB
    size = 0
    write_at = iterations // 2
    for i in range(iterations):
        if i == write_at:
            expire_last_seen(client)
        timer = QueryTimer()
        with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
            started, cpu_started = time.perf_counter(), time.process_time()
            size = get(client, page)
            durations.append((time.perf_counter() - started) * 1000)
            cpu_ms.append((time.process_time() - cpu_started) * 1000)
        queries.append(len(captured))
        sql_ms.append(timer.total_ms)
    return {
        "name": page.name,
        "label": page.label,
        "url": page.url,
        "actor": page.actor,
        "status": 200,
        "iterations": iterations,
        "p50_ms": round(statistics.median(durations), 1),
        "p95_ms": round(percentile(durations, 95), 1),
        "max_ms": round(max(durations), 1),
        "mean_ms": round(statistics.fmean(durations), 1),
        "sql_p50_ms": round(statistics.median(sql_ms), 1),
        "python_cpu_p50_ms": round(statistics.median(cpu_ms), 1),
        "queries": int(statistics.median(queries)),
        "queries_max": max(queries),
        "queries_session_write": queries[write_at],
        "bytes": size,
    }


def measure_call(call: Call, *, iterations: int, warmup: int) -> dict[str, Any]:
    """Times `call.run()` like a page: each call in a transaction rolled back afterwards."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    iterations = min(iterations, call.iterations or iterations)
    warmup = min(warmup, call.warmup if call.warmup is not None else warmup)

    def once() -> tuple[float, float, int, float]:
        timer = QueryTimer()
        try:
            with transaction.atomic():
                with (
                    CaptureQueriesContext(connection) as captured,
                    connection.execute_wrapper(timer),
                ):
                    started, cpu_started = time.perf_counter(), time.process_time()
                    call.run()
                    elapsed = (time.perf_counter() - started) * 1000
                    cpu = (time.process_time() - cpu_started) * 1000
                transaction.set_rollback(True)
        finally:
            call.cleanup()
        return elapsed, cpu, len(captured), timer.total_ms

    for _ in range(warmup):
        once()
    gc.collect()
    runs = [once() for _ in range(iterations)]
    durations = [r[0] for r in runs]
    queries = [r[2] for r in runs]
    return {
        "name": call.name,
        "label": call.label,
        "url": "",
        "actor": "coordinator",
        "status": 200,
        "iterations": iterations,
        "p50_ms": round(statistics.median(durations), 1),
        "p95_ms": round(percentile(durations, 95), 1),
        "max_ms": round(max(durations), 1),
        "mean_ms": round(statistics.fmean(durations), 1),
        "sql_p50_ms": round(statistics.median(r[3] for r in runs), 1),
        "python_cpu_p50_ms": round(statistics.median(r[1] for r in runs), 1),
        "queries": int(statistics.median(queries)),
        "queries_max": max(queries),
        "queries_session_write": 0,
        "bytes": 0,
    }


def time_purges(wanted: set[str] | None) -> list[dict[str, Any]]:
    """The daily purge (retention/purge.py, what `manage.py purge_follow_ups --today …`
    runs), timed once per day it is run as on: today — the filler people no file refers to
    go — then a year from now — a year of expiries: every file whose `destroy_on` falls
    within the year, every file of a person who turns 25 in it, and the people left with no
    file. Destroys data: last of the run."""
    from django.db import connection
    from django.db.models import Exists, OuterRef
    from django.utils import timezone

    from tranquillite.followups.models import FollowUp
    from tranquillite.people.models import Person
    from tranquillite.retention.purge import due_follow_ups, purge

    today = timezone.localdate()
    year_end = today + timedelta(days=365)
    results = []
    for name, day in (("purge_filler", today), ("purge_year", year_end)):
        if wanted is not None and name not in wanted:
            continue
        files_due = due_follow_ups(day).count()
        # The people no file of any kind refers to (a community-service placement is a file).
        orphans = Person.objects.filter(
            ~Exists(FollowUp.objects.filter(person=OuterRef("pk"))), placements__isnull=True
        )
        if name == "purge_year" and not files_due:
            print(
                "NOTE: nothing expires within a year (already purged?): purge_year skipped; "
                "generate the data again to time it."
            )
            continue
        before = {"files": FollowUp.objects.count(), "people": Person.objects.count()}
        n_orphans = orphans.count()
        timer = QueryTimer()
        load = load_average()
        with connection.execute_wrapper(timer):
            started, cpu_started = time.perf_counter(), time.process_time()
            tallies = purge(day)
            elapsed = (time.perf_counter() - started) * 1000
            cpu = (time.process_time() - cpu_started) * 1000
        destroyed: Counter[str] = Counter()
        for tally in tallies.values():
            destroyed.update(tally.rows)
        failed = [t.slug for t, tally in tallies.items() if tally.failed]
        if failed:
            raise BenchmarkError(f"{name}: the purge failed in {', '.join(failed)}.")
        what = (
            f"{destroyed['followups.followup']:,} files, {destroyed['people.person']:,} people, "
            f"{destroyed['people.legalguardian']:,} guardians, "
            f"{destroyed['followups.followupevent']:,} steps, "
            f"{destroyed['followups.deadline']:,} deadlines, "
            f"{destroyed['followups.casedocument']:,} documents"
        )
        label = (
            f"Daily purge as on today: the {n_orphans:,} filler people with no file ({what} "
            f"destroyed of {before['files']:,} files and {before['people']:,} people)"
            if name == "purge_filler"
            else f"Daily purge as on {day.isoformat()}: a year of expiries ({what} destroyed, "
            f"{files_due:,} files due, of {before['files']:,} files and {before['people']:,} "
            "people)"
        )
        print(f"  {name:<22} {elapsed / 1000:7.1f} s   {what}", flush=True)
        results.append(
            {
                "name": name,
                "label": label,
                "url": f"manage.py purge_follow_ups --today {day.isoformat()}",
                "actor": "",
                "status": 200,
                "iterations": 1,
                "p50_ms": round(elapsed, 1),
                "p95_ms": round(elapsed, 1),
                "max_ms": round(elapsed, 1),
                "mean_ms": round(elapsed, 1),
                "sql_p50_ms": round(timer.total_ms, 1),
                "python_cpu_p50_ms": round(cpu, 1),
                "queries": len(timer.queries),
                "queries_max": len(timer.queries),
                "queries_session_write": 0,
                "bytes": 0,
                "destroyed": dict(destroyed),
                "load_average_before": load,
            }
        )
    return results


def judge(result: dict[str, Any], scenario: Scenario) -> None:
    target = scenario.target_for(result["name"])
    misses = []
    if result["p95_ms"] > target.p95_ms:
        misses.append(f"p95 {result['p95_ms']} ms > {target.p95_ms:g} ms")
    if target.max_queries is not None and result["queries_max"] > target.max_queries:
        misses.append(f"{result['queries_max']} queries > {target.max_queries}")
    result.update(
        target_p95_ms=target.p95_ms,
        target_queries=target.max_queries,
        gating=scenario.gates(result["name"]),
        passed=not misses,
        misses=misses,
    )


def explain(client: Any, page: Page, top: int = 3) -> str:
    """The SQL of one request of `page`, and the plans of its slowest SELECTs."""
    from django.db import connection

    timer = QueryTimer()
    with connection.execute_wrapper(timer):
        get(client, page)
    lines = [f"## {page.name}  GET {page.url}", ""]
    lines += [f"{ms:8.2f} ms  {sql}  -- {params!r}" for sql, params, ms in timer.queries]
    slowest = sorted(timer.queries, key=lambda q: -q[2])
    selects = [q for q in slowest if q[0].lstrip().upper().startswith("SELECT")][:top]
    prefix = (
        "EXPLAIN (ANALYZE, BUFFERS) "
        if connection.vendor == "postgresql"
        else "EXPLAIN QUERY PLAN "
    )
    with connection.cursor() as cursor:
        for sql, params, ms in selects:
            cursor.execute(prefix + sql, params)
            plan = "\n".join("    " + " | ".join(map(str, row)) for row in cursor.fetchall())
            lines += ["", f"### {ms:.2f} ms: {sql}  -- {params!r}", plan]
    return "\n".join(lines) + "\n\n"


# --- context of the run ---------------------------------------------------------------------
def load_average() -> list[float]:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "cores": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        info["cpu"] = next(
            line.split(":", 1)[1].strip()
            for line in cpuinfo.splitlines()
            if line.startswith("model name")
        )
        meminfo = Path("/proc/meminfo").read_text().split()
        info["memory_gb"] = round(int(meminfo[meminfo.index("MemTotal:") + 1]) / 1024**2, 1)
    except (OSError, StopIteration, ValueError):
        pass
    return info


def database() -> dict[str, Any]:
    import django
    from django.db import connection

    info: dict[str, Any] = {"vendor": connection.vendor, "django": django.get_version()}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            info["version"] = f"PostgreSQL {cursor.fetchone()[0]}"
            settings = {}
            for name in ("shared_buffers", "work_mem", "effective_cache_size", "fsync", "jit"):
                cursor.execute(f"SHOW {name}")
                settings[name] = cursor.fetchone()[0]
            info["settings"] = settings
        elif connection.vendor == "sqlite":
            cursor.execute("SELECT sqlite_version()")
            info["version"] = f"SQLite {cursor.fetchone()[0]}"
        else:
            info["version"] = connection.vendor
    return info


def dataset(territory: Any) -> dict[str, Any]:
    from django.core.cache import cache

    from tranquillite.accounts.models import Membership, Organisation, User
    from tranquillite.audit.models import AccessLogEntry
    from tranquillite.core.models import Territory
    from tranquillite.followups.models import (
        CaseDocument,
        Deadline,
        FollowUp,
        FollowUpEvent,
        SupportAction,
    )
    from tranquillite.governance.models import (
        AgendaItem,
        Attendance,
        Body,
        BodyMember,
        Decision,
        FollowUpTask,
        Meeting,
        TaskStatus,
    )
    from tranquillite.people.models import LegalGuardian, Person
    from tranquillite.strategy.models import (
        ActionSheet,
        Activity,
        Evaluation,
        Indicator,
        Measurement,
    )

    territories = Territory.objects.filter(slug__startswith=SLUG_PREFIX)
    open_statuses = [TaskStatus.OPEN, TaskStatus.IN_PROGRESS]
    data: dict[str, Any] = {
        "territories": territories.count(),
        "organisations": Organisation.objects.filter(territory__in=territories).count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.filter(territory__in=territories).count(),
        "access_rows": AccessLogEntry.objects.count(),
        "council": {
            "bodies": Body.objects.count(),
            "body_members": BodyMember.objects.count(),
            "meetings": Meeting.objects.count(),
            "agenda_items": AgendaItem.objects.count(),
            "attendances": Attendance.objects.count(),
            "decisions": Decision.objects.count(),
            "tasks": FollowUpTask.objects.count(),
            "open_tasks": FollowUpTask.objects.filter(status__in=open_statuses).count(),
        },
        "strategy": {
            "action_sheets": ActionSheet.objects.count(),
            "indicators": Indicator.objects.count(),
            "measurements": Measurement.objects.count(),
            "activities": Activity.objects.count(),
            "evaluations": Evaluation.objects.count(),
        },
        "follow_ups": {
            "persons": Person.objects.count(),
            "persons_with_a_file": Person.objects.filter(
                pk__in=FollowUp.objects.values("person_id")
            ).count(),
            "guardians": LegalGuardian.objects.count(),
            "follow_ups": FollowUp.objects.count(),
            "open": FollowUp.objects.filter(closed_on__isnull=True).count(),
            "events": FollowUpEvent.objects.count(),
            "deadlines": Deadline.objects.count(),
            "open_deadlines": Deadline.objects.filter(done_on__isnull=True).count(),
            "support_actions": SupportAction.objects.count(),
            "documents": CaseDocument.objects.count(),
        },
        "benchmark_territory": {
            "slug": territory.slug,
            "members": Membership.objects.filter(territory=territory).count(),
            "access_rows": AccessLogEntry.objects.filter(territory=territory).count(),
            "meetings": Meeting.objects.filter(territory=territory).count(),
            "tasks": FollowUpTask.objects.filter(territory=territory).count(),
            "action_sheets": ActionSheet.objects.filter(territory=territory).count(),
            "measurements": Measurement.objects.filter(territory=territory).count(),
            "persons": Person.objects.filter(territory=territory).count(),
            "follow_ups": FollowUp.objects.filter(territory=territory).count(),
        },
    }
    generated = cache.get(DATASET_CACHE_KEY)
    if generated:
        data["generated"] = generated
    return data


def git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip()


# --- reports --------------------------------------------------------------------------------
def first(values: list[float]) -> str:
    return str(values[0]) if values else "?"


def verdict(page: dict[str, Any]) -> str:
    if page["passed"]:
        return "pass" if page["gating"] else "pass (watch)"
    return ("FAIL: " if page["gating"] else "missed (watch, not gating): ") + "; ".join(
        page["misses"]
    )


def council_line(council: dict[str, int] | None) -> str:
    if not council:
        return ""
    return (
        f"\n- Council: {council['bodies']:,} bodies, {council['body_members']:,} members, "
        f"{council['meetings']:,} meetings, {council['agenda_items']:,} agenda items, "
        f"{council['attendances']:,} attendances, {council['decisions']:,} decisions, "
        f"{council['tasks']:,} follow-up tasks ({council['open_tasks']:,} open or in progress)."
    )


def strategy_line(strategy: dict[str, int] | None) -> str:
    if not strategy:
        return ""
    return (
        f"\n- Strategy: {strategy['action_sheets']:,} action sheets, "
        f"{strategy['indicators']:,} indicators, {strategy['measurements']:,} measurements, "
        f"{strategy['activities']:,} activities, {strategy['evaluations']:,} evaluations."
    )


def follow_ups_line(data: dict[str, int] | None) -> str:
    if not data:
        return ""
    return (
        f"\n- Follow-ups: {data['persons']:,} people ({data['persons_with_a_file']:,} with a "
        f"file), {data['guardians']:,} legal guardians, {data['follow_ups']:,} files "
        f"({data['open']:,} open), {data['events']:,} steps, {data['deadlines']:,} deadlines "
        f"({data['open_deadlines']:,} open), {data['support_actions']:,} support actions, "
        f"{data['documents']:,} letters."
    )


def markdown(report: dict[str, Any]) -> str:
    data, db, host, run = report["data"], report["database"], report["machine"], report["run"]
    generated = data.get("generated", {})
    seconds = generated.get("seconds", {}).get("total")
    bench = data["benchmark_territory"]
    lines = [
        f"# Benchmark `{report['scenario']['name']}` on {db['version']} — {run['started_at']}",
        "",
        f"- Data: {data['territories']:,} territories, {data['organisations']:,} organisations, "
        f"{data['users']:,} users, {data['access_rows']:,} access-log rows"
        + (f" (generated in {seconds:.0f} s)" if seconds is not None else "")
        + f"; benchmark territory `{bench['slug']}`: {bench['members']:,} memberships, "
        f"{bench['access_rows']:,} access-log rows"
        + (
            f", {bench['meetings']:,} meetings, {bench['tasks']:,} tasks."
            if "meetings" in bench
            else "."
        )
        + council_line(data.get("council"))
        + strategy_line(data.get("strategy"))
        + follow_ups_line(data.get("follow_ups")),
        f"- Database: {db['version']}"
        + (
            " (" + ", ".join(f"{k}={v}" for k, v in db["settings"].items()) + ")"
            if db.get("settings")
            else ""
        ),
        f"- Machine: {host.get('cores')} cores ({host.get('cpu', '?')}), "
        f"{host.get('memory_gb', '?')} GB, Python {host['python']}, Django {db['django']}.",
        f"- Run: {run['iterations']} timed requests per page after {run['warmup']} warm-up, "
        f"in process (django.test.Client), DEBUG={run['debug']}, commit {run['commit'] or '?'}, "
        f"load average {first(run['load_average_before'])} before, "
        f"{first(run['load_average_after'])} after.",
        "",
        "| Page | p50 ms | p95 ms | max ms | queries | SQL ms (p50) | target | result |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for page in report["pages"]:
        queries = str(page["queries"])
        if page["queries_max"] != page["queries"]:
            queries += f" (max {page['queries_max']})"
        label = page["label"]
        if page["iterations"] != run["iterations"]:
            label += f" ({page['iterations']} timed requests)"
        target = page.get("target_text") or f"p95 ≤ {page['target_p95_ms']:g} ms"
        if page["target_queries"] is not None:
            target += f", ≤ {page['target_queries']} queries"
        lines.append(
            f"| {label} | {page['p50_ms']:.1f} | {page['p95_ms']:.1f} | "
            f"{page['max_ms']:.1f} | {queries} | {page['sql_p50_ms']:.1f} | "
            f"{target} | {verdict(page)} |"
        )
    lines += [
        "",
        f"**{'All gating targets met.' if report['passed'] else 'Gating targets missed.'}** "
        "Pages marked *watch* probe known weak spots: reported, never failing the run. "
        "Queries: the median, and the maximum, which the target applies to: one timed request "
        "of each page writes the session's last-seen time (+3 queries), as one request a minute "
        "does.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--scenario", choices=sorted(SCENARIOS), default="foundation")
    parser.add_argument("--iterations", type=int, default=200, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests per page first")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    parser.add_argument("--pages", help="comma-separated page names (default: all)")
    parser.add_argument("--no-fail", action="store_true", help="exit 0 even if a target is missed")
    parser.add_argument(
        "--explain", action="store_true", help="also write each page's SQL and query plans"
    )
    parser.add_argument(
        "--no-purge",
        action="store_true",
        help="do not time the daily purge (it destroys data: the last step of a run)",
    )
    args = parser.parse_args(argv)
    if args.iterations < 1:
        parser.error("--iterations must be at least 1")
    # Time what production runs: no DEBUG bookkeeping (the SQL is captured regardless).
    os.environ.setdefault("DJANGO_DEBUG", "0")
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from tranquillite.accounts.models import User

    scenario = SCENARIOS[args.scenario]
    started_at = datetime.now(UTC)
    load_before = load_average()
    if load_before and load_before[0] > (os.cpu_count() or 1) / 2:
        print(
            f"WARNING: the machine is busy (load average {load_before[0]}): "
            "timings will be pessimistic.",
            file=sys.stderr,
        )
    try:
        territory = benchmark_territory()
        pages = pages_for(territory)
        calls = [
            *summons_calls(territory),
            *community_service_calls(territory, Call, User.objects.get(email=COORDINATOR_EMAIL)),
            *field_calls(territory, Call),
        ]
        purges = {"purge_filler", "purge_year", "field_ingest"}
        wanted: set[str] | None = None
        if args.pages:
            wanted = set(args.pages.split(","))
            unknown = wanted - {p.name for p in pages} - {c.name for c in calls} - purges
            if unknown:
                parser.error(f"unknown pages: {', '.join(sorted(unknown))}")
            pages = [p for p in pages if p.name in wanted]
            calls = [c for c in calls if c.name in wanted]
        data = dataset(territory)
        generated = data.get("generated", {})
        if generated and generated.get("sizes") != scenario.sizes:
            print(
                f"WARNING: the data was generated with {generated.get('sizes')}, "
                f"not the sizes of scenario {scenario.name!r}.",
                file=sys.stderr,
            )
        clients = {}
        for actor, email in ACTORS.items():
            user = User.objects.filter(email=email).first()
            if user is None:  # a data set without that part (no field supervisor)
                continue
            client = Client(HTTP_USER_AGENT="tranquillite-benchmarks", REMOTE_ADDR="10.255.0.1")
            client.force_login(user)
            clients[actor] = client
        print(
            f"Timing {len(pages)} pages on {connection.vendor}, territory {territory.slug}: "
            f"{args.warmup} warm-up + {args.iterations} timed requests each.",
            flush=True,
        )
        results = []
        for page in pages:
            result = measure(
                clients[page.actor], page, iterations=args.iterations, warmup=args.warmup
            )
            judge(result, scenario)
            print(
                f"  {page.name:<22} p50 {result['p50_ms']:7.1f} ms  p95 {result['p95_ms']:7.1f} ms"
                f"  {result['queries']:3d} queries  {verdict(result).split(':')[0]}",
                flush=True,
            )
            results.append(result)
        for call in calls:
            result = measure_call(call, iterations=args.iterations, warmup=args.warmup)
            judge(result, scenario)
            print(
                f"  {call.name:<22} p50 {result['p50_ms']:7.1f} ms  p95 {result['p95_ms']:7.1f} ms"
                f"  {result['queries']:3d} queries  {verdict(result).split(':')[0]}",
                flush=True,
            )
            results.append(result)
        judge_ratios(results)
        if wanted is None or "field_ingest" in wanted:
            results += field_ingestion(territory)
        plans = "".join(explain(clients[p.actor], p) for p in pages) if args.explain else ""
        load_after_pages = load_average()
        # Last: the purge destroys data (the pages measured above are chosen to survive it).
        if not args.no_purge and (wanted is None or wanted & purges):
            for result in time_purges(wanted):
                judge(result, scenario)
                results.append(result)
    except BenchmarkError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 2

    report = {
        "scenario": scenario.as_dict(),
        "data": data,
        "database": database(),
        "machine": machine(),
        "run": {
            "started_at": started_at.isoformat(timespec="seconds"),
            "duration_s": round((datetime.now(UTC) - started_at).total_seconds(), 1),
            "iterations": args.iterations,
            "warmup": args.warmup,
            "debug": settings.DEBUG,
            "commit": git_commit(),
            "load_average_before": load_before,
            "load_average_after": load_after_pages,
            "load_average_after_purge": load_average(),
            "mode": "in-process django.test.Client, force_login, full middleware stack",
        },
        "pages": results,
        "passed": all(r["passed"] for r in results if r["gating"]),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    stem = f"{scenario.name}-{connection.vendor}-{started_at:%Y%m%dT%H%M%SZ}"
    (args.out / f"{stem}.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n"
    )
    text = markdown(report)
    (args.out / f"{stem}.md").write_text(text)
    if plans:
        (args.out / f"{stem}-explain.tmp").write_text(plans)
    print()
    print(text)
    print(f"Results: {args.out / stem}.json and .md" + (" and -explain.tmp" if plans else ""))
    if not report["passed"] and not args.no_fail:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
