"""Review finding: the indicator sources built on the follow-ups' shadows obey the observatory's
small-count rule. An action sheet's indicator is read by everyone in the territory and, when
public, by anyone on /public/: a month's "2 reminders of the law" or a share without
reoffending over one reviewed file (0 % or 100 %: what became of that child) is never
written. Such a month gets no value (a gap reads "not published"), and a share over no file
does not make the whole history fail."""

from datetime import date
from decimal import Decimal

from django.urls import reverse

from tests.factories import ActionSheetFactory, IndicatorFactory
from tests.observatory.test_followup_figures import shadow
from tranquillite.strategy import indicators


def march(territory, n, **fields):
    shadow(territory, n, year=2025, **fields)


def history(indicator):
    return list(indicator.measurements.values_list("measured_on", "value"))


def sheet_of(territory):
    sheet = ActionSheetFactory(axis__strategy__territory=territory, number="2.1")
    strategy = sheet.axis.strategy
    strategy.starts_on = date(2025, 3, 1)
    strategy.is_current = True
    strategy.save()
    return sheet


def test_a_month_with_one_to_four_referrals_gets_no_value(territory, coordinator, client):
    march(territory, 2)  # two children referred in March 2025
    referrals = IndicatorFactory(
        sheet=sheet_of(territory),
        source_key="observatory.law_reminder_referrals",
        is_public=True,
    )
    indicators.recompute(actor=coordinator, indicator=referrals, today=date(2025, 5, 15))
    assert history(referrals) == [(date(2025, 4, 30), Decimal(0))]
    page = client.get(reverse("public:strategy_json", args=[territory.slug])).json()
    (shown,) = page["axes"][0]["sheets"][0]["indicators"]
    assert shown["latest_value"] == 0 and shown["latest_on"] == "2025-04-30"


def test_five_referrals_are_published(territory, coordinator):
    march(territory, 5)
    referrals = IndicatorFactory(
        sheet=sheet_of(territory), source_key="observatory.law_reminder_referrals"
    )
    indicators.recompute(actor=coordinator, indicator=referrals, today=date(2025, 4, 15))
    assert history(referrals) == [(date(2025, 3, 31), Decimal(5))]


def test_a_share_over_fewer_than_five_reviewed_files_is_not_written(territory, coordinator):
    # One child reviewed at 6 months, who reoffended: "0 %" would say so.
    march(territory, 1, reoffended_6_months=True)
    march(territory, 6)
    share = IndicatorFactory(
        sheet=sheet_of(territory),
        source_key="observatory.law_reminder_no_reoffending_6_months",
    )
    # April has no file at all: it must not make March's computation fail either.
    outcome = indicators.recompute(actor=coordinator, indicator=share, today=date(2025, 5, 15))
    assert history(share) == []
    assert outcome.months == [(2025, 3), (2025, 4)]


def test_a_value_written_before_goes_when_the_month_becomes_small(territory, coordinator):
    march(territory, 5)
    referrals = IndicatorFactory(
        sheet=sheet_of(territory), source_key="observatory.law_reminder_referrals"
    )
    indicators.recompute(actor=coordinator, indicator=referrals, today=date(2025, 4, 15))
    # Files destroyed or corrected: March now counts 3.
    from tranquillite.followups.models import CaseStatistic

    CaseStatistic.objects.filter(pk__in=CaseStatistic.objects.values("pk")[:2]).delete()
    indicators.recompute(actor=coordinator, indicator=referrals, today=date(2025, 4, 15))
    assert history(referrals) == []
