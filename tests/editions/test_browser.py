"""Edition pages in headless Chromium with every request to another host blocked."""

from __future__ import annotations

import os

import pytest

from tests.conftest import skip_or_fail
from ztmo.editions import layout

pytestmark = [pytest.mark.notebooks, pytest.mark.browser]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def test_pages_load_nothing_from_other_hosts_and_show_their_content(rendered):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("playwright is niet geïnstalleerd")
    if not os.path.exists(CHROMIUM):
        skip_or_fail(f"{CHROMIUM} ontbreekt")
    edition = rendered.out / layout.edition_dirname("JZ14", "Twente")
    pages = ["index.html", "start.html", "pillars/1_het_allerliefst_thuis.html",
             "learning_styles/1_leervoorkeuren_scan.html"]
    if (edition / "regio.html").exists():
        pages.append("regio.html")
    elsewhere: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith(("file://", "data:", "about:")):
            route.continue_()
        else:
            elsewhere.append(url)
            route.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            context = browser.new_context()
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
            if "regio.html" in pages:
                page.goto((edition / "regio.html").as_uri())
                svg = page.locator("svg").first
                box = svg.bounding_box()
                assert box and box["width"] > 50 and box["height"] > 50
        finally:
            browser.close()
    assert elsewhere == []
