"""Passwords follow the CNIL rules (deliberation 2022-100)."""

import hashlib

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tranquillite.accounts.passwords import BreachedPasswordValidator, breach_count, meets_cnil_rule


@pytest.mark.parametrize(
    "password, accepted",
    [
        ("Court-1!", False),  # too short
        ("abcdefghijkl", False),  # 12, one class
        ("Abcdefgh1234", False),  # 12, three classes: needs 14
        ("Abcdefgh123!", True),  # 12, four classes
        ("Abcdefghij1234", True),  # 14, upper + lower + digits
        ("abcdefghij1234", False),  # 14 without upper case
        ("cheval agrafe correct batterie", True),  # passphrase
        ("é" * 11 + "A1!", True),  # accented letters count as letters
    ],
)
def test_cnil_rule(password, accepted):
    assert meets_cnil_rule(password) is accepted


@pytest.mark.django_db
def test_common_passwords_are_refused_even_when_long_enough():
    with pytest.raises(ValidationError):
        validate_password("Megaparol12345")  # meets the CNIL rule, but is in the breach list


@pytest.mark.django_db
def test_a_strong_password_passes_every_validator():
    validate_password("Vélo-Rouge-Pantin-93!")


def _range_response(password, count):
    digest = hashlib.sha1(password.encode()).hexdigest().upper()  # noqa: S324
    return lambda prefix: (
        f"0000000000000000000000000000000000A:3\r\n{digest[5:]}:{count}\r\n"
        if prefix == digest[:5]
        else ""
    )


def test_breach_count_reads_the_range_answer():
    assert breach_count("Vélo-Rouge-Pantin-93!", _range_response("Vélo-Rouge-Pantin-93!", 42)) == 42
    assert breach_count("Autre-Mot-De-Passe-1", _range_response("Vélo-Rouge-Pantin-93!", 42)) == 0


def test_breached_passwords_are_refused_when_the_check_is_on(settings):
    settings.PASSWORD_BREACH_CHECK = True
    validator = BreachedPasswordValidator(fetch=_range_response("Vélo-Rouge-Pantin-93!", 7))
    with pytest.raises(ValidationError) as error:
        validator.validate("Vélo-Rouge-Pantin-93!")
    assert error.value.code == "password_breached"


def test_an_unreachable_breach_service_does_not_block(settings):
    settings.PASSWORD_BREACH_CHECK = True

    def unreachable(prefix):
        raise OSError("no network")

    BreachedPasswordValidator(fetch=unreachable).validate("Vélo-Rouge-Pantin-93!")


def test_the_check_is_off_by_default(settings):
    settings.PASSWORD_BREACH_CHECK = False

    def must_not_be_called(prefix):
        raise AssertionError("called")

    BreachedPasswordValidator(fetch=must_not_be_called).validate("Vélo-Rouge-Pantin-93!")
