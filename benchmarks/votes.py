"""`make bench`: 30 participants vote on 20 ideas at once; no vote lost, projector p95.

One real Voila server (our settings, 30 preheated participant apps), one Chromium with 30
phone-sized participant pages on the idea wall (stap=muur) and the projector view at
1920x1080. Twenty of the participants posted one idea each, the trainer revealed the wall
(20 ideas: 5 dots each). Then all 30 vote at the same moment: each page clicks 5 ideas
(chosen at random, the same seed every run), one after the other as a person does,
waiting for its own dot before the next click.

Measured, by the pages themselves every 25 ms (one clock: this machine's):
- a dot's save: the moment the voter's page shows the dot as chosen (the kernel saved it
  and drew it);
- the projector: the total of dots it shows. The k-th dot saved (in time order) is on the
  projector once that total reaches k; "projector updated" is the time between.
Printed: p50/p95/max of that, the time until the projector showed all 150 dots, and
whether the store holds exactly the 150 dots the pages showed (no vote lost, none extra).
Not a test: never asserts.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, VoilaServer, free_port

VOTERS, IDEAS = 30, 20
WATCH_PAGE = """() => { window.__dots = []; let last = 0;
  setInterval(() => { const n = document.querySelectorAll(
    '.ztmo-vote-idea.ztmo-chosen').length;
    if (n > last) { for (let i = last; i < n; i++) window.__dots.push(Date.now()); last = n; }
  }, 25); }"""
WATCH_PROJECTOR = """() => { window.__total = []; let last = -1;
  setInterval(() => { let n = 0; document.querySelectorAll('.ztmo-wall-dots').forEach(
    el => { n += parseInt(el.textContent, 10) || 0; });
    if (n !== last) { window.__total.push([Date.now(), n]); last = n; } }, 25); }"""


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def main() -> None:
    from playwright.sync_api import sync_playwright

    os.environ["ZTMO_DATA_DIR"] = tempfile.mkdtemp(prefix="ztmo-votes-")
    from ztmo import presenter
    from ztmo import wall as rules
    from ztmo.store import Store

    store = Store.from_env()
    session = store.create_session("Stippen")
    tokens = [store.join(session.code) for _ in range(VOTERS)]
    wall = presenter.wall_choice({}).wall
    for i, token in enumerate(tokens[:IDEAS], start=1):
        store.save_answer(session.code, token, rules.idea_key(wall, 1), f"Idee nummer {i}")
    presenter.set_pace(store, session.code, session.trainer_key, mode=presenter.TOGETHER,
                       step="muur")
    presenter.set_revealed(store, session.code, session.trainer_key, "muur", True)
    per_voter = rules.budget(IDEAS)
    rng = random.Random(2026)
    picks = [rng.sample(range(1, IDEAS + 1), per_voter) for _ in tokens]

    server = VoilaServer(free_port(), Path(tempfile.mkdtemp()) / "voila.log",
                         deelnemers=VOTERS, pool_size=0, max_kernels=3 * VOTERS)
    server.wait_ready()
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:  # the pool fills before the group arrives
            if all(p["klaar"] >= p["totaal"] for p in server.status()["pools"].values()):
                break
            time.sleep(2)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            beamer = browser.new_page(viewport={"width": 1920, "height": 1080})
            beamer.goto(server.url("beamer.ipynb", f"sessie={session.code}"),
                        wait_until="commit", timeout=180_000)
            beamer.wait_for_selector(".ztmo-projector .ztmo-wall-board .ztmo-wall-dots",
                                     timeout=180_000)
            pages = []
            for token in tokens:
                page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
                page.goto(server.url("index.ipynb", f"sessie={session.code}&deelnemer={token}"
                                                    "&stap=muur"),
                          wait_until="commit", timeout=180_000)
                pages.append(page)
            for page in pages:
                page.wait_for_selector(".ztmo-vote-idea", timeout=180_000)
                page.evaluate(WATCH_PAGE)
            beamer.evaluate(WATCH_PROJECTOR)
            time.sleep(2)
            began = time.time() * 1000
            # Everyone votes at once: click k of every page, then k + 1, ... (each click
            # waits for that page's own dot before its next, as a person does).
            for k in range(per_voter):
                for page, chosen in zip(pages, picks):
                    page.locator(".ztmo-vote-idea", has_text=f"Idee nummer {chosen[k]}").first \
                        .click(no_wait_after=True)
                for page in pages:
                    page.wait_for_function(
                        f"() => document.querySelectorAll('.ztmo-vote-idea.ztmo-chosen')"
                        f".length >= {k + 1}", timeout=120_000, polling=100)
            total = VOTERS * per_voter
            beamer.wait_for_function(
                f"() => window.__total.length && window.__total[window.__total.length - 1][1]"
                f" >= {total}", timeout=120_000, polling=100)
            saves = sorted(t for page in pages for t in page.evaluate("() => window.__dots"))
            shown = beamer.evaluate("() => window.__total")
            browser.close()
    finally:
        server.stop()
    lags = []
    for k, saved in enumerate(saves, start=1):
        on = next((t for t, n in shown if n >= k and t >= saved), None)
        if on is None:  # already on the projector before the page had drawn its own dot
            on = next((t for t, n in shown if n >= k), saved)
        lags.append(max(0.0, on - saved) / 1000)
    snap = store.snapshot(session.code)
    stored = {a.participant: a.value for a in snap.answers if a.activity == rules.vote_key(wall)}
    lost = sum(per_voter - len(rules.parse_votes(stored.get(t, ""))) for t in tokens)
    counted = sum(r.votes for r in rules.tally(snap, wall))
    everyone = (shown[-1][0] - began) / 1000 if shown else float("nan")
    print(f"{VOTERS} deelnemers stemmen tegelijk op {IDEAS} ideeën ({per_voter} stippen elk, "
          f"{len(saves)} stippen gezien op de telefoons):")
    print(f"  beamer bijgewerkt na een stip: p50 {statistics.median(lags):.2f} s, "
          f"p95 {pct(lags, 0.95):.2f} s, max {max(lags):.2f} s (doel: p95 <= 2 s)")
    print(f"  alle {VOTERS * per_voter} stippen op de beamer na {everyone:.1f} s")
    print(f"  in de opslag: {counted} stippen geteld, {lost} verloren "
          f"({'klopt' if counted == VOTERS * per_voter and lost == 0 else 'KLOPT NIET'}); "
          f"details: {json.dumps({'bewaard': len(stored)})}")


if __name__ == "__main__":
    main()
