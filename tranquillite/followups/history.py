"""Change history of follow-ups (django-auditlog)."""

from auditlog.registry import auditlog

from tranquillite.followups.models import FollowUp

auditlog.register(FollowUp)
