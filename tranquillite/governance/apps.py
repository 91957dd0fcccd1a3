from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "tranquillite.governance"
    label = "governance"
    verbose_name = _("Council and bodies")

    def ready(self) -> None:
        from tranquillite.core.navigation import NavigationItem, register, register_home_figures
        from tranquillite.governance import history  # noqa: F401  (registers change history)
        from tranquillite.governance.figures import home_figures

        register(
            NavigationItem("council", _("Bodies"), "governance:bodies", "core.view_territory", 10)
        )
        register(
            NavigationItem(
                "council", _("My tasks"), "governance:my_tasks", "core.view_territory", 20
            )
        )
        register(
            NavigationItem(
                "council", _("My calendar"), "governance:calendar", "core.view_territory", 30
            )
        )
        register_home_figures(home_figures)
