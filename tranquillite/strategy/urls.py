from django.urls import path

from tranquillite.strategy import views

app_name = "strategy"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("fiches/<uuid:public_id>/", views.sheet_detail, name="sheet"),
]
