from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tranquillite.accounts"
    label = "accounts"
    verbose_name = _("Accounts and organisations")

    def ready(self) -> None:
        from tranquillite.accounts import history, signals  # noqa: F401  (registrations)
        from tranquillite.accounts.figures import home_figures
        from tranquillite.accounts.permissions import prime_roles
        from tranquillite.core.middleware import on_memberships
        from tranquillite.core.navigation import NavigationItem, register, register_home_figures

        on_memberships("accounts.roles", prime_roles)
        register(
            NavigationItem(
                "territory",
                _("Organisations"),
                "accounts:organisations",
                "accounts.view_organisations",
                20,
            )
        )
        register(
            NavigationItem(
                "administration", _("Members"), "accounts:members", "accounts.view_members", 10
            )
        )
        register(
            NavigationItem(
                "administration",
                _("Invite a colleague"),
                "accounts:invite",
                "accounts.manage_members",
                20,
            )
        )
        register_home_figures(home_figures)
