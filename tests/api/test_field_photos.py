"""Daily-log photos: re-encoded by Pillow, a planted GPS tag is gone from the stored file,
a non-image or an oversized file is refused in French, nothing is kept of a refused upload,
and only whoever may see the entry gets the photo."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories import member
from tests.field.conftest import entry_input, make_field
from tranquillite.accounts.roles import Role
from tranquillite.field import services
from tranquillite.field.models import LogEntry

GPS_IFD = 0x8825


def photo_with_gps() -> bytes:
    image = Image.new("RGB", (2400, 1800), "#3a7d44")
    exif = Image.Exif()
    exif[0x010F] = "PlantedMaker"  # Make
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (48.0, 54.0, 4.0), 3: "E", 4: (2.0, 23.0, 36.0)})
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    data = buffer.getvalue()
    # The planted tag is really there before the upload.
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)
    return data


@pytest.fixture
def entry_setup(territory):
    field = make_field(territory)
    shift = services.clock_in(actor=field.mediator, team=field.team, sector=field.sector)
    entry, _created = services.log_entry(
        actor=field.mediator,
        shift=shift,
        data=entry_input(category="equipment", neighbourhood=field.hoche),
    )
    return field, entry


def upload(client, entry, content: bytes, name: str = "photo.jpg"):
    return client.post(
        f"/api/v1/field/entries/{entry.public_id}/photo",
        {"photo": SimpleUploadedFile(name, content, content_type="image/jpeg")},
    )


def test_a_planted_gps_tag_is_gone_from_the_stored_file(entry_setup, client_for):
    field, entry = entry_setup
    client = client_for(field.mediator)
    response = upload(client, entry, photo_with_gps())
    assert response.status_code == 200, response.content
    assert response.json()["has_photo"] is True
    entry.refresh_from_db()
    stored = entry.photo.read()
    assert b"PlantedMaker" not in stored
    assert b"Exif" not in stored
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert not image.getexif()
    assert max(image.size) == 1600  # capped
    served = client.get(f"/api/v1/field/entries/{entry.public_id}/photo")
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == stored


def test_a_resent_photo_replaces_the_first(
    entry_setup, client_for, django_capture_on_commit_callbacks
):
    field, entry = entry_setup
    client = client_for(field.mediator)
    upload(client, entry, photo_with_gps())
    entry.refresh_from_db()
    first = entry.photo.name
    assert entry.photo.storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, entry, photo_with_gps())
    entry.refresh_from_db()
    assert entry.photo.name != first
    assert not entry.photo.storage.exists(first)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"%PDF-1.7 not a photo", "pas une photo"),
        (b"", "pas une photo"),
    ],
)
def test_what_is_not_a_photo_is_refused_in_french(entry_setup, client_for, content, words):
    field, entry = entry_setup
    response = upload(client_for(field.mediator), entry, content, name="photo.pdf")
    assert response.status_code in {400, 422}
    assert words in response.content.decode()
    entry.refresh_from_db()
    assert not entry.photo


def test_an_oversized_photo_is_refused(entry_setup, client_for, settings):
    settings.FIELD_PHOTO_MAX_BYTES = 1000
    field, entry = entry_setup
    response = upload(client_for(field.mediator), entry, photo_with_gps())
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "photo"
    assert "trop lourde" in response.json()["errors"][0]["message"]
    assert not LogEntry.objects.get().photo


def test_another_team_gets_no_photo(entry_setup, client_for, territory):
    field, entry = entry_setup
    upload(client_for(field.mediator), entry, photo_with_gps())
    outsider = client_for(member(territory, Role.PARK_WARDEN))
    assert outsider.get(f"/api/v1/field/entries/{entry.public_id}/photo").status_code == 404
    assert upload(outsider, entry, photo_with_gps()).status_code == 404
