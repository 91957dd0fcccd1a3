"""Change history of the strategy (django-auditlog)."""

from auditlog.registry import auditlog

from tranquillite.strategy.models import (
    ActionSheet,
    Activity,
    Axis,
    BudgetLine,
    Evaluation,
    Indicator,
    Measurement,
    ParticipantCount,
    SheetDocument,
    SheetPartner,
    Strategy,
)

auditlog.register(Strategy)
auditlog.register(Axis)
auditlog.register(ActionSheet, m2m_fields={"neighbourhoods"})
auditlog.register(SheetPartner)
auditlog.register(Indicator)
auditlog.register(Measurement)
auditlog.register(Activity)
auditlog.register(ParticipantCount)
auditlog.register(Evaluation)
auditlog.register(SheetDocument)
auditlog.register(BudgetLine)
