"""Change history of territories and neighbourhoods (django-auditlog)."""

from auditlog.registry import auditlog

from tranquillite.core.models import Neighbourhood, Territory

auditlog.register(Territory)
auditlog.register(Neighbourhood)
