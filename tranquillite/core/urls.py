from django.urls import path

from tranquillite.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("territoire/", views.territory_detail, name="territory"),
    path("territoire/changer/", views.switch_territory, name="switch_territory"),
    path("territoire/parametres/", views.territory_settings, name="territory_settings"),
    path("territoire/quartiers/nouveau/", views.neighbourhood_edit, name="neighbourhood_create"),
    path(
        "territoire/quartiers/<uuid:public_id>/",
        views.neighbourhood_edit,
        name="neighbourhood_edit",
    ),
    path("theme.css", views.theme_css, name="theme_css"),
]
