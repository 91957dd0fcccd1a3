"""The people pages' addresses (mounted at personnes/, namespace "people"). They live in the
follow-ups app: a person is reached through follow-ups, and `people` must not import
`followups` (docs/architecture.md)."""

from django.urls import path

from tranquillite.followups import people_views as views

app_name = "people"

urlpatterns = [
    path("recherche/", views.person_search, name="search"),
    path("<uuid:public_id>/", views.person_detail, name="detail"),
    path("<uuid:public_id>/modifier/", views.person_edit, name="edit"),
    path("<uuid:public_id>/representants/", views.guardian_add, name="guardian_add"),
    path(
        "<uuid:public_id>/representants/<uuid:guardian_id>/",
        views.guardian_edit,
        name="guardian_edit",
    ),
    path("<uuid:public_id>/fusionner/", views.person_merge, name="merge"),
]
