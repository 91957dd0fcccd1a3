from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObservatoryConfig(AppConfig):
    """The observatory: anonymous statistics, with the small-count rule (suppression.py)."""

    name = "tranquillite.observatory"
    label = "observatory"
    verbose_name = _("Observatory")

    def ready(self) -> None:
        from tranquillite.core.navigation import NavigationItem, register
        from tranquillite.observatory import community_service, field, followups, tensions
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
                _("Tension alert figures"),
                "observatory:alerts",
                "observatory.view_statistics",
                30,
            )
        )
        register(
            NavigationItem(
                "observatory",
                _("Field figures"),
                "observatory:field",
                "observatory.view_statistics",
                20,
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
        # Tension alerts: lifted alerts by the month they were raised (tensions.AlertFigure).
        for key, label, unit, compute in (
            (
                "alerts_lifted",
                _("Tension alerts lifted, by month raised (whole territory)"),
                _("alerts"),
                tensions.alerts_lifted,
            ),
            (
                "alerts_without_violence",
                _("Tension alerts ended without violence (whole territory)"),
                _("alerts"),
                tensions.alerts_without_violence,
            ),
            (
                "share_without_violence",
                _("Share of tension alerts ended without violence (whole territory)"),
                _("%"),
                tensions.share_without_violence,
            ),
        ):
            sources.register(
                sources.IndicatorSource(f"tensions.{key}", label, unit, compute=compute)
            )
        # Field presence (observatory/field.py): whole-territory totals of one kind of team,
        # for the action sheets of mediation and of the park wardens.
        mediation, wardens = "mediation", "park_wardens"
        for kind, key, label, unit in (
            (mediation, "hours", _("Mediation: hours of presence (whole territory)"), _("hours")),
            (
                mediation,
                "entries",
                _("Mediation: daily-log entries (whole territory)"),
                _("entries"),
            ),
            (mediation, "contacts", _("Mediation: public reached (whole territory)"), _("people")),
            (
                mediation,
                "conflicts",
                _("Mediation: conflicts handled (whole territory)"),
                _("conflicts"),
            ),
            (
                mediation,
                "settled",
                _("Mediation: conflicts settled (whole territory)"),
                _("conflicts"),
            ),
            (
                mediation,
                "referrals",
                _("Mediation: referrals and partners alerted (whole territory)"),
                _("referrals"),
            ),
            (wardens, "hours", _("Park wardens: hours of presence (whole territory)"), _("hours")),
            (
                wardens,
                "entries",
                _("Park wardens: daily-log entries (whole territory)"),
                _("entries"),
            ),
            (wardens, "contacts", _("Park wardens: public reached (whole territory)"), _("people")),
            (
                wardens,
                "referrals",
                _("Park wardens: referrals and partners alerted (whole territory)"),
                _("referrals"),
            ),
        ):
            compute = field.hours_of_presence(kind) if key == "hours" else field.counted(kind, key)
            sources.register(
                sources.IndicatorSource(f"field.{kind}_{key}", label, unit, compute=compute)
            )
