from django.urls import path

from tranquillite.audit import views

app_name = "audit"

urlpatterns = [
    path("journal/", views.log, name="log"),
    path("journal/export/", views.export, name="export"),
    path(
        "journal/fiche/<str:object_type>/<str:object_id>/",
        views.record_history,
        name="record_history",
    ),
]
