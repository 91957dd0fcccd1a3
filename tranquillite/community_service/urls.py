from django.urls import path

from tranquillite.community_service import documents_views, views

app_name = "community_service"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("postes/export/", views.catalogue_export, name="catalogue_export"),
    path("postes/nouveau/", views.post_edit, name="post_new"),
    path("postes/<uuid:public_id>/", views.post_detail, name="post"),
    path("postes/<uuid:public_id>/modifier/", views.post_edit, name="post_edit"),
    path("postes/<uuid:public_id>/statut/", views.post_status, name="post_status"),
    path("placements/", views.placements, name="placements"),
    path("placements/nouveau/", views.placement_new, name="placement_new"),
    path("placements/<uuid:public_id>/", views.placement_detail, name="placement"),
    path("placements/<uuid:public_id>/debut/", views.placement_details, name="placement_details"),
    path("placements/<uuid:public_id>/etat/", views.placement_state, name="placement_state"),
    path("placements/<uuid:public_id>/seance/", views.session_record, name="session_record"),
    path("placements/<uuid:public_id>/arrivee/", views.session_open, name="session_open"),
    path("placements/<uuid:public_id>/signaler/", views.occurrence_new, name="occurrence_new"),
    path(
        "placements/<uuid:public_id>/documents/",
        documents_views.document_new,
        name="document_new",
    ),
    path(
        "documents/<uuid:public_id>/",
        documents_views.document_download,
        name="document",
    ),
    path(
        "signalements/<uuid:public_id>/information/",
        views.occurrence_notice,
        name="occurrence_notice",
    ),
    path("seances/<uuid:public_id>/depart/", views.session_close, name="session_close"),
    path("seances/<uuid:public_id>/valider/", views.session_validate, name="session_validate"),
    path("seances/<uuid:public_id>/corriger/", views.session_correct, name="session_correct"),
    path("ma-journee/", views.my_day, name="my_day"),
]
