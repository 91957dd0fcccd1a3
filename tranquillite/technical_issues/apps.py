from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TechnicalIssuesConfig(AppConfig):
    name = "tranquillite.technical_issues"
    label = "technical_issues"
    verbose_name = _("Technical issues")

    def ready(self) -> None:
        from tranquillite.core.navigation import NavigationItem, register
        from tranquillite.technical_issues import history  # noqa: F401  (change history)

        register(
            NavigationItem(
                "field",
                _("Report an issue"),
                "technical_issues:raise",
                "technical_issues.raise_issue",
                40,
            )
        )
        register(
            NavigationItem(
                "field",
                _("My reports"),
                "technical_issues:mine",
                "technical_issues.raise_issue",
                41,
            )
        )
        register(
            NavigationItem(
                "field",
                _("Issues to fix"),
                "technical_issues:queue",
                "technical_issues.work_queue",
                42,
            )
        )
        register(
            NavigationItem(
                "field",
                _("All issues"),
                "technical_issues:overview",
                "technical_issues.oversee_issues",
                43,
            )
        )
        register(
            NavigationItem(
                "observatory",
                _("Technical issues: figures"),
                "observatory:technical_issues",
                "technical_issues.oversee_issues",
                30,
            )
        )
        # Indicator sources for the action sheets: whole-territory totals over a period.
        from tranquillite.strategy import sources
        from tranquillite.technical_issues import figures

        for key, label, unit, compute in (
            (
                "raised",
                _("Technical issues raised (whole territory)"),
                _("issues"),
                figures.issues_raised,
            ),
            (
                "fixed",
                _("Technical issues fixed (whole territory)"),
                _("issues"),
                figures.issues_fixed,
            ),
            (
                "median_days_to_fix",
                _("Technical issues: median days to fix (whole territory)"),
                _("days"),
                figures.median_days_to_fix,
            ),
        ):
            sources.register(
                sources.IndicatorSource(f"technical_issues.{key}", label, unit, compute=compute)
            )
        register(
            NavigationItem(
                "field",
                _("Issue routing"),
                "technical_issues:rules",
                "technical_issues.manage_routing",
                44,
            )
        )
