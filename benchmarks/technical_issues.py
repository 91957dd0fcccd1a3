"""The technical issues' benchmark (issue 10), standalone for this first slice:

    python -m benchmarks.technical_issues --issues 20000 --other-issues 0 --rules 1000

Builds (in the database of DATABASE_URL, migrated; or SQLite under TRANQUILLITE_VAR_DIR) one
territory `bench-issues` with 9 neighbourhoods, 40 organisations, `--rules` routing rules
(neighbourhoods, categories, and 200 areas drawn over the territory, precomputed as h3
cells), `--issues` issues over 10 years (the issue's 2,000,000 across 100 territories is
20,000 a territory), and `--other-issues` filler issues in a second territory (the rest of
the table). Then times, with `benchmarks.run.measure` (in-process client, full middleware,
force_login + TOTP):

- the landlord's queue (`/signalements/file/`): p95 ≤ 100 ms, ≤ 15 queries;
- the time-to-fix figures (`/observatoire/signalements/`, a year): p95 ≤ 200 ms;
- routing a new issue with 1,000 rules (`routing.route`): p95 ≤ 20 ms;
- `/healthz/` in the same run, for the ratio.

`make benchmark` runs it after the pages (scripts/run-benchmarks): the foundation scenario at
the issue's size (20,000 issues in the timed territory, 1,980,000 in the other, 1,000 rules),
the smoke one small. The results go to `--out` as `technical-issues-<vendor>-<UTC>.json`."""

from __future__ import annotations

import argparse
import json
import random
import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from benchmarks.scenarios import setup_django

TARGETS = {
    "queue": (100.0, 15),
    "figures": (200.0, None),
    "routing": (20.0, None),
    "healthz": (None, None),
}


