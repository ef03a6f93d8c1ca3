"""A burst: N participants open the join link at the same moment.

    python benchmarks/burst.py [--n 30 60] [--browsers 3] [--timeout 90] [--rounds 3]
                               [--fill-delay S | --hold-refill]   (diagnosis only)

For each N a fresh server with the `make serve` settings for N participants
(ZTMO_DEELNEMERS=N: N preheated kernels for the participant app, the default kernel
ceiling 2N+10). When its pools are full and its kernels have finished rendering, N
participants open `index.ipynb?sessie=CODE` at once: N - 3 HTTP clients and 3 real
Chromium pages. The same burst then runs against a bare one-cell notebook on a second
server with the same settings, where the bare notebook *is* notebooks/index.ipynb (only
that path gets the N preheated kernels, see ztmo.serve.kernel_pools).

Ready, per participant, measured from the common start:
- HTTP client: the whole page HTML received (status 200, not the busy page) and, on the
  kernel websocket the page's frontend opens (/api/kernels/<id>/channels?session_id=..,
  subprotocol v1.kernel.websocket.jupyter.org, with the page's cookies), a
  kernel_info_reply. The comm_info_reply the widget manager asks for next is shown too.
- Chromium: `.ztmo-identity[data-echt="1"]` in the page (the app applied the address);
  for the bare notebook `.ztmo-app` visible.
Failures: an HTTP error or busy page (503), a websocket failure, or no ready in time.
Prints p50/p95/max, failures and the ratio ours/bare (each side bursts --rounds times,
alternating which goes first; the ratio is that of the medians); also the server's slowest answer
during the burst, the CPU other programs used meanwhile (this machine is shared), and
whether the participants' kernels went when they left. Not a test: never asserts.

Diagnosis: Voila refills the pool 1 s after it hands out a kernel, so during a burst N
new kernels start and run their notebook. --fill-delay S (Voila's fill_delay) or
--hold-refill (kernel ceiling = the pools) move that work out of the burst.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, VoilaServer, free_port

WS_PROTOCOL = "v1.kernel.websocket.jupyter.org"  # what Voila's frontend asks for
CONFIG = re.compile(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>',
                    re.DOTALL)
BUSY_TEXT = "Het is even druk"
KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')  # as ztmo.serverext reads it
LEAVE_WAIT = 20  # s: how long the participants' kernels may take to go after they left


# ---- server ------------------------------------------------------------------------------

def bare_notebook() -> dict:
    """The same bare notebook as benchmarks/run.py: one cell, one widget."""
    src = "import ipywidgets as w\nb = w.HTML('klaar')\nb.add_class('ztmo-app')\nb"
    return {"cells": [{"cell_type": "code", "execution_count": None, "id": "bare", "metadata": {},
                       "outputs": [], "source": src}],
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                        "language": "python"}},
            "nbformat": 4, "nbformat_minor": 5}


def make_root(bare_as_index: bool = False) -> Path:
    """A Voila root with a copy of notebooks/ (a copy: see benchmarks/run.py) and the bare
    notebook at notebooks/bare.ipynb; with bare_as_index the bare notebook also replaces
    notebooks/index.ipynb, the one path that gets the participants' preheated pool."""
    root = Path(tempfile.mkdtemp(prefix="ztmo-burst-"))
    shutil.copytree(REPO / "notebooks", root / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    text = json.dumps(bare_notebook())
    (root / "notebooks" / "bare.ipynb").write_text(text, encoding="utf-8")
    if bare_as_index:
        (root / "notebooks" / "index.ipynb").write_text(text, encoding="utf-8")
    return root


@contextmanager
def rooted(root: Path, extra_argv: tuple[str, ...] = ()):
    """VoilaServer always serves the repository; this points its command line at `root`
    (the settings are otherwise exactly VoilaServer's, so exactly `make serve`'s), plus
    `extra_argv` for a diagnosis."""
    from ztmo import serve

    original = serve.voila_argv

    def argv(s, *args, **kwargs):
        return original(replace(s, root=root), *args, **kwargs) + list(extra_argv)

    serve.voila_argv = argv
    try:
        yield
    finally:
        serve.voila_argv = original


def start_server(root: Path, log: Path, deelnemers: int, **kwargs) -> VoilaServer:
    """Our server for `deelnemers` participants; kernel ceiling as `make serve` (2N+10)."""
    kwargs.setdefault("max_kernels", None)
    with rooted(root, kwargs.pop("extra_argv", ())):
        server = VoilaServer(free_port(), log, deelnemers=deelnemers, pool_size=0, **kwargs)
    server.settings = replace(server.settings, root=root)
    try:
        server.wait_ready()
    except BaseException:
        stop_server(server)
        raise
    return server


def stop_server(server: VoilaServer) -> tuple[float, int]:
    """Stop the server; (seconds it took, kernels left behind and ended here by pid)."""
    import psutil

    kernels = kernel_procs(server)
    t = time.monotonic()
    server.stop()
    took = time.monotonic() - t
    _, alive = psutil.wait_procs(kernels, timeout=10)
    for p in alive:
        try:
            p.kill()
        except psutil.Error:
            pass
    return took, len(alive)


def kernel_procs(server: VoilaServer) -> list:
    """The server's kernel processes (children running ipykernel_launcher)."""
    import psutil

    out = []
    for child in psutil.Process(server.proc.pid).children(recursive=True):
        try:
            if "ipykernel_launcher" in " ".join(child.cmdline()):
                out.append(child)
        except psutil.Error:
            continue
    return out


def server_cpu(server: VoilaServer) -> float:
    """CPU seconds used so far by the server and everything it started."""
    import psutil

    total = 0.0
    try:
        procs = [psutil.Process(server.proc.pid)]
        procs += procs[0].children(recursive=True)
    except psutil.Error:
        return 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.Error:
            continue
    return total


def wait_pools_full(server: VoilaServer, expect: dict[str, int], timeout: float = 420) -> float:
    """Seconds until every pool is full (status: klaar == totaal == expected) and the
    preheated kernels have finished running their notebooks (the server's CPU is quiet:
    a pool place counts as "klaar" as soon as its kernel started, before the render)."""
    start = time.monotonic()
    deadline = start + timeout
    while time.monotonic() < deadline:
        try:
            pools = server.status()["pools"]
        except OSError:  # too busy starting kernels to answer within 10 s: ask again
            continue
        if all(pools.get(nb, {}).get("klaar") == pools.get(nb, {}).get("totaal") == n
               for nb, n in expect.items()):
            break
        time.sleep(1)
    else:
        raise TimeoutError(f"pools not full: {server.status()}")
    while time.monotonic() < deadline:
        before = server_cpu(server)
        time.sleep(3)
        if (server_cpu(server) - before) / 3 < 0.15:  # under 15 % of one core
            return time.monotonic() - start
    raise TimeoutError("the server did not become quiet")


def expected_pools(server: VoilaServer, n: int) -> dict[str, int]:
    from ztmo.serve import PARTICIPANT_APP, kernel_pools

    pools = {nb: cfg["pool_size"] for nb, cfg in kernel_pools(server.settings).items()
             if nb != "default"}
    assert pools[PARTICIPANT_APP] == n
    return {nb: k for nb, k in pools.items() if k > 0}


class StallProbe:
    """Asks the server's status endpoint every 0.5 s from a thread during the burst:
    the slowest answer shows how long the server's event loop was too busy to answer
    anything (every page, websocket and kernel message goes through that one loop)."""

    def __init__(self, server: VoilaServer):
        import threading

        self.server, self.worst = server, (0.0, 0.0)  # (seconds, when after start)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        t0 = time.perf_counter()
        while not self._stop.is_set():
            t = time.perf_counter()
            with suppress(Exception):  # a timeout is a stall too
                self.server.status()
            took = time.perf_counter() - t
            if took > self.worst[0]:
                self.worst = (took, t - t0)
            self._stop.wait(0.5)

    def start(self) -> None:
        self._cpu = (busy_cpu(), own_cpu())
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=15)
        busy, own = busy_cpu() - self._cpu[0], own_cpu() - self._cpu[1]
        self.others = (max(0.0, busy - own), busy)  # CPU seconds: other programs, all


