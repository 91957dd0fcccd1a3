"""The fixer's side: each organisation's queue holds its issues only (404 otherwise); the moves
leave an event with who and when; organisations without accounts get an e-mail naming no one
with a signed, expiring link to that issue alone."""

from __future__ import annotations

import re
import time
from unittest import mock

import pytest
from django.core import mail, signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.technical_issues.conftest import raise_one
from tranquillite.technical_issues import links, services
from tranquillite.technical_issues.models import EventKind, IssueStatus

pytestmark = pytest.mark.django_db


def to_landlord(setup):
    services.save_rule(
        actor=setup.coordinator,
        territory=setup.territory,
        name="Quatre-Chemins : bailleur",
        organisation=setup.landlord,
        neighbourhood=setup.field.quatre_chemins,
    )


def test_queue_holds_the_organisations_issues_only(
    setup, client_for, django_assert_max_num_queries
):
    to_landlord(setup)
    ours = [raise_one(setup) for _ in range(3)]
    theirs = raise_one(
        setup,
        category="lighting",
        where=(setup.field.hoche.centre_latitude, setup.field.hoche.centre_longitude),
    )
    assert theirs.organisation == setup.lighting
    client = client_for(setup.landlord_member)
    with django_assert_max_num_queries(15):
        page = client.get(reverse("technical_issues:queue"))
    assert page.status_code == 200
    for issue in ours:
        assert issue.reference in page.content.decode()
    assert theirs.reference not in page.content.decode()
    # Another organisation's issue, and any issue for a partner of another organisation: 404.
    assert client.get(reverse("technical_issues:issue", args=[theirs.public_id])).status_code == 404
    other = client_for(setup.other_partner)
    assert other.get(reverse("technical_issues:issue", args=[ours[0].public_id])).status_code == 404
    assert (
        client.get(reverse("technical_issues:issue", args=[ours[0].public_id])).status_code == 200
    )


def test_the_closed_loop(setup, client_for):
    """The mediator raises, the landlord acknowledges, asks, is answered, resolves; the
    mediator sees it fixed in his reports."""
    to_landlord(setup)
    issue = raise_one(setup)
    landlord = client_for(setup.landlord_member)
    url = reverse("technical_issues:act", args=[issue.public_id])
    landlord.post(url, {"action": "acknowledge"})
    landlord.post(url, {"action": "request_information", "text": "Quel bâtiment ?"})
    issue.refresh_from_db()
    assert issue.status == IssueStatus.INFORMATION_REQUESTED and issue.acknowledged_at
    mediator = client_for(setup.field.mediator)
    mediator.post(url, {"action": "give_information", "text": "Bâtiment B, côté cour"})
    # The mediator cannot resolve the landlord's issue.
    mediator.post(url, {"action": "resolve"})
    issue.refresh_from_db()
    assert issue.status == IssueStatus.ACKNOWLEDGED
    landlord.post(url, {"action": "resolve", "text": "Ampoule changée"})
    issue.refresh_from_db()
    assert issue.status == IssueStatus.RESOLVED and issue.closed_at
    kinds = list(issue.events.values_list("kind", flat=True))
    assert kinds == [
        EventKind.RAISED,
        EventKind.ROUTED,
        EventKind.ACKNOWLEDGED,
        EventKind.INFORMATION_REQUESTED,
        EventKind.INFORMATION_GIVEN,
        EventKind.RESOLVED,
    ]
    acknowledged = issue.events.get(kind=EventKind.ACKNOWLEDGED)
    assert acknowledged.actor == setup.landlord_member
    assert acknowledged.organisation == setup.landlord
    mine = mediator.get(reverse("technical_issues:mine")).content.decode()
    assert issue.reference in mine and "Réparé" in mine


def test_refusal_needs_a_reason_and_closed_is_final(setup):
    to_landlord(setup)
    issue = raise_one(setup)
    with pytest.raises(ValidationError, match="Dites pourquoi"):
        services.refuse(actor=setup.landlord_member, issue=issue, reason="  ")
    issue.refresh_from_db()
    assert issue.status == IssueStatus.OPEN
    services.refuse(actor=setup.landlord_member, issue=issue, reason="Hors patrimoine")
    with pytest.raises(ValidationError, match="clos"):
        services.resolve(actor=setup.landlord_member, issue=issue)
    with pytest.raises(PermissionDenied):
        services.acknowledge(actor=setup.other_partner, issue=raise_one(setup))


