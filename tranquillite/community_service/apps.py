from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityServiceConfig(AppConfig):
    name = "tranquillite.community_service"
    label = "community_service"
    verbose_name = _("Community service (TIG)")

    def ready(self) -> None:
        from tranquillite.community_service import history  # noqa: F401  (change history)
        from tranquillite.core.navigation import NavigationItem, register

        register(
            NavigationItem(
                "followups",
                _("Community service: my day"),
                "community_service:my_day",
                "community_service.record_sessions",
                20,
            )
        )
        register(
            NavigationItem(
                "followups",
                _("Community service: placements"),
                "community_service:placements",
                "community_service.follow_placements",
                21,
            )
        )
        register(
            NavigationItem(
                "followups",
                _("Community service: posts"),
                "community_service:catalogue",
                "community_service.view_catalogue",
                22,
            )
        )
