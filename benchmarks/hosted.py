"""A hosted server (ZTMO_ACCOUNTS=1, PostgreSQL, nginx with TLS in front, under /ztmo/).

    python benchmarks/hosted.py [--n 30] [--rounds 3] [--sessions 3] [--per-session 20]

1. Through the proxy vs direct: N participants open the join link at once (N - 3 HTTP
   clients with the kernel websocket, 3 Chromium pages), once through nginx (https) and
   once straight to the server's own port, alternating, --rounds times each. Ready p50/p95
   and the ratio proxy/direct of the medians (target <= 1.1).
2. Several sessions at once: --sessions sessions of --per-session participants arrive
   together (through nginx). Ready p50/p95, kernels per session and in all, and the
   memory of the server with its kernels (RSS and PSS) while everyone is there.
3. Light pages: how many requests a second the server answers for the join page and for
   app addresses without a valid code (16 clients, 10 s, direct and through nginx), and
   that no kernel starts meanwhile.
Not a test: never asserts. Prints figures for the README's sizing.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import ssl
import statistics
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.burst import burst, kernel_procs, line, stats
from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.hosted.conftest import HostedServer
from tests.store.conftest import PostgresCluster


class View:
    """The hosted server as burst() sees it: through nginx or straight to its port."""

    def __init__(self, hosted: HostedServer, direct: bool):
        self.hosted = hosted
        self.proc = hosted.proc
        self.base = (f"http://127.0.0.1:{hosted.upstream}" if direct else hosted.proxy.base)
        self.prefix = "/ztmo"

    def url(self, rel: str, query: str = "") -> str:
        return f"{self.base}{self.prefix}/voila/render/notebooks/{rel}" + (
            f"?{query}" if query else "")

    def status(self) -> dict:
        return self.hosted.status()


def memory(hosted: HostedServer) -> dict:
    """Resident (RSS) and proportional (PSS: shared pages divided fairly) memory of the
    server with its helpers, and of its kernels apart."""
    import psutil

    server = psutil.Process(hosted.proc.pid)
    kernels = {p.pid for p in kernel_procs(View(hosted, True))}
    out = {"kernels": len(kernels), "k_rss": 0.0, "k_pss": 0.0, "s_rss": 0.0, "s_pss": 0.0}
    for p in [server, *server.children(recursive=True)]:
        try:
            full = p.memory_full_info()
        except psutil.Error:
            continue
        side = "k" if p.pid in kernels else "s"
        out[f"{side}_rss"] += full.rss / 2**20
        out[f"{side}_pss"] += getattr(full, "pss", full.rss) / 2**20
    return out


async def one_burst(hosted: HostedServer, direct: bool, n: int, queries: list[str],
                    timeout: float = 120):
    from playwright.async_api import async_playwright

    context = None if direct else ssl.create_default_context(cafile=str(hosted.proxy.cert))
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            result = await burst(browser, View(hosted, direct), n, 3, queries[0], False,
                                 timeout, ssl_context=context, queries=queries)
        finally:
            await browser.close()
    return result


def wait_quiet(hosted: HostedServer, pooled: int, timeout: float = 240) -> None:
    """Until the pools are full again and nothing else runs (the previous burst left)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        st = hosted.status()
        ready = sum(p["klaar"] for p in st["pools"].values())
        if ready >= pooled and st["kernels"] <= pooled:
            time.sleep(3)  # let the refilled kernels finish rendering
            return
        time.sleep(1)


def proxy_vs_direct(pg: str, n: int, rounds: int, log: Path) -> None:
    from ztmo.store import Store

    hosted = HostedServer(pg, log / "proxy.log", ZTMO_DEELNEMERS=str(n),
                          ZTMO_MAX_KERNELS=str(2 * n + 10), ZTMO_CONNECT_GRACE="60")
    try:
        hosted.wait_ready(600)
        pooled = sum(p["totaal"] for p in hosted.status()["pools"].values())
        store = Store(pg)
        med = {True: [], False: []}
        p95 = {True: [], False: []}
        for r in range(rounds):
            for direct in ((True, False) if r % 2 == 0 else (False, True)):
                wait_quiet(hosted, pooled)
                session = store.create_session(f"Proxy {r}")
                store.update_state(session.code, "verwacht", lambda old: str(n))
                results, _after = asyncio.run(one_burst(hosted, direct, n,
                                                        [f"sessie={session.code}"] * n))
                s = stats(results)
                label = "direct" if direct else "via nginx (https)"
                print(line(f"round {r + 1} {label}", s), flush=True)
                if s["failed"]:
                    print("      failed:", s["failed"][:5])
                med[direct].append(s["p50"])
                p95[direct].append(s["p95"])
        d50, p50 = statistics.median(med[True]), statistics.median(med[False])
        d95, x95 = statistics.median(p95[True]), statistics.median(p95[False])
        print(f"  {n} arrivals at once: direct p50 {d50:.2f} p95 {d95:.2f} s; via nginx p50 "
              f"{p50:.2f} p95 {x95:.2f} s; ratio proxy/direct p50 {p50 / d50:.2f}, "
              f"p95 {x95 / d95:.2f} (target <= 1.1)", flush=True)
        light_pages(hosted)
    finally:
        hosted.stop()