def busy_cpu() -> float:
    """CPU seconds the whole machine has been busy (all cores)."""
    import psutil

    t = psutil.cpu_times()
    return sum(t) - t.idle - getattr(t, "iowait", 0.0)


def own_cpu() -> float:
    """CPU seconds of this benchmark and everything it started (server, kernels, browser)."""
    import psutil

    total = 0.0
    me = psutil.Process()
    for p in [me, *me.children(recursive=True)]:
        with suppress(psutil.Error):
            t = p.cpu_times()
            total += t.user + t.system
    return total


# ---- participants ---------------------------------------------------------------------

@dataclass
class Result:
    kind: str                 # "http" | "chromium"
    ready: float | None = None
    page: float | None = None  # HTML complete
    ws: float | None = None    # websocket open (HTTP clients)
    comm: float | None = None  # comm_info_reply (HTTP clients)
    failure: str = ""
    kernel_id: str = ""


async def ws_request(ws, msg_type: str, content: dict, session: str) -> dict:
    """Send one shell request over the v1 websocket protocol and wait for its reply."""
    from jupyter_server.services.kernels.connection.base import (
        deserialize_msg_from_ws_v1,
        serialize_msg_to_ws_v1,
    )

    msg_id = uuid.uuid4().hex
    header = {"msg_id": msg_id, "msg_type": msg_type, "username": "", "session": session,
              "date": "", "version": "5.3"}
    parts = [json.dumps(x).encode() for x in (header, {}, {}, content)]
    await ws.send(serialize_msg_to_ws_v1(parts, "shell"))
    reply_type = msg_type.replace("_request", "_reply")
    while True:
        raw = await ws.recv()
        if isinstance(raw, str):
            continue
        channel, frames = deserialize_msg_from_ws_v1(raw)
        if channel != "shell" or len(frames) < 2:
            continue
        parent = json.loads(frames[1])
        if parent.get("msg_id") == msg_id:
            head = json.loads(frames[0])
            if head.get("msg_type") == reply_type:
                return json.loads(frames[3]) if len(frames) > 3 else {}


