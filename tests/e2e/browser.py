"""What the browser tests share: where things are, and the helpers the tests call.

- `sign_in(page, email)`: the real sign-in forms, password then the TOTP step;
- `axe(page)`: axe-core 4 (from node_modules) must report zero WCAG 2.1 A/AA violations;
- `shot(page, request, name)`: a full-page PNG in test-artifacts/screenshots/ to look at;
- `check(page, request, name)`: both, on each page a test visits.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Page

from tranquillite.demo.data import DEMO_PASSWORD, DEMO_TOTP_SECRET

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
# Served by a Playwright route (conftest.py) on the live server's origin, so that `script-src
# 'self'` lets it run without weakening the policy under test.
AXE_PATH = "/__e2e__/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# E2E_AXE_BEST_PRACTICE=1 adds axe's best-practice rules (heading order, landmarks...).
if os.environ.get("E2E_AXE_BEST_PRACTICE") == "1":
    AXE_TAGS = [*AXE_TAGS, "best-practice"]
TIMEOUT_MS = 10_000


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
        [AXE_TAGS, exclude or []],
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
    test = request.node.name.removeprefix("test_")
    path = SCREENSHOTS / re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{test}-{name}.png")
    page.screenshot(path=path, full_page=True, animations="disabled")
    return path


def check(page: Page, request: pytest.FixtureRequest, name: str) -> None:
    """A screenshot, then axe-core: the page is looked at and must be accessible."""
    shot(page, request, name)
    axe(page)
