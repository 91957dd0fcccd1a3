from django.urls import path

from tranquillite.observatory import views

app_name = "observatory"

urlpatterns = [
    path("suivis/", views.follow_up_figures, name="followups"),
    path("suivis/export/", views.follow_up_export, name="followups_export"),
    path("tig/", views.community_service_figures, name="community_service"),
    path("tig/export/", views.community_service_export, name="community_service_export"),
]
