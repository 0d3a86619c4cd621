"""Take the README's screenshots from the demo data, in real Chromium.

    make screenshots        (or: .venv/bin/python docs/screenshots.py)

A throwaway SQLite database gets the migrations and `load_demo`; the development server
serves it on a free loopback port; Chromium logs in as the demo user (who reads Spanish) and
saves PNGs in docs/screenshots/: the dashboard and a checklist on a phone (375 px, touch, 2×
pixels) and on a desktop (1280 px), and on the phone also the menu open and "What works for
us" with its chart.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SIZES = {
    "phone": {
        "viewport": {"width": 375, "height": 812},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
    "desktop": {"viewport": {"width": 1280, "height": 900}},
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603


def _wait(url: str) -> None:
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 - loopback only
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server did not start at {url}")


def _shoot(page, base: str, size: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", "demo@example.com")
    page.fill("input[name=password]", "semaforo-demo")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/dashboard/")
    # The demo user reads Spanish (load_demo): the README shows the app in its first language.
    if not page.locator("html").get_attribute("lang").startswith("es"):
        raise RuntimeError("the demo pages are not in Spanish")
    full = size == "desktop"
    page.screenshot(path=OUT / f"dashboard-{size}.png", full_page=full)
    if size == "phone":
        page.locator(".site-menu > summary").click()  # a <details>: opens without JavaScript
        page.screenshot(path=OUT / "menu-phone.png")
        page.locator(".site-menu > summary").click()
    page.get_by_role("link", name="Spa Serena").first.click()
    page.wait_for_selector("#light")
    page.locator(".checklist").scroll_into_view_if_needed()
    page.screenshot(path=OUT / f"checklist-{size}.png", full_page=full)
    if size == "phone":
        page.goto(base + "/insights/")
        page.locator("svg[role=img]").scroll_into_view_if_needed()
        page.screenshot(path=OUT / "insights-phone.png")


def main() -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        port = _free_port()
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/demo.sqlite3",
            "SITE_URL": f"http://127.0.0.1:{port}",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        }
        _manage(env, "migrate", "--noinput", "-v0")
        _manage(env, "load_demo")
        _manage(env, "send_review_reminders")  # as `make run` does: the heartbeat is fresh
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait(base + "/")
            with sync_playwright() as p:
                browser = p.chromium.launch(
                    executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
                )
                for size, options in SIZES.items():
                    page = browser.new_context(locale="es-ES", **options).new_page()
                    _shoot(page, base, size)
                    print(f"saved {size} screenshots")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"screenshots in {OUT.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
