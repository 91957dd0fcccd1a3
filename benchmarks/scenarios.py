"""The scenario table: data sizes, pages and targets, shared by the generator and the runner.

A scenario names a data set (territories × organisations × users, access-log rows) and the
targets every page must meet on it. The foundation issue sets the first one:

    100 territories × 50 organisations × 20 users, 1,000,000 access-log rows, on PostgreSQL:
    the home page, the organisation list, the member list and the DPO's log each at
    p95 ≤ 100 ms and ≤ 15 queries.

The council (governance) came next, at the same targets: 8 bodies per territory and
`meetings_per_year` meetings a year per territory over `GOVERNANCE_YEARS` years, each with its
agenda, attendances, decisions and follow-up tasks.

Then the strategy:

    100 territories × 100 action sheets × 10 indicators × 5 years of monthly measurements,
    50 meetings a year per territory: the strategy overview, an action sheet page, a meeting
    page and 'my tasks' at p95 ≤ 100 ms, ≤ 15 queries; the committee pack for 45 sheets in
    ≤ 3 s.

(`sheets` per territory, `indicators` per sheet, `measurement_years` of monthly values; the
committee pack has its own target in `PAGE_TARGETS`.)

Then the individual follow-ups:

    1,000,000 persons and 200,000 follow-ups across 100 territories: person search at
    p95 ≤ 50 ms; a follow-up page and a case worker's work list at p95 ≤ 100 ms, ≤ 15
    queries; a summons PDF in ≤ 500 ms; the daily purge over a year of expiries in ≤ 60 s.

(`persons` and `follow_ups` in all; the search, the summons and the purge have targets of
their own in `PAGE_TARGETS`.)
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from typing import Any

# Every generated territory's slug starts with this, so the data is easy to recognise.
SLUG_PREFIX = "bench-"
# The accounts the runner signs in as: the coordinator, the DPO and a partner member (a
# police officer who sits in several bodies of the council) of the benchmark territory (the
# largest one, which holds the most access-log rows).
COORDINATOR_EMAIL = "bench-coordinator@tranquillite.test"
DPO_EMAIL = "bench-dpo@tranquillite.test"
PARTNER_EMAIL = "bench-partner@tranquillite.test"
# Every generated account shares this password (hashed once, not 100,000 times).
PASSWORD = "Bench-Tranquillite-2026!"
# What the generator leaves in the cache table for the runner: sizes and generation time.
DATASET_CACHE_KEY = "tranquillite-benchmarks:dataset"
# The council's history: meetings spread over this many years, the last two months ahead.
GOVERNANCE_YEARS = 5


# Pages reported but not gating. The DPO's log filtered by dates only, or by an actor with
# almost no entries, used to be here; both gate since the date filter became an id range and
# the actor filter an indexed exact match.
# Reported, not gating: the summon step of a minor (three letters: the target is one
# PDF), and the first daily purge after the data set was loaded (it destroys the filler people
# no file refers to, which the application never leaves behind).
# The field map's raw SQL is the yardstick of the map's aggregation (benchmarks/field.py).
WATCH_PAGES: frozenset[str] = frozenset({"summons_minor", "purge_filler", "field_map_sql"})
# Timed requests for pages far slower than the others (the runner takes the smaller of this
# and --iterations), so that a run stays short.
PAGE_ITERATIONS = {
    "committee_pack": 10,
    "summons_pdf": 20,
    "summons_minor": 10,
    "tig_hours_form": 20,
}
PAGE_WARMUP = {"committee_pack": 1, "summons_pdf": 2, "summons_minor": 1, "tig_hours_form": 2}


@dataclass(frozen=True)
class Target:
    p95_ms: float = 100.0
    max_queries: int | None = 15  # None: reported, not judged (the purge's batches)


# The committee pack is a PDF of every sheet due for review (45 in the benchmark territory):
# seconds, not milliseconds, and a fixed number of queries whatever the number of sheets.
# The person search: 50 ms. A summons: one letter (numbered, rendered, filed) in 500 ms; the
# summon step of a minor writes three (the issue sets no query limit on them: reported only).
# The purge: one run over a year of expiries, 60 s.
PAGE_TARGETS = {
    "committee_pack": Target(p95_ms=3000.0, max_queries=30),
    "person_search": Target(p95_ms=50.0),
    "summons_pdf": Target(p95_ms=500.0, max_queries=None),
    "summons_minor": Target(p95_ms=1500.0, max_queries=None),
    "purge_year": Target(p95_ms=60_000.0, max_queries=None),
    "purge_filler": Target(p95_ms=60_000.0, max_queries=None),
    # Community service (issue 8): the hours form (a PDF, numbered and filed) in 500 ms, the
    # figures page in 200 ms (the issue sets no query limit on either: reported only; the
    # figures page's count does not grow with the data, one query per table it shows).
    "tig_hours_form": Target(p95_ms=500.0, max_queries=None),
    "tig_figures": Target(p95_ms=200.0, max_queries=None),
    # Field presence (issue 9): the territory-year map ≤ 150 ms (and ≤ 2× its raw SQL,
    # benchmarks/field.py), the figures ≤ 200 ms; the supervisor's day keeps the default.
    "field_map": Target(p95_ms=150.0),
    "field_map_cells": Target(p95_ms=150.0),
    "field_map_sql": Target(p95_ms=150.0, max_queries=None),
    "field_figures": Target(p95_ms=200.0),
    "field_figures_year": Target(p95_ms=200.0),
}


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    territories: int
    organisations: int  # per territory
    users: int  # per organisation, each with one membership in that organisation's territory
    access_rows: int
    # Meetings a year per territory, over GOVERNANCE_YEARS years, shared by its 8 bodies.
    meetings_per_year: int = 50
    # The strategy: action sheets per territory, indicators per sheet, years of monthly
    # measurements of each indicator.
    sheets: int = 100
    indicators: int = 10
    measurement_years: int = 5
    # People (followed or not) and follow-up files, in all.
    persons: int = 1_000_000
    follow_ups: int = 200_000
    # Tension alerts in all (issue 10: 50,000 across the territories, over ten years).
    alerts: int = 50_000
    # Community-service posts per territory (issue 8: 50, with ten years of placements).
    tig_posts: int = 50
    # Daily-log entries of the field teams in all, over ten years (issue 9: 10,000,000).
    log_entries: int = 10_000_000
    target: Target = field(default_factory=Target)
    # Pages with a target of their own (page name -> target); the others use `target`.
    page_targets: dict[str, Target] = field(default_factory=lambda: dict(PAGE_TARGETS))
    # Pages measured against the target but not failing the run: probes of known weak
    # spots, reported until the application fixes them (docs/benchmarks.md).
    watch_pages: frozenset[str] = WATCH_PAGES

    def target_for(self, page: str) -> Target:
        return self.page_targets.get(page, self.target)

    def gates(self, page: str) -> bool:
        return page not in self.watch_pages

    @property
    def users_total(self) -> int:
        return self.territories * self.organisations * self.users

    @property
    def sizes(self) -> dict[str, int]:
        """The generator's sizes (what `python -m benchmarks.generate` records)."""
        return {
            "territories": self.territories,
            "organisations": self.organisations,
            "users": self.users,
            "access_rows": self.access_rows,
            "meetings_per_year": self.meetings_per_year,
            "sheets": self.sheets,
            "indicators": self.indicators,
            "measurement_years": self.measurement_years,
            "persons": self.persons,
            "follow_ups": self.follow_ups,
            "alerts": self.alerts,
            "tig_posts": self.tig_posts,
            "log_entries": self.log_entries,
        }

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "watch_pages": sorted(self.watch_pages)}


