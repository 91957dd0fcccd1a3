from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "tranquillite.governance"
    label = "governance"
    verbose_name = _("Council and bodies")

    def ready(self) -> None:
        from tranquillite.core.navigation import NavigationItem, register
        from tranquillite.governance import history  # noqa: F401  (registers change history)

        register(
            NavigationItem("council", _("Bodies"), "governance:bodies", "core.view_territory", 10)
        )
