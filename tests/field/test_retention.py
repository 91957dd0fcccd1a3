"""The daily log's purge: entries past 3 years go, with their photos; younger ones and the
shifts stay."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from tests.field.conftest import entry_input
from tranquillite.field import services
from tranquillite.field.models import LogEntry, Shift
from tranquillite.field.retention import purge_field_log


def test_entries_past_three_years_go_with_their_photos(
    field, shift, django_capture_on_commit_callbacks
):
    old, _created = services.log_entry(
        actor=field.mediator, shift=shift, data=entry_input(neighbourhood=field.hoche)
    )
    recent, _created = services.log_entry(
        actor=field.mediator, shift=shift, data=entry_input(neighbourhood=field.hoche)
    )
    picture = io.BytesIO()
    Image.new("RGB", (10, 10)).save(picture, format="JPEG")
    old.photo.save("photo.jpg", ContentFile(picture.getvalue()))
    now = timezone.now()
    LogEntry.objects.filter(pk=old.pk).update(occurred_at=now - timedelta(days=3 * 365 + 2))
    LogEntry.objects.filter(pk=recent.pk).update(occurred_at=now - timedelta(days=3 * 365 - 1))
    stored = old.photo.name
    assert old.photo.storage.exists(stored)
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_field_log(now=now) == 1
    assert list(LogEntry.objects.all()) == [recent]
    assert not old.photo.storage.exists(stored)
    assert Shift.objects.filter(pk=shift.pk).exists()


def test_the_command_reports_what_it_destroyed(field, shift, capsys):
    entry, _created = services.log_entry(
        actor=field.mediator, shift=shift, data=entry_input(neighbourhood=field.hoche)
    )
    LogEntry.objects.filter(pk=entry.pk).update(
        occurred_at=timezone.now() - timedelta(days=4 * 365)
    )
    call_command("purge_field_log")
    assert "1 daily-log entries" in capsys.readouterr().out
    assert not LogEntry.objects.exists()
