from django.urls import path

from tranquillite.observatory import tension_views, views

app_name = "observatory"

urlpatterns = [
    path("suivis/", views.follow_up_figures, name="followups"),
    path("suivis/export/", views.follow_up_export, name="followups_export"),
    path("alertes/", tension_views.alert_figures, name="alerts"),
    path("alertes/export/", tension_views.alert_export, name="alerts_export"),
]
