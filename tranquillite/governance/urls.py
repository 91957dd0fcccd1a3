from django.urls import path

from tranquillite.governance import views

app_name = "governance"

urlpatterns = [
    path("instances/", views.body_list, name="bodies"),
    path("instances/nouvelle/", views.body_create, name="body_create"),
    path("instances/<uuid:public_id>/", views.body_detail, name="body"),
    path("instances/<uuid:public_id>/membres/", views.member_add, name="member_add"),
    path(
        "instances/<uuid:public_id>/membres/<uuid:member_id>/suspendre/",
        views.member_suspend,
        name="member_suspend",
    ),
    path(
        "instances/<uuid:public_id>/membres/<uuid:member_id>/reintegrer/",
        views.member_reinstate,
        name="member_reinstate",
    ),
    path("instances/<uuid:public_id>/charte/", views.charter_sign, name="charter"),
    path(
        "instances/<uuid:public_id>/charte/publier/", views.charter_publish, name="charter_publish"
    ),
    path("instances/<uuid:public_id>/reunions/", views.meeting_create, name="meeting_create"),
    path("reunions/<uuid:public_id>/", views.meeting_detail, name="meeting"),
    path("reunions/<uuid:public_id>/ordre-du-jour/", views.agenda_add, name="agenda_add"),
    path("reunions/<uuid:public_id>/presences/", views.attendance_record, name="attendance"),
    path("reunions/<uuid:public_id>/decisions/", views.decision_add, name="decision_add"),
    path(
        "reunions/<uuid:public_id>/ordre-du-jour.pdf",
        views.meeting_document,
        {"kind": "agenda"},
        name="agenda_pdf",
    ),
    path(
        "reunions/<uuid:public_id>/releve-de-decisions.pdf",
        views.meeting_document,
        {"kind": "minutes"},
        name="minutes_pdf",
    ),
    path("reunions/<uuid:public_id>/inviter/", views.meeting_invite, name="meeting_invite"),
    path("reunions/<uuid:public_id>/annuler/", views.meeting_cancel, name="meeting_cancel"),
    path("agenda/", views.calendar, name="calendar"),
    path("agenda/<str:token>.ics", views.feed, name="feed"),
    path("taches/", views.my_tasks, name="my_tasks"),
    path("taches/<uuid:public_id>/statut/", views.task_status, name="task_status"),
]
