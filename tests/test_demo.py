"""The demo territories: loadable twice, and telling the story the README tells."""

import pyotp
import pytest
from django.test import Client
from django.urls import reverse

from tranquillite.accounts.models import User
from tranquillite.core.models import Territory
from tranquillite.demo import data
from tranquillite.governance.access import CaseAccess, case_access
from tranquillite.governance.models import Body, BodyMember


@pytest.fixture
def demo(db):
    return data.load()


def test_loading_twice_changes_nothing(demo):
    counts = (Territory.objects.count(), User.objects.count(), BodyMember.objects.count())
    data.load()
    assert (Territory.objects.count(), User.objects.count(), BodyMember.objects.count()) == counts


def test_every_documented_login_signs_in(demo):
    for _territory, _role, email, needs_totp in data.demo_logins():
        client = Client()
        response = client.post(
            reverse("account_login"), {"login": email, "password": data.DEMO_PASSWORD}
        )
        assert response.status_code == 302, email
        if needs_totp:
            assert response["Location"] == reverse("mfa_authenticate"), email
            code = pyotp.TOTP(data.DEMO_TOTP_SECRET).now()
            assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
        assert client.get(reverse("core:home")).status_code == 200, email


def test_the_charter_gate_story_of_the_demo(demo):
    minors = Body.objects.get(name="Groupe Mineurs")
    police = User.objects.get(email="police@pantin.test")
    school_head = User.objects.get(email="principale@pantin.test")
    probation = User.objects.get(email="cpip@pantin.test")
    assert case_access(police, minors) == CaseAccess.GRANTED
    assert case_access(probation, minors) == CaseAccess.UNSIGNED
    assert case_access(school_head, minors) == CaseAccess.NOT_A_MEMBER
