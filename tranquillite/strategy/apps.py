from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    name = "tranquillite.strategy"
    label = "strategy"
    verbose_name = _("Strategy")

    def ready(self) -> None:
        from tranquillite.core.navigation import NavigationItem, register
        from tranquillite.governance.extensions import MeetingPanel, register_meeting_panel
        from tranquillite.strategy import history  # noqa: F401  (registers change history)
        from tranquillite.strategy.views.evaluations import meeting_panel_context

        # A committee's meeting page lists the action sheets it evaluates (read only; the
        # forms are on the meeting's evaluation page).
        register_meeting_panel(
            MeetingPanel(
                "strategy", "strategy/evaluations/meeting_panel.html", meeting_panel_context, 10
            )
        )

        register(
            NavigationItem(
                "strategy", _("Action sheets"), "strategy:overview", "core.view_territory", 10
            )
        )
        # Workshops, classroom sessions... planned against held (views/activities.py).
        register(
            NavigationItem(
                "strategy", _("Activities"), "strategy:activities", "core.view_territory", 20
            )
        )
        # The committee pack, the spreadsheet export and the public summary (views/reports.py).
        register(
            NavigationItem(
                "strategy", _("Reports"), "strategy:reports", "strategy.export_strategy", 50
            )
        )
