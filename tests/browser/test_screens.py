"""Every screen of a real room fits: a projector at 1920x1080 and one at 1280x720 show
each step's revealed results inside the screen (element boxes, no scrolling, type no
smaller than 1.2% of the width), long lists in pages the trainer turns; phones show the
step's top after every "Volgende stap" and nothing wider than the screen.

A room of 13 people with realistic (and some long) answers is written into the store;
the trainer's moves go through the same presenter calls as the control panel.
"""

from __future__ import annotations

import time

import pytest

from tests.browser.conftest import Page
from tests.browser.room import fill_room, fill_votes
from ztmo import presenter
from ztmo.activities import STEP_KEYS
from ztmo.paging import PAGE_KEY

pytestmark = pytest.mark.browser
READY = 120_000

FITS = """() => {
  const W = innerWidth, H = innerHeight, out = [];
  const scroller = document.querySelector('#rendered_cells');
  if (scroller.scrollHeight > scroller.clientHeight + 1)
    out.push(`scrolls: ${scroller.scrollHeight} in ${scroller.clientHeight}`);
  const minFont = 0.012 * W - 0.5;
  for (const el of document.querySelectorAll('.ztmo-projector *')) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || getComputedStyle(el).visibility === 'hidden') continue;
    if (el.closest('svg') && el.tagName !== 'svg') continue;  // a chart scales as a whole
    if (r.right > W + 1 || r.left < -1 || r.bottom > H + 1 || r.top < -1)
      out.push(`${el.tagName}.${el.getAttribute('class') || ''} at ${Math.round(r.left)},` +
               `${Math.round(r.top)}..${Math.round(r.right)},${Math.round(r.bottom)}`);
    const own = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
    if (own && parseFloat(getComputedStyle(el).fontSize) < minFont)
      out.push(`${el.tagName}.${el.getAttribute('class') || ''} font ` +
               getComputedStyle(el).fontSize);
  }
  return out.slice(0, 6);
}"""

STEP_TOP = """(step) => {
  const a = document.querySelector(`.ztmo-step-anchor[data-step="view:${step}"]`);
  if (!a || a.offsetParent === null) return 'no anchor';
  const r = (a.parentElement || a).getBoundingClientRect();
  const top = step === 'start' ? document.querySelector('#rendered_cells').scrollTop < 5
                               : r.top >= -2 && r.top < innerHeight * 0.5;
  const wide = Array.from(document.querySelectorAll('.ztmo-stage *')).filter(e => {
    const b = e.getBoundingClientRect();
    return b.width && e.offsetParent !== null && b.right > innerWidth + 1;
  }).map(e => e.tagName + '.' + (e.getAttribute('class') || '')).slice(0, 3);
  return (top ? '' : `top at ${Math.round(r.top)}`) +
         (wide.length ? ` too wide: ${wide}` : '');
}"""


def title_is(page, step: str) -> None:
    from ztmo.presenter import LABELS

    words = LABELS[step] if not step.startswith("pijler") else f"Pijler {step[-1]}"
    where = ".ztmo-beamer-welcome" if step == "start" else ".ztmo-beamer-head h2"
    page.wait_for_function(
        "([where, w, start, step]) => { const h = document.querySelector(where); "
        "return h && h.offsetParent !== null && (start || h.innerText.includes(w)) && "
        "document.querySelector(`.ztmo-projector-stage .ztmo-slide-${step} .ztmo-slide-body`); }",
        arg=[where, words, step == "start", step], timeout=READY)


def test_every_step_fits_the_projector_and_the_phone_shows_its_top(browser, voila, tmp_path):
    from ztmo.store import Store

    store = Store.from_env()
    session = store.create_session("Leernetwerk Twente, 7 december")
    key = session.trainer_key
    tokens = fill_room(store, session.code, people=13, long_answers=True)
    presenter.set_run_sheet(store, session.code, key, list(STEP_KEYS))
    presenter.set_pace(store, session.code, key, mode=presenter.TOGETHER, step="start")
    projectors = []
    for w, h in ((1920, 1080), (1280, 720)):
        p = Page(browser, voila, w, h)
        p.page.goto(voila.url("beamer.ipynb", f"sessie={session.code}"))
        p.page.wait_for_selector(".ztmo-projector-stage", timeout=READY)
        projectors.append(p)
    phones = []
    for token in tokens[:2]:
        p = Page(browser, voila, 390, 844)
        p.page.goto(voila.url("index.ipynb", f"sessie={session.code}&deelnemer={token}"))
        p.page.wait_for_selector(".ztmo-stage .ztmo-start", timeout=READY)
        phones.append(p)
    paged = []
    for step in STEP_KEYS:
        presenter.set_pace(store, session.code, key, step=step)
        presenter.set_revealed(store, session.code, key, step, True)
        if step == "muur":
            fill_votes(store, session.code, tokens)
        for p in projectors:
            title_is(p.page, step)
            time.sleep(0.3)  # the slide's last redraw
            size = p.page.viewport_size
            p.page.screenshot(path=str(tmp_path / f"{step}-{size['width']}.png"))
            assert p.page.evaluate(FITS) == [], (step, size)
            assert p.page.locator(".ztmo-beamer-corner .ztmo-qr svg").count() == (
                0 if step == "start" else 1)
        for phone in phones:
            phone.page.wait_for_function(
                "(s) => new URLSearchParams(location.search).get('stap') === "
                "(s === 'start' ? null : s)", arg=step, timeout=READY)
            phone.page.wait_for_function(
                "(s) => { const a = document.querySelector(`.ztmo-step-anchor[data-step="
                "\"view:${s}\"]`); return a && a.offsetParent !== null; }", arg=step,
                timeout=READY)
            time.sleep(0.3)
            assert phone.page.evaluate(STEP_TOP, step) == "", step
        if projectors[0].page.locator(".ztmo-slide-page").count():
            paged.append(step)
            turned = projectors[0].page.inner_text(".ztmo-slide-body")
            presenter.set_page(store, session.code, key, step, 2)
            for p in projectors:
                p.page.wait_for_function(
                    "() => document.querySelector('.ztmo-slide-page')?.innerText"
                    ".startsWith('pagina 2')", timeout=READY)
                assert p.page.evaluate(FITS) == [], (step, "page 2")
            assert projectors[0].page.inner_text(".ztmo-slide-body") != turned
    # A room this full needs pages somewhere (the flags, the notes of the group talk).
    assert "vlaggen" in paged and store.state(session.code)[PAGE_KEY]
    store.close_session(session.code, key)
    for p in projectors:
        p.page.wait_for_selector(".ztmo-closed-note", timeout=READY)
        assert p.page.locator(".ztmo-qr").count() == 0  # nothing to join any more
    for p in (*projectors, *phones):
        p.context.close()
        assert p.foreign == []
