"""Change history of the strategy (django-auditlog)."""

from auditlog.registry import auditlog

from tranquillite.strategy.models import ActionSheet, Axis, BudgetLine, Strategy

auditlog.register(Strategy)
auditlog.register(Axis)
auditlog.register(ActionSheet, m2m_fields={"neighbourhoods", "partners"})
auditlog.register(BudgetLine)
