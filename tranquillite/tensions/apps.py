from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TensionsConfig(AppConfig):
    name = "tranquillite.tensions"
    label = "tensions"
    verbose_name = _("Tension alerts")

    def ready(self) -> None:
        from tranquillite.core.navigation import NavigationItem, register, register_live_banner

        register(
            NavigationItem(
                "field", _("Tension alerts"), "tensions:board", "tensions.view_alerts", 40
            )
        )
        # The banner of active alerts, polled by every page of the shell (templates/base.html).
        register_live_banner("tensions:banner", "tensions.view_alerts")
