from django.urls import include, path

from tranquillite.api.urls import api
from tranquillite.core import views as core_views
from tranquillite.field import views as field_views
from tranquillite.strategy.views import reports as strategy_reports

urlpatterns = [
    # A person's address is set by whoever invites them: changing it oneself would let an
    # account be re-used for someone else's invitation (and its roles).
    path("compte/email/", core_views.not_found),
    path("compte/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz/", core_views.health, name="health"),
    path("", include("tranquillite.core.urls")),
    path("", include("tranquillite.accounts.urls")),
    path("audit/", include("tranquillite.audit.urls")),
    path("conseil/", include("tranquillite.governance.urls")),
    path("strategie/", include("tranquillite.strategy.urls")),
    path("courrier/", include("tranquillite.letters.urls")),
    path("protection-donnees/", include("tranquillite.retention.urls")),
    path("suivis/", include("tranquillite.followups.urls")),
    path("personnes/", include("tranquillite.followups.people_urls")),
    path("tig/", include("tranquillite.community_service.urls")),
    path("observatoire/", include("tranquillite.observatory.urls")),
    path("terrain/", include("tranquillite.field.urls")),
    path("signalements/", include("tranquillite.technical_issues.urls")),
    path("alertes/", include("tranquillite.tensions.urls")),
    path("api/v1/", api.urls),
    path("api/jetons/", include("tranquillite.api.web_urls")),
    # The field web app's manifest and service worker, at the root so that the worker's
    # scope covers the field pages.
    path("manifest.webmanifest", field_views.manifest, name="field_manifest"),
    path("sw.js", field_views.service_worker, name="field_service_worker"),
    # The strategy's public summary, for the city's website: no sign-in.
    path("public/", include((strategy_reports.public_urlpatterns, "public"))),
]
