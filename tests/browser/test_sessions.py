"""A workshop in one Chromium: a trainer's screen and three participants on phones."""

from __future__ import annotations

import re

import pytest

from tests.browser.a11y import violations
from tests.browser.conftest import VoilaServer, free_port
from tests.browser.test_apps import READY, open_app

pytestmark = pytest.mark.browser

LIVE = 3_000  # ms: a new answer must be on the trainer's screen within 3 seconds
XSS = "<img src=x onerror=window.__xss=1> liefst dichtbij"


def join(page, voila, code):
    open_app(page, voila, "index.ipynb")
    page.locator(".ztmo-join-code input").fill(code)
    page.locator("button.ztmo-join-submit").click()
    page.wait_for_selector(".ztmo-joined", timeout=10_000)


def submit(page, scope, text):
    page.locator(f"{scope} .ztmo-answer-input textarea").first.fill(text)
    page.locator(f"{scope} button.ztmo-answer-submit").first.click()
    page.wait_for_selector(f"{scope} .ztmo-saved", timeout=10_000)


def test_participants_join_answer_and_the_trainer_sees_it_live(make_page, voila):
    trainer = open_app(make_page(1280, 900), voila, "trainer.ipynb")
    trainer.locator(".ztmo-session-name input").fill("Workshop dinsdag")
    trainer.locator("button.ztmo-session-new").click()
    code = trainer.locator(".ztmo-session-code-small").inner_text(timeout=READY).strip()
    assert re.fullmatch(r"[A-HJKMNP-Z2-9]{6}", code)
    trainer.wait_for_function("() => /sleutel=/.test(location.search)")  # kept on reload

    people = [make_page(390, 844) for _ in range(3)]
    for i, (page, words, score) in enumerate(zip(people, ["veilig warm", "warm samen eten",
                                                          "eigen bed warm"], [4, 5, 3])):
        join(page, voila, code)
        submit(page, ".ztmo-session", words)
        page.locator("a.ztmo-nav-card").first.click()
        page.wait_for_selector(".ztmo-pillar", timeout=READY)
        assert f"sessie={code}&deelnemer=" in page.url
        page.locator(".ztmo-rating button", has_text=re.compile(f"^{score}$")).click()
        page.wait_for_selector(f".ztmo-rating-label:has-text('Jouw keuze: {score}')")
        if i == 0:
            submit(page, ".ztmo-walk", XSS)

    count = trainer.locator(".ztmo-participant-count")
    count.filter(has_text="3 deelnemers").wait_for(timeout=LIVE)
    trainer.locator(".ztmo-word-list", has_text="warm").wait_for(timeout=LIVE)
    assert "eten" in trainer.locator(".ztmo-word-list").inner_text()
    ratings = trainer.locator(".ztmo-group-ratings").first
    # Three ratings: no average yet (small numbers); two more and it shows, live.
    ratings.filter(has_text="minder dan 5 beoordelingen").wait_for(timeout=LIVE)
    assert "gemiddeld" not in ratings.inner_text() and ratings.locator("svg").count() == 0
    from ztmo.content import load_guide
    from ztmo.store import Store
    from ztmo.ui.pillar import rating_activity

    first = rating_activity(load_guide().pillar(1).handvatten[0].id)
    store = Store.from_env()
    for _ in range(2):
        store.save_answer(code, store.join(code), first, "4")
    ratings.filter(has_text="gemiddeld 4,0 (n = 5)").wait_for(timeout=LIVE)
    assert ratings.locator("svg").count() == 1
    wall = trainer.locator(".ztmo-group-wall", has_text="liefst dichtbij").first
    wall.wait_for(timeout=LIVE)
    assert "<img src=x onerror=window.__xss=1>" in wall.inner_text()  # shown as text
    for page in [trainer, *people]:
        assert page.evaluate("window.__xss") is None  # and nothing ran

    # A new answer reaches the trainer within 3 seconds.
    submit(people[2], ".ztmo-walk", "pas op met wachtlijsten")
    trainer.locator(".ztmo-group-wall", has_text="pas op met wachtlijsten").first.wait_for(
        timeout=LIVE)


def test_answers_survive_a_server_restart(browser, tmp_path):
    from tests.browser.conftest import Page
    from ztmo.store import Store

    store = Store.from_env()
    session = store.create_session("Herstart")
    first = VoilaServer(free_port(), tmp_path / "first.log")
    try:
        first.wait_ready()
        p = Page(browser, first, 390, 844)
        join(p.page, first, session.code)
        submit(p.page, ".ztmo-session", "thuis is waar je gemist wordt")
        p.context.close()
    finally:
        first.stop()
    second = VoilaServer(free_port(), tmp_path / "second.log")
    try:
        second.wait_ready()
        t = Page(browser, second, 1280, 900)
        open_app(t.page, second, "trainer.ipynb",
                 f"sessie={session.code}&sleutel={session.trainer_key}")
        t.page.locator(".ztmo-word-list", has_text="gemist").wait_for(timeout=10_000)
        assert "1 deelnemer" in t.page.locator(".ztmo-participant-count").inner_text()
        assert t.foreign == []
        t.context.close()
    finally:
        second.stop()


def test_a_double_click_on_meedoen_makes_one_participant(make_page, voila):
    from ztmo.store import Store

    store = Store.from_env()
    session = store.create_session("Dubbel tikken")
    page = make_page(390, 844)
    open_app(page, voila, "index.ipynb")
    assert violations(page) == []  # the start page on a phone works with a screen reader
    page.locator(".ztmo-join-code input").fill(session.code)
    page.locator("button.ztmo-join-submit").dblclick()
    page.wait_for_selector(".ztmo-joined", timeout=10_000)
    page.wait_for_function("() => /deelnemer=/.test(location.search)", timeout=10_000)
    page.wait_for_timeout(2_000)  # the second click has been handled by now
    tokens = [t for t, _ in store.participants(session.code)]
    assert len(tokens) == 1 and f"deelnemer={tokens[0]}" in page.url
    assert page.locator(".ztmo-stage button.ztmo-join-submit:visible").count() == 0
