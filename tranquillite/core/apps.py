from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tranquillite.core"
    label = "core"
    verbose_name = _("Territories")

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from tranquillite.core import history  # noqa: F401  (registers change history)
        from tranquillite.core.validation import check_instance, install_form_checks

        # Text, dates and decimals are checked in one place for every form and every save.
        install_form_checks()
        pre_save.connect(check_instance, dispatch_uid="core.validation.check_instance")
        from tranquillite.core.navigation import NavigationItem, register

        register(NavigationItem("territory", _("Home"), "core:home", "core.view_territory", 0))
        register(
            NavigationItem(
                "territory", _("Neighbourhoods"), "core:territory", "core.view_territory", 10
            )
        )
        register(
            NavigationItem(
                "administration",
                _("Territory settings"),
                "core:territory_settings",
                "core.manage_territory",
                40,
            )
        )
