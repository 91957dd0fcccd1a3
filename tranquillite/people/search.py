"""Names as a search key, and the similarity measure shared by PostgreSQL and SQLite.

A person is found from what a colleague types: "lea dupond martin" must find
"Léa Dupont-Martin". So the key of a name is:
- lower case, accents removed (NFKD, combining marks dropped), ligatures spelt out (œ → oe);
- every character that is not a letter or a digit is a space (hyphens, apostrophes);
- its words sorted, so that first and last names may come in any order.
Typos are then caught by trigram similarity, the measure of PostgreSQL's pg_trgm: on
PostgreSQL the database computes it (with a trigram index); elsewhere `similarity()` below
computes exactly the same figure in Python, so both behave alike on the tests.
"""

from __future__ import annotations

import re
import unicodedata

# pg_trgm's default `similarity_threshold`.
THRESHOLD = 0.3
_NOT_WORD = re.compile(r"[^0-9a-z]+")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l"})


def normalise(text: str) -> str:
    lowered = text.lower().translate(_LIGATURES)
    decomposed = unicodedata.normalize("NFKD", lowered)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(_NOT_WORD.sub(" ", plain).split())


def name_key(*parts: str) -> str:
    """The search key of a name: its normalised words, sorted."""
    return " ".join(sorted(normalise(" ".join(parts)).split()))


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: each word padded with two spaces before and one after."""
    grams: set[str] = set()
    for word in text.split():
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def similarity(first: str, second: str) -> float:
    """pg_trgm's `similarity()`: shared trigrams over all trigrams of the two texts."""
    a, b = trigrams(first), trigrams(second)
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
