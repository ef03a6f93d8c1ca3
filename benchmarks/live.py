"""Submit-to-wall: how long until a participant's answer is on the trainer's screen.

    python benchmarks/live.py [--pages 10] [--rounds 3]

A real Voila server (the `make serve` settings), the trainer's screen and N participant
pages in one headless Chromium. Each round every participant submits a new "Wat is
thuis?" answer (one unique word) right after one another; we record each click and the
moment its word appears in the trainer's word list. Prints p50/p95/max of that delay and
whether any answer was lost. Not a test: figures go in the closing note.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, VoilaServer, free_port

WORDS = ["appel", "beuk", "ceder", "dadel", "eik", "framboos", "gerst", "hazel", "iep", "jasmijn", "kers", "linde", "mispel", "noot", "olijf", "peer", "quinoa", "roos", "salie", "tijm", "ui", "vlier", "walnoot", "yucca", "zegge"]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    os.environ["ZTMO_DATA_DIR"] = tempfile.mkdtemp(prefix="ztmo-live-")
    os.environ.pop("ZTMO_DATABASE_URL", None)
    from playwright.sync_api import sync_playwright

    from ztmo.store import Store

    session = Store.from_env().create_session("Benchmark")
    server = VoilaServer(free_port(), Path(tempfile.mkdtemp()) / "voila.log")
    delays: list[float] = []
    lost = 0
    try:
        server.wait_ready()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            trainer = browser.new_context().new_page()
            trainer.goto(server.url("trainer.ipynb",
                                    f"sessie={session.code}&sleutel={session.trainer_key}"))
            trainer.wait_for_selector(".ztmo-word-list", timeout=120_000)
            pages = []
            for _ in range(args.pages):
                page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
                page.goto(server.url("index.ipynb", f"sessie={session.code}"))
                page.wait_for_selector(".ztmo-join-submit", timeout=120_000)
                page.locator("button.ztmo-join-submit").click()
                page.wait_for_selector(".ztmo-joined", timeout=60_000)
                pages.append(page)
            for r in range(args.rounds):
                sent: dict[str, float] = {}
                for i, page in enumerate(pages):
                    # Letters only: the word list leaves out digits.
                    word = WORDS[i % len(WORDS)] + "abcdefghij"[r % 10] * (1 + i // len(WORDS))
                    page.locator(".ztmo-session .ztmo-answer-input textarea").fill(word)
                    sent[word] = time.perf_counter()
                    page.locator(".ztmo-session button.ztmo-answer-submit").click()
                seen: dict[str, float] = {}
                deadline = time.perf_counter() + 30
                while len(seen) < len(sent) and time.perf_counter() < deadline:
                    text = trainer.locator(".ztmo-word-list").inner_text()
                    now = time.perf_counter()
                    for word in sent:
                        if word not in seen and word in text:
                            seen[word] = now
                    time.sleep(0.05)
                lost += len(sent) - len(seen)
                delays += [seen[w] - sent[w] for w in seen]
            browser.close()
    finally:
        server.stop()
    delays.sort()
    if not delays:
        print(f"ZTMO live benchmark: no answer reached the trainer's screen (verloren: {lost})")
        return 1
    p95 = delays[max(0, round(0.95 * len(delays)) - 1)] if delays else float("nan")
    print(f"ZTMO live benchmark: {args.pages} participant pages + trainer, {args.rounds} rounds")
    print(f"  submit-to-wall: p50 {statistics.median(delays):.2f} s, p95 {p95:.2f} s, "
          f"max {max(delays):.2f} s (target p95 <= 3 s)")
    print(f"  answers: {len(delays)} seen, verloren: {lost}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
