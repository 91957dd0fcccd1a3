"""Bad input is a French message, never a server error; text is normalised and cleaned in
one place for every form and every save (core/validation.py, core/http.py; issue 12)."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory, override_settings
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.factories import member
from tranquillite.accounts.roles import Role
from tranquillite.core.forms import NeighbourhoodForm
from tranquillite.core.models import Neighbourhood
from tranquillite.core.validation import clean_text, forbidden_characters, normalise_text

ROOT = Path(__file__).resolve().parents[2]
CENTRE = {"centre_latitude": "48.89", "centre_longitude": "2.4"}
TRICKS = ["\u202e", "\u2066", "\u200b", "\u200d", "\u00ad", "\x00", "\x07", "\ufeff", "\u2028"]


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_clean_text_returns_nfc_without_hidden_characters_or_refuses(text):
    try:
        cleaned = clean_text(text)
    except ValidationError:
        assert forbidden_characters(normalise_text(text))
        return
    assert unicodedata.is_normalized("NFC", cleaned)
    assert not forbidden_characters(cleaned) and "\r" not in cleaned
    assert clean_text(cleaned) == cleaned


@pytest.mark.parametrize("trick", TRICKS)
def test_every_form_refuses_hidden_characters_with_a_french_message(territory, trick):
    form = NeighbourhoodForm({"name": f"Quatre{trick}-Chemins"}, territory=territory)
    assert not form.is_valid()
    assert "caractères invisibles ou de contrôle" in str(form.errors["name"])


def test_forms_store_text_as_nfc(territory):
    form = NeighbourhoodForm(
        {
            "name": "Eglise Saint-Ge\u0301rard",
            "centre_latitude": "48.89",
            "centre_longitude": "2.4",
        },
        territory=territory,
    )
    assert form.is_valid(), form.errors
    assert form.save().name == "Eglise Saint-G\u00e9rard"


def test_every_save_refuses_them_too_services_and_imports_included(territory):
    with pytest.raises(ValidationError) as refused:
        Neighbourhood.objects.create(territory=territory, name="\u202eniveL", **CENTRE)
    assert "name" in refused.value.message_dict
    saved = Neighbourhood.objects.create(territory=territory, name="Ho\u0302che\r\nNord", **CENTRE)
    saved.refresh_from_db()
    assert saved.name == "H\u00f4che\nNord"


@pytest.mark.parametrize("day", [date(1, 1, 1), date(9999, 12, 31)])
def test_every_save_refuses_a_date_no_page_can_mean(territory, day):
    from tranquillite.governance.models import Body, Meeting

    body = Body.objects.create(territory=territory, name="Plénière", kind="plenary")
    with pytest.raises(ValidationError):
        Meeting.objects.create(
            territory=territory,
            body=body,
            starts_at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
            place="Salle",
        )


@pytest.mark.parametrize(
    ("role", "url"),
    [
        (Role.DATA_PROTECTION_OFFICER, "/audit/journal/?avant=%C2%B2"),
        (Role.DATA_PROTECTION_OFFICER, "/audit/journal/?since=0001-01-01&until=9999-12-31"),
        (Role.COORDINATOR, "/courrier/?annee=%C2%B2"),
        (Role.COORDINATOR, "/strategie/?strategie=x"),
        (Role.COORDINATOR, "/strategie/revues/?strategie=x&au=9999-12-31"),
    ],
)
def test_a_query_string_that_cannot_be_read_falls_back_to_the_default(
    territory, client_for, role, url
):
    response = client_for(member(territory, role)).get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "ne peut pas être lue" in text or "Saisissez une date entre" in text


def test_the_new_sheet_page_ignores_an_area_it_cannot_read(territory, client_for):
    from tests.factories import StrategyFactory

    StrategyFactory(territory=territory)
    response = client_for(member(territory, Role.COORDINATOR)).get(
        reverse("strategy:sheet_create") + "?axe=%C2%B2"
    )
    assert response.status_code == 200


@pytest.mark.parametrize("colour", ["#zzzzzz", "#12", "red"])
def test_a_colour_that_is_not_one_is_a_form_error(territory, client_for, colour):
    client = client_for(member(territory, Role.COORDINATOR))
    response = client.post(
        reverse("core:territory_settings"),
        {
            "name": territory.name,
            "council_name": territory.council_name,
            "kind": territory.kind,
            "insee_codes": territory.insee_codes,
            "primary_colour": colour,
        },
    )
    assert response.status_code == 200
    assert "primary_colour" in response.context["form"].errors


def test_the_sign_in_throttle_counts_each_client_behind_the_proxy():
    # allauth's rate limits key on the client's address: behind the documented proxy it must
    # be the X-Forwarded-For entry the proxy appended, as the access log reads it.
    from allauth.core.internal.httpkit import get_client_ip

    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="203.0.113.7", REMOTE_ADDR="10.0.0.1")
    with override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1):
        assert get_client_ip(request) == "203.0.113.7"
    code = "from django.conf import settings; print(settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
    for behind, expected in (("1", "1"), ("0", "0")):
        env = {**os.environ, "DJANGO_BEHIND_PROXY": behind}
        result = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", code],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        assert result.stdout.strip().splitlines()[-1] == expected
