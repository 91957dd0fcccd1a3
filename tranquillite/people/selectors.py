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
from django.db.models import CharField, QuerySet

from tranquillite.core.models import Territory
from tranquillite.people.models import Person
from tranquillite.people.search import THRESHOLD, name_key, similarity

CharField.register_lookup(TrigramSimilar)

# How alike two names must be to call the records possible duplicates: with the same birth
# date, a typo or a swapped name is enough; without it, only the same name.
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


def similar_names(people: QuerySet[Person], key: str, limit: int) -> list[Match]:
    """The people of `people` whose name key looks like `key` (trigram similarity at least
    pg_trgm's threshold), most alike first."""
    if not key:
        return []
    if connection.vendor == "postgresql":
        rows = (
            people.filter(name_key__trigram_similar=key)
            .annotate(similarity=TrigramSimilarity("name_key", key))
            .order_by("-similarity", "last_name", "first_name", "pk")[:limit]
        )
        return [Match(person, float(person.similarity)) for person in rows]
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
    return similar_names(people, name_key(query), limit)


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
    matches = similar_names(people, name_key(first_name, last_name), limit=50)
    return [
        match
        for match in matches
        if match.similarity >= DUPLICATE_ANY_BIRTH_DATE
        or (match.person.birth_date == birth_date and match.similarity >= DUPLICATE_SAME_BIRTH_DATE)
    ][:10]
