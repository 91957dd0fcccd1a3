from django.urls import path

from tranquillite.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("territoire/", views.territory_detail, name="territory"),
    path("territoire/changer/", views.switch_territory, name="switch_territory"),
    path("theme.css", views.theme_css, name="theme_css"),
]
