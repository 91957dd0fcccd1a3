"""Change history of community service (django-auditlog): who changed what, and when. The
purge destroys a placement's history with it (retention/purge.py)."""

from auditlog.registry import auditlog

from tranquillite.community_service.models import (
    Occurrence,
    OccurrenceNotice,
    Placement,
    PlacementDocument,
    Post,
    WorkSession,
)

auditlog.register(Post, m2m_fields={"supervisors"})
auditlog.register(Placement)
auditlog.register(WorkSession)
auditlog.register(Occurrence)
auditlog.register(OccurrenceNotice)
auditlog.register(PlacementDocument)