async def http_participant(client, server: VoilaServer, url: str, t0: float,
                           holds: list, ssl_context=None) -> Result:
    import websockets

    res = Result("http")
    try:
        r = await client.get(url)
        body = r.text
        if r.status_code != 200 or BUSY_TEXT in body:
            res.failure = f"HTTP {r.status_code}" + (" (busy page)" if BUSY_TEXT in body else "")
            return res
        res.page = time.perf_counter() - t0
        found = CONFIG.search(body)
        config = json.loads(found.group(1)) if found else {}
        kernel_id = config.get("kernelId", "")
        if not kernel_id:
            res.failure = "no kernel id in the page"
            return res
        res.kernel_id = kernel_id
        base = config.get("baseUrl", "/")
        session = uuid.uuid4().hex
        ws_url = (server.base.replace("http", "ws", 1) + base.rstrip("/")
                  + f"/api/kernels/{kernel_id}/channels?session_id={session}")
        cookies = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        ws = await websockets.connect(
            # No client pings: a browser's WebSocket sends none either.
            ws_url, subprotocols=[WS_PROTOCOL], max_size=None, open_timeout=None,
            ping_interval=None, close_timeout=2, ssl=ssl_context,
            additional_headers={"Cookie": cookies, "Origin": server.base})
        holds.append((ws, kernel_id))
        res.ws = time.perf_counter() - t0
        await ws_request(ws, "kernel_info_request", {}, session)
        res.ready = time.perf_counter() - t0
        await ws_request(ws, "comm_info_request", {"target_name": "jupyter.widget"}, session)
        res.comm = time.perf_counter() - t0
    except Exception as exc:  # noqa: BLE001 - every kind of trouble is one failure
        res.failure = f"{type(exc).__name__}: {exc}"[:120]
    return res


async def chromium_participant(page, url: str, selector: str, state: str, t0: float,
                               timeout_ms: float) -> Result:
    res = Result("chromium")
    response = None
    try:
        response = await page.goto(url, wait_until="commit", timeout=timeout_ms)
        if response is None or response.status != 200:
            res.failure = f"HTTP {response.status if response else '?'}"
            return res
        await page.wait_for_selector(selector, state=state, timeout=timeout_ms)
        res.ready = time.perf_counter() - t0
        res.page = res.ready
    except Exception as exc:  # noqa: BLE001
        res.failure = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"[:120]
    with suppress(Exception):  # also for a page that never got ready: whose kernel is it?
        found = KERNEL_ID.search(await asyncio.wait_for(response.text(), 5))
        res.kernel_id = found.group(1) if found else ""
    return res


