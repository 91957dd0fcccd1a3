from django.urls import path

from tranquillite.letters import views

app_name = "letters"

urlpatterns = [
    path("", views.register, name="register"),
    path("export/", views.register_export, name="register_export"),
]
