"""The import in real Chromium: the preview stays readable on a 375 px phone and a 1366 px
laptop whatever a cell holds (each row's problems in view, the page never wider than the
screen), and a double click on "Import" imports the rows once."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from candidates.models import Candidate
from tests.browser.conftest import PHONE, browser, log_in  # noqa: F401 (the fixture)
from tests.browser.test_double_submit import seen

pytestmark = pytest.mark.browser

SCREENS = [
    pytest.param({"width": 375, "height": 667}, id="phone-375"),
    pytest.param({"width": 1366, "height": 768}, id="laptop-1366"),
]
LONG = "Estética" + "x" * 292  # 300 characters and not one space to wrap at
# A Spanish Excel file (Windows-1252, ";") with a 300-character name and e-mail.
FILE = (
    "Nombre;Email;Relación;Cliente ideal compatible\r\n"
    f"{LONG};{LONG}@example.com;Marciana;quizá\r\n"
    "Librería Ñandú;;;sí\r\n"
).encode("cp1252")
LATENCY_MS = 800
CLEAN_FILE = "Nombre;Relación\r\nEstética Titán;Alianza estratégica\r\nLibrería Ñandú;\r\n"


def _preview(page: Page, base_url: str, content: bytes) -> None:
    page.goto(base_url + reverse("candidates:import"))
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "candidatos.csv", "mimeType": "text/csv", "buffer": content}]
    )
    page.locator("main form button[type=submit]").first.click()
    expect(page.get_by_role("region", name="Rows of the file")).to_be_visible()


@pytest.mark.parametrize("screen", SCREENS)
def test_the_preview_keeps_every_rows_problems_in_view(browser, owner, screen):  # noqa: F811
    page = browser.new_page()
    page.set_viewport_size(screen)
    log_in(page, browser.url, owner.email)
    _preview(page, browser.url, FILE)
    assert page.evaluate("document.scrollingElement.scrollWidth") <= screen["width"]
    problems = page.locator(".import-preview-problems").first
    expect(problems).to_contain_text("“quizá” is neither yes nor no.")
    expect(problems).to_contain_text("Relationship: “Marciana” is not one of")
    box = problems.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= screen["width"], box
    assert box["width"] >= 150, box  # a readable column, not a sliver
    # The long cells wrap, shortened, in a column of bounded width.
    name = page.locator(".import-preview-cell").first
    assert name.bounding_box()["width"] <= 14 * 16 + 1
    expect(name).to_contain_text(LONG[:79])
    # The table's box scrolls (sideways on a phone) and a keyboard can reach it.
    region = page.get_by_role("region", name="Rows of the file")
    region.focus()
    assert page.evaluate("document.activeElement.getAttribute('role')") == "region"
    assert not Candidate.objects.exists()


def _slow_network(page: Page) -> None:
    """Every answer comes back LATENCY_MS late, as on a phone with a weak signal (the
    request itself reaches the server at once): time for a second tap."""
    session = page.context.new_cdp_session(page)
    session.send("Network.enable")
    session.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": LATENCY_MS, "downloadThroughput": -1, "uploadThroughput": -1},
    )


def test_a_double_tap_on_import_imports_the_rows_once(browser, owner, workspace):  # noqa: F811
    """Playwright's dblclick() never makes Chromium submit twice; two taps while the first
    answer is on its way do (see tests/browser/test_double_submit.py)."""
    page = browser.new_page(**PHONE)
    log_in(page, browser.url, owner.email)
    _preview(page, browser.url, CLEAN_FILE.encode("cp1252"))
    button = page.get_by_role("button", name="Import 2 candidates")
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    posts, failures = [], []
    page.on("request", lambda r: r.method == "POST" and posts.append(r.url))
    page.on("response", lambda r: r.status >= 400 and failures.append(f"{r.status} {r.url}"))
    _slow_network(page)

    page.touchscreen.tap(x, y)
    for _ in range(200):  # until the server has imported the first tap's rows
        if seen(Candidate.objects.filter(workspace=workspace).exists):
            break
        page.wait_for_timeout(25)
    with page.expect_event("framenavigated", lambda frame: frame == page.main_frame):
        page.touchscreen.tap(x, y)
    page.wait_for_load_state("load")

    assert posts == [browser.url + reverse("candidates:import_confirm")] * 2
    assert failures == []
    names = sorted(Candidate.objects.filter(workspace=workspace).values_list("name", flat=True))
    assert names == ["Estética Titán", "Librería Ñandú"]
    # The second tap's answer is the one shown: the list, with the rows the first imported.
    expect(page).to_have_url(browser.url + reverse("candidates:list"))
    expect(page.locator("main")).to_contain_text("this file was already imported")
    expect(page.locator("main")).to_contain_text("Librería Ñandú")
