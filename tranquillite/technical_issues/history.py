"""Change history of the routing rules and the issues (django-auditlog)."""

from auditlog.registry import auditlog

from tranquillite.technical_issues.models import (
    CategoryDeadline,
    RoutingDefault,
    RoutingRule,
    TechnicalIssue,
)

auditlog.register(RoutingRule, exclude_fields=["created_at"])
auditlog.register(RoutingDefault)
auditlog.register(CategoryDeadline)
auditlog.register(TechnicalIssue, exclude_fields=["photo", "h3_r6", "h3_r8", "h3_r10"])
