"""Headers, health, error pages and production settings."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import member
from tranquillite.accounts.roles import Role

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def page(territory, client_for):
    return client_for(member(territory, Role.PARTNER_MEMBER)).get(reverse("core:home"))


def test_content_security_policy_forbids_inline_script_and_framing(page):
    csp = page["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe" not in csp


def test_security_headers(page):
    assert page["X-Frame-Options"] == "DENY"
    assert page["Referrer-Policy"] == "same-origin"
    assert page["X-Content-Type-Options"] == "nosniff"
    assert page["Cross-Origin-Opener-Policy"] == "same-origin"


def test_pages_hold_no_inline_script(page):
    html = page.content.decode()
    # Every <script> element either loads a file or is a JSON data block; none runs inline.
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert " onclick=" not in html and " style=" not in html
    assert '<html lang="fr">' in html


def test_health_endpoint_answers_without_signing_in(db):
    response = Client().get("/healthz/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_anonymous_visitors_are_sent_to_sign_in(db):
    response = Client().get(reverse("accounts:organisations"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_not_found_page_is_in_french(territory, client_for):
    response = client_for(member(territory, Role.PARTNER_MEMBER)).get("/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_forbidden_page_is_in_french(territory, client_for):
    response = client_for(member(territory, Role.MEDIATOR)).get(reverse("audit:log"))
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


def test_production_settings_pass_the_deployment_checks():
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "x" * 20 + "-production-secret-key-for-the-check-" + "y" * 20,
        "DJANGO_ALLOWED_HOSTS": "tranquillite.example.fr",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "DJANGO_ENV": "production", "DJANGO_SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_cookies_are_secure_and_hsts_is_on():
    env = {
        **os.environ,
        "DJANGO_ENV": "production",
        "DJANGO_SECRET_KEY": "z" * 60,
    }
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS >= 31536000, "
        "s.SECURE_SSL_REDIRECT, s.DEBUG)"
    )
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["True", "True", "True", "True", "False"]


def test_people_cannot_change_their_own_e_mail_address(territory, client_for):
    client = client_for(member(territory, Role.PARK_WARDEN))
    assert client.get("/compte/email/").status_code == 404
    assert (
        client.post("/compte/email/", {"email": "x@example.test", "action_add": ""}).status_code
        == 404
    )


def test_the_demo_data_is_refused_in_production():
    env = {**os.environ, "DJANGO_ENV": "production", "DJANGO_SECRET_KEY": "z" * 60}
    result = subprocess.run(
        [sys.executable, "manage.py", "load_demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "refused" in result.stderr


def test_every_answer_to_a_signed_in_user_is_no_store_and_public_pages_may_be_cached(
    territory, client_for
):
    # Nominative pages must stay out of browser and proxy caches (CNIL AU-038; ASVS 14.3.2).
    # The sweep (tests/test_url_sweep.py) checks the same header on every URL and role.
    signed_in = client_for(member(territory, Role.COORDINATOR))
    for url in ("/", reverse("accounts:members"), "/theme.css", "/page-qui-n-existe-pas/"):
        response = signed_in.get(url)
        assert response["Cache-Control"] == "no-store, private", url
        assert "Expires" not in response
    anonymous = Client().get("/theme.css")  # a public answer keeps the view's own header
    assert anonymous["Cache-Control"] == "max-age=300"
