"""Session lifetime and mandatory multi-factor authentication."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from tranquillite.accounts.selectors import user_has_second_factor, user_requires_mfa

SESSION_STARTED_AT = "tranquillite_auth_started_at"
SESSION_LAST_SEEN_AT = "tranquillite_last_seen_at"
SESSION_MFA_CHECKED = "tranquillite_mfa_checked"

LAST_SEEN_RESOLUTION_SECONDS = 60

# Paths a signed-in user may reach before enrolling a second factor.
# (theme.css too: a stylesheet answered by a redirect to the enrolment page would make allauth
# draw a second TOTP secret behind the one the user is scanning.)
_MFA_EXEMPT_PREFIXES = ("/static/", "/healthz/", "/compte/", "/i18n/", "/theme.css", "/public/")
# Pages open to everyone (the strategy's public summary): a signed-in visitor's session rules
# do not apply there; the page shows nothing a session would open.
_PUBLIC_PREFIX = "/public/"
# A page's background poll (the live banners of base.html send this header): it must not keep
# an idle session alive, and once the session has expired it gets 286, which stops htmx's
# polling, instead of the sign-in page swapped into the banner.
BACKGROUND_POLL_HEADER = "X-Tranquillite-Poll"
HTMX_STOP_POLLING = 286


class SessionLifetimeMiddleware:
    """Ends a session after 30 minutes idle or 12 hours in all (settings)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and not request.path.startswith(
            ("/static/", _PUBLIC_PREFIX)
        ):
            now = time.time()
            started = request.session.setdefault(SESSION_STARTED_AT, now)
            last_seen = request.session.get(SESSION_LAST_SEEN_AT, now)
            idle = now - last_seen > settings.SESSION_IDLE_TIMEOUT.total_seconds()
            too_long = now - started > settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
            background = request.headers.get(BACKGROUND_POLL_HEADER) == "1"
            if idle or too_long:
                logout(request)
                if background:
                    return HttpResponse(status=HTMX_STOP_POLLING)
                messages.info(request, _("Your session has expired. Please sign in again."))
                query = urlencode({"next": request.get_full_path()})
                return HttpResponseRedirect(f"{reverse('account_login')}?{query}")
            # Written at most once a minute: a session write per page would cost three queries.
            if not background and (
                now - last_seen >= LAST_SEEN_RESOLUTION_SECONDS
                or SESSION_LAST_SEEN_AT not in request.session
            ):
                request.session[SESSION_LAST_SEEN_AT] = now
        return self.get_response(request)


class MandatoryMFAMiddleware:
    """Sends a user whose role requires a second factor to enrol one before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.session.get(SESSION_MFA_CHECKED)
            and not request.path.startswith(_MFA_EXEMPT_PREFIXES)
        ):
            if user_has_second_factor(user):
                # Checked once per session: a required factor cannot be removed (adapters).
                request.session[SESSION_MFA_CHECKED] = True
            elif user_requires_mfa(user):
                if request.headers.get(BACKGROUND_POLL_HEADER) == "1":
                    # A page's poll must not follow the redirect: htmx would swap the whole
                    # enrolment page into the banner.
                    return HttpResponse(status=HTMX_STOP_POLLING)
                messages.warning(
                    request,
                    _(
                        "Your role gives access to confidential data: set up two-factor "
                        "authentication to continue."
                    ),
                )
                return HttpResponseRedirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
