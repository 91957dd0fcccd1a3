"""Tension alerts for the benchmarks (issue 10): `alerts` in all across the territories, over
ten years, each with two or three neighbourhoods, a short response log and, once lifted, its
anonymous figure; two alerts still active in every territory (what the board and the banner
show). Written with bulk_create, the many-to-many rows included."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

BATCH = 5_000
YEARS = 10
ACTIVE_PER_TERRITORY = 2
LEVELS = ["vigilance", "tension", "imminent_risk"]
SOURCES = ["field_team", "police", "school", "landlord", "residents", "social_networks"]
OUTCOMES = ["no_violence"] * 6 + ["violence", "moved", "unfounded"]
KINDS = ["team_deployed", "partner_alerted", "police_informed", "other"]


def write_alerts(
    *,
    rng: random.Random,
    now: datetime,
    territory_ids: list[int],
    coordinators: dict[int, int],
    alerts: int,
) -> dict[str, int]:
    from django.db import transaction

    from tranquillite.core.models import Neighbourhood
    from tranquillite.tensions.models import (
        AlertFigure,
        AlertResponse,
        TensionAlert,
    )

    neighbourhoods: dict[int, list[int]] = {}
    for pk, territory_id in Neighbourhood.objects.filter(
        territory_id__in=territory_ids
    ).values_list("pk", "territory_id"):
        neighbourhoods.setdefault(territory_id, []).append(pk)
    per_territory = max(ACTIVE_PER_TERRITORY, alerts // max(len(territory_ids), 1))
    counts = {"alerts": 0, "responses": 0, "figures": 0}
    alert_through = TensionAlert.neighbourhoods.through
    figure_through = AlertFigure.neighbourhoods.through
    for territory_id in territory_ids:
        places = neighbourhoods.get(territory_id, [])
        if len(places) < 2:
            continue
        coordinator = coordinators.get(territory_id)
        rows: list[Any] = []
        chosen: list[list[int]] = []
        for index in range(per_territory):
            active = index >= per_territory - ACTIVE_PER_TERRITORY
            raised = (
                now - timedelta(hours=rng.randint(1, 30))
                if active
                else now - timedelta(minutes=rng.randint(60 * 24 * 3, 60 * 24 * 365 * YEARS))
            )
            level = rng.choice(LEVELS)
            rows.append(
                TensionAlert(
                    territory_id=territory_id,
                    level=level,
                    highest_level=level,
                    source=rng.choice(SOURCES),
                    description="Rumeur d'affrontement entre groupes de deux quartiers.",
                    raised_at=raised,
                    raised_by_id=coordinator,
                    lifted_at=None if active else raised + timedelta(minutes=rng.randint(30, 4000)),
                    lifted_by_id=None if active else coordinator,
                    outcome="" if active else rng.choice(OUTCOMES),
                )
            )
            chosen.append(rng.sample(places, rng.choice([2, 2, 3])))
        with transaction.atomic():
            created = TensionAlert.objects.bulk_create(rows, batch_size=BATCH)
            alert_through.objects.bulk_create(
                [
                    alert_through(tensionalert_id=alert.pk, neighbourhood_id=place)
                    for alert, places_of in zip(created, chosen, strict=True)
                    for place in places_of
                ],
                batch_size=BATCH,
            )
            responses = [
                AlertResponse(
                    territory_id=territory_id,
                    alert_id=alert.pk,
                    kind=rng.choice(KINDS),
                    note="Présence renforcée.",
                    recorded_at=alert.raised_at + timedelta(minutes=10 * (i + 1)),
                    recorded_by_id=coordinator,
                )
                for alert in created
                for i in range(rng.randint(1, 5))
            ]
            AlertResponse.objects.bulk_create(responses, batch_size=BATCH)
            lifted = [a for a in created if a.lifted_at is not None]
            figures = AlertFigure.objects.bulk_create(
                [
                    AlertFigure(
                        territory_id=territory_id,
                        alert_id=a.pk,
                        raised_on=a.raised_at.date(),
                        level=a.highest_level,
                        outcome=a.outcome,
                        minutes_to_lift=int((a.lifted_at - a.raised_at).total_seconds() // 60),
                    )
                    for a in lifted
                ],
                batch_size=BATCH,
            )
            places_by_alert = {a.pk: p for a, p in zip(created, chosen, strict=True)}
            figure_through.objects.bulk_create(
                [
                    figure_through(alertfigure_id=f.pk, neighbourhood_id=place)
                    for f in figures
                    for place in places_by_alert[f.alert_id]
                ],
                batch_size=BATCH,
            )
        counts["alerts"] += len(created)
        counts["responses"] += len(responses)
        counts["figures"] += len(figures)
    return counts


def tension_pages(territory: Any, page: Any) -> list[Any]:
    """The alert board, the banner, the history, an active alert's page and the figures, as
    the coordinator of the benchmark territory (`page` is the runner's Page class)."""
    from django.urls import reverse

    from tranquillite.tensions.models import TensionAlert

    active = (
        TensionAlert.objects.filter(territory=territory, lifted_at__isnull=True)
        .order_by("-raised_at")
        .first()
    )
    if active is None:
        return []
    # An older page of the history (after the 250th lifted alert): keyset pagination costs the
    # same there as on the first page.
    deep = (
        TensionAlert.objects.filter(territory=territory, lifted_at__isnull=False)
        .order_by("-raised_at", "-pk")
        .values_list("public_id", flat=True)[249:250]
    )
    older = [
        page(
            "alert_history_older",
            "Tension alerts: an older page of the history",
            "coordinator",
            f"{reverse('tensions:history')}?apres={cursor}",
        )
        for cursor in deep
    ]
    return [
        page("alert_board", "Tension alerts: the board", "coordinator", reverse("tensions:board")),
        page(
            "alert_banner", "Tension alerts: the banner", "coordinator", reverse("tensions:banner")
        ),
        page(
            "alert_history",
            "Tension alerts: the history",
            "coordinator",
            reverse("tensions:history"),
        ),
        *older,
        page(
            "alert_page",
            "Tension alerts: an active alert",
            "coordinator",
            reverse("tensions:detail", args=[active.public_id]),
        ),
        page(
            "alert_figures",
            "Tension alerts: the year's figures",
            "coordinator",
            reverse("observatory:alerts"),
        ),
    ]
