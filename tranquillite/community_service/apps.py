from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityServiceConfig(AppConfig):
    name = "tranquillite.community_service"
    label = "community_service"
    verbose_name = _("Community service (TIG)")

    def ready(self) -> None:
        from tranquillite.community_service import history  # noqa: F401  (change history)
        from tranquillite.community_service.person_panel import person_placements
        from tranquillite.core.navigation import NavigationItem, register
        from tranquillite.people.extensions import PersonPanel, register_person_panel

        # The person's page (followups/people_views.py) lists his placements the user may
        # see, through the people app's registry: neither followups nor people imports us.
        register_person_panel(
            PersonPanel(
                "community_service",
                "community_service/includes/person_panel.html",
                person_placements,
                20,
            )
        )

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
