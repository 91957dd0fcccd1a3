"""Raising: from a daily-log entry (its place and team), directly by a partner; the name
guard; the photo without its metadata; open issues nearby suggested before a new one."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.api.test_field_photos import GPS_IFD, photo_with_gps
from tests.factories import member
from tests.technical_issues.conftest import QUATRE_CHEMINS, an_entry, raise_one
from tranquillite.accounts.roles import Role
from tranquillite.field.models import TeamMembership
from tranquillite.technical_issues import services
from tranquillite.technical_issues.models import IssueSource, TechnicalIssue

pytestmark = pytest.mark.django_db


def test_from_an_entry_the_issue_takes_its_place_and_team(setup, client_for):
    entry = an_entry(setup)
    client = client_for(setup.field.mediator)
    url = reverse("technical_issues:raise") + f"?entrée={entry.public_id}"
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="neighbourhood"' not in page.content.decode()
    response = client.post(
        url, {"category": "building_access", "description": "Porte du hall B bloquée"}
    )
    assert response.status_code == 302
    issue = TechnicalIssue.objects.get()
    assert issue.log_entry == entry and issue.team == setup.field.team
    assert issue.source == IssueSource.LOG_ENTRY
    assert (issue.latitude, issue.longitude) == (entry.latitude, entry.longitude)
    assert issue.h3_r10 == entry.h3_r10
    # A team mate follows it in his reports; a mediator of no team does not see it.
    mate = member(setup.territory, Role.MEDIATOR)
    TeamMembership.objects.create(territory=setup.territory, team=setup.field.team, user=mate)
    assert (
        issue.reference in client_for(mate).get(reverse("technical_issues:mine")).content.decode()
    )
    stranger = client_for(member(setup.territory, Role.MEDIATOR))
    assert (
        stranger.get(reverse("technical_issues:issue", args=[issue.public_id])).status_code == 404
    )
    # Another's entry cannot be used: 404.
    assert stranger.get(url).status_code == 404


def test_a_partner_raises_directly_and_names_are_refused(setup):
    issue = raise_one(setup, actor=setup.other_partner, category="graffiti")
    assert issue.source == IssueSource.PARTNER and issue.team is None
    with pytest.raises(ValidationError, match="nommer"):
        raise_one(setup, description="Le vélo de Madame Durand abandonné")
    with pytest.raises(ValidationError, match="téléphone"):
        raise_one(setup, description="Appeler le gardien au 06 12 34 56 78")
    with pytest.raises(ValidationError, match=r"hors du territoire|en dehors"):
        raise_one(setup, where=(48.80, 2.20))
    # The elected official may not raise (not in the roles table).
    with pytest.raises(PermissionDenied):
        raise_one(setup, actor=member(setup.territory, Role.ELECTED_OFFICIAL))


def test_the_photo_is_stored_without_its_metadata(setup):
    upload = SimpleUploadedFile("p.jpg", photo_with_gps(), content_type="image/jpeg")
    issue = services.raise_issue(
        actor=setup.field.mediator,
        territory=setup.territory,
        data=services.IssueInput(
            category="parks",
            description="Portillon de l'aire de jeux cassé",
            latitude=QUATRE_CHEMINS[0],
            longitude=QUATRE_CHEMINS[1],
        ),
        photo=upload,
    )
    with issue.photo.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
        assert not image.getexif().get_ifd(GPS_IFD)
        assert 0x010F not in image.getexif()
        assert max(image.size) <= 1600


def test_duplicates_are_suggested_before_creating(setup, client_for):
    first = raise_one(setup)
    far = raise_one(
        setup, where=(setup.field.hoche.centre_latitude, setup.field.hoche.centre_longitude)
    )
    other_kind = raise_one(setup, category="waste")
    client = client_for(setup.field.mediator)
    data = {
        "category": "lighting",
        "description": "Lampadaire HS",
        "latitude": "48.901550",
        "longitude": "2.393550",
    }
    page = client.post(reverse("technical_issues:raise"), data)
    text = page.content.decode()
    assert page.status_code == 400
    assert first.reference in text
    assert far.reference not in text and other_kind.reference not in text
    assert TechnicalIssue.objects.count() == 3
    # "It is another one": sent again with the confirmation the page added.
    assert 'name="confirm" value="True"' in text
    response = client.post(reverse("technical_issues:raise"), {**data, "confirm": "True"})
    assert response.status_code == 302
    assert TechnicalIssue.objects.count() == 4
    # A resolved issue is not suggested.
    services.resolve(actor=setup.coordinator, issue=first)
    assert services.possible_duplicates(
        setup.territory, category="lighting", cell=first.h3_r10
    ) == [TechnicalIssue.objects.latest("created_at")]


def test_my_reports_lists_without_n_plus_one(setup, client_for, django_assert_max_num_queries):
    for _ in range(8):
        raise_one(setup)
    client = client_for(setup.field.mediator)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("technical_issues:mine"))
    assert page.content.decode().count("VT-") == 8
    assert "Aucun signalement" not in page.content.decode()
