"""Sign-in: throttled failures, logged successes and failures, no public sign-up."""

from django.test import Client
from django.urls import reverse

from tests.access_log import access_rows
from tests.factories import PASSWORD, member
from tranquillite.accounts.roles import Role
from tranquillite.audit.models import AccessAction


def attempt(client, email, password):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_failed_sign_ins_are_throttled_even_with_the_right_password_afterwards(territory):
    user = member(territory, Role.MEDIATOR)
    client = Client()
    for _ in range(5):
        assert attempt(client, user.email, "wrong-password-123!").status_code == 200
    response = attempt(client, user.email, PASSWORD)
    assert response.status_code in (200, 429)
    assert "_auth_user_id" not in client.session


def test_throttling_is_per_account(territory):
    victim = member(territory, Role.MEDIATOR)
    other = member(territory, Role.PARK_WARDEN)
    client = Client()
    for _ in range(5):
        attempt(client, victim.email, "wrong-password-123!")
    assert attempt(Client(), other.email, PASSWORD).status_code == 302


def test_a_successful_sign_in_is_logged_in_each_territory_of_the_user(territory, other_territory):
    user = member(territory, Role.MEDIATOR)
    member(other_territory, Role.MEDIATOR, user=user)
    with access_rows() as captured:
        assert attempt(Client(), user.email, PASSWORD).status_code == 302
    logins = [row for row in captured.rows if row.action == AccessAction.LOGIN]
    assert {row.territory_id for row in logins} == {territory.pk, other_territory.pk}
    assert all(row.actor_id == user.pk for row in logins)


def test_a_failed_sign_in_is_logged_with_the_address_tried(territory):
    user = member(territory, Role.MEDIATOR)
    with access_rows() as captured:
        attempt(Client(), user.email.upper(), "wrong-password-123!")
        attempt(Client(), "nobody@example.test", "wrong-password-123!")
    failures = [row for row in captured.rows if row.action == AccessAction.LOGIN_FAILED]
    assert [(row.actor_label, row.territory_id) for row in failures] == [
        (user.email, territory.pk),
        ("nobody@example.test", None),
    ]


def test_there_is_no_public_sign_up(db):
    response = Client().get(reverse("account_signup"))
    assert "account/signup_closed.html" in [t.name for t in response.templates]
    posted = Client().post(
        reverse("account_signup"),
        {"email": "intrus@example.test", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert posted.status_code == 200
    from tranquillite.accounts.models import User

    assert not User.objects.filter(email="intrus@example.test").exists()
