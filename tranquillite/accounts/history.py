"""Change history of the records of this app (django-auditlog).

Reads are not changes: they go to the access log (tranquillite.audit). Secrets never enter
the history.
"""

from auditlog.registry import auditlog

from tranquillite.accounts.models import Membership, Organisation, User

auditlog.register(User, exclude_fields=["password", "last_login"])
auditlog.register(Organisation)
auditlog.register(Membership)
