"""The region app in a real Voila server and headless Chromium."""

from __future__ import annotations

import pytest

from tests.browser.test_apps import READY, no_horizontal_scroll, open_app

pytestmark = pytest.mark.browser


def test_region_from_the_link_shows_map_figures_and_sources_on_a_phone(make_page, voila):
    page = open_app(make_page(390, 844), voila, "regio.ipynb", "regio=Zeeland")
    page.wait_for_selector(".ztmo-region-name", timeout=READY)
    assert page.locator(".ztmo-region-name").inner_text().startswith("Zeeland")
    assert page.locator(".ztmo-map svg").count() == 1
    sources = page.locator(".ztmo-source").all_inner_texts()
    assert any("Bron: CBS, tabel 85100NED" in s for s in sources)
    assert page.locator(".ztmo-error").count() == 0
    assert no_horizontal_scroll(page)
    assert "Traceback" not in page.content()


def test_misspelled_region_suggests_and_the_picker_still_works(make_page, voila):
    page = open_app(make_page(), voila, "regio.ipynb", "regio=Zeelnd")
    error = page.locator(".ztmo-error")
    error.wait_for(timeout=READY)
    assert "Bedoel je misschien" in error.inner_text() and "Zeeland" in error.inner_text()
    page.select_option(".ztmo-region-picker select", label="Twente")
    page.wait_for_selector(".ztmo-region-name", timeout=30_000)
    assert page.locator(".ztmo-region-name").inner_text().startswith("Twente")
    assert page.locator(".ztmo-no-own").is_visible()  # honest: no own figures offline
    assert "Traceback" not in page.content()
