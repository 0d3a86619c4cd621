"""Real Chromium through Playwright, against pytest-django's live server.

Plain ``sync_playwright()`` in a function-scoped fixture that depends on ``live_server``: the
browser starts after the database is set up and stops before it is flushed. Every page gets
an init script that reports Content-Security-Policy violations and script errors; any such
problem fails the test (the site runs a strict, nonce-based CSP).

Without /usr/bin/chromium the browser tests are skipped, unless REQUIRE_BROWSER=1 (CI), where
a missing browser is a failure: CI must never skip them silently.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 10_000
# For tests run once per language: (browser locale, the site language it should pick).
LANGUAGES = [pytest.param("en-US", "en", id="en"), pytest.param("es-ES", "es", id="es")]
# A phone (375 px wide, touch), for the pages people open on theirs: pass to new_page().
PHONE = {
    "viewport": {"width": 375, "height": 667},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}

# Runs before any page script, on every page and after every navigation. It reports through
# a binding exposed on the context, so nothing is lost when a page unloads.
PROBLEM_REPORTER = """
(() => {
  const report = (kind, detail) => {
    try { window.__semaforoReportProblem(kind, String(detail)); } catch (_e) { /* unloading */ }
  };
  document.addEventListener("securitypolicyviolation", (e) => {
    report("csp", `${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`
      + ` (${e.sourceFile || location.href}:${e.lineNumber})`);
  });
  window.addEventListener("error", (e) => {
    // Resource load failures (e.g. a 404 stylesheet) arrive here with a target element.
    const target = e.target && e.target !== window ? (e.target.src || e.target.href) : "";
    const where = `${e.filename}:${e.lineno}`;
    report("error", target ? `failed to load ${target}` : `${e.message} (${where})`);
  }, true);
  window.addEventListener("unhandledrejection", (e) => report("unhandledrejection", e.reason));
  const consoleError = console.error;
  console.error = function (...args) {
    report("console.error", args.map(String).join(" "));
    return consoleError.apply(this, args);
  };
})();
"""


def _require_browser() -> bool:
    return os.environ.get("REQUIRE_BROWSER", "").strip().lower() in {"1", "true", "yes"}


@dataclass
class Problems:
    """CSP violations, script errors and console errors seen by the browser during a test."""

    seen: list[str] = field(default_factory=list)
    reported: int = 0

    def add(self, kind: str, detail: str) -> None:
        self.seen.append(f"{kind}: {detail}")

    def expected(self, text: str) -> None:
        """Forget the problems seen so far that contain `text` (e.g. the console line of a
        form answered 400 on purpose)."""
        self.seen[self.reported :] = [p for p in self.seen[self.reported :] if text not in p]

    def assert_none(self) -> None:
        """Fail on any problem not reported yet (each is reported once)."""
        new, self.reported = self.seen[self.reported :], len(self.seen)
        if new:
            pytest.fail("The browser reported problems:\n  " + "\n  ".join(new), pytrace=False)


@dataclass
class Browser:
    """What a browser test gets: the live server's URL and a way to open pages."""

    url: str
    problems: Problems
    _browser: object

    def new_page(self, *, locale: str = "en-US", javascript: bool = True, **context_options):
        """A page in a new browser context (its own cookies: another person, or logged out).
        `context_options` go to Playwright's new_context (e.g. **PHONE, timezone_id)."""
        context = self._browser.new_context(
            locale=locale,
            extra_http_headers={"Accept-Language": locale},
            java_script_enabled=javascript,
            **context_options,
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.expose_binding(
            "__semaforoReportProblem", lambda _source, kind, detail: self.problems.add(kind, detail)
        )
        context.add_init_script(PROBLEM_REPORTER)
        return self._watched(context.new_page())

    def new_tab(self, page):
        """Another tab next to `page`: same browser context, so the same signed-in user."""
        return self._watched(page.context.new_page())

    def _watched(self, page):
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.problems.add("pageerror", str(error)))
        return page

    def _on_console(self, message) -> None:
        # The browser's own errors (CSP refusals, failed requests) never pass through
        # console.error in the page, so they are taken from the protocol as well.
        if message.type == "error":
            self.problems.add("console", message.text)


def log_in(page, base_url: str, email: str, password: str = PASSWORD) -> None:
    """Sign in through the real login form (its field names do not depend on the language);
    the user lands on the dashboard."""
    from playwright.sync_api import expect

    page.goto(base_url + reverse("login"))
    page.locator("main form input[name=username]").fill(email)
    page.locator("main form input[name=password]").fill(password)
    login_url = page.url
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: url != login_url)
    expect(page).to_have_url(base_url + reverse("dashboard:home"))


def http_errors(page) -> list[str]:
    """Every answer of 400 or more that `page` receives from now on (a 403 from the CSRF
    check, a 500…), as "status METHOD url"; the list fills as the test goes on."""
    seen: list[str] = []

    def check(response) -> None:
        if response.status >= 400:
            seen.append(f"{response.status} {response.request.method} {response.url}")

    page.on("response", check)
    return seen


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A browser test that passed still fails if the browser saw a CSP violation or an error."""
    result = yield
    browser = item.funcargs.get("browser")
    if isinstance(browser, Browser):
        browser.problems.assert_none()
    return result


@pytest.fixture
def browser(live_server, monkeypatch) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
        if _require_browser():
            pytest.fail(f"{message}; REQUIRE_BROWSER=1 forbids skipping browser tests.")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from
    # a thread with a running loop unless told it is safe (it is: the loop is Playwright's).
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    problems = Problems()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield Browser(url=live_server.url, problems=problems, _browser=chromium)
        finally:
            chromium.close()
    problems.assert_none()
