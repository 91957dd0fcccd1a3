"""The strategy's addresses. Each views module keeps its routes next to its views."""

from tranquillite.strategy.views import (
    activities,
    evaluations,
    indicators,
    overview,
    reports,
    sheets,
)

app_name = "strategy"

urlpatterns = [
    *overview.urlpatterns,
    *sheets.urlpatterns,
    *indicators.urlpatterns,
    *activities.urlpatterns,
    *evaluations.urlpatterns,
    *reports.urlpatterns,
]
