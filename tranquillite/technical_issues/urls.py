from django.urls import path

from tranquillite.technical_issues import views

app_name = "technical_issues"

urlpatterns = [
    path("nouveau/", views.raise_issue, name="raise"),
    path("mes-signalements/", views.mine, name="mine"),
    path("file/", views.queue, name="queue"),
    path("tous/", views.overview, name="overview"),
    path("regles/", views.rules, name="rules"),
    path("regles/enregistrer/", views.save_rule, name="save_rule"),
    path("regles/defaut/", views.save_default, name="save_default"),
    path("regles/delais/", views.save_deadlines, name="save_deadlines"),
    path("regles/<uuid:public_id>/supprimer/", views.delete_rule, name="delete_rule"),
    path("lien/<uuid:public_id>/<str:token>/", views.link, name="link"),
    path("<uuid:public_id>/", views.issue_detail, name="issue"),
    path("<uuid:public_id>/action/", views.act, name="act"),
    path("<uuid:public_id>/reorienter/", views.reroute, name="reroute"),
    path("<uuid:public_id>/photo/", views.photo, name="photo"),
]
