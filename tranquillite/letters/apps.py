from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    name = "tranquillite.letters"
    label = "letters"
    verbose_name = _("Letters and outgoing mail")

    def ready(self) -> None:
        from tranquillite.core.navigation import NavigationItem, register

        register(
            NavigationItem(
                "followups",
                _("Outgoing mail"),
                "letters:register",
                "letters.view_mail_register",
                90,
            )
        )
