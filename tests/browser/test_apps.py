"""The apps as a participant uses them: a real Voila server, real headless Chromium."""

from __future__ import annotations

import re
import urllib.request

import pytest

pytestmark = pytest.mark.browser

PILLARS = ["pillars/1_het_allerliefst_thuis.ipynb", "pillars/2_dichtbij_thuis.ipynb",
           "pillars/3_weer_thuis.ipynb"]
READY = 90_000  # ms; a cold kernel on a busy 2-core CI machine


def open_app(page, voila, rel, query=""):
    """Open an app and wait for the app itself (not the page's load event, which a busy
    server can hold back well beyond Playwright's default)."""
    page.goto(voila.url(rel, query), wait_until="commit", timeout=READY)
    page.wait_for_selector(".ztmo-app", timeout=READY)
    # The participant app was built before the request; wait until it applied the address.
    page.wait_for_function("() => !document.querySelector('.ztmo-journey') || "
                           "document.querySelector('.ztmo-identity[data-echt=\"1\"]')",
                           timeout=READY)
    return page


def no_horizontal_scroll(page) -> bool:
    """Nothing sticks out to the right: no scrolling, and no element clipped off-screen."""
    return page.evaluate("""() => {
        const w = window.innerWidth;
        if (document.documentElement.scrollWidth > w) return false;
        for (const el of document.querySelectorAll('#rendered_cells *')) {
            const r = el.getBoundingClientRect();
            if (r.width > 0 && r.right > w + 1) return false;
        }
        return true;
    }""")


def test_start_page_opens_every_activity_in_the_same_app_with_the_region(make_page, voila):
    page = open_app(make_page(), voila, "index.ipynb", "regio=twente")
    page.wait_for_selector(".ztmo-notice:has-text('Twente')", timeout=10_000)
    hrefs = page.eval_on_selector_all("a.ztmo-nav-card", "els => els.map(e => e.getAttribute('href'))")
    assert hrefs[:3] == [f"index.ipynb?regio=JZ14&stap=pijler{n}" for n in (1, 2, 3)]
    assert "index.ipynb?regio=JZ14&stap=scan" in hrefs
    assert any(h.startswith("trainer.ipynb") for h in hrefs)  # a page of its own
    assert page.locator(".ztmo-app").first.inner_text().count("Twente") >= 1
    assert page.title() == "Zo thuis mogelijk opgroeien"
    assert page.evaluate("document.documentElement.lang") == "nl"
    page.evaluate("window.__same_page = 1")
    page.locator("a.ztmo-nav-card").nth(2).click()
    page.wait_for_selector(".ztmo-pillar", timeout=READY)
    assert page.evaluate("window.__same_page") == 1  # the view changed; no new page
    assert "stap=pijler3" in page.url and "regio=" in page.url
    assert "pijler 3" in page.locator(".ztmo-pillar").inner_text().lower()
    # The address keeps the step: a reload comes back to the same activity.
    page.reload(wait_until="commit")
    page.wait_for_selector(".ztmo-pillar", timeout=READY)
    assert "pijler 3" in page.locator(".ztmo-pillar").inner_text().lower()


def test_walk_through_a_pillar_rate_everything_and_see_the_summary(make_page, voila):
    page = open_app(make_page(), voila, PILLARS[1])
    scores = [5, 3, 1, 4, 2]
    for i, score in enumerate(scores):
        page.wait_for_selector(f".ztmo-progress-text:has-text('Handvat {i + 1} van 5')")
        page.locator(".ztmo-rating button", has_text=re.compile(f"^{score}$")).click()
        page.wait_for_selector(f".ztmo-rating-label:has-text('Jouw keuze: {score}')")
        page.locator("button.ztmo-next").click()
    page.wait_for_selector(".ztmo-summary svg", timeout=30_000)
    table = page.locator(".ztmo-summary-table").inner_text()
    for score, label in zip(scores, ["Heel goed", "Redelijk", "Nog niet", "Goed", "Een beetje"]):
        assert f"{score} – {label}" in table
    assert "niet beoordeeld" not in table
    assert page.locator(".ztmo-group-task").is_visible()
    # Going back keeps the answers.
    page.locator(".ztmo-summary button.ztmo-prev").click()
    page.wait_for_selector(".ztmo-rating-label:has-text('Jouw keuze: 2')")


def test_phone_screen_has_no_horizontal_scroll(make_page, voila):
    page = make_page(390, 844)
    for rel in ["index.ipynb", PILLARS[0]]:
        open_app(page, voila, rel)
        assert no_horizontal_scroll(page), rel
    for _ in range(5):
        page.locator("button.ztmo-next").click()
    page.wait_for_selector(".ztmo-summary svg", timeout=30_000)
    assert no_horizontal_scroll(page)
    box = page.locator(".ztmo-summary button.ztmo-prev").bounding_box()
    assert box and box["height"] >= 44  # large enough to tap


def test_unknown_region_shows_a_dutch_error_with_suggestions(make_page, voila):
    page = open_app(make_page(), voila, PILLARS[0], "regio=Amsterdm")
    error = page.locator(".ztmo-error")
    error.wait_for()
    assert "Amsterdam-Amstelland" in error.inner_text()
    assert "Traceback" not in page.content()
    assert page.locator(".ztmo-rating").is_visible()  # the app still works


def test_loading_screen_and_title_are_dutch(voila):
    with urllib.request.urlopen(voila.url(PILLARS[2]), timeout=120) as r:
        html = r.read().decode("utf-8")
    assert "Even geduld" in html and "Running" not in html
    assert "<title>Pijler 3: Weer thuis</title>" in html
    assert "fontawesome" not in html.lower()
