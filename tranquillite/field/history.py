"""Change history (django-auditlog) of the field's organisation: who changed a team, a
sector or a shift (validation included). Entries themselves are not versioned: they do not
change once saved."""

from __future__ import annotations

from auditlog.registry import auditlog

from tranquillite.field.models import Sector, Shift, Team, TeamMembership

auditlog.register(Team)
auditlog.register(TeamMembership)
auditlog.register(Sector)
auditlog.register(Shift, exclude_fields=["created_at"])
