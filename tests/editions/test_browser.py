"""Edition pages in headless Chromium with every request to another host blocked."""

from __future__ import annotations

import pytest

from ztmo.editions import layout

pytestmark = [pytest.mark.notebooks, pytest.mark.browser]



def test_pages_load_nothing_from_other_hosts_and_show_their_content(rendered, browser):
    edition = rendered.out / layout.edition_dirname("JZ14", "Twente")
    pages = ["index.html", "start.html", "pillars/1_het_allerliefst_thuis.html",
             "learning_styles/1_leervoorkeuren_scan.html", "werkvormen/2_tijdlijn.html",
             "regio.html"]
    elsewhere: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith(("file://", "data:", "about:")):
            route.continue_()
        else:
            elsewhere.append(url)
            route.abort()

    context = browser.new_context()  # the run's shared browser (tests/conftest.py)
    try:
        context.route("**/*", guard)
        page = context.new_page()
        for rel in pages:
            page.goto((edition / rel).as_uri(), wait_until="load")
            assert page.locator("html").get_attribute("lang") == "nl"
            assert "Twente" in page.inner_text("body"), rel
            assert "Twente" in page.title(), rel
        # The start page's links lead to the edition's own pages.
        page.goto((edition / "start.html").as_uri())
        page.locator("a.ztmo-nav-card").first.click()
        assert page.url.endswith("pillars/1_het_allerliefst_thuis.html")
        # The region page's charts and map are inline SVG and visible without a kernel.
        page.goto((edition / "regio.html").as_uri())
        box = page.locator(".ztmo-map svg").bounding_box()
        assert box and box["width"] > 50 and box["height"] > 50
        assert "Bron: CBS" in page.inner_text("body")
    finally:
        context.close()
    assert elsewhere == []
