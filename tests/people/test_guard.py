"""The free-text guard names the people followed that the author may see, whatever the order,
accents and case of the words; it reads only the people whose name starts with a word of the
text, not every person of the territory."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import member
from tests.people.test_merge_and_access import follow, group, join, person
from tranquillite.accounts.roles import Role
from tranquillite.people.guards import PREFILTER_WORDS, names_of_people_followed


def test_a_followed_name_is_found_and_only_by_who_may_see_it(territory, coordinator):
    minors = group(territory, coordinator, "Groupe Mineurs")
    join(minors, coordinator, coordinator)
    follow(person(territory, "Jean-Marc", "Dupré"), minors, "RAO-2026-0001")
    follow(person(territory, "Léa", "Dupont"), minors, "RAO-2026-0002")
    for found in (
        "Vu DUPRE jean marc au parc",
        "dupont, léa : absente",
        "LEA DUPONT",
    ):
        assert names_of_people_followed(coordinator, territory, found), found
    for clean in ("Jean a vu Marc", "Léa seule", "Dupont sans prénom", ""):
        assert not names_of_people_followed(coordinator, territory, clean), clean
    # A mediator sees no follow-up: the guard tells him nothing.
    mediator = member(territory, Role.MEDIATOR)
    assert not names_of_people_followed(mediator, territory, "Léa Dupont")


def test_the_people_read_are_those_whose_name_starts_with_a_word(territory, coordinator):
    minors = group(territory, coordinator, "Groupe Mineurs")
    join(minors, coordinator, coordinator)
    for index in range(30):
        follow(person(territory, "Alain", f"Zorro{index}"), minors, f"RAO-2026-{index:04d}")
    with CaptureQueriesContext(connection) as queries:
        assert not names_of_people_followed(coordinator, territory, "Rien à signaler ce soir")
    assert "LIKE" in queries.captured_queries[-1]["sql"].upper()
    # A long text (beyond PREFILTER_WORDS words) still finds the name.
    long = " ".join(f"mot{i}" for i in range(PREFILTER_WORDS + 5)) + " alain zorro7"
    assert names_of_people_followed(coordinator, territory, long)
