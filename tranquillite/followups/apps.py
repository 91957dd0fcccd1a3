from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupsConfig(AppConfig):
    name = "tranquillite.followups"
    label = "followups"
    verbose_name = _("Individual follow-ups")

    def ready(self) -> None:
        from tranquillite.followups import history  # noqa: F401  (registers change history)
