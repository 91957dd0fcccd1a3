from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "tranquillite.retention"
    label = "retention"
    verbose_name = _("Retention and data-protection rights")

    def ready(self) -> None:
        from tranquillite.core.navigation import NavigationItem, register

        register(
            NavigationItem(
                "administration",
                _("Access requests"),
                "retention:access_requests",
                "followups.answer_access_requests",
                40,
            )
        )
