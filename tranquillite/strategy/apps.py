from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    name = "tranquillite.strategy"
    label = "strategy"
    verbose_name = _("Strategy")

    def ready(self) -> None:
        from tranquillite.core.navigation import NavigationItem, register
        from tranquillite.strategy import history  # noqa: F401  (registers change history)

        register(
            NavigationItem(
                "strategy", _("Action sheets"), "strategy:overview", "core.view_territory", 10
            )
        )
