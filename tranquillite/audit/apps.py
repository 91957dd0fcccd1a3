from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "tranquillite.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from tranquillite.audit import signals  # noqa: F401
        from tranquillite.core.navigation import NavigationItem, register

        register(
            NavigationItem(
                "administration", _("Access log"), "audit:log", "audit.view_access_log", 30
            )
        )
