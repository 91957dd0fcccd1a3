from django.urls import path

from tranquillite.api import views

app_name = "api"

urlpatterns = [
    path("", views.tokens, name="tokens"),
    path("<uuid:public_id>/revoquer/", views.revoke, name="revoke"),
]
