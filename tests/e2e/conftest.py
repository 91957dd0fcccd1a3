"""Browser tests: pytest-django's live server driven by headless Debian Chromium.

Playwright's sync API is used directly (no pytest-playwright plugin). Run with
`DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/pytest -m browser -p no:xdist` (scripts/run-tests):
Playwright's sync API runs an event loop in the test thread, which Django's ORM would
otherwise refuse to be called from.

Every page gets:
- a check that the browser reported no JavaScript error and no Content-Security-Policy
  violation (the policy stays enforced: axe-core is served from the live server's own
  origin through a Playwright route, never injected inline);
- `axe(page)`: axe-core 4 (from node_modules) must report zero WCAG 2.1 A/AA violations;
- `shot(page, name)`: a full-page PNG in test-artifacts/screenshots/ to look at.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyotp
import pytest
from django.core.cache import cache
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tranquillite.demo.data import DEMO_PASSWORD, DEMO_TOTP_SECRET, load

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
# Served by the route below on the live server's origin, so that `script-src 'self'` lets
# it run without weakening the policy under test.
AXE_PATH = "/__e2e__/axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TIMEOUT_MS = 10_000

pytestmark = pytest.mark.browser


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Every test under tests/e2e/ drives the browser, whether or not its module says so.
    for item in items:
        if Path(str(item.fspath)).is_relative_to(Path(__file__).parent):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def sync_pw() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
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
def new_tab(
    chromium: Browser, live_server: Any, request: pytest.FixtureRequest
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
        problems = BrowserProblems()
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


@pytest.fixture
def demo(transactional_db: None) -> dict[str, Any]:
    """The demo data set: Pantin and Le Pré-Saint-Gervais, with their documented logins."""
    pantin, second = load()
    cache.clear()
    return {"pantin": pantin, "second": second}


# --- Helpers ---------------------------------------------------------------------------------
def totp_code(secret: str = DEMO_TOTP_SECRET) -> str:
    """The current code; waits for the next period when this one is about to end, so the
    server (no tolerance) checks it within the same 30 seconds."""
    totp = pyotp.TOTP(secret)
    left = totp.interval - time.time() % totp.interval
    if left < 3:
        time.sleep(left + 0.1)
    return totp.now()


def sign_in(
    page: Page,
    email: str,
    password: str = DEMO_PASSWORD,
    *,
    totp_secret: str | None = DEMO_TOTP_SECRET,
) -> None:
    """Signs in through the real forms: e-mail and password, then the TOTP step if asked."""
    page.goto("/compte/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").first.click()
    if totp_secret is not None:
        page.wait_for_url("**/compte/2fa/authenticate/")
        page.locator("input[name=code]").fill(totp_code(totp_secret))
        page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def axe(page: Page, *, exclude: list[str] | None = None) -> None:
    """Zero WCAG 2.1 A and AA violations from axe-core on the page as it stands."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(url=AXE_PATH)
    result = page.evaluate(
        """async ([tags, exclude]) => {
            const context = exclude.length ? { exclude: exclude.map((s) => [s]) } : document;
            const result = await axe.run(context, {
                runOnly: { type: "tag", values: tags },
                resultTypes: ["violations"],
            });
            return result.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                nodes: v.nodes.map((n) => n.target.join(" ") + " — " + n.failureSummary),
            }));
        }""",
        [WCAG_21_AA, exclude or []],
    )
    if result:
        lines = [f"axe-core: {len(result)} WCAG 2.1 AA violation(s) on {page.url}"]
        for violation in result:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
            lines.extend(f"    {node}" for node in violation["nodes"])
        pytest.fail("\n".join(lines), pytrace=False)


def shot(page: Page, request: pytest.FixtureRequest, name: str) -> Path:
    """A full-page screenshot: test-artifacts/screenshots/<test>-<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    test = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name).removeprefix("test_")
    path = SCREENSHOTS / f"{test}-{name}.png"
    page.screenshot(path=path, full_page=True, animations="disabled")
    return path


def check(page: Page, request: pytest.FixtureRequest, name: str) -> None:
    """A screenshot, then axe-core: the page is looked at and must be accessible."""
    shot(page, request, name)
    axe(page)
