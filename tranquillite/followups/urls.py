from django.urls import path

from tranquillite.followups import views

app_name = "followups"

urlpatterns = [
    path("", views.follow_up_list, name="list"),
    path("nouveau/", views.follow_up_create, name="create"),
    path("travail/", views.worklist, name="worklist"),
    path("travail/equipe/", views.team_worklist, name="team_worklist"),
    path("<uuid:public_id>/", views.follow_up_detail, name="detail"),
    path("<uuid:public_id>/etapes/<slug:step>/", views.follow_up_step, name="step"),
    path("<uuid:public_id>/cloture/", views.follow_up_closed, name="closed"),
    path("<uuid:public_id>/imprimer/", views.follow_up_print, name="print"),
    path("<uuid:public_id>/actions/", views.action_add, name="action_add"),
    path("<uuid:public_id>/actions/<int:action_id>/", views.action_edit, name="action_edit"),
    path(
        "<uuid:public_id>/documents/<uuid:document_id>/",
        views.document_download,
        name="document",
    ),
    path("<uuid:public_id>/restreindre/", views.restrict, name="restrict"),
    path("<uuid:public_id>/lever-la-restriction/", views.lift_restriction, name="lift"),
]
