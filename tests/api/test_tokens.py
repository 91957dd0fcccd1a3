"""Per-account API tokens: only a digest stored (the secret shown once), a token acts as its
holder in its one territory through the same `visible_to` rules, and a revoked, expired,
unknown or out-of-territory token opens nothing."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from tests.factories import member
from tests.field.conftest import make_field
from tranquillite.accounts.models import Membership
from tranquillite.accounts.roles import Role
from tranquillite.api import services
from tranquillite.api.models import ApiToken
from tranquillite.field import services as field_services

API = "/api/v1/field"


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def world(territory):
    field = make_field(territory)
    shift = field_services.clock_in(actor=field.mediator, team=field.team, sector=field.sector)
    return field, shift


def test_only_the_digest_is_stored_and_the_secret_is_shown_once(world, territory):
    field, _shift = world
    token, secret = services.create_token(
        actor=field.director, territory=territory, name="Bailleur", days=90
    )
    assert secret.startswith("tq_") and len(secret) > 40
    stored = ApiToken.objects.filter(pk=token.pk).values().get()
    assert stored["key_hash"] == hashlib.sha256(secret.encode()).hexdigest()
    assert all(secret not in str(value) for value in stored.values())
    assert secret.startswith(token.hint) and len(token.hint) < 12


def test_a_token_reads_and_writes_as_its_holder_without_a_session(world, territory):
    field, shift = world
    _token, secret = services.create_token(
        actor=field.director, territory=territory, name="Script", days=30
    )
    client = Client(enforce_csrf_checks=True)
    listed = client.get(f"{API}/shifts", headers=bearer(secret))
    assert listed.status_code == 200, listed.content
    assert [item["id"] for item in listed.json()["items"]] == [str(shift.public_id)]
    # A write with no cookie and no CSRF token: the token is the credential.
    validated = client.post(
        f"{API}/shifts/{shift.public_id}/validate",
        "{}",
        content_type="application/json",
        headers=bearer(secret),
    )
    assert validated.status_code == 200, validated.content
    assert ApiToken.objects.get().last_used_at is not None


def test_the_token_keeps_its_holders_rights(world, territory):
    """A partner's token opens what the partner may see: no field team, so 404."""
    _field, shift = world
    partner = member(territory, Role.PARTNER_MEMBER)
    _token, secret = services.create_token(actor=partner, territory=territory, name="P", days=30)
    answer = Client().get(f"{API}/shifts/{shift.public_id}", headers=bearer(secret))
    assert answer.status_code == 404
    assert Client().get(f"{API}/shifts", headers=bearer(secret)).json()["count"] == 0


def test_a_token_is_scoped_to_its_territory(world, territory, other_territory):
    field, _shift = world
    elsewhere = make_field(other_territory)
    Membership.objects.create(
        user=field.director,
        territory=other_territory,
        organisation=Membership.objects.filter(user=field.director).get().organisation,
        role=Role.DIRECTOR,
    )
    other_shift = field_services.clock_in(
        actor=elsewhere.mediator, team=elsewhere.team, sector=elsewhere.sector
    )
    _token, secret = services.create_token(
        actor=field.director, territory=territory, name="Here", days=30
    )
    answer = Client().get(f"{API}/shifts/{other_shift.public_id}", headers=bearer(secret))
    assert answer.status_code == 404
    listed = Client().get(f"{API}/shifts", headers=bearer(secret)).json()["items"]
    ids = [row["id"] for row in listed]
    assert str(other_shift.public_id) not in ids


@pytest.mark.parametrize("how", ["revoked", "expired", "unknown", "membership_ended"])
def test_a_token_that_no_longer_opens_the_api_is_a_401(world, territory, how):
    field, shift = world
    token, secret = services.create_token(
        actor=field.director, territory=territory, name="Old", days=30
    )
    if how == "revoked":
        services.revoke_token(actor=field.director, token=token)
    elif how == "expired":
        past = timezone.now() - timedelta(seconds=1)
        ApiToken.objects.filter(pk=token.pk).update(expires_at=past)
    elif how == "unknown":
        secret = secret[:-2] + ("AA" if not secret.endswith("AA") else "BB")
    else:
        Membership.objects.filter(user=field.director).update(is_active=False)
    client = Client(enforce_csrf_checks=True)
    for answer in (
        client.get(f"{API}/shifts", headers=bearer(secret)),
        client.post(
            f"{API}/shifts/{shift.public_id}/validate",
            "{}",
            content_type="application/json",
            headers=bearer(secret),
        ),
    ):
        assert answer.status_code == 401, answer.content
        assert answer.json()["errors"][0]["message"]


def test_who_may_hold_and_revoke_tokens(world, territory, coordinator):
    field, _shift = world
    with pytest.raises(PermissionDenied):
        services.create_token(actor=field.mediator, territory=territory, name="No", days=30)
    token, _secret = services.create_token(
        actor=coordinator, territory=territory, name="Coordination", days=30
    )
    with pytest.raises(PermissionDenied):
        services.revoke_token(actor=field.director, token=token)
    director_token, _ = services.create_token(
        actor=field.director, territory=territory, name="Director", days=30
    )
    revoked = services.revoke_token(actor=coordinator, token=director_token)
    assert revoked.revoked_by == coordinator and revoked.revoked_at is not None


def test_a_token_lasts_at_most_a_year(world, territory):
    field, _shift = world
    with pytest.raises(Exception, match="365"):
        services.create_token(actor=field.director, territory=territory, name="X", days=366)


def test_the_tokens_page(world, territory, coordinator, client_for, django_assert_max_num_queries):
    field, _shift = world
    director = client_for(field.director)
    created = director.post("/api/jetons/", {"name": "Application du bailleur", "days": "90"})
    assert created.status_code == 200
    token = ApiToken.objects.get()
    secret = created.context["secret"]
    assert secret and secret.encode() in created.content
    again = director.get("/api/jetons/")
    assert secret.encode() not in again.content
    assert b"Application du bailleur" in again.content
    # The coordinator sees the territory's tokens (never a secret) and revokes one.
    for _ in range(3):
        services.create_token(actor=field.director, territory=territory, name="Lot", days=30)
    coordination = client_for(coordinator)
    with django_assert_max_num_queries(20):
        page = coordination.get("/api/jetons/")
    assert page.content.count(b"<td>Lot</td>") == 3
    assert coordination.post(f"/api/jetons/{token.public_id}/revoquer/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_by == coordinator
    # A mediator holds no token; another director's token is not even shown to him.
    assert client_for(field.mediator).get("/api/jetons/").status_code == 403
    other = client_for(member(territory, Role.DIRECTOR))
    assert other.post(f"/api/jetons/{token.public_id}/revoquer/").status_code == 404
    refused = director.post("/api/jetons/", {"name": "", "days": "9999"})
    assert refused.status_code == 400
    assert json.dumps(list(refused.context["form"].errors)) == json.dumps(["name", "days"])


def test_the_change_history_records_the_token_without_its_digest(world, territory):
    from auditlog.models import LogEntry as Change

    field, _shift = world
    token, secret = services.create_token(
        actor=field.director, territory=territory, name="Historique", days=30
    )
    services.revoke_token(actor=field.director, token=token)
    changes = list(Change.objects.get_for_object(token))
    assert len(changes) == 2
    for change in changes:
        text = str(change.changes)
        assert "key_hash" not in text and token.key_hash not in text and secret not in text
