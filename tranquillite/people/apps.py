from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "tranquillite.people"
    label = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        from tranquillite.people import history  # noqa: F401  (registers change history)