async def burst(browser, server: VoilaServer, n: int, n_browsers: int, query: str,
                bare: bool, timeout: float, ssl_context=None,
                queries: list[str] | None = None) -> tuple[list[Result], dict]:
    """``ssl_context``: trust for an https server (the hosted benchmark); ``queries``: one
    query per participant (several sessions at once) instead of ``query`` for all."""
    import httpx

    urls = [server.url("index.ipynb", q) for q in (queries or [query] * n)]
    selector, state = ((".ztmo-app", "visible") if bare
                       else ('.ztmo-identity[data-echt="1"]', "attached"))
    contexts = [await browser.new_context(viewport={"width": 390, "height": 844},
                                          ignore_https_errors=ssl_context is not None)
                for _ in range(n_browsers)]
    pages = [await c.new_page() for c in contexts]
    clients = [httpx.AsyncClient(timeout=httpx.Timeout(timeout),
                                 verify=ssl_context if ssl_context is not None else True)
               for _ in range(n - n_browsers)]
    holds: list = []
    probe = StallProbe(server)
    probe.start()
    t0 = time.perf_counter()
    tasks = [http_participant(c, server, u, t0, holds, ssl_context)
             for c, u in zip(clients, urls)]
    # The browsers get a little less time, so that they can still tell their kernel id.
    tasks += [chromium_participant(p, u, selector, state, t0, (timeout - 8) * 1000)
              for p, u in zip(pages, urls[len(clients):])]
    gathered = asyncio.gather(*[asyncio.wait_for(t, timeout) for t in tasks],
                              return_exceptions=True)
    results: list[Result] = []
    for i, r in enumerate(await gathered):
        if isinstance(r, BaseException):
            kind = "http" if i < len(clients) else "chromium"
            r = Result(kind, failure=f"timeout after {timeout:.0f} s"
                       if isinstance(r, asyncio.TimeoutError) else repr(r)[:120])
        results.append(r)
    probe.stop()
    after = {"during": server.status(), "stall": probe.worst, "others": probe.others,
             "seconds": time.perf_counter() - t0}
    # Leave: close the websockets and say goodbye as the page script does (POST to
    # Voila's shutdown endpoint with the _xsrf cookie); close the browser pages.
    async def close(ws) -> None:
        with suppress(Exception):
            await ws.close()

    await asyncio.gather(*[close(ws) for ws, _kernel_id in holds])

    async def goodbye(client, r: Result) -> None:
        if r.kernel_id:
            xsrf = client.cookies.get("_xsrf", "")
            with suppress(Exception):
                await client.post(f"{server.base}{getattr(server, 'prefix', '')}"
                                  f"/voila/api/shutdown/{r.kernel_id}",
                                  data={"_xsrf": xsrf}, headers={"X-XSRFToken": xsrf})
        await client.aclose()

    await asyncio.gather(*[goodbye(c, r) for c, r in zip(clients, results)],
                         *[c.close() for c in contexts])
    # Gone means: no kernel process of theirs left, and no more kernels than the pools.
    start = time.monotonic()
    while True:
        alive = " ".join(" ".join(p.cmdline()) for p in kernel_procs(server))
        behind = [r.kind + (" (never ready)" if r.failure else "")
                  for r in results if r.kernel_id and r.kernel_id in alive]
        st = server.status()
        extra = st["kernels"] - sum(p["totaal"] for p in st["pools"].values())
        if (not behind and extra <= 0) or time.monotonic() - start >= LEAVE_WAIT:
            break
        await asyncio.sleep(1)
    after.update(left=st, left_after_s=time.monotonic() - start, left_behind=behind,
                 extra=max(0, extra))
    return results, after


# ---- figures ----------------------------------------------------------------------------

def pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def stats(results: list[Result], kind: str | None = None, attr: str = "ready") -> dict:
    rs = [r for r in results if kind is None or r.kind == kind]
    xs = [getattr(r, attr) for r in rs if not r.failure and getattr(r, attr) is not None]
    return {"n": len(rs), "ok": len(xs), "p50": pct(xs, 0.5), "p95": pct(xs, 0.95),
            "max": max(xs) if xs else float("nan"),
            "failed": [r.failure for r in rs if r.failure]}


