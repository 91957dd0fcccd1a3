"""The free-text guard of `core.guards`: a text that names a person followed is refused.

Only the people the author may see are looked for (`Person.objects.visible_to`): the
coordinator typing the minutes is stopped before a child's name reaches them, while someone
who may not see a file learns nothing from a refusal — a guard that answered for every person
of the territory would tell a partner, by refusing "Jean Dupont", that Jean Dupont is followed.

A person is named when all the words of their first and last names appear in the text,
accents, case, hyphens and order aside (people/search.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from tranquillite.core.models import Territory
from tranquillite.people.models import Person
from tranquillite.people.search import normalise

# Up to this many distinct words, only the people whose name starts with one of them are
# read (the name key's index); a longer text reads every person the author may see.
PREFILTER_WORDS = 200


def names_of_people_followed(author: Any, territory: Territory, text: str) -> list[str]:
    words = set(normalise(text).split())
    if not words:
        return []

    def people() -> Any:  # built only when needed: the access rule is a large query
        return Person.objects.visible_to(author).in_territory(territory)

    if len(words) <= PREFILTER_WORDS:
        # A name key is its words sorted: a person named in the text has the key's first
        # word among the text's, so the key starts with one of them (an index range each).
        # Those the text names are then looked for among the people the author may see:
        # a text that names no one of the territory costs one small query. Without this,
        # each note of the daily log read all 53,794 people of the largest benchmark
        # territory, each against the follow-ups its author may see, to find none
        # (docs/benchmarks.md, field presence).
        starts = Q(name_key__in=words)
        for word in words:
            starts |= Q(name_key__startswith=f"{word} ")
        named = [
            pk
            for pk, key in Person.objects.in_territory(territory)
            .filter(starts)
            .values_list("pk", "name_key")
            if set(key.split()) <= words
        ]
        keys: Iterable[str] = (
            list(people().filter(pk__in=named).values_list("name_key", flat=True)) if named else []
        )
    else:
        keys = people().values_list("name_key", flat=True).iterator()
    if any(set(key.split()) <= words for key in keys):
        return [
            _(
                "This text names a person followed individually: refer to the file by its "
                "case number, never by a name."
            )
        ]
    return []
