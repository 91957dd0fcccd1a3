from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "tranquillite.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from tranquillite.api.models import ApiToken
        from tranquillite.core.navigation import NavigationItem, register

        # Who created or revoked a token, and when; never its digest.
        auditlog.register(ApiToken, exclude_fields=["key_hash", "last_used_at"])
        register(
            NavigationItem("administration", _("API tokens"), "api:tokens", "api.hold_tokens", 90)
        )
