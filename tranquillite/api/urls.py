"""The platform's API, version 1 (`/api/v1/`): OpenAPI schema and interactive docs for
signed-in users; session authentication with the CSRF check for the web app; a per-user rate
limit. Per-account API tokens for partners come later (docs/architecture.md)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from ninja import NinjaAPI
from ninja.security import SessionAuth
from ninja.throttling import UserRateThrottle

from tranquillite.api import errors
from tranquillite.api.field import router as field_router
from tranquillite.api.open311 import router as open311_router

api = NinjaAPI(
    title="Tranquillité API",
    version="1",
    urls_namespace="api_v1",
    auth=SessionAuth(csrf=True),
    docs_decorator=login_required,
    throttle=[UserRateThrottle(settings.API_RATE_LIMIT)],
)
errors.install(api)
api.add_router("/field/", field_router)
# Open311 GeoReport v2 for the technical issues (api/open311.py).
api.add_router("/open311/v2/", open311_router)