def test_reroute_needs_a_reason_and_kills_the_previous_link(setup):
    issue = raise_one(setup)  # to the lighting service (no account): by e-mail
    token = links.make_token(issue)
    with pytest.raises(ValidationError, match="réorienté"):
        services.reroute(
            actor=setup.coordinator, issue=issue, organisation=setup.landlord, reason=""
        )
    services.reroute(
        actor=setup.coordinator,
        issue=issue,
        organisation=setup.landlord,
        reason="Dans la résidence",
    )
    issue.refresh_from_db()
    assert issue.organisation == setup.landlord and issue.routing_rule is None
    with pytest.raises(links.LinkRefused, match="réorienté"):
        links.read_link(issue.public_id, token)
    with pytest.raises(PermissionDenied):
        services.reroute(
            actor=setup.landlord_member, issue=issue, organisation=setup.lighting, reason="pas nous"
        )


def test_organisation_without_accounts_gets_an_email_naming_no_one(
    setup, client, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        issue = raise_one(setup, description="Lampadaire éteint devant le 12")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["eclairage@ville.test"]
    body = message.subject + message.body
    assert issue.reference in body
    for name in (
        setup.field.mediator.first_name,
        setup.field.mediator.last_name,
        setup.field.mediator.email,
        "Lampadaire éteint devant le 12",
    ):
        assert name not in body
    url = re.search(r"https?://\S+", message.body).group(0)
    path = url.split("//", 1)[1].split("/", 1)[1]
    page = client.get("/" + path)
    assert page.status_code == 200 and issue.reference in page.content.decode()
    # No sign-in, no navigation: acknowledge, then resolve, through the link.
    client.post("/" + path, {"action": "acknowledge"})
    client.post("/" + path, {"action": "resolve", "text": "Lampe remplacée"})
    issue.refresh_from_db()
    assert issue.status == IssueStatus.RESOLVED
    event = issue.events.get(kind=EventKind.RESOLVED)
    assert event.via_link and event.actor is None and event.organisation == setup.lighting
    # Nothing else is reachable with it: the other pages still ask to sign in.
    assert client.get(reverse("technical_issues:issue", args=[issue.public_id])).status_code == 302
    # A member of an organisation with accounts gets a sign-in link, never a signed one.
    to_landlord(setup)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        raise_one(setup)
    assert [m.to for m in mail.outbox] == [[setup.landlord_member.email]]
    assert "/lien/" not in mail.outbox[0].body


def test_signed_link_expiry_tampering_and_scope(setup, client):
    first, second = raise_one(setup), raise_one(setup, category="graffiti")
    token = links.make_token(first)
    url = reverse("technical_issues:link", args=[first.public_id, token])
    # Tampered: one character changed.
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    page = client.get(reverse("technical_issues:link", args=[first.public_id, tampered]))
    assert page.status_code == 403 and "pas valide" in page.content.decode()
    # Scope: a valid token of the first issue on the second's address opens nothing.
    page = client.post(
        reverse("technical_issues:link", args=[second.public_id, token]), {"action": "resolve"}
    )
    assert page.status_code == 403
    second.refresh_from_db()
    assert second.status == IssueStatus.OPEN
    # A token signed with another salt (e.g. another feature's) is refused.
    foreign = signing.TimestampSigner(salt="other").sign_object({"i": str(first.public_id)})
    assert (
        client.get(reverse("technical_issues:link", args=[first.public_id, foreign])).status_code
        == 403
    )
    # Replay after expiry: a clear French message, nothing changed.
    with mock.patch("django.core.signing.time.time", return_value=time.time() + 31 * 86400):
        page = client.post(url, {"action": "resolve"})
    assert page.status_code == 410
    assert "a expiré" in page.content.decode()
    first.refresh_from_db()
    assert first.status == IssueStatus.OPEN
    # Within its validity it works, and a replayed click changes nothing more.
    client.post(url, {"action": "acknowledge"})
    client.post(url, {"action": "acknowledge"})
    assert first.events.filter(kind=EventKind.ACKNOWLEDGED).count() == 1
