from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupsConfig(AppConfig):
    name = "tranquillite.followups"
    label = "followups"
    verbose_name = _("Individual follow-ups")

    def ready(self) -> None:
        from tranquillite.core.navigation import NavigationItem, register
        from tranquillite.followups import (
            history,  # noqa: F401  (registers change history)
            workflows,  # noqa: F401  (registers the four kinds)
        )

        # Only roles that may ever reach names see the entry; the list itself shows only the
        # files of the bodies whose charter the user signed. No home figure: a count of files
        # could single out a child in a small city.
        register(
            NavigationItem(
                "followups",
                _("Individual follow-ups"),
                "followups:list",
                "core.reach_nominative_data",
                10,
            )
        )
        # What is due in the files one follows (followups/worklists.py); the coordinator's
        # view of the whole team is linked from there.
        register(
            NavigationItem(
                "followups", _("My work"), "followups:worklist", "core.reach_nominative_data", 5
            )
        )
