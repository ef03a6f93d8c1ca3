"""The trainer leads the room: the projector view on a beamer, pacing, reveal, moderation."""

from __future__ import annotations

import shutil
import subprocess
import time

import pytest

from tests.browser.a11y import violations
from tests.browser.conftest import Page, menu_go
from tests.browser.test_apps import READY, open_app
from tests.conftest import skip_or_fail

pytestmark = pytest.mark.browser

# s: every participant's app follows the trainer (and shows revealed results) by itself,
# without a reload. How fast (the 2-second promise) is measured by `make bench`
# (benchmarks/pacing.py), not here: on a busy test machine a timed test only says how busy.
FOLLOW = 8.0
WAIT = 15_000  # ms: generous bound for waits that are not the measured promise


def decode_qr(png: bytes, tmp_path) -> list[str]:
    if shutil.which("zbarimg") is None:
        skip_or_fail("zbarimg ontbreekt (Debian-pakket 'zbar-tools')")
    path = tmp_path / "scherm.png"
    path.write_bytes(png)
    out = subprocess.run(["zbarimg", "--quiet", "--raw", str(path)], capture_output=True,
                         text=True, timeout=60, check=False)
    return [line for line in out.stdout.splitlines() if line.strip()]


def new_session(store, name="Leernetwerk"):
    return store.create_session(name)


def participant(browser, voila, code):
    p = Page(browser, voila, 390, 844)
    open_app(p.page, voila, "index.ipynb", f"sessie={code}")
    p.page.locator(".ztmo-join-code input").fill(code)
    p.page.locator("button.ztmo-join-submit").click()
    p.page.wait_for_selector(".ztmo-joined", timeout=WAIT)
    return p


def control_panel(browser, voila, session):
    t = Page(browser, voila, 1280, 900)
    open_app(t.page, voila, "trainer.ipynb", f"sessie={session.code}&sleutel={session.trainer_key}")
    t.page.wait_for_selector(".ztmo-lead", timeout=WAIT)
    return t


@pytest.mark.parametrize("width,height", [(1920, 1080), (1280, 720)])
def test_the_projector_qr_code_reads_as_the_join_address_and_shows_no_key(
        browser, voila, tmp_path, width, height):
    from ztmo.store import Store

    session = new_session(Store.from_env())
    screen = Page(browser, voila, width, height)
    open_app(screen.page, voila, "beamer.ipynb", f"sessie={session.code}")
    screen.page.wait_for_selector(".ztmo-projector .ztmo-qr svg", timeout=WAIT)
    join = f"{voila.base}/voila/render/notebooks/index.ipynb?sessie={session.code}"
    assert decode_qr(screen.page.screenshot(), tmp_path) == [join]
    box = screen.page.locator(".ztmo-qr").bounding_box()
    assert box["x"] >= 0 and box["y"] >= 0 and box["y"] + box["height"] <= height  # all on screen
    code = screen.page.locator(".ztmo-session-code").bounding_box()
    assert code["height"] >= 0.07 * height  # the code is read from the back of the room
    text = screen.page.locator("body").inner_text()
    assert session.code in text and session.trainer_key not in text
    assert session.trainer_key not in screen.page.content() and "sleutel" not in screen.page.url
    screen.context.close()


def test_the_projector_of_an_unknown_session_says_so_without_a_kernel(make_page, voila):
    before = voila.status()
    page = make_page(1280, 720)
    response = page.goto(voila.url("beamer.ipynb", "sessie=ZZZZZZ"))
    assert response.status == 404  # the light page: the app and its kernel never start
    page.locator(".ztmo-problem", has_text="Deze code kennen we niet").wait_for(timeout=WAIT)
    assert page.locator("#sessie").input_value() == "ZZZZZZ"  # to correct a typo
    after = voila.status()  # (earlier tests' kernels may be culled meanwhile, never added)
    assert after["apps_geopend"] == before["apps_geopend"]
    assert after["kernels"] <= before["kernels"]


