"""A workshop rehearsal: a trainer and six participants on phones, behaving like people do.

They join by the code (one with a nickname, the rest without), give the same score on
consecutive guidelines, skip one and go back, reload in the middle, open the join link
again, lose the network for a moment, and one joins late. Afterwards the store and the
trainer's screen must show exactly what each of them did: one participant each, no
ghost, the right count per guideline. When they leave, their kernels go.
"""

from __future__ import annotations

import re
import time

import pytest

from tests.browser.conftest import Page, VoilaServer, free_port, menu_go
from tests.browser.test_apps import READY, open_app

pytestmark = pytest.mark.browser

LIVE = 20_000  # ms: a change reaches another screen (a busy 2-core machine, 8 browsers)
PILLAR = "allerliefst_thuis"
# What each participant does on the five guidelines of pillar 1: a score, "?" (weet ik
# niet) or None (skipped). The steps below produce exactly these final answers.
PLAN = {
    "vos": ["4", "4", "4", "4", "4"],            # the same score five times
    "p2": ["3", "3", "2", "5", "?"],             # skips 3, goes on, comes back to it
    "p3": ["2", "2", "2", "2", "2"],             # reloads after the second
    "p4": ["5", "5", "5", "5", "5"],             # opened the join link twice
    "p5": ["1", "1", None, None, None],           # lost the network for a moment
    "late": ["4", None, None, None, None],        # joined when the others were done
}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # As a trainer would start it for a small group: a few preheated participant apps,
    # nothing preheated for the separate notebooks.
    srv = VoilaServer(free_port(), tmp_path_factory.mktemp("workshop") / "voila.log",
                      deelnemers=3, pool_size=0, cull_idle=60, cull_interval=5)
    try:
        srv.wait_ready()
        yield srv
    finally:
        srv.stop()


def phone(browser, server):
    return Page(browser, server, 390, 844)


def joined_token(page) -> str:
    match = re.search(r"deelnemer=([A-Za-z0-9]{16})", page.url)
    assert match, page.url
    return match.group(1)


def join(page, code, nickname=""):
    page.locator(".ztmo-join-code input").fill(code)
    if nickname:
        page.locator(".ztmo-nickname input").fill(nickname)
    page.locator("button.ztmo-join-submit").click()
    page.wait_for_selector(".ztmo-joined", timeout=LIVE)
    page.wait_for_function("() => /deelnemer=/.test(location.search)", timeout=LIVE)


def go(page, step, selector):
    menu_go(page, step)
    page.wait_for_selector(f".ztmo-stage {selector}", timeout=READY)
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('stap') === '{step}'",
                           timeout=LIVE)


def at_guideline(page, n):
    page.wait_for_selector(f".ztmo-progress-text:has-text('Handvat {n} van 5')", timeout=LIVE)


def rate(page, value):
    if value == "?":
        page.locator("button.ztmo-rating-unknown").click()
        page.wait_for_selector(".ztmo-rating-label:has-text('Jouw keuze: weet ik niet')",
                               timeout=LIVE)
    else:
        page.locator(".ztmo-rating button", has_text=re.compile(f"^{value}$")).click()
        page.wait_for_selector(f".ztmo-rating-label:has-text('Jouw keuze: {value}')",
                               timeout=LIVE)
    chosen = page.eval_on_selector_all(".ztmo-chosen", "els => els.map(e => e.textContent)")
    assert chosen == (["Weet ik niet"] if value == "?" else [value])


def next_guideline(page, n):
    """Volgende to guideline n: the new guideline's top is on the screen, not above it."""
    page.locator("button.ztmo-next").click()
    at_guideline(page, n)
    page.wait_for_function("""() => {
        const r = document.querySelector('.ztmo-progress-text').getBoundingClientRect();
        return r.top >= -2 && r.top < window.innerHeight / 3;
    }""", timeout=LIVE)
    # The previous guideline's score is not shown as chosen here.
    label = page.locator(".ztmo-rating-label").inner_text()
    chosen = page.eval_on_selector_all(".ztmo-chosen", "els => els.length")
    assert ("Nog geen keuze" in label) == (chosen == 0)


