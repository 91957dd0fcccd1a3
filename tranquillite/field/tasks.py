"""The historical import's background work: a large file is checked and imported by the task
worker (scripts/serve-dev runs one), its page showing the progress meanwhile."""

from __future__ import annotations

import logging

from django.conf import settings
from django.tasks import task
from django.utils.translation import gettext as _

from tranquillite.field import imports
from tranquillite.field.models import ImportBatch, ImportStatus

logger = logging.getLogger(__name__)


@task()
def process_import(batch_id: int, apply: bool) -> None:
    try:
        imports.process(batch_id, apply=apply)
    except Exception:
        # The batch must not stay "under way" for ever: it fails, saying so, and nothing was
        # written (process writes in one transaction).
        logger.exception("Import %s failed", batch_id)
        ImportBatch.objects.filter(pk=batch_id).update(
            status=ImportStatus.FAILED,
            content=b"",
            errors=[_("The import stopped on an unexpected error: nothing was imported.")],
        )
        raise


def start(batch: ImportBatch, *, apply: bool) -> None:
    """Check (or import) the batch now when it is small, in the background when it is not."""
    if batch.total_rows > settings.FIELD_IMPORT_BACKGROUND_ROWS:
        process_import.enqueue(batch.pk, apply)
    else:
        imports.process(batch.pk, apply=apply)
