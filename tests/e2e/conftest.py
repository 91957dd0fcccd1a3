"""Browser tests: pytest-django's live server driven by headless Debian Chromium.

Playwright's sync API is used directly (not the pytest-playwright plugin: the fixtures here
are named so as not to collide with it when it is installed). Run with
`DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/pytest -m browser -p no:xdist` (scripts/run-tests):
Playwright's sync API runs an event loop in the test thread, which Django's ORM would
otherwise refuse to be called from.

Every page a test opens is watched: a JavaScript error, a Content-Security-Policy violation
or a failed sub-resource fails the test. The policy stays enforced: axe-core is served from
the live server's own origin through a Playwright route, never injected inline.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection
from django.test import override_settings
from django.test.testcases import LiveServerThread
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.conftest import TEST_SETTINGS
from tests.e2e.browser import (
    AXE_JS,
    AXE_PATH,
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    TIMEOUT_MS,
)
from tranquillite.core.models import Territory
from tranquillite.demo.data import load


class _OneRequestAtATimeServer(ThreadedWSGIServer):
    """The live server's threads share the test's in-memory SQLite connection, which two
    requests at once corrupt ("bad parameter or other API misuse": a page loading while its
    live banner polls). Each request is answered whole under one lock; connections stay
    threaded, so an idle keep-alive connection never blocks another."""

    _lock = threading.Lock()

    def set_app(self, application: Any) -> None:
        def one_at_a_time(environ: Any, start_response: Any) -> list[bytes]:
            with self._lock:
                response = application(environ, start_response)
                try:
                    return list(response)
                finally:
                    if hasattr(response, "close"):
                        response.close()

        super().set_app(one_at_a_time)


LiveServerThread.server_class = _OneRequestAtATimeServer


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every test under tests/e2e/ drives the browser, whether or not its module says so.
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def sync_pw() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        message = f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)"
        # CI (REQUIRE_BROWSER=1) fails rather than skips; a developer without Chromium is told
        # why the browser tests did not run (scripts/run-tests prints it in its summary too).
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def chromium(sync_pw: Playwright) -> Iterator[Browser]:
    browser = sync_pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@dataclass
class BrowserProblems:
    """What the browser reported while a test ran: errors fail the test at teardown."""

    messages: list[str] = field(default_factory=list)
    # Addresses a test expects to answer 4xx to a script (an API refusing bad input on purpose).
    expected_refusals: list[str] = field(default_factory=list)

    def console(self, message: Any) -> None:
        if message.type != "error":
            return
        if AXE_PATH in message.text or AXE_PATH in message.location.get("url", ""):
            return  # axe-core's own probes (it tries an inline <style>), not the page's
        if message.text.startswith("Failed to load resource"):
            return  # HTTP errors are judged by `response` below (a 404 page may be expected)
        self.messages.append(f"console error: {message.text} ({message.location['url']})")

    def page_error(self, error: Any) -> None:
        self.messages.append(f"uncaught exception: {error}")

    def response(self, response: Any) -> None:
        # A page may answer 403 or 404 on purpose; what it loads (CSS, JS, images) may not.
        if 400 <= response.status < 500 and any(
            re.search(pattern, response.url) for pattern in self.expected_refusals
        ):
            return
        if response.status >= 400 and response.request.resource_type != "document":
            self.messages.append(f"HTTP {response.status} for {response.url}")

    def request_failed(self, request: Any) -> None:
        # ERR_ABORTED: the test moved on to another page while this one was still loading.
        if request.resource_type != "document" and "ERR_ABORTED" not in (request.failure or ""):
            self.messages.append(f"request failed: {request.url} ({request.failure})")


# Chromium logs a CSP violation to the console, but an event listener (installed before any
# page script runs, outside the page's policy) also catches those from style attributes.
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    "CSP violation: " + event.violatedDirective + " blocked " + (event.blockedURI || "inline")
    + " at " + event.sourceFile + ":" + event.lineNumber
  );
});
"""


def _route_axe(context: BrowserContext) -> None:
    context.route(
        re.compile(re.escape(AXE_PATH) + "$"),
        lambda route: route.fulfill(path=AXE_JS, content_type="text/javascript; charset=utf-8"),
    )


@pytest.fixture
def expected_refusals() -> list[str]:
    """Regular expressions of addresses the test expects to answer 4xx to a script."""
    return []


@pytest.fixture
def new_tab(
    chromium: Browser, live_server: Any, expected_refusals: list[str]
) -> Iterator[Callable[..., Page]]:
    """Opens a page in a fresh browser context (own cookies); checked for errors at the end."""
    contexts: list[tuple[BrowserContext, BrowserProblems]] = []

    def _new_tab(viewport: dict[str, int] | None = None) -> Page:
        context = chromium.new_context(
            base_url=live_server.url,
            viewport=viewport or DESKTOP,
            locale="fr-FR",
            timezone_id="Europe/Paris",
            extra_http_headers={"Accept-Language": "fr-FR,fr;q=0.9"},
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(_CSP_LISTENER)
        _route_axe(context)
        problems = BrowserProblems(expected_refusals=expected_refusals)
        page = context.new_page()
        page.on("console", problems.console)
        page.on("pageerror", problems.page_error)
        page.on("response", problems.response)
        page.on("requestfailed", problems.request_failed)
        contexts.append((context, problems))
        return page

    yield _new_tab
    found = [message for _context, problems in contexts for message in problems.messages]
    for context, _problems in contexts:
        context.close()
    if found:
        pytest.fail("The browser reported problems:\n" + "\n".join(found), pytrace=False)


@pytest.fixture
def tab(new_tab: Callable[..., Page]) -> Page:
    return new_tab()


@pytest.fixture(scope="session")
def _demo_snapshot(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[sqlite3.Connection, Path, tuple[int, int]]]:
    """The demo, loaded once per run into the (in-memory SQLite) test database and copied
    aside with SQLite's backup API. Loading it takes seconds; copying it back takes
    milliseconds, so each browser test starts from the same fresh demo."""
    if connection.vendor != "sqlite":
        pytest.fail("the browser tests run on SQLite (scripts/run-tests unsets DATABASE_URL)")
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, **TEST_SETTINGS):
        connection.ensure_connection()
        empty = sqlite3.connect(":memory:")
        connection.connection.backup(empty)
        pantin, second = load()
        cache.clear()
        snapshot = sqlite3.connect(":memory:")
        connection.connection.backup(snapshot)
        # Put the empty database back: a test without the demo starts as it always did.
        empty.backup(connection.connection)
        empty.close()
    yield snapshot, media, (pantin.pk, second.pk)
    snapshot.close()


@pytest.fixture
def demo(
    transactional_db: None,
    _demo_snapshot: tuple[sqlite3.Connection, Path, tuple[int, int]],
    settings: Any,
) -> dict[str, Any]:
    """The demo data set: Pantin and Le Pré-Saint-Gervais, with their documented logins."""
    snapshot, media, (pantin_pk, second_pk) = _demo_snapshot
    connection.ensure_connection()
    snapshot.backup(connection.connection)
    # The demo's files (letters, documents) are copied into this test's own media folder.
    shutil.copytree(media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    cache.clear()
    return {
        "pantin": Territory.objects.get(pk=pantin_pk),
        "second": Territory.objects.get(pk=second_pk),
    }
