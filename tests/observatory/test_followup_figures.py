"""The follow-up figures from a handmade set of anonymous shadows; the page and its CSV (no
name, small counts withheld, export logged); who may see them; the indicator sources."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from tests.factories import NeighbourhoodFactory, member
from tests.followups.conftest import boy, referral
from tranquillite.accounts.roles import Role
from tranquillite.audit.models import AccessAction, AccessLogEntry
from tranquillite.followups import services
from tranquillite.followups.models import CaseStatistic
from tranquillite.observatory import followups as figures
from tranquillite.strategy import sources

PAGE = reverse("observatory:followups")
EXPORT = reverse("observatory:followups_export")


def shadow(territory, n=1, *, kind="law_reminder", year=2025, **fields):
    values = {
        "source": "school",
        "facts": "incivilities",
        "age_band": "13_15",
        "sex": "male",
        **fields,
    }
    CaseStatistic.objects.bulk_create(
        CaseStatistic(
            territory=territory, kind=kind, year=year, referred_on=date(year, 3, 10), **values
        )
        for _ in range(n)
    )


@pytest.fixture
def cohort(territory):
    """2025's reminders of the law, by hand: 20 files."""
    hoche = NeighbourhoodFactory(territory=territory, name="Hoche")
    chemins = NeighbourhoodFactory(territory=territory, name="Quatre-Chemins")
    heard = {"summoned": True, "heard": True}
    # 12 from schools, heard with parents, supported; 8 of them reviewed at 6 months (2
    # reoffended), 5 at 12 months (1 reoffended); 7 completed their support.
    shadow(
        territory,
        5,
        neighbourhood=hoche,
        **heard,
        parents_present=True,
        support_started=True,
        support_completed=True,
        reoffended_6_months=False,
        reoffended_12_months=False,
    )
    shadow(
        territory,
        1,
        neighbourhood=hoche,
        **heard,
        parents_present=True,
        support_started=True,
        support_completed=True,
        reoffended_6_months=True,
        reoffended_12_months=True,
    )
    shadow(
        territory,
        1,
        neighbourhood=chemins,
        **heard,
        parents_present=True,
        support_started=True,
        support_completed=True,
        reoffended_6_months=True,
    )
    shadow(
        territory,
        1,
        neighbourhood=chemins,
        **heard,
        parents_present=True,
        support_started=True,
        reoffended_6_months=False,
    )
    shadow(territory, 4, neighbourhood=chemins, **heard, parents_present=True, support_started=True)
    # 6 from the municipal police: summoned, did not come; girls aged 16–17.
    shadow(
        territory,
        6,
        source="municipal_police",
        facts="noise",
        sex="female",
        age_band="16_17",
        summoned=True,
        no_show=True,
        neighbourhood=chemins,
    )
    # 2 from a landlord, not summoned yet, neighbourhood not known.
    shadow(territory, 2, source="social_landlord", facts="minor_damage", age_band="10_12")
    # Elsewhere: another year, another kind, another territory — none counts.
    shadow(territory, 3, year=2024)
    shadow(territory, 3, kind="individual_support", source="other")
    from tests.factories import TerritoryFactory

    shadow(TerritoryFactory(), 7)
    return territory


def key(result):
    return {label: cell.shown for label, cell in result.key_figures}


def table(result, name):
    found = next(t for t in result.tables if t.key == name)
    return {row.label: [c.shown for c in row.cells] for row in [*found.rows, found.total]}


def test_the_key_figures_match_the_handmade_cohort(cohort):
    result = figures.figures_for(cohort, "law_reminder", 2025)
    assert key(result) == {
        "Signalements": "20",
        "Convoqués": "18",
        "Entendus (audience ou séance tenue)": "12",
        "Ne sont pas venus": "6",
        "Parents présents": "12",
        "Accompagnement commencé": "12",
        "Accompagnement mené à terme": "7",
        "Bilan à 6 mois fait": "8",
        "Réitération à 6 mois": "< 5",  # 2
        "Bilan anticipé (avant 6 mois)": "0",
        "Bilan à 12 mois fait": "6",
        "Réitération à 12 mois": "< 5",  # 1
        "Bilan anticipé (avant 12 mois)": "0",
    }


