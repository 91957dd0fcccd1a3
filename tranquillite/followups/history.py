"""Change history of follow-ups (django-auditlog): who changed what, and when."""

from auditlog.registry import auditlog

from tranquillite.followups.models import (
    CaseDocument,
    Deadline,
    FollowUp,
    FollowUpEvent,
    FollowUpLink,
    SupportAction,
)

auditlog.register(FollowUp)
auditlog.register(FollowUpEvent)
auditlog.register(Deadline)
auditlog.register(SupportAction)
auditlog.register(FollowUpLink)
auditlog.register(CaseDocument)
