from django.urls import path

from tranquillite.observatory import views

app_name = "observatory"

urlpatterns = [
    path("suivis/", views.follow_up_figures, name="followups"),
    path("suivis/export/", views.follow_up_export, name="followups_export"),
    path("terrain/", views.field_figures, name="field"),
    path("terrain/export/", views.field_export, name="field_export"),
]
