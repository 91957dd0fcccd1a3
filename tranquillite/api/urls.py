"""The platform's API, version 1 (`/api/v1/`): OpenAPI schema and interactive docs for
signed-in users; per-account tokens (`Authorization: Bearer tq_…`, api/auth.py) for partners'
applications, and the session with its CSRF check for the web app; a per-user rate limit."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from ninja import NinjaAPI
from ninja.security import SessionAuth
from ninja.throttling import UserRateThrottle

from tranquillite.api import errors
from tranquillite.api.auth import TokenAuth
from tranquillite.api.field import router as field_router
from tranquillite.api.open311 import router as open311_router

api = NinjaAPI(
    title="Tranquillité API",
    version="1",
    urls_namespace="api_v1",
    # The token first: a request that brings one is judged on it alone (api/auth.py).
    auth=[TokenAuth(), SessionAuth(csrf=True)],
    docs_decorator=login_required,
    throttle=[UserRateThrottle(settings.API_RATE_LIMIT)],
)
errors.install(api)
api.add_router("/field/", field_router)
# Open311 GeoReport v2 for the technical issues (api/open311.py).
api.add_router("/open311/v2/", open311_router)
