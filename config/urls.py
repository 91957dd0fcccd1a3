from django.urls import include, path

from tranquillite.core import views as core_views

urlpatterns = [
    path("compte/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz/", core_views.health, name="health"),
    path("", include("tranquillite.core.urls")),
    path("", include("tranquillite.accounts.urls")),
    path("audit/", include("tranquillite.audit.urls")),
    path("conseil/", include("tranquillite.governance.urls")),
]
