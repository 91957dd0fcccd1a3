"""Change history of the bodies, their members and charters (django-auditlog)."""

from auditlog.registry import auditlog

from tranquillite.governance.models import (
    AgendaItem,
    Attendance,
    Body,
    BodyMember,
    CharterSignature,
    Decision,
    EthicsCharter,
    FollowUpTask,
    Meeting,
)

auditlog.register(Body)
auditlog.register(BodyMember)
auditlog.register(EthicsCharter)
auditlog.register(CharterSignature)
auditlog.register(Meeting)
auditlog.register(AgendaItem)
auditlog.register(Attendance)
auditlog.register(Decision)
auditlog.register(FollowUpTask)