def test_a_review_held_before_its_window_is_counted_apart_never_as_a_figure(cohort):
    # 6 files reviewed "at 6 and 12 months" the day of their hearing, all reoffending: they
    # say nothing of reoffending at 6 or 12 months (followups/workflows/common.py).
    shadow(
        cohort,
        6,
        summoned=True,
        heard=True,
        reoffended_6_months=True,
        review_6_months_early=True,
        reoffended_12_months=True,
        review_12_months_early=True,
    )
    figures_of_2025 = key(figures.figures_for(cohort, "law_reminder", 2025))
    assert figures_of_2025["Bilan à 6 mois fait"] == "8"
    assert figures_of_2025["Bilan anticipé (avant 6 mois)"] == "6"
    assert figures_of_2025["Bilan à 12 mois fait"] == "6"
    assert figures_of_2025["Bilan anticipé (avant 12 mois)"] == "6"


def test_the_share_without_reoffending_leaves_early_reviews_out(db):
    from tests.factories import TerritoryFactory

    territory = TerritoryFactory()
    shadow(territory, 5, reoffended_6_months=False)
    shadow(territory, 6, reoffended_6_months=True, review_6_months_early=True)
    share = figures.share_without_reoffending_6_months(
        territory, date(2025, 1, 1), date(2025, 12, 31)
    )
    assert share == Decimal("100.00")  # 5 of 5; 5 of 11 if the early ones counted


def test_referrals_by_source_withhold_a_second_cell(cohort):
    by_source = table(figures.figures_for(cohort, "law_reminder", 2025), "source")
    # school 12, municipal police 6, landlord 2: the 2 is "< 5", the 6 goes with it.
    assert by_source["Établissement scolaire"] == ["12"]
    assert by_source["Police municipale"] == ["×"]
    assert by_source["Bailleur social"] == ["< 5"]
    assert by_source["Police nationale"] == ["0"]
    assert by_source["Total"] == ["20"]


def test_breakdowns_by_sex_age_facts_and_neighbourhood(cohort):
    result = figures.figures_for(cohort, "law_reminder", 2025)
    by_sex = table(result, "sex")
    # Columns: referrals, summoned, heard, no-shows, parents, started, completed, reviewed 6,
    # reoffended 6, reviewed 12, reoffended 12.
    assert by_sex["Homme"][:4] == ["14", "12", "12", "0"]
    assert by_sex["Femme"][:4] == ["6", "6", "0", "6"]
    assert by_sex["Total"][:4] == ["20", "18", "12", "6"]
    by_neighbourhood = table(result, "neighbourhood")
    assert set(by_neighbourhood) == {"Hoche", "Quatre-Chemins", "Non connu", "Total"}
    # Hoche 6, Quatre-Chemins 12, not known 2 (→ "< 5", and Hoche withheld with it).
    assert [row[0] for row in by_neighbourhood.values()] == ["×", "12", "< 5", "20"]
    by_age = table(result, "age_band")
    # 13–15: 12, 16–17: 6, 10–12: 2 ("< 5", so the 6 is withheld with it), none under 10.
    assert [by_age[band][0] for band in ("Moins de 10 ans", "10 à 12 ans", "16 et 17 ans")] == [
        "0",
        "< 5",
        "×",
    ]
    assert table(result, "facts")["Bruit"][:4] == ["×", "6", "0", "6"]  # 2 minor damage


def test_no_small_count_is_recoverable_in_any_column(cohort):
    from tranquillite.observatory.suppression import recoverable

    result = figures.figures_for(cohort, "law_reminder", 2025)
    for found in result.tables:
        for column in range(len(found.figures)):
            cells = [row.cells[column] for row in found.rows]
            total = found.total.cells[column]
            if not total.is_suppressed:
                assert recoverable(cells, total.value) == [], (found.key, column)
            assert all(not (0 < c.value < 5) or c.is_suppressed for c in cells)


def test_other_kinds_show_only_their_figures(cohort):
    result = figures.figures_for(cohort, "individual_support", 2025)
    assert list(key(result)) == [
        "Signalements",
        "Accompagnement commencé",
        "Accompagnement mené à terme",
        "Bilan à 6 mois fait",
        "Réitération à 6 mois",
        "Bilan anticipé (avant 6 mois)",
    ]
    assert key(result)["Signalements"] == "< 5"


# --- The page and the export --------------------------------------------------------------


