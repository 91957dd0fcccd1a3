from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "tranquillite.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from tranquillite.audit import signals  # noqa: F401
        from tranquillite.audit.triggers import on_post_migrate

        post_migrate.connect(on_post_migrate, sender=self, dispatch_uid="audit_trigger")
        from tranquillite.core.navigation import NavigationItem, register

        register(
            NavigationItem(
                "administration", _("Access log"), "audit:log", "audit.view_access_log", 30
            )
        )