def build(issues: int, other_issues: int, rules: int, rng: random.Random) -> dict[str, Any]:
    from allauth.mfa.totp.internal.auth import TOTP
    from django.utils import timezone

    from tranquillite.accounts.models import Membership, Organisation, OrganisationKind, User
    from tranquillite.accounts.roles import Role
    from tranquillite.core.models import Neighbourhood, Territory
    from tranquillite.field.geo import cells_of
    from tranquillite.technical_issues import services
    from tranquillite.technical_issues.models import (
        IssueCategory,
        IssueStatus,
        RoutingRule,
        TechnicalIssue,
    )

    territory = Territory.objects.filter(slug="bench-issues").first()
    if territory is not None:
        return {"territory": territory, "reused": True}
    territory = Territory.objects.create(
        slug="bench-issues", name="Bench Issues", insee_codes="99001", population=50000
    )
    other = Territory.objects.create(
        slug="bench-issues-other", name="Bench Other", insee_codes="99002", population=50000
    )
    hoods = [
        Neighbourhood.objects.create(
            territory=territory,
            name=f"Quartier {i}",
            centre_latitude=Decimal(f"{48.89 + i / 500:.6f}"),
            centre_longitude=Decimal(f"{2.40 + (i % 3) / 300:.6f}"),
        )
        for i in range(9)
    ]
    other_hood = Neighbourhood.objects.create(
        territory=other,
        name="Q",
        centre_latitude=Decimal("48.80"),
        centre_longitude=Decimal("2.30"),
    )
    orgs = [
        Organisation.objects.create(
            territory=territory,
            name=f"Organisme {i}",
            kind=OrganisationKind.SOCIAL_LANDLORD if i < 2 else OrganisationKind.CITY_SERVICE,
        )
        for i in range(40)
    ]
    other_org = Organisation.objects.create(territory=other, name="O", kind="city_service")
    coordinator = User.objects.create_user("bench-issues-coordinator@tranquillite.test", "x")
    landlord = User.objects.create_user("bench-issues-landlord@tranquillite.test", "x")
    for user, role, org in (
        (coordinator, Role.COORDINATOR, orgs[5]),
        (landlord, Role.PARTNER_MEMBER, orgs[0]),
    ):
        Membership.objects.create(user=user, territory=territory, organisation=org, role=role)
        TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    services.set_default_organisation(actor=coordinator, territory=territory, organisation=orgs[2])
    categories = IssueCategory.values
    for index in range(rules):
        kind = index % 5
        area = None
        neighbourhood = None
        if kind == 0:  # a small drawn area (a residence), somewhere in the territory
            lat = 48.89 + rng.uniform(0, 0.018)
            lon = 2.40 + rng.uniform(0, 0.01)
            half = 0.0007
            ring = [
                [lon - half, lat - half],
                [lon + half, lat - half],
                [lon + half, lat + half],
                [lon - half, lat + half],
                [lon - half, lat - half],
            ]
            area = {"type": "Polygon", "coordinates": [ring]}
        elif kind in (1, 2):
            neighbourhood = rng.choice(hoods)
        services.save_rule(
            actor=coordinator,
            territory=territory,
            name=f"Règle {index}",
            category=rng.choice(["", *categories]),
            neighbourhood=neighbourhood,
            area=area,
            organisation=rng.choice(orgs),
            priority=rng.randint(0, 300),
        )
    now = timezone.now()

    def batch(count: int, where: Any, hood_list: list[Any], org_list: list[Any]) -> None:
        rows = []
        for number in range(count):
            hood = rng.choice(hood_list)
            lat = float(hood.centre_latitude) + rng.uniform(-0.003, 0.003)
            lon = float(hood.centre_longitude) + rng.uniform(-0.003, 0.003)
            cells = cells_of(lat, lon)
            created = now - timedelta(days=rng.uniform(0, 3650))
            closed = created + timedelta(days=rng.expovariate(1 / 6))
            done = closed < now - timedelta(days=20) or rng.random() < 0.9
            rows.append(
                TechnicalIssue(
                    territory=where,
                    reference=f"VT-B-{number:07d}",
                    category=rng.choice(categories),
                    description="Bench",
                    neighbourhood=hood,
                    latitude=Decimal(f"{lat:.6f}"),
                    longitude=Decimal(f"{lon:.6f}"),
                    h3_r6=cells.r6,
                    h3_r8=cells.r8,
                    h3_r10=cells.r10,
                    source="coordination",
                    # The landlord's organisation holds 1 % of the territory's issues.
                    organisation=org_list[0] if rng.random() < 0.01 else rng.choice(org_list),
                    routed_at=created,
                    created_at=created,
                    due_at=created + timedelta(days=7),
                    acknowledged_at=created + timedelta(hours=rng.uniform(1, 72)),
                    status=IssueStatus.RESOLVED if done else IssueStatus.ACKNOWLEDGED,
                    closed_at=closed if done else None,
                )
            )
            if len(rows) == 5000:
                TechnicalIssue.objects.bulk_create(rows)
                rows = []
        TechnicalIssue.objects.bulk_create(rows)

    batch(issues, territory, hoods, orgs)
    batch(other_issues, other, [other_hood], [other_org])
    assert RoutingRule.objects.filter(territory=territory).count() == rules
    return {"territory": territory, "reused": False}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--issues", type=int, default=20_000)
    parser.add_argument("--other-issues", type=int, default=0)
    parser.add_argument("--rules", type=int, default=1000)
    parser.add_argument("--iterations", type=int, default=100)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--out", type=Path, default=None, help="folder for the JSON results")
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from benchmarks.run import Call, Page, measure, measure_call
    from tranquillite.accounts.models import User
    from tranquillite.core.models import Neighbourhood
    from tranquillite.field.geo import cells_of
    from tranquillite.technical_issues import routing
    from tranquillite.technical_issues.models import IssueCategory

    settings.ALLOWED_HOSTS = ["*"]
    rng = random.Random(10)
    from django.db import transaction

    with transaction.atomic():
        built = build(args.issues, args.other_issues, args.rules, rng)
    territory = built["territory"]
    clients = {}
    for actor in ("coordinator", "landlord"):
        client = Client(HTTP_USER_AGENT="tranquillite-benchmarks", REMOTE_ADDR="10.255.0.1")
        client.force_login(User.objects.get(email=f"bench-issues-{actor}@tranquillite.test"))
        clients[actor] = client
    year = timezone.localdate().year - 1
    hoods = list(Neighbourhood.objects.filter(territory=territory))
    points = []
    for _ in range(500):
        hood = rng.choice(hoods)
        cell = cells_of(
            float(hood.centre_latitude) + rng.uniform(-0.003, 0.003),
            float(hood.centre_longitude) + rng.uniform(-0.003, 0.003),
        ).r10
        points.append((rng.choice(IssueCategory.values), hood.pk, cell))
    cursor = iter(points * 10)
    results = [
        measure(
            clients["landlord"],
            Page("healthz", "/healthz/", "landlord", "/healthz/"),
            iterations=args.iterations,
            warmup=args.warmup,
        ),
        measure(
            clients["landlord"],
            Page("queue", "Landlord's queue", "landlord", "/signalements/file/"),
            iterations=args.iterations,
            warmup=args.warmup,
        ),
        measure(
            clients["coordinator"],
            Page(
                "figures",
                "Time-to-fix figures (a year)",
                "coordinator",
                f"/observatoire/signalements/?year={year}",
            ),
            iterations=min(args.iterations, 30),
            warmup=2,
        ),
        measure_call(
            Call(
                "routing",
                f"Routing a new issue ({args.rules} rules)",
                run=lambda: routing.route(
                    territory,
                    **dict(
                        zip(("category", "neighbourhood_id", "cell"), next(cursor), strict=True)
                    ),
                ),
                cleanup=lambda: None,
            ),
            iterations=args.iterations * 2,
            warmup=args.warmup,
        ),
    ]
    health = results[0]["p50_ms"] or 1
    failed = False
    print(
        f"{connection.vendor}, {args.issues} issues "
        f"(+{args.other_issues} elsewhere), {args.rules} rules"
    )
    for row in results:
        p95_target, max_queries = TARGETS[row["name"]]
        ok = (p95_target is None or row["p95_ms"] <= p95_target) and (
            max_queries is None or row["queries_max"] <= max_queries
        )
        failed |= not ok
        print(
            f"{row['name']:10} p50 {row['p50_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms  "
            f"queries {row['queries']:3} (max {row['queries_max']})  "
            f"×{row['p50_ms'] / health:.1f} healthz  {'OK' if ok else 'MISSED'}"
        )
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        path = args.out / f"technical-issues-{connection.vendor}-{stamp}.json"
        sizes = {"issues": args.issues, "other_issues": args.other_issues, "rules": args.rules}
        path.write_text(json.dumps({"sizes": sizes, "pages": results}, indent=1, default=str))
        print(f"Results: {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
