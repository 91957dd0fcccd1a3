"""Multi-factor authentication is mandatory for every role that can reach nominative data."""

import pyotp
import pytest
from allauth.mfa.models import Authenticator
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, TOTP_SECRET, member
from tranquillite.accounts.adapters import EncryptedSecretsMFAAdapter
from tranquillite.accounts.roles import MFA_REQUIRED_ROLES, Role


def sign_in(client: Client, user) -> object:
    return client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})


def test_a_password_alone_does_not_open_an_account_with_totp(territory):
    user = member(territory, Role.COORDINATOR)
    client = Client()
    response = sign_in(client, user)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("core:home")).status_code == 302  # still signed out
    assert "_auth_user_id" not in client.session


def test_the_totp_code_completes_the_sign_in(territory):
    user = member(territory, Role.COORDINATOR)
    client = Client()
    sign_in(client, user)
    response = client.post(reverse("mfa_authenticate"), {"code": pyotp.TOTP(TOTP_SECRET).now()})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200


def test_a_wrong_totp_code_is_refused(territory):
    user = member(territory, Role.COORDINATOR)
    client = Client()
    sign_in(client, user)
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("role", sorted(MFA_REQUIRED_ROLES))
def test_roles_reaching_nominative_data_must_enrol_before_anything_else(territory, role):
    user = member(territory, role, with_mfa=False)
    client = Client()
    assert sign_in(client, user).status_code == 302
    for url in (reverse("core:home"), reverse("accounts:organisations")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")
    # The enrolment page itself is reachable.
    assert client.get(reverse("mfa_activate_totp")).status_code == 200


@pytest.mark.parametrize("role", [Role.MEDIATOR, Role.PARK_WARDEN])
def test_field_roles_without_nominative_access_may_sign_in_with_a_password(territory, role):
    user = member(territory, role, with_mfa=False)
    client = Client()
    sign_in(client, user)
    assert client.get(reverse("core:home")).status_code == 200


def test_a_field_agent_given_a_nominative_role_must_then_enrol(territory, client_for):
    user = member(territory, Role.MEDIATOR, with_mfa=False)
    client = client_for(user)
    assert client.get(reverse("core:home")).status_code == 200
    member(territory, Role.PARTNER_MEMBER, user=user, with_mfa=False)
    response = client.get(reverse("core:home"))
    assert response["Location"] == reverse("mfa_activate_totp")


def test_the_last_second_factor_of_a_required_role_cannot_be_removed(territory):
    user = member(territory, Role.COORDINATOR)
    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    assert not EncryptedSecretsMFAAdapter().can_delete_authenticator(totp)


def test_a_field_agent_may_remove_an_optional_second_factor(territory):
    user = member(territory, Role.MEDIATOR, with_mfa=True)
    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    assert EncryptedSecretsMFAAdapter().can_delete_authenticator(totp)


def test_totp_secrets_are_encrypted_at_rest(territory):
    user = member(territory, Role.COORDINATOR)
    stored = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"]
    assert TOTP_SECRET not in stored
    assert EncryptedSecretsMFAAdapter().decrypt(stored) == TOTP_SECRET


def test_removing_a_second_factor_makes_the_next_request_check_again(territory, client_for):
    from allauth.mfa.signals import authenticator_removed
    from django.test import RequestFactory

    from tranquillite.accounts.middleware import SESSION_MFA_CHECKED

    user = member(territory, Role.MEDIATOR, with_mfa=True)
    client = client_for(user)
    client.get(reverse("core:home"))
    assert client.session.get(SESSION_MFA_CHECKED)
    request = RequestFactory().get("/")
    request.session = client.session
    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    authenticator_removed.send(sender=Authenticator, request=request, user=user, authenticator=totp)
    assert SESSION_MFA_CHECKED not in request.session
