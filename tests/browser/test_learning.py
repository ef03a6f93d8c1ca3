"""The learning-preference scan in a real browser, and two participants as a duo."""

from __future__ import annotations

import pytest

from tests.browser.test_apps import READY, open_app
from tests.browser.test_sessions import join

pytestmark = pytest.mark.browser
SCAN = "learning_styles/1_leervoorkeuren_scan.ipynb"


def do_scan(page) -> None:
    total = int(page.locator(".ztmo-progress-text").inner_text().split(" van ")[1])
    for step in range(total):
        page.wait_for_selector(f".ztmo-progress-text:has-text('Situatie {step + 1} van')")
        page.locator(".ztmo-scan-first .widget-radio-box label").nth(step % 5).click()
        page.locator(".ztmo-scan-second .widget-radio-box label").nth((step + 1) % 5).click()
        page.locator(".ztmo-walk button.ztmo-next").click()
    page.wait_for_selector(".ztmo-profile svg", timeout=30_000)


def test_complete_the_scan_and_see_the_profile(make_page, voila):
    page = open_app(make_page(390, 844), voila, SCAN)
    do_scan(page)
    text = page.locator(".ztmo-profile").inner_text()
    assert "je eerste voorkeur" in text.lower() and "punten" in text
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_two_participants_see_each_other_as_partners(make_page, voila):
    from ztmo.store import Store

    session = Store.from_env().create_session("Duo's")
    a, b = make_page(390, 844), make_page(390, 844)
    open_app(a, voila, "index.ipynb", f"sessie={session.code}")  # code from the QR link
    a.locator(".ztmo-nickname input").fill("Noor")
    a.locator("button.ztmo-join-submit").click()
    a.wait_for_selector(".ztmo-joined", timeout=10_000)
    join(b, voila, session.code)  # code typed in
    for page in (a, b):
        page.locator(".ztmo-start a.ztmo-nav-card", has_text="Duogesprek").click()
        page.wait_for_selector(".ztmo-partner", timeout=READY)
    a.locator(".ztmo-partner", has_text="deelnemer 2").wait_for(timeout=5_000)
    b.locator(".ztmo-partner", has_text="Noor").wait_for(timeout=5_000)
    assert "Jij bent Noor" in a.locator(".ztmo-partner").inner_text()
