"""Screenshots of every step as a full room sees it: the projector at 1920x1080 and
1280x720 and a phone at 390x844, with the results revealed. For people to look at.

    .venv/bin/python scripts/screens.py [--uit MAP] [--mensen 13] [--stappen muur,vlaggen]

Starts its own server (the `make serve` settings), fills a session with a room's
answers (tests/browser/room.py), and walks the trainer's steps. Prints, per screen, what
does not fit (elements outside the window, or a page taller than the window).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, VoilaServer, free_port
from tests.browser.room import fill_room, fill_votes

SIZES = {"beamer-1920": (1920, 1080), "beamer-1280": (1280, 720)}
PHONE = (390, 844)
CHECK = """() => {
  const W = innerWidth, H = innerHeight, out = [];
  const scroller = document.querySelector('#rendered_cells') || document.scrollingElement;
  if (scroller.scrollHeight > scroller.clientHeight + 2)
    out.push(`page ${scroller.scrollHeight}px tall in ${scroller.clientHeight}px`);
  for (const el of document.querySelectorAll('.ztmo-app *')) {
    if (!el.offsetParent && el.tagName !== 'svg') continue;
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    if (r.right > W + 1 || r.left < -1) out.push(`${el.className || el.tagName} x ${Math.round(r.left)}..${Math.round(r.right)}`);
    if (W > 1000 && (r.bottom > H + 1 || r.top < -1)) out.push(`${el.className || el.tagName} y ${Math.round(r.top)}..${Math.round(r.bottom)}`);
  }
  return out.slice(0, 8);
}"""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--uit", type=Path, default=Path(tempfile.gettempdir()) / "ztmo-screens")
    ap.add_argument("--mensen", type=int, default=13)
    ap.add_argument("--stappen", default="")
    args = ap.parse_args()
    args.uit.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    from ztmo import presenter
    from ztmo.activities import STEP_KEYS
    from ztmo.store import Store

    steps = [s for s in args.stappen.split(",") if s] or list(STEP_KEYS)
    server = VoilaServer(free_port(), args.uit / "server.log", deelnemers=2, pool_size=0)
    try:
        server.wait_ready()
        store = Store.from_env()
        session = store.create_session("Leernetwerk Twente, 7 december")
        key = session.trainer_key
        tokens = fill_room(store, session.code, people=args.mensen)
        presenter.set_run_sheet(store, session.code, key, list(STEP_KEYS))
        presenter.set_pace(store, session.code, key, mode=presenter.TOGETHER)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            pages = {}
            for name, (w, h) in {**SIZES, "telefoon": PHONE}.items():
                ctx = browser.new_context(viewport={"width": w, "height": h}, locale="nl-NL")
                page = ctx.new_page()
                if name == "telefoon":
                    url = server.url("index.ipynb",
                                     f"sessie={session.code}&deelnemer={tokens[0]}")
                else:
                    url = server.url("beamer.ipynb", f"sessie={session.code}")
                page.goto(url)
                page.wait_for_selector(".ztmo-app", timeout=120_000)
                pages[name] = page
            for step in steps:
                presenter.set_pace(store, session.code, key, step=step)
                presenter.set_revealed(store, session.code, key, step, True)
                if step == "muur":
                    fill_votes(store, session.code, tokens)
                for name, page in pages.items():
                    page.wait_for_timeout(2500)
                    path = args.uit / f"{step}-{name}.png"
                    page.screenshot(path=str(path))
                    problems = page.evaluate(CHECK)
                    print(f"{step:10} {name:12} {'ok' if not problems else problems}")
            browser.close()
    finally:
        server.stop()
    print(f"Screenshots in {args.uit}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
