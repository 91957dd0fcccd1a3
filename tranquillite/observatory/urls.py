from django.urls import path

from tranquillite.observatory import technical_issues, tension_views, views

app_name = "observatory"

urlpatterns = [
    path("suivis/", views.follow_up_figures, name="followups"),
    path("suivis/export/", views.follow_up_export, name="followups_export"),
    path("signalements/", technical_issues.figures_page, name="technical_issues"),
    path("signalements/export/", technical_issues.figures_export, name="technical_issues_export"),
    path("alertes/", tension_views.alert_figures, name="alerts"),
    path("alertes/export/", tension_views.alert_export, name="alerts_export"),
    path("terrain/", views.field_figures, name="field"),
    path("terrain/export/", views.field_export, name="field_export"),
    path("tig/", views.community_service_figures, name="community_service"),
    path("tig/export/", views.community_service_export, name="community_service_export"),
]
