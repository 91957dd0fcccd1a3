from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservatoryConfig(AppConfig):
    """The observatory: anonymous statistics, with the small-count rule (suppression.py)."""

    name = "tranquillite.observatory"
    label = "observatory"
    verbose_name = _("Observatory")

    def ready(self) -> None:
        from tranquillite.core.navigation import NavigationItem, register
        from tranquillite.observatory import community_service, followups
        from tranquillite.strategy import sources

        register(
            NavigationItem(
                "observatory",
                _("Follow-up statistics"),
                "observatory:followups",
                "observatory.view_statistics",
                10,
            )
        )
        register(
            NavigationItem(
                "observatory",
                _("Community-service statistics"),
                "observatory:community_service",
                "observatory.view_statistics",
                11,
            )
        )
        # Indicator sources for the action sheets (strategy/sources.py). By referral cohort:
        # the files referred in the period, and what became of them so far ("recompute" on
        # the indicator refreshes past months as hearings and reviews are recorded). A source
        # gives the figure of the whole territory, unsuppressed: an indicator is a territory
        # total over a month, never a breakdown, and the sheet page shows no other figure to
        # subtract it from. A share (%) over a handful of files is still a share of a
        # handful: prefer those indicators for the steering committee over a year.
        for source in (
            sources.IndicatorSource(
                "observatory.law_reminder_referrals",
                _("Reminders of the law: referrals (whole territory)"),
                _("referrals"),
                compute=followups.law_reminder_referrals,
            ),
            sources.IndicatorSource(
                "observatory.law_reminder_hearings",
                _(
                    "Reminders of the law pronounced: hearings held, files referred in the "
                    "period (whole territory)"
                ),
                _("hearings"),
                compute=followups.law_reminder_hearings,
            ),
            sources.IndicatorSource(
                "observatory.law_reminder_support_completed",
                _(
                    "Reminders of the law: support completed, files referred in the period "
                    "(whole territory)"
                ),
                _("files"),
                compute=followups.law_reminder_support_completed,
            ),
            sources.IndicatorSource(
                "observatory.law_reminder_no_reoffending_6_months",
                _(
                    "Reminders of the law: share without reoffending at 6 months, files "
                    "referred in the period and reviewed (whole territory)"
                ),
                _("%"),
                compute=followups.share_without_reoffending_6_months,
            ),
            sources.IndicatorSource(
                "observatory.law_reminder_no_reoffending_12_months",
                _(
                    "Reminders of the law: share without reoffending at 12 months, files "
                    "referred in the period and reviewed (whole territory)"
                ),
                _("%"),
                compute=followups.share_without_reoffending_12_months,
            ),
        ):
            sources.register(source)
        # Community service (TIG): the same rule, whole-territory totals over a period.
        for key, label, unit, compute in (
            (
                "placements_started",
                _("Community service: placements started (whole territory)"),
                _("placements"),
                community_service.placements_started,
            ),
            (
                "placements_completed",
                _("Community service: placements completed (whole territory)"),
                _("placements"),
                community_service.placements_completed,
            ),
            (
                "placements_interrupted",
                _("Community service: placements interrupted (whole territory)"),
                _("placements"),
                community_service.placements_interrupted,
            ),
            (
                "hours_done",
                _("Community service: hours done (whole territory)"),
                _("hours"),
                community_service.hours_done,
            ),
            (
                "completion_rate",
                _("Community service: completion rate of the placements ended (whole territory)"),
                _("%"),
                community_service.completion_rate,
            ),
        ):
            sources.register(
                sources.IndicatorSource(f"community_service.{key}", label, unit, compute=compute)
            )
