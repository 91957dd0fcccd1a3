from django.urls import path

from tranquillite.field import import_views, manage_views, views

app_name = "field"

urlpatterns = [
    path("", views.phone, name="phone"),
    path("pointer/", views.clock_in, name="clock_in"),
    path("vacation/<uuid:public_id>/fin/", views.clock_out, name="clock_out"),
    path("vacation/<uuid:public_id>/saisie/", views.add_entry, name="add_entry"),
    path("vacation/<uuid:public_id>/valider/", views.validate, name="validate"),
    path("journee/", views.day, name="day"),
    path("saisies/<uuid:public_id>/note/", views.flagged_note, name="flagged_note"),
    path("carte/", views.field_map, name="map"),
    path("equipes/", manage_views.teams, name="teams"),
    path("equipes/<uuid:public_id>/", manage_views.team, name="team"),
    path("secteurs/", manage_views.sectors, name="sectors"),
    path("secteurs/<uuid:public_id>/", manage_views.sector, name="sector"),
    path("planning/", manage_views.planning, name="planning"),
    path("imports/", import_views.import_list, name="imports"),
    path("imports/modele.csv", import_views.import_template, name="import_template"),
    path("imports/<uuid:public_id>/", import_views.import_batch, name="import"),
    path(
        "imports/<uuid:public_id>/avancement/", import_views.import_progress, name="import_progress"
    ),
]
