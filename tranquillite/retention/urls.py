from django.urls import path

from tranquillite.retention import views

app_name = "retention"

urlpatterns = [
    path("demandes/", views.access_requests, name="access_requests"),
    path(
        "demandes/<uuid:public_id>/export/",
        views.access_request_export,
        name="access_request_export",
    ),
]