def test_pacing_three_phones_follow_the_trainer_by_themselves(browser, voila):
    from ztmo.store import Store

    session = new_session(Store.from_env())
    phones = [participant(browser, voila, session.code) for _ in range(3)]
    trainer = control_panel(browser, voila, session)
    menu_go(phones[1].page, "scan")  # one looks ahead
    phones[1].page.wait_for_selector(".ztmo-stage .ztmo-scan", timeout=READY)
    trainer.page.locator(".ztmo-pace-mode button", has_text="Samen").click()
    trainer.page.locator(".ztmo-current-step", has_text="iedereen volgt jou").wait_for(timeout=WAIT)
    for expected in ("pijler1", "pijler2"):
        trainer.page.locator("button.ztmo-next-step").click()
        began = time.monotonic()
        for p in phones:
            p.page.wait_for_function(
                f"() => new URLSearchParams(location.search).get('stap') === '{expected}' && "
                "document.querySelector('.ztmo-stage .ztmo-pillar')", timeout=WAIT)
        took = time.monotonic() - began
        assert took <= FOLLOW, f"{expected}: {took:.2f} s"
    for p in (*phones, trainer):
        assert p.foreign == []
        p.context.close()


def test_reveal_nobody_sees_others_answers_until_the_trainer_shows_them(browser, voila):
    from ztmo.store import Store

    session = new_session(Store.from_env())
    phones = [participant(browser, voila, session.code) for _ in range(3)]
    screen = Page(browser, voila, 1920, 1080)
    open_app(screen.page, voila, "beamer.ipynb", f"sessie={session.code}")
    words = ["zonnebloemveld", "keukentafel", "knuffelbeer"]
    for p, word in zip(phones, words):
        p.page.locator(".ztmo-start .ztmo-answer-input textarea").fill(f"thuis is {word}")
        p.page.locator(".ztmo-start button.ztmo-answer-submit").click()
        p.page.wait_for_selector(".ztmo-start .ztmo-saved", timeout=WAIT)
    screen.page.locator(".ztmo-hidden-results", has_text="3 antwoorden").wait_for(timeout=WAIT)
    for n, p in enumerate(phones):  # everyone sees only their own answer
        p.page.locator(".ztmo-hidden-results", has_text="3 antwoorden").wait_for(timeout=WAIT)
        text = p.page.locator(".ztmo-group").inner_text()
        assert all(w not in text for i, w in enumerate(words) if i != n)
    assert all(w not in screen.page.locator("body").inner_text() for w in words)

    trainer = control_panel(browser, voila, session)
    trainer.page.locator("button.ztmo-reveal").click()
    began = time.monotonic()
    for page in [screen.page] + [p.page for p in phones]:
        page.locator(".ztmo-word-list", has_text=words[2]).wait_for(timeout=WAIT)
    took = time.monotonic() - began
    assert took <= FOLLOW, f"reveal took {took:.2f} s"
    # Every screen of the room can be used with a screen reader: no serious or critical
    # WCAG 2.1 A/AA finding on a phone (390x844), the projector (1920x1080), the control panel.
    for page in (phones[0].page, screen.page, trainer.page):
        assert violations(page) == [], page.url
    for p in (*phones, screen, trainer):
        assert p.foreign == []
        p.context.close()


def test_moderation_hides_the_answer_the_trainer_chose_while_answers_keep_arriving(
        browser, voila):
    from ztmo.activities import WHAT_IS_HOME
    from ztmo.store import Store

    store = Store.from_env()
    session = new_session(store)
    people = [store.join(session.code) for _ in range(4)]
    for token, text in zip(people[:2], ["Jan de Vries woont om de hoek", "warm en veilig"]):
        store.save_answer(session.code, token, WHAT_IS_HOME, text)
    trainer = control_panel(browser, voila, session)
    chooser = trainer.page.locator(".ztmo-moderation-list select")
    chooser.locator("option", has_text="Jan de Vries").wait_for(state="attached", timeout=WAIT)
    chooser.select_option(label=chooser.locator("option", has_text="Jan de Vries").inner_text())
    for token, text in zip(people[2:], ["samen eten", "mijn eigen bed"]):  # new answers arrive
        store.save_answer(session.code, token, WHAT_IS_HOME, text)
    chooser.locator("option", has_text="mijn eigen bed").wait_for(state="attached", timeout=WAIT)
    chosen = chooser.evaluate("s => s.options[s.selectedIndex].text").replace("\xa0", " ")
    assert "Jan de Vries" in chosen  # the list grew; the choice stayed on the same answer
    trainer.page.locator("button.ztmo-hide").click()
    trainer.page.locator(".ztmo-moderation-list option", has_text="[verborgen]").wait_for(
        state="attached", timeout=WAIT)
    hidden = [a.value for a in store.answers(session.code) if a.hidden]
    assert hidden == ["Jan de Vries woont om de hoek"]
    trainer.context.close()
