"""Sessions end after 30 minutes idle and 12 hours in all; deactivation ends them at once."""

import time

import pytest
from django.urls import reverse

from tests.factories import member
from tranquillite.accounts import services
from tranquillite.accounts.middleware import SESSION_LAST_SEEN_AT, SESSION_STARTED_AT
from tranquillite.accounts.roles import Role


@pytest.fixture
def signed_in(territory, client_for):
    user = member(territory, Role.PARTNER_MEMBER)
    client = client_for(user)
    assert client.get(reverse("core:home")).status_code == 200
    return user, client


def _shift_session(client, **offsets):
    session = client.session
    for key, seconds in offsets.items():
        session[key] = time.time() - seconds
    session.save()


def test_an_active_session_goes_on(signed_in):
    _user, client = signed_in
    _shift_session(client, **{SESSION_LAST_SEEN_AT: 29 * 60})
    assert client.get(reverse("core:home")).status_code == 200


def test_thirty_minutes_idle_ends_the_session(signed_in):
    _user, client = signed_in
    _shift_session(client, **{SESSION_LAST_SEEN_AT: 31 * 60})
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert client.get(reverse("core:home")).status_code == 302


def test_twelve_hours_in_all_end_the_session_even_when_active(signed_in):
    _user, client = signed_in
    _shift_session(client, **{SESSION_STARTED_AT: 12 * 3600 + 60, SESSION_LAST_SEEN_AT: 60})
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_deactivation_ends_the_sessions_at_once(
    territory, other_territory, django_capture_on_commit_callbacks
):
    """Withdrawn from one territory, still active in another: the account stays open, so only
    ending its sessions signs the person out of the territory they just lost."""
    from django.test import Client

    from tests.factories import PASSWORD

    user = member(territory, Role.MEDIATOR)
    member(other_territory, Role.MEDIATOR, user=user)
    client = Client()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert client.get(reverse("core:home")).status_code == 200
    coordinator = member(territory, Role.COORDINATOR)
    with django_capture_on_commit_callbacks(execute=True):
        services.deactivate_member(actor=coordinator, territory=territory, user=user)
    user.refresh_from_db()
    assert user.is_active  # still works for the other territory
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_expired_session_sends_back_to_the_same_page(signed_in):
    _user, client = signed_in
    _shift_session(client, **{SESSION_LAST_SEEN_AT: 31 * 60})
    response = client.get("/membres/?q=a&page=2")
    assert response["Location"] == "/compte/login/?next=%2Fmembres%2F%3Fq%3Da%26page%3D2"
