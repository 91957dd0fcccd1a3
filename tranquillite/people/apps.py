from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "tranquillite.people"
    label = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        from tranquillite.core.guards import register_text_guard
        from tranquillite.core.navigation import NavigationItem, register
        from tranquillite.people import history  # noqa: F401  (registers change history)
        from tranquillite.people.guards import names_of_people_followed

        register_text_guard("people.names", names_of_people_followed)

        register(
            NavigationItem(
                "followups",
                _("Find a person"),
                "people:search",
                "core.reach_nominative_data",
                20,
            )
        )