def line(label: str, s: dict) -> str:
    return (f"    {label:<34} p50 {s['p50']:5.2f}  p95 {s['p95']:5.2f}  max {s['max']:5.2f} s"
            f"   ({s['ok']}/{s['n']} ready)")


def run_one(browser_factory, n: int, n_browsers: int, bare: bool, timeout: float,
            logdir: Path, hold_refill: bool = False, fill_delay: float | None = None) -> dict:
    from ztmo.serve import ServeSettings, kernel_pools
    from ztmo.store import Store

    label = "bare" if bare else "ours"
    root = make_root(bare_as_index=bare)
    cap = None  # as `make serve`: 2N + 10
    if hold_refill:
        pools = kernel_pools(ServeSettings(deelnemers=n, pool_size=0, root=root))
        cap = sum(v["pool_size"] for nb, v in pools.items() if nb != "default")
    t_start = time.monotonic()
    extra = (f"--VoilaKernelManager.fill_delay={fill_delay}",) if fill_delay is not None else ()
    server = start_server(root, logdir / f"{label}-{n}.log", deelnemers=n, max_kernels=cap,
                          extra_argv=extra)
    try:
        fill = wait_pools_full(server, expected_pools(server, n))
        up = time.monotonic() - t_start
        store = Store.from_env()
        session = store.create_session(f"Burst {n}")
        # The trainer says how many come: the session's kernel budget follows (ztmo.gate).
        store.update_state(session.code, "verwacht", lambda old: str(n))
        t_burst = time.monotonic()
        results, after = asyncio.run(browser_factory(server, n, n_browsers,
                                                     f"sessie={session.code}", bare, timeout))
        burst_s = time.monotonic() - t_burst
    finally:
        stopped = stop_server(server)
        shutil.rmtree(root, ignore_errors=True)
    return {"results": results, "after": after, "fill": fill, "up": up, "stopped": stopped,
            "burst_s": burst_s, "total_s": time.monotonic() - t_start}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, nargs="+", default=[30, 60])
    ap.add_argument("--browsers", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=90,
                    help="seconds a participant may take before counting as failed")
    ap.add_argument("--fill-delay", type=float, default=None,
                    help="diagnosis: seconds Voila waits before refilling the pool after "
                         "handing out a kernel (Voila's default: 1)")
    ap.add_argument("--hold-refill", action="store_true",
                    help="diagnosis: kernel ceiling = the pools, so Voila's refill of the "
                         "pool waits until participants leave instead of running in the burst")
    ap.add_argument("--rounds", type=int, default=3,
                    help="bursts per N for each side, alternating ours and bare; the ratio "
                         "is that of the medians (one burst of small numbers is noisy)")
    args = ap.parse_args()
    os.environ["ZTMO_DATA_DIR"] = tempfile.mkdtemp(prefix="ztmo-burst-data-")
    os.environ.pop("ZTMO_DATABASE_URL", None)
    logdir = Path(tempfile.mkdtemp(prefix="ztmo-burst-logs-"))

    from playwright.async_api import async_playwright

    async def with_browser(server, n, n_browsers, query, bare, timeout):
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                # Warm the browser itself once (first page costs extra), off the clock.
                ctx = await browser.new_context()
                await (await ctx.new_page()).goto(server.base + "/")
                await ctx.close()
                return await burst(browser, server, n, n_browsers, query, bare, timeout)
            finally:
                await browser.close()

    began = time.monotonic()
    print("ZTMO burst benchmark (one run, this machine: "
          f"{os.cpu_count()} cores); times in seconds from the common start")
    print(f"  participants = HTTP clients (page + kernel websocket) + {args.browsers} Chromium pages;"
          f" ZTMO_DEELNEMERS = N, pool_size 0, kernel ceiling "
          f"{'= the pools (refill held back: diagnosis)' if args.hold_refill else '2N+10'};"
          f" timeout {args.timeout:.0f} s"
          + (f"; pool refill after {args.fill_delay:g} s (diagnosis)"
             if args.fill_delay is not None else ""))
    for n in args.n:
        rounds: list[dict] = []
        for k in range(max(1, args.rounds)):
            order = (False, True) if k % 2 == 0 else (True, False)  # neither always first
            rounds.append({bare: run_one(with_browser, n, args.browsers, bare, args.timeout,
                                         logdir, args.hold_refill, args.fill_delay)
                           for bare in order})
        runs = rounds[0]
        print(f"\n  N = {n} (round 1 of {len(rounds)} in full)")
        for bare, run in runs.items():
            res = run["results"]
            label = "bare one-cell notebook" if bare else "participant app (index.ipynb)"
            print(f"   {label}: server up and pools full in {run['up']:.0f} s; burst and "
                  f"leaving {run['burst_s']:.0f} s; {run['total_s']:.0f} s in all")
            print(line("all participants, ready", stats(res)))
            print(line("HTTP: page HTML complete", stats(res, "http", "page")))
            print(line("HTTP: + websocket open", stats(res, "http", "ws")))
            print(line("HTTP: + kernel_info_reply (ready)", stats(res, "http")))
            print(line("HTTP: + comm_info_reply", stats(res, "http", "comm")))
            print(line("Chromium: app ready", stats(res, "chromium")))
            failed = stats(res)["failed"]
            print(f"    failures: {len(failed)}" + (f"  {sorted(set(failed))[:4]}" if failed else ""))
            during, left = run["after"]["during"], run["after"]["left"]
            print(f"    kernels after the burst: {during['kernels']} (cap {during['max_kernels']}, "
                  f"pools {json.dumps(during['pools'])}); after the participants left: "
                  f"{left['kernels']} ({run['after']['left_after_s']:.0f} s later)")
            behind, extra = run["after"]["left_behind"], run["after"]["extra"]
            if behind or extra > 0:
                kinds = {k: behind.count(k) for k in sorted(set(behind))}
                print(f"    NOT GONE {LEAVE_WAIT} s after the participants left: their kernels "
                      f"{kinds or 'none known'}; kernels beyond the pools: {extra}")
            stall, when = run["after"]["stall"]
            print(f"    server's slowest answer during the burst: {stall:.1f} s "
                  f"(status endpoint, asked every 0.5 s; at {when:.0f} s)")
            (others, busy), secs = run["after"]["others"], run["after"]["seconds"]
            print(f"    CPU during the burst ({secs:.0f} s): {busy:.0f} core-s busy, of which "
                  f"{others:.0f} core-s by other programs on this machine"
                  + ("  <- not a quiet machine: figures disturbed" if others > 0.1 * busy else ""))
            took, orphans = run["stopped"]
            print(f"    server stopped in {took:.0f} s" + (f"; {orphans} kernel processes outlived "
                  "it (ended here)" if orphans else "; no kernel process outlived it"))
        import statistics

        per = {"ours": [], "bare": [], "chromium ours": [], "chromium bare": []}
        withins, failures = [], 0
        for k, run in enumerate(rounds, start=1):
            ours, bare = stats(run[False]["results"]), stats(run[True]["results"])
            per["ours"].append(ours)
            per["bare"].append(bare)
            per["chromium ours"].append(stats(run[False]["results"], "chromium"))
            per["chromium bare"].append(stats(run[True]["results"], "chromium"))
            within = sum(1 for r in run[False]["results"] if not r.failure
                         and r.ready is not None and r.ready <= 5.0)
            withins.append(within)
            failures += len(ours["failed"])
            print(f"   round {k}: ours p50 {ours['p50']:.2f} p95 {ours['p95']:.2f} max "
                  f"{ours['max']:.2f} s ({within}/{n} within 5 s, {len(ours['failed'])} failed);"
                  f" bare p50 {bare['p50']:.2f} p95 {bare['p95']:.2f} max {bare['max']:.2f} s")

        def med(side: str, q: str, per=per) -> float:
            return statistics.median(x[q] for x in per[side])

        print(f"   ratio ours/bare (medians of {len(rounds)} rounds): p50 "
              f"{med('ours', 'p50') / med('bare', 'p50'):.2f}, p95 "
              f"{med('ours', 'p95') / med('bare', 'p95'):.2f}  (Chromium only: p50 "
              f"{med('chromium ours', 'p50') / med('chromium bare', 'p50'):.2f}); "
              "target <= 1.2")
        print(f"   ready within 5 s: {min(withins)}/{n} in the worst round; failed: {failures}"
              f" in all rounds  (target at N = 60: 60/60 within 5 s, none failed)")
    print(f"\n  (run time {time.monotonic() - began:.0f} s; server logs in {logdir})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
