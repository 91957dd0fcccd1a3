from django.urls import path

from tranquillite.field import views

app_name = "field"

urlpatterns = [
    path("", views.phone, name="phone"),
    path("pointer/", views.clock_in, name="clock_in"),
    path("vacation/<uuid:public_id>/fin/", views.clock_out, name="clock_out"),
    path("vacation/<uuid:public_id>/saisie/", views.add_entry, name="add_entry"),
    path("vacation/<uuid:public_id>/valider/", views.validate, name="validate"),
    path("journee/", views.day, name="day"),
    path("carte/", views.field_map, name="map"),
]