def walk(page, scores, start=1, end=5):
    """Guidelines start..end: rate (or skip) each and go on; ends on the next guideline
    (or on the fifth)."""
    for n in range(start, end + 1):
        at_guideline(page, n)
        if scores[n - 1] is not None:
            rate(page, scores[n - 1])
        if n < 5:
            next_guideline(page, n + 1)


def test_a_workshop_rehearsal(browser, server):
    from ztmo.store import Store

    store = Store.from_env()
    trainer = Page(browser, server, 1280, 900)
    open_app(trainer.page, server, "trainer.ipynb")
    trainer.page.locator(".ztmo-session-name input").fill("Maandagochtend")
    trainer.page.locator("button.ztmo-session-new").click()
    code = trainer.page.locator(".ztmo-session-code-small").inner_text(timeout=LIVE).strip()
    join_link = f"sessie={code}"  # what the QR code holds

    people = {name: phone(browser, server) for name in PLAN if name != "late"}
    for name, p in people.items():
        open_app(p.page, server, "index.ipynb", join_link)
        join(p.page, code, "Vos" if name == "vos" else "")
    tokens = {name: joined_token(p.page) for name, p in people.items()}

    # Wat is thuis? Two people write the same words; one tries markup.
    for name, text in (("vos", "veilig en warm"), ("p2", "warm <b>samen</b> eten")):
        page = people[name].page
        page.locator(".ztmo-start .ztmo-answer-input textarea").fill(text)
        page.locator(".ztmo-start button.ztmo-answer-submit").click()
        page.wait_for_selector(".ztmo-start .ztmo-saved", timeout=LIVE)

    for p in people.values():
        go(p.page, "pijler1", ".ztmo-pillar")

    walk(people["vos"].page, PLAN["vos"])

    p2 = people["p2"].page  # 3, 3, skip, 5, then back to the skipped one
    walk(p2, ["3", "3", None, "5", None])
    p2.locator("button.ztmo-prev").click()
    at_guideline(p2, 4)
    assert "Jouw keuze: 5" in p2.locator(".ztmo-rating-label").inner_text()
    p2.locator("button.ztmo-prev").click()
    at_guideline(p2, 3)
    rate(p2, "2")
    next_guideline(p2, 4)
    next_guideline(p2, 5)
    rate(p2, "?")

    p3 = people["p3"].page  # reloads in the middle: same person, same place, answers kept
    walk(p3, PLAN["p3"], 1, 2)
    p3.reload(wait_until="commit")
    p3.wait_for_selector(".ztmo-pillar", timeout=READY)
    at_guideline(p3, 3)  # continues at the first guideline without a score
    assert joined_token(p3) == tokens["p3"]
    p3.locator("button.ztmo-prev").click()
    at_guideline(p3, 2)
    assert "Jouw keuze: 2" in p3.locator(".ztmo-rating-label").inner_text()
    next_guideline(p3, 3)
    walk(p3, PLAN["p3"], 3, 5)

    p4 = people["p4"].page  # scans the QR code again: the same participant comes back
    open_app(p4, server, "index.ipynb", join_link)
    p4.wait_for_selector(".ztmo-joined", timeout=LIVE)
    p4.wait_for_function("() => /deelnemer=/.test(location.search)", timeout=LIVE)
    assert joined_token(p4) == tokens["p4"]
    go(p4, "pijler1", ".ztmo-pillar")
    walk(p4, PLAN["p4"])

    p5 = people["p5"]  # the wifi drops; when it is back, the page starts afresh by itself
    walk(p5.page, PLAN["p5"], 1, 2)
    p5.context.set_offline(True)
    p5.page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")  # looks
    p5.page.locator(".ztmo-connection-lost").wait_for(state="visible", timeout=LIVE)
    with p5.page.expect_navigation(timeout=LIVE):
        p5.context.set_offline(False)
    p5.page.wait_for_selector(".ztmo-pillar", timeout=READY)
    at_guideline(p5.page, 3)
    assert joined_token(p5.page) == tokens["p5"]

    late = phone(browser, server)  # joins when the rest is done
    open_app(late.page, server, "index.ipynb", join_link)
    join(late.page, code)
    go(late.page, "pijler1", ".ztmo-pillar")
    rate(late.page, "4")
    people["late"] = late
    tokens["late"] = joined_token(late.page)

    # The store holds exactly what each person did: one participant each, no ghost.
    snap = store.snapshot(code)
    assert snap.count == len(PLAN) == len(set(tokens.values()))
    mine = {name: snap.mine(token) for name, token in tokens.items()}
    from ztmo.content import load_guide

    ids = [h.id for h in load_guide().pillar(1).handvatten]
    for name, scores in PLAN.items():
        got = [mine[name].get(f"beoordeling:{i}") for i in ids]
        assert got == scores, name

    # The trainer's screen shows the same counts per guideline.
    counts = [sum(1 for s in PLAN.values() if s[i] not in (None, "?")) for i in range(5)]
    trainer.page.locator(".ztmo-participant-count", has_text=f"{len(PLAN)} deelnemers").wait_for(
        timeout=LIVE)
    table = trainer.page.locator(".ztmo-group-ratings").first
    table.filter(has_text=f"(n = {counts[0]})").wait_for(timeout=LIVE)
    rows = table.locator("tr").all_inner_texts()
    for i, row in enumerate(rows):  # fewer than 5: no average (small numbers)
        assert (f"(n = {counts[i]})" if counts[i] >= 5 else "minder dan 5 beoordelingen") in row, (
            i, row)
    assert min(counts) < 5 <= max(counts)  # both kinds of row are checked
    assert "1× weet ik niet" in rows[4]
    words = trainer.page.locator(".ztmo-word-list").inner_text()
    assert "warm" in words and "<b>" not in trainer.page.locator(".ztmo-word-list").inner_html()

    # The rest of the journey, in the same app: scan, duo, group profile, region.
    for name in ("vos", "p2", "p3"):
        page = people[name].page
        go(page, "scan", ".ztmo-scan")
        from tests.browser.test_learning import do_scan

        do_scan(page)
    for name in ("vos", "p2", "p3", "late"):
        go(people[name].page, "duo", ".ztmo-partner")
    for name in ("vos", "p2", "p3", "late"):
        people[name].page.locator(".ztmo-partner", has_text="Jouw gesprekspartner").wait_for(
            timeout=LIVE)
    trainer.page.locator(".ztmo-pairing-list li").nth(1).wait_for(timeout=LIVE)
    duos = trainer.page.locator(".ztmo-pairing-list li").all_inner_texts()
    listed = " ".join(duos)
    assert len(duos) == 2 and "Vos" in listed  # four people in the talk: two duos
    go(people["vos"].page, "groep", ".ztmo-group-profile")
    people["vos"].page.locator(".ztmo-group-profile", has_text="Pas 3 van de scans zijn af").wait_for(
        timeout=LIVE)
    go(people["p4"].page, "regio", ".ztmo-region, .ztmo-region-picker, .ztmo-app")

    # One participant, one kernel: the kernels are the pools plus the open pages.
    status = server.status()
    pooled = sum(p["totaal"] for p in status["pools"].values())
    assert status["kernels"] <= pooled + len(people) + 1, status

    # When the participants leave, their kernels go; the trainer's stays.
    for p in people.values():
        p.page.close()  # the tab is closed: the page says goodbye to its kernel
        p.context.close()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        status = server.status()
        pooled = sum(p["totaal"] for p in status["pools"].values())
        if status["kernels"] <= pooled + 1:
            break
        time.sleep(1)
    assert status["kernels"] <= pooled + 1, status
    assert trainer.foreign == []
    trainer.context.close()
