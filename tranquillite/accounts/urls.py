from django.urls import path

from tranquillite.accounts import views

app_name = "accounts"

urlpatterns = [
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/nouvelle/", views.organisation_edit, name="organisation_create"),
    path("organisations/<uuid:public_id>/", views.organisation_detail, name="organisation"),
    path(
        "organisations/<uuid:public_id>/modifier/",
        views.organisation_edit,
        name="organisation_edit",
    ),
    path("membres/", views.member_list, name="members"),
    path("membres/inviter/", views.invite, name="invite"),
    path("membres/<uuid:public_id>/", views.member_detail, name="member"),
    path("membres/<uuid:public_id>/roles/", views.grant, name="grant"),
    path(
        "membres/<uuid:public_id>/roles/<uuid:membership_id>/retirer/",
        views.revoke,
        name="revoke",
    ),
    path("membres/<uuid:public_id>/desactiver/", views.deactivate, name="deactivate"),
    path("membres/<uuid:public_id>/reactiver/", views.reactivate, name="reactivate"),
]
