"""Reads of people. Every one starts from `Person.objects.visible_to(user)`: a person is seen
only through a follow-up the user may see (art. L132-5 CSI). The views write each read,
list and search to the access log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.postgres.lookups import TrigramSimilar
from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import BigIntegerField, CharField, QuerySet, Value
from django.db.models.functions import Cast

from tranquillite.core.models import Territory
from tranquillite.people.models import Person
from tranquillite.people.search import THRESHOLD, name_key, similarity

CharField.register_lookup(TrigramSimilar)

# How alike two names must be to call the records possible duplicates: with the same birth
# date, a typo or a swapped name is enough; without it, only the same name.
# How many of a territory's most alike names the search considers before the need-to-know
# rule: far more than a page shows, so that the names one may see are rarely crowded out.
CANDIDATES = 500
DUPLICATE_SAME_BIRTH_DATE = 0.4
DUPLICATE_ANY_BIRTH_DATE = 0.9


@dataclass(frozen=True)
class Match:
    person: Person
    similarity: float


def person_for(user: Any, territory: Territory, public_id: Any) -> Person | None:
    return (
        Person.objects.visible_to(user)
        .in_territory(territory)
        .filter(public_id=public_id)
        .select_related("neighbourhood")
        .first()
    )


def similar_names(
    people: QuerySet[Person], key: str, limit: int, *, territory: Territory
) -> list[Match]:
    """The people of `people` (a queryset of `territory`'s people) whose name key looks like
    `key` (trigram similarity at least pg_trgm's threshold), most alike first."""
    if not key:
        return []
    if connection.vendor == "postgresql":
        # Two steps, so that PostgreSQL always starts from the trigram index of the
        # territory's names (migration people 0002), never from the visibility rule: first the
        # territory's most alike names (at most CANDIDATES), then those of them `people`
        # holds. Planned as one query, the need-to-know subquery led PostgreSQL to score every
        # person of the territory (docs/benchmarks.md).
        # The territory as a bigint: the index's first column (btree_gin's int8 class) matches
        # only the same type, and a small int would leave every territory's names to recheck.
        territory_id = Cast(Value(territory.pk), output_field=BigIntegerField())
        candidates = dict(
            Person.objects.filter(territory_id=territory_id, name_key__trigram_similar=key)
            .annotate(similarity=TrigramSimilarity("name_key", key))
            .order_by("-similarity", "pk")
            .values_list("pk", "similarity")[:CANDIDATES]
        )
        if not candidates:
            return []
        found = sorted(
            people.filter(pk__in=list(candidates)),
            key=lambda person: (
                -candidates[person.pk],
                person.last_name,
                person.first_name,
                person.pk,
            ),
        )
        return [Match(person, float(candidates[person.pk])) for person in found[:limit]]
    # Elsewhere the same measure in Python: fine for the small databases SQLite serves.
    scored = [(similarity(person.name_key, key), person) for person in people]
    matches = [
        Match(person, score)
        for score, person in sorted(
            scored, key=lambda pair: (-pair[0], pair[1].last_name, pair[1].first_name, pair[1].pk)
        )
        if score >= THRESHOLD
    ]
    return matches[:limit]


def search_people(
    user: Any, territory: Territory, query: str, *, birth_date: date | None = None, limit: int = 20
) -> list[Match]:
    people = Person.objects.visible_to(user).in_territory(territory)
    if birth_date is not None:
        people = people.filter(birth_date=birth_date)
    return similar_names(people, name_key(query), limit, territory=territory)


def possible_duplicates(
    user: Any,
    territory: Territory,
    *,
    first_name: str,
    last_name: str,
    birth_date: date,
    exclude: Person | None = None,
) -> list[Match]:
    """Records the user may see that could be the same person. Only those: a person known
    only in a file the user may not see stays unknown to them (a victim file never reveals
    itself to the offender's group); the coordinator, member of every group, merges the
    rest."""
    people = Person.objects.visible_to(user).in_territory(territory)
    if exclude is not None:
        people = people.exclude(pk=exclude.pk)
    matches = similar_names(people, name_key(first_name, last_name), limit=50, territory=territory)
    return [
        match
        for match in matches
        if match.similarity >= DUPLICATE_ANY_BIRTH_DATE
        or (match.person.birth_date == birth_date and match.similarity >= DUPLICATE_SAME_BIRTH_DATE)
    ][:10]
