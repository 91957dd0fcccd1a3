from django.urls import path

from tranquillite.tensions import views

app_name = "tensions"

urlpatterns = [
    path("", views.board, name="board"),
    path("bandeau/", views.banner, name="banner"),
    path("lancer/", views.raise_alert, name="raise"),
    path("historique/", views.history, name="history"),
    path("carte/", views.alert_map, name="map"),
    path("<uuid:public_id>/", views.detail, name="detail"),
    path("<uuid:public_id>/reponse/", views.respond, name="respond"),
    path("<uuid:public_id>/niveau/", views.change_level, name="level"),
    path("<uuid:public_id>/lever/", views.lift, name="lift"),
]