@pytest.fixture
def planted(territory, coordinator):
    """A real file about a child with a distinctive name: its shadow counts, its name never
    shows."""
    from tests.followups.conftest import nominative_body

    body = nominative_body(territory, coordinator, "Groupe Mineurs")
    return services.open_follow_up(
        actor=coordinator,
        body=body,
        kind="law_reminder",
        data=referral(facts_place="Chez Quentin-Xylophage"),
        new_person=boy(first_name="Quentin", last_name="Xylophage-Planté"),
    )


def test_the_page_shows_tables_and_never_a_name(cohort, planted, coordinator, client_for):
    year = planted.opened_on.year
    client = client_for(coordinator)
    page = client.get(PAGE, {"kind": "law_reminder", "year": year}).content.decode()
    assert "<caption>Signalements par origine</caption>" in page
    assert '<th scope="col">Origine</th>' in page and "<tfoot>" in page
    assert "&lt; 5" in page
    for text in ("Xylophage", "Quentin", planted.case_number, str(planted.public_id)):
        assert text not in page
    # The default is the latest year with figures.
    assert f'<option value="{year}" selected>' in client.get(PAGE).content.decode()


def test_the_csv_export_is_suppressed_watermarked_and_logged_with_its_reason(
    cohort, planted, coordinator, client_for
):
    client = client_for(coordinator)
    refused = client.post(EXPORT, {"kind": "law_reminder", "year": 2025})
    assert refused.status_code == 400
    assert not AccessLogEntry.objects.filter(action=AccessAction.EXPORT).exists()

    response = client.post(
        EXPORT, {"kind": "law_reminder", "year": 2025, "reason": "Bilan annuel du CLSPD"}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert coordinator.email in text.splitlines()[0]
    assert "Police municipale;×" in text and "Bailleur social;< 5" in text
    assert "Signalements;20" in text
    for name in ("Xylophage", "Quentin", planted.case_number):
        assert name not in text
    entry = AccessLogEntry.objects.get(action=AccessAction.EXPORT)
    assert (entry.actor, entry.reason) == (coordinator, "Bilan annuel du CLSPD")


def test_the_planted_files_year_export_names_no_one(planted, coordinator, client_for):
    response = client_for(coordinator).post(
        EXPORT,
        {"kind": "law_reminder", "year": planted.opened_on.year, "reason": "Vérification"},
    )
    text = response.content.decode()
    assert "Signalements;< 5" in text
    assert "Xylophage" not in text and "Quentin" not in text


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.COORDINATOR, True),
        (Role.DIRECTOR, True),
        (Role.ELECTED_OFFICIAL, True),
        (Role.DATA_PROTECTION_OFFICER, True),
        (Role.PARTNER_MEMBER, False),
        (Role.MEDIATOR, False),
        (Role.TECHNICAL_ADMINISTRATOR, False),
    ],
)
def test_who_may_see_the_statistics(territory, client_for, role, allowed):
    user = member(territory, role)
    assert client_for(user).get(PAGE).status_code == (200 if allowed else 403)


# --- Indicator sources --------------------------------------------------------------------


def test_the_indicator_sources_compute_from_the_shadows(cohort):
    march = (date(2025, 3, 1), date(2025, 3, 31))
    april = (date(2025, 4, 1), date(2025, 4, 30))

    def value(key_, period):
        source = sources.get(key_)
        assert source is not None
        return source.compute(cohort, *period)

    assert value("observatory.law_reminder_referrals", march) == Decimal(20)
    assert value("observatory.law_reminder_referrals", april) == Decimal(0)
    assert value("observatory.law_reminder_hearings", march) == Decimal(12)
    assert value("observatory.law_reminder_support_completed", march) == Decimal(7)
    # 8 reviewed at 6 months, 2 reoffended; 6 at 12 months, 1 reoffended: 75 % and 83.33 %
    # would give the small counts back (reviewed × share), so no share is given.
    with pytest.raises(figures.SmallCount):
        value("observatory.law_reminder_no_reoffending_6_months", march)
    with pytest.raises(figures.SmallCount):
        value("observatory.law_reminder_no_reoffending_12_months", march)
    # 3 more reoffended at 6 months: 11 reviewed, 5 reoffended, 6 did not: 54.55 %.
    shadow(cohort, 3, reoffended_6_months=True)
    assert value("observatory.law_reminder_no_reoffending_6_months", march) == Decimal("54.55")
    # Nobody reviewed in April: no share at all (a share of nothing is not 0 %).
    with pytest.raises(figures.NoFileReviewed):
        value("observatory.law_reminder_no_reoffending_6_months", april)
