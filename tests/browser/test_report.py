"""A learning network in the room: the comparison on the projector once the trainer shows
it, and the report made from the control panel, in Chromium against our Voila server with
every request to another host blocked (`make_page`)."""

from __future__ import annotations

import base64
from datetime import date

import pytest

from tests.browser.test_apps import open_app

pytestmark = pytest.mark.browser

WAIT = 20_000  # ms
REPORT_WAIT = 240_000  # ms: Papermill starts a kernel of its own on a busy machine
NICKNAME = "Bijnaam-Zichtbaar-Nooit"
R11 = "beoordeling:allerliefst_thuis.1"


def two_meetings():
    from ztmo.store import Store

    store = Store.from_env()
    net = store.create_network("Leernetwerk Twente", region="Twente")
    may = store.start_meeting(net.id, net.trainer_key, "Twente, mei", date(2026, 5, 12))
    october = store.start_meeting(net.id, net.trainer_key, "Twente, oktober", date(2026, 10, 6))
    for m, score in ((may, "2"), (october, "4")):
        for i in range(5):
            t = store.join(m.code, NICKNAME if i == 0 else None)
            store.save_answer(m.code, t, R11, score)
    return store, net, may, october


def test_the_projector_shows_the_comparison_when_the_trainer_does_and_the_report_downloads(
        make_page, voila):
    _, net, _, october = two_meetings()
    room = open_app(make_page(1920, 1080), voila, "netwerk.ipynb", f"sessie={october.code}")
    room.locator(".ztmo-network-progress", has_text="zo zien").wait_for(timeout=WAIT)
    assert "gemiddeld" not in room.inner_text("body")

    panel = open_app(make_page(1280, 900), voila, "trainer.ipynb",
                     f"sessie={october.code}&sleutel={october.trainer_key}")
    section = panel.locator(".ztmo-network-section")
    section.wait_for(timeout=WAIT)
    assert "bijeenkomst 2 van" in section.inner_text()
    panel.locator("button.ztmo-network-show").click()

    room.locator(".ztmo-progress-row", has_text="gemiddeld 4,0").wait_for(timeout=WAIT)
    row = room.locator('.ztmo-progress-row[data-handvat="1.1"]').inner_text()
    assert "gemiddeld 2,0" in row and "gemiddeld 4,0" in row and "+2,0" in row
    assert "(n = 5)" in row
    assert "minder dan 5 beoordelingen" in room.locator(
        '.ztmo-progress-row[data-handvat="1.2"]').inner_text()
    html = room.content()
    assert NICKNAME not in html and october.trainer_key not in html and net.trainer_key not in html
    box = room.locator("svg.ztmo-distribution").first.bounding_box()
    assert box and box["width"] > 400  # read from the back of the room

    panel.locator("button.ztmo-report").click()
    link = panel.locator(f'.ztmo-report-link a[download="verslag-{october.code}.html"]')
    link.wait_for(timeout=REPORT_WAIT)
    href = link.get_attribute("href")
    assert href.startswith("data:text/html;charset=utf-8;base64,")
    page = base64.b64decode(href.split(",", 1)[1]).decode("utf-8")
    assert "Verslag: Twente, oktober" in page and "+2,0" in page
    assert NICKNAME not in page and "<script" not in page.lower()
