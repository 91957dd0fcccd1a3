"""Change history of people and guardians (django-auditlog): who changed what, and when."""

from auditlog.registry import auditlog

from tranquillite.people.models import LegalGuardian, Person

auditlog.register(Person, exclude_fields=["name_key"])
auditlog.register(LegalGuardian)
