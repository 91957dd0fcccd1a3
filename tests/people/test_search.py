"""Finding a person from what a colleague types, and spotting duplicates, on SQLite and
PostgreSQL alike — and only among the people the user may see."""

from datetime import date

import pytest
from django.db import connection
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import member
from tranquillite.accounts.roles import Role
from tranquillite.followups.models import FollowUp
from tranquillite.governance import services as council
from tranquillite.governance.models import Body, BodyKind
from tranquillite.people import selectors
from tranquillite.people.models import Person
from tranquillite.people.search import name_key, normalise, similarity, trigrams

BIRTH = date(2012, 3, 14)


@pytest.fixture
def minors(territory, coordinator):
    body = Body.objects.create(
        territory=territory, name="Groupe Mineurs", kind=BodyKind.WORKING_GROUP, handles_cases=True
    )
    council.publish_charter(actor=coordinator, body=body, text="Charte v1")
    council.add_member(actor=coordinator, body=body, user=coordinator)
    council.sign_charter(actor=coordinator, body=body)
    return body


def follow(person, body, number):
    FollowUp.objects.create(
        territory=person.territory,
        kind="law_reminder",
        case_number=number,
        body=body,
        person=person,
        state="referral",
        opened_on=date(2026, 10, 1),
    )
    return person


@pytest.fixture
def lea(territory, minors):
    person = Person.objects.create(
        territory=territory, first_name="Léa", last_name="Dupont-Martin", birth_date=BIRTH
    )
    return follow(person, minors, "RAO-2026-0001")


def names(matches):
    return [f"{m.person.first_name} {m.person.last_name}" for m in matches]


def test_the_key_of_a_name_ignores_accents_case_hyphens_and_order():
    assert normalise("Léa  DUPONT-Martin") == "lea dupont martin"
    assert normalise("Chloë d'Œillet") == "chloe d oeillet"
    assert name_key("Dupont-Martin", "Léa") == name_key("lea", "dupont martin")


def test_trigrams_are_those_of_pg_trgm():
    # SELECT show_trgm('cat') → {"  c"," ca","at ","cat"}
    assert trigrams("cat") == {"  c", " ca", "cat", "at "}
    assert similarity("abc", "abc") == 1.0
    assert similarity("", "abc") == 0.0


@pytest.mark.parametrize(
    "typed",
    [
        "lea dupond martin",  # a typo and no hyphen
        "Dupont-Martin Léa",  # last name first
        "LEA DUPONT",  # half of a double name
        "léa dupontmartin",  # words run together
    ],
)
def test_lea_dupont_martin_is_found(lea, coordinator, territory, typed):
    assert names(selectors.search_people(coordinator, territory, typed)) == ["Léa Dupont-Martin"]


def test_a_different_name_is_not_found(lea, coordinator, territory):
    assert selectors.search_people(coordinator, territory, "Karim Benali") == []
    assert selectors.search_people(coordinator, territory, "  ") == []


def test_the_closest_name_comes_first(lea, coordinator, territory, minors):
    follow(
        Person.objects.create(
            territory=territory, first_name="Léo", last_name="Dupont", birth_date=BIRTH
        ),
        minors,
        "RAO-2026-0002",
    )
    found = names(selectors.search_people(coordinator, territory, "lea dupont martin"))
    assert found[0] == "Léa Dupont-Martin"


def test_search_never_shows_someone_the_user_may_not_see(lea, territory, minors, coordinator):
    outsider = member(territory, Role.PARTNER_MEMBER)  # a school head, in no group
    unsigned = member(territory, Role.PARTNER_MEMBER)
    council.add_member(actor=coordinator, body=minors, user=unsigned)
    for user in (outsider, unsigned):
        assert selectors.search_people(user, territory, "Léa Dupont-Martin") == []
    # A person with no follow-up at all is seen by nobody, the coordinator included.
    Person.objects.create(
        territory=territory, first_name="Noé", last_name="Sansdossier", birth_date=BIRTH
    )
    assert selectors.search_people(coordinator, territory, "Noé Sansdossier") == []


def test_search_stays_in_the_territory(lea, coordinator, other_territory):
    assert selectors.search_people(coordinator, other_territory, "Léa Dupont-Martin") == []


def test_duplicates_same_birth_date_with_a_typo_or_any_date_with_the_same_name(
    lea, coordinator, territory
):
    def duplicates(first, last, born):
        return names(
            selectors.possible_duplicates(
                coordinator, territory, first_name=first, last_name=last, birth_date=born
            )
        )

    assert duplicates("Lea", "Dupond Martin", BIRTH) == ["Léa Dupont-Martin"]
    assert duplicates("Dupont-Martin", "Léa", date(2012, 4, 14)) == ["Léa Dupont-Martin"]
    assert duplicates("Lea", "Dupond", date(2011, 1, 1)) == []
    assert duplicates("Karim", "Benali", BIRTH) == []


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="compares with pg_trgm itself")
@given(
    st.text(alphabet="abcdeéèfg- 'lmnoœ", max_size=20), st.text(alphabet="abcdefg mno", max_size=20)
)
def test_python_similarity_is_pg_trgm_similarity(first, second):
    a, b = name_key(first), name_key(second)
    with connection.cursor() as cursor:
        cursor.execute("SELECT similarity(%s, %s)", [a, b])
        (expected,) = cursor.fetchone()
    assert similarity(a, b) == pytest.approx(expected, abs=1e-6)
