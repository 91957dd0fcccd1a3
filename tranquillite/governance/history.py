"""Change history of the bodies, their members and charters (django-auditlog)."""

from auditlog.registry import auditlog

from tranquillite.governance.models import Body, BodyMember, CharterSignature, EthicsCharter

auditlog.register(Body)
auditlog.register(BodyMember)
auditlog.register(EthicsCharter)
auditlog.register(CharterSignature)