SCENARIOS: dict[str, Scenario] = {
    scenario.name: scenario
    for scenario in [
        Scenario(
            name="foundation",
            description=(
                "Foundation issue: 100 territories × 50 organisations × 20 users "
                "(100,000 accounts) and 1,000,000 access-log rows, on PostgreSQL; the council: "
                "8 bodies per territory, 50 meetings a year per territory over 5 years "
                "(25,000 meetings) with agendas, attendances, decisions and follow-up tasks; "
                "the strategy: 100 action sheets per territory × 10 indicators × 5 years of "
                "monthly measurements (6,000,000), activities and committee evaluations; "
                "1,000,000 people and 200,000 follow-ups with their steps, deadlines, letters "
                "and statistics."
            ),
            territories=100,
            organisations=50,
            users=20,
            access_rows=1_000_000,
        ),
        Scenario(
            name="smoke",
            description=(
                "A small data set that generates in seconds, on SQLite or PostgreSQL: "
                "checks the harness and catches query-count regressions."
            ),
            territories=5,
            organisations=20,
            users=10,
            access_rows=50_000,
            sheets=20,
            indicators=4,
            measurement_years=2,
            persons=2_000,
            follow_ups=500,
            alerts=500,
            tig_posts=5,
            log_entries=20_000,
        ),
    ]
}


def setup_django() -> None:
    """Configure Django the way manage.py does (the settings read DATABASE_URL)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