def several_sessions(pg: str, sessions: int, per: int, log: Path) -> None:
    from ztmo.store import Store

    n = sessions * per
    hosted = HostedServer(pg, log / "sessions.log", ZTMO_DEELNEMERS=str(n),
                          ZTMO_MAX_KERNELS=str(2 * n + 10), ZTMO_CONNECT_GRACE="60")
    try:
        hosted.wait_ready(900)
        pooled = sum(p["totaal"] for p in hosted.status()["pools"].values())
        wait_quiet(hosted, pooled)
        idle = memory(hosted)
        store = Store(pg)
        codes = []
        for k in range(sessions):
            s = store.create_session(f"Zaal {k + 1}")
            store.update_state(s.code, "verwacht", lambda old: str(per))
            codes.append(s.code)
        queries = [f"sessie={codes[i % sessions]}" for i in range(n)]
        seen: dict = {}

        def watch() -> None:  # the moment with the most kernels: everyone is there
            while not seen.get("stop"):
                m = memory(hosted)
                if m["kernels"] >= seen.get("peak", {}).get("kernels", 0):
                    seen["peak"] = m
                    seen["status"] = hosted.status()
                time.sleep(1)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        results, _after = asyncio.run(one_burst(hosted, False, n, queries))
        seen["stop"] = True
        watcher.join()
        s = stats(results)
        print(line(f"{sessions} sessions x {per} at once", s), flush=True)
        peak, st = seen["peak"], seen["status"]
        print(f"  kernels while everyone was there: {st['kernels']} in all (pools {pooled}), "
              f"per session {sorted(st['sessies'].values())}")
        print(f"  idle: server with renderer RSS {idle['s_rss']:.0f} MB; {idle['kernels']} "
              f"pooled kernels RSS {idle['k_rss']:.0f} MB, PSS {idle['k_pss']:.0f} MB")
        k = max(1, peak["kernels"])
        print(f"  everyone there: {peak['kernels']} kernels RSS {peak['k_rss']:.0f} MB, PSS "
              f"{peak['k_pss']:.0f} MB (per kernel RSS {peak['k_rss'] / k:.0f} MB, PSS "
              f"{peak['k_pss'] / k:.0f} MB); server with renderer RSS {peak['s_rss']:.0f} MB; "
              f"in all RSS {peak['k_rss'] + peak['s_rss']:.0f} MB", flush=True)
    finally:
        hosted.stop()


def hammer(urls: list[str], context, seconds: float, clients: int) -> dict[str, int]:
    """``clients`` threads ask for ``urls`` in turn for ``seconds``: answers by status."""
    counts: dict[str, int] = {}
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(k: int) -> None:
        opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context))
        i = k
        while time.monotonic() < stop:
            try:
                with opener.open(urls[i % len(urls)], timeout=10) as r:
                    r.read()
                    key = str(r.status)
            except urllib.error.HTTPError as exc:
                key = str(exc.code)
            except OSError as exc:
                key = type(exc).__name__
            with lock:
                counts[key] = counts.get(key, 0) + 1
            i += 1

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return counts


def light_pages(hosted: HostedServer, seconds: float = 10, clients: int = 16) -> None:
    """The join page and app addresses without a code: answered without a kernel. Through
    nginx most are refused at the edge (5 a second per address, burst 120): that is the
    limit doing its work, so the figure that counts is the server's own."""
    pooled = sum(p["totaal"] for p in hosted.status()["pools"].values())
    wait_quiet(hosted, pooled)  # the last burst's refills are done
    before = hosted.status()["kernels"]
    context = ssl.create_default_context(cafile=str(hosted.proxy.cert))
    for direct in (True, False):
        base = f"http://127.0.0.1:{hosted.upstream}/ztmo" if direct else hosted.public
        urls = [base + "/", base + "/voila/render/notebooks/index.ipynb",
                base + "/voila/render/notebooks/beamer.ipynb"]
        counts = hammer(urls, context, seconds, clients)
        ok = counts.get("200", 0)
        label = "direct" if direct else "via nginx"
        print(f"  light pages {label}: {ok / seconds:.0f} answered a second ({clients} "
              f"clients; all answers: {counts}); kernels before {before}, after "
              f"{hosted.status()['kernels']}", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--sessions", type=int, default=3)
    ap.add_argument("--per-session", type=int, default=20)
    ap.add_argument("--skip-proxy", action="store_true")
    ap.add_argument("--skip-sessions", action="store_true")
    args = ap.parse_args()
    log = Path(os.environ.get("TMPDIR", "/tmp")) / "ztmo-bench-hosted"
    log.mkdir(parents=True, exist_ok=True)
    print(f"Hosted server (nginx + TLS + PostgreSQL, logs in {log})", flush=True)
    # Every kernel keeps a connection: PostgreSQL must allow a few per kernel (README).
    with PostgresCluster(fast=False, max_connections=500) as pg:
        if not args.skip_proxy:
            proxy_vs_direct(pg.url, args.n, args.rounds, log)
        if not args.skip_sessions:
            several_sessions(pg.url, args.sessions, args.per_session, log)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
