from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldConfig(AppConfig):
    name = "tranquillite.field"
    label = "field"
    verbose_name = _("Field presence")

    def ready(self) -> None:
        from tranquillite.core.navigation import NavigationItem, register
        from tranquillite.field import history  # noqa: F401  (registers change history)

        register(NavigationItem("field", _("My shift"), "field:phone", "field.log_presence", 10))
        register(NavigationItem("field", _("Team's day"), "field:day", "field.oversee_field", 20))
        register(NavigationItem("field", _("Field map"), "field:map", "field.oversee_field", 30))
        oversee = "field.oversee_field"
        register(NavigationItem("field", _("Field teams"), "field:teams", oversee, 40))
        register(NavigationItem("field", _("Sectors"), "field:sectors", oversee, 50))
        register(NavigationItem("field", _("Shift planning"), "field:planning", oversee, 60))
        register(NavigationItem("field", _("Daily log import"), "field:imports", oversee, 70))
