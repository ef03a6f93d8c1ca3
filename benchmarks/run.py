"""`make bench`: how fast a pillar app is ready compared with a bare notebook, and its memory.

Measured in one run, on the same Voila settings as `make serve`, in headless Chromium:
the time from navigation until the app root (`.ztmo-app`) is visible, for a pillar app
and for a bare one-cell notebook that shows one widget. Printed as a ratio (median over
rounds), with and without preheated kernels. Also the resident memory (VmRSS) of one
app kernel: when the page is ready, and after the summary chart has been drawn.
Not a test: figures go in the closing note, never into an assertion.
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, VoilaServer, free_port

PILLAR = "notebooks/pillars/1_het_allerliefst_thuis.ipynb"
BARE = "notebooks/bare.ipynb"  # our server serves only notebooks/
ROUNDS = 5
REFILL_WAIT = 8.0  # s: let Voila refill its pool of preheated kernels between loads


def bare_notebook() -> dict:
    src = ("import ipywidgets as w\nb = w.HTML('klaar')\nb.add_class('ztmo-app')\nb")
    return {"cells": [{"cell_type": "code", "execution_count": None, "id": "bare", "metadata": {},
                       "outputs": [], "source": src}],
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                        "language": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def make_root() -> Path:
    """A Voila root with a copy of our notebooks, the bare notebook among them.

    A copy, not a symlink: Voila serves preheated kernels through a symlinked folder
    measurably slower (about 0.6 s per page here), which would not be a fair comparison.
    """
    root = Path(tempfile.mkdtemp(prefix="ztmo-bench-"))
    shutil.copytree(REPO / "notebooks", root / "notebooks")
    (root / BARE).write_text(json.dumps(bare_notebook()), encoding="utf-8")
    return root


def rss_mb(kernel_id: str) -> float | None:
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().decode(errors="replace")
            if kernel_id in cmd:
                for line in (proc / "status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            continue
    return None


def time_ready(browser, url: str) -> tuple[float, str]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(".ztmo-app", state="visible", timeout=120_000)
    elapsed = time.perf_counter() - start
    kernel = json.loads(page.locator("#jupyter-config-data").text_content())["kernelId"]
    ctx.close()
    return elapsed, kernel


def measure(browser, preheat: bool, log: Path) -> dict:
    from ztmo.serve import ServeSettings

    server = VoilaServer(free_port(), log, preheat=preheat)
    server.proc.terminate()
    server.proc.wait()
    # Same settings as `make serve`, but rooted where the bare notebook lives.
    import subprocess

    from ztmo.serve import voila_argv

    root = make_root()
    settings = replace(ServeSettings(port=server.port, preheat=preheat, pool_size=1), root=root)
    server.proc = subprocess.Popen(voila_argv(settings, isolated=True), env=server.env,
                                   cwd=str(root), stdout=log.open("w"),
                                   stderr=subprocess.STDOUT)
    try:
        server.wait_ready()
        time.sleep(REFILL_WAIT * 2 if preheat else 1)  # pools filled
        base = f"{server.base}/voila/render/"
        times = {"app": [], "bare": []}
        for _ in range(ROUNDS):
            for name, rel in (("bare", BARE), ("app", PILLAR)):
                t, _kernel = time_ready(browser, base + rel)
                times[name].append(t)
                time.sleep(REFILL_WAIT if preheat else 0.5)
        ratio = statistics.median(times["app"]) / statistics.median(times["bare"])
        return {"times": times, "ratio": ratio}
    finally:
        server.stop()


def memory(browser, log: Path) -> dict:
    from ztmo.serve import ServeSettings

    server = VoilaServer(free_port(), log, preheat=True)
    try:
        server.wait_ready()
        time.sleep(REFILL_WAIT * 2)
        ctx = browser.new_context()
        page = ctx.new_page()
        page.goto(server.url("pillars/1_het_allerliefst_thuis.ipynb"))
        page.wait_for_selector(".ztmo-app", state="visible", timeout=120_000)
        kernel = json.loads(page.locator("#jupyter-config-data").text_content())["kernelId"]
        time.sleep(1)
        ready = rss_mb(kernel)
        for _ in range(5):
            page.locator("button.ztmo-next").click()
        page.wait_for_selector(".ztmo-summary svg", timeout=60_000)
        time.sleep(1)
        after = rss_mb(kernel)
        worker = rss_mb(server.env['ZTMO_CHART_SOCKET'])
        ctx.close()
        del ServeSettings
        return {"ready": ready, "after_chart": after, "worker": worker}
    finally:
        server.stop()


def main() -> int:
    from playwright.sync_api import sync_playwright

    logdir = Path(tempfile.mkdtemp(prefix="ztmo-bench-logs-"))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        warm = measure(browser, True, logdir / "preheat.log")
        cold = measure(browser, False, logdir / "cold.log")
        mem = memory(browser, logdir / "memory.log")
        browser.close()

    def fmt(xs):
        return ", ".join(f"{x:.2f}" for x in xs)

    print("ZTMO benchmark (one run, this machine)")
    print(f"  rounds: {ROUNDS}; time from navigation until .ztmo-app is visible, in seconds")
    for label, r in (("preheated kernels (make serve)", warm), ("no preheating (like Binder)", cold)):
        print(f"  {label}:")
        print(f"    pillar app: {fmt(r['times']['app'])}")
        print(f"    bare notebook: {fmt(r['times']['bare'])}")
        print(f"    ratio app/bare (median): {r['ratio']:.2f}   (target <= 1.3 with preheating)")
    print(f"  app kernel memory (VmRSS): {mem['ready']:.0f} MB when ready; "
          f"{mem['after_chart']:.0f} MB after drawing the summary chart (target <= 150 MB)")
    print(f"  shared chart renderer (one per server, not per kernel): {mem['worker']:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
