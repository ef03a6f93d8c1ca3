"""A walk: 20 participants go through every activity; kernels and kernel memory per step.

    python benchmarks/walk.py [--participants 20]

One server with the `make serve` settings for 20 participants (ZTMO_DEELNEMERS=20,
pool_size 0, ceiling 2N+10). 20 participants in one headless Chromium (a context each,
phone size) open the join link, join the session, then all move step by step through
start -> pijler1 -> pijler2 -> pijler3 -> scan -> duo -> groep -> regio by clicking the
menu link, each waiting until its view is on the screen. After each step: live kernels
(server status), the memory of the kernel processes (children of the Voila process that
run ipykernel_launcher): RSS, and PSS from /proc/<pid>/smaps_rollup (shared pages split
between the processes that share them; RSS counts them in full in each), per
participant, and whether kernels <= participants + pool. At the end the pages close and
the kernels are counted again 30 s later.

Then, outside the server: what importing costs (`python -X importtime`, top 10 by
cumulative time) and the memory of one kernel, bare and with the journey built, view by
view. Not a test: never asserts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from burst import (
    busy_cpu,
    expected_pools,
    kernel_procs,
    make_root,
    own_cpu,
    start_server,
    stop_server,
    wait_pools_full,
)

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

STEPS = ["start", "pijler1", "pijler2", "pijler3", "scan", "duo", "groep", "regio"]
VIEW = {"start": ".ztmo-start", "pijler1": ".ztmo-pillar", "pijler2": ".ztmo-pillar",
        "pijler3": ".ztmo-pillar", "scan": ".ztmo-scan", "duo": ".ztmo-duo",
        "groep": ".ztmo-group-profile-app", "regio": ".ztmo-region"}
TIMEOUT = 120_000  # ms
KERNEL_FILE = re.compile(r"kernel-([0-9a-f-]{36})\.json")
HEAVY = ("voila", "jupyter_server", "nbconvert", "jupyterlab_server", "jsonschema",
         "rfc3987_syntax", "debugpy", "sqlalchemy", "yaml", "numpy", "pandas", "altair",
         "vl_convert", "pyarrow", "psycopg", "ztmo.store", "ztmo.regions", "ztmo.figures")


# ---- memory -----------------------------------------------------------------------------

def pss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def kernel_memory(server, participant_ids: set[str]) -> dict:
    """RSS and PSS (MB) of all kernel processes and of the participants' own kernels."""
    out = {"all_rss": 0.0, "all_pss": 0.0, "own_rss": 0.0, "own_pss": 0.0, "own_n": 0,
           "procs": 0, "own_max_rss": 0.0}
    for proc in kernel_procs(server):
        try:
            cmd = " ".join(proc.cmdline())
        except Exception:  # noqa: BLE001, S112 - gone meanwhile
            continue
        rss, pss = rss_kb(proc.pid), pss_kb(proc.pid)
        if rss is None:
            continue
        pss = pss if pss is not None else rss
        out["procs"] += 1
        out["all_rss"] += rss / 1024
        out["all_pss"] += pss / 1024
        found = KERNEL_FILE.search(cmd)
        if found and found.group(1) in participant_ids:
            out["own_n"] += 1
            out["own_rss"] += rss / 1024
            out["own_pss"] += pss / 1024
            out["own_max_rss"] = max(out["own_max_rss"], rss / 1024)
    return out


def modules_in_kernel(server, kernel_id: str) -> str:
    """Which of HEAVY a running kernel has imported (a silent request: the participant's
    page sees nothing of it)."""
    from jupyter_client import BlockingKernelClient

    for proc in kernel_procs(server):
        cmd = proc.cmdline()
        if kernel_id and any(kernel_id in part for part in cmd) and "-f" in cmd:
            kc = BlockingKernelClient(connection_file=cmd[cmd.index("-f") + 1])
            kc.load_connection_file()
            kc.start_channels()
            try:
                expr = f"sorted(m for m in {HEAVY!r} if m in __import__('sys').modules)"
                msg_id = kc.execute("", silent=True, store_history=False,
                                    user_expressions={"m": expr})
                reply = kc.get_shell_msg(timeout=30)
                while reply["parent_header"].get("msg_id") != msg_id:
                    reply = kc.get_shell_msg(timeout=30)
                data = reply["content"]["user_expressions"]["m"]["data"]["text/plain"]
                return ", ".join(json.loads(data.replace("'", '"')))
            finally:
                kc.stop_channels()
    return "?"


# ---- the walk -----------------------------------------------------------------------------

async def open_and_join(page, url: str, code: str) -> str:
    await page.goto(url, wait_until="commit", timeout=TIMEOUT)
    await page.wait_for_selector('.ztmo-identity[data-echt="1"]', state="attached",
                                 timeout=TIMEOUT)
    await page.locator(".ztmo-join-code input").fill(code)
    await page.locator("button.ztmo-join-submit").click()
    await page.wait_for_selector(".ztmo-joined", timeout=TIMEOUT)
    await page.wait_for_function("() => /deelnemer=/.test(location.search)", timeout=TIMEOUT)
    cfg = await page.locator("#jupyter-config-data").text_content()
    return json.loads(cfg or "{}").get("kernelId", "")


async def go(page, step: str) -> None:
    await page.locator(f".ztmo-menu a[data-ztmo-stap='{step}']").click()
    await page.wait_for_selector(f".ztmo-stage .ztmo-step-anchor[data-step='view:{step}']",
                                 state="attached", timeout=TIMEOUT)
    await page.wait_for_selector(f".ztmo-stage {VIEW[step]}", state="visible", timeout=TIMEOUT)
    await page.wait_for_function(
        f"() => (new URLSearchParams(location.search).get('stap') || 'start') === '{step}'",
        timeout=TIMEOUT)


async def walk(server, n: int, code: str, pool_total: int, at_once: int
               ) -> tuple[list[dict], tuple[float, float, float]]:
    from playwright.async_api import async_playwright

    rows: list[dict] = []
    limit = asyncio.Semaphore(at_once)  # two cores: not all 20 clicks in the same instant

    async def one(coro):
        async with limit:
            try:
                await coro
                return ""
            except Exception as exc:  # noqa: BLE001 - counted, shown once
                return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"[:100]

    async def measure(step: str, took: float, problems: list[str], ids: set[str]) -> None:
        await asyncio.sleep(1.0)  # let the kernels finish what the view started
        st = server.status()
        mem = kernel_memory(server, ids)
        rows.append({"step": step, "took": took, "status": st, "mem": mem,
                     "failed": [p for p in problems if p]})

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        contexts = [await browser.new_context(viewport={"width": 390, "height": 844},
                                              locale="nl-NL") for _ in range(n)]
        pages = [await c.new_page() for c in contexts]
        url = server.url("index.ipynb", f"sessie={code}")
        ids: list[str] = [""] * n

        async def join(i):
            ids[i] = await open_and_join(pages[i], url, code)

        cpu0 = (busy_cpu(), own_cpu(), time.monotonic())
        t = time.perf_counter()
        problems = await asyncio.gather(*[one(join(i)) for i in range(n)])
        await measure("start", time.perf_counter() - t, problems, set(ids))
        for step in STEPS[1:]:
            t = time.perf_counter()
            problems = await asyncio.gather(*[one(go(pg, step)) for pg in pages])
            await measure(step, time.perf_counter() - t, problems, set(ids))
        # Before the kernels go (their CPU time goes with them): who else used the CPU?
        busy, own = busy_cpu() - cpu0[0], own_cpu() - cpu0[1]
        cpu = (time.monotonic() - cpu0[2], busy, max(0.0, busy - own))
        loaded = await asyncio.to_thread(modules_in_kernel, server, ids[0])
        rows[-1]["loaded"] = loaded
        for c in contexts:  # the tabs close: each page says goodbye to its kernel
            await c.close()
        t_closed = time.monotonic()
        await browser.close()
    await asyncio.sleep(max(0.0, 30 - (time.monotonic() - t_closed)))
    rows.append({"step": "closed +30 s", "took": 0.0, "status": server.status(),
                 "mem": kernel_memory(server, set(ids)), "failed": []})
    return rows, cpu


# ---- import cost and one kernel's memory --------------------------------------------------

def importtime(module: str) -> tuple[float, list[tuple[float, float, str]]]:
    """(total ms, top 10 (cumulative ms, self ms, name)) for `import module`, fresh process."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "lib")}
    r = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                       capture_output=True, text=True, env=env, cwd=str(REPO), check=False)
    rows = []
    for line in r.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(\s*)(\S+)", line)
        if m:
            rows.append((int(m.group(2)) / 1000, int(m.group(1)) / 1000, len(m.group(3)),
                         m.group(4)))
    total = max((c for c, _, _, name in rows if name == module), default=float("nan"))
    # Top 10 below the module itself, by cumulative time, not counting a package twice
    # through its own submodules (name prefix).
    ranked = sorted((r for r in rows if r[3] != module), key=lambda r: -r[0])
    top: list[tuple[float, float, str]] = []
    for cum, own, _depth, name in ranked:
        if any(name.startswith(t[2] + ".") for t in top):
            continue
        top.append((cum, own, name))
        if len(top) == 10:
            break
    return total, top


def kernel_steps(chart_env: dict[str, str]) -> list[tuple[str, float, float, str]]:
    """One kernel (as Voila starts it, but without preheating): RSS/PSS bare, with
    ipywidgets, with the notebook's code run, then with each view of the journey built."""
    from jupyter_client.manager import KernelManager

    # Like the server's kernels: IPC sockets (here in a private temp folder).
    km = KernelManager(kernel_name="python3", transport="ipc",
                       ip=str(Path(tempfile.mkdtemp(prefix="ztmo-k-")) / "kernel"))
    env = {**os.environ, **chart_env, "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
    km.start_kernel(env=env, cwd=str(REPO / "notebooks"))
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=120)
    pid = km.provisioner.process.pid
    out: list[tuple[str, float, float, str]] = []

    def run(code: str) -> str:
        reply = kc.execute_interactive(code, timeout=120, output_hook=lambda m: None)
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"{code[:60]}: {reply['content'].get('evalue')}")
        return ""

    def heavy() -> str:
        msg_id = kc.execute("import sys, json; print(json.dumps(sorted(m for m in "
                            f"{HEAVY!r} if m in sys.modules)))")
        text = ""
        while True:
            m = kc.get_iopub_msg(timeout=60)
            if m["parent_header"].get("msg_id") != msg_id:
                continue
            if m["msg_type"] == "stream":
                text += m["content"]["text"]
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                break
        return ", ".join(json.loads(text or "[]")) or "-"

    def note(label: str) -> None:
        time.sleep(0.5)
        out.append((label, (rss_kb(pid) or 0) / 1024, (pss_kb(pid) or 0) / 1024, heavy()))

    try:
        note("bare ipykernel")
        run("import ipywidgets")
        note("+ import ipywidgets")
        nb = json.loads((REPO / "notebooks" / "index.ipynb").read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                run("".join(cell["source"]))
        note("+ index.ipynb run (start view)")
        run("import websockets.sync.client")
        note("+ import websockets.sync.client (as preheated: ztmo.request)")
        run("from ztmo.ui.base import warm_up\nwarm_up()")
        note("+ the store opened (as preheated, before the request)")
        run("from ztmo.ui.journey import Journey\nfrom ztmo.content import load_guide\n"
            "from ztmo.params import resolve\n_j = Journey(load_guide(), resolve())")
        note("+ a Journey object to drive views")
        for step in STEPS[1:]:
            run(f"_j.show({step!r})")
            note(f"  + view {step}")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    return out


# ---- report -----------------------------------------------------------------------------

def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--participants", type=int, default=20)
    ap.add_argument("--at-once", type=int, default=5, help="clicks in flight at one time")
    args = ap.parse_args()
    n = args.participants
    os.environ["ZTMO_DATA_DIR"] = tempfile.mkdtemp(prefix="ztmo-walk-data-")
    os.environ.pop("ZTMO_DATABASE_URL", None)
    logdir = Path(tempfile.mkdtemp(prefix="ztmo-walk-logs-"))
    from ztmo.store import Store

    began = time.monotonic()
    root = make_root()
    server = start_server(root, logdir / "voila.log", deelnemers=n)
    try:
        pools = expected_pools(server, n)
        wait_pools_full(server, pools)
        pool_total = sum(pools.values())
        session = Store.from_env().create_session("Wandeling")
        rows, cpu = asyncio.run(walk(server, n, session.code, pool_total, args.at_once))
        chart_rss = (rss_kb(server.charts.pid) or 0) / 1024
        voila_rss = (rss_kb(server.proc.pid) or 0) / 1024
        chart_env = {k: v for k, v in server.env.items() if k.startswith("ZTMO_CHART")}
        steps = kernel_steps(chart_env)
    finally:
        stopped = stop_server(server)
    walked = time.monotonic() - began
    imports = {m: importtime(m) for m in ("ztmo.ui.journey", "ipywidgets", "ztmo.store",
                                          "sqlalchemy", "websockets.sync.client")}

    print("ZTMO walk benchmark (one run, this machine: "
          f"{os.cpu_count()} cores, one Chromium, {n} participants in contexts of their own)")
    print(f"  ZTMO_DEELNEMERS={n}, pool_size 0, ceiling 2N+10; preheated pools: "
          f"{json.dumps(pools)} = {pool_total}; target kernels <= {n} + {pool_total} "
          f"= {n + pool_total}, <= 80 MB per participant")
    print(f"  {'step':<13}{'took s':>7}{'kernels':>8}{'ok?':>5}{'own':>5}"
          f"{'own RSS MB':>11}{'own PSS MB':>11}{'RSS/p':>7}{'PSS/p':>7}{'max RSS':>8}"
          f"{'all RSS':>9}{'all PSS':>9}  failures")
    for r in rows:
        st, m = r["status"], r["mem"]
        own = m["own_n"]
        per_rss = m["own_rss"] / own if own else 0.0
        per_pss = m["own_pss"] / own if own else 0.0
        ok = "yes" if st["kernels"] <= n + pool_total else "NO"
        fails = r["failed"]
        print(f"  {r['step']:<13}{r['took']:7.1f}{st['kernels']:8d}{ok:>5}{own:5d}"
              f"{m['own_rss']:11.0f}{m['own_pss']:11.0f}{per_rss:7.0f}{per_pss:7.0f}"
              f"{m['own_max_rss']:8.0f}{m['all_rss']:9.0f}{m['all_pss']:9.0f}  "
              f"{len(fails)}" + (f" {fails[0]}" if fails else ""))
    loaded = next((r["loaded"] for r in rows if "loaded" in r), "?")
    print(f"  heavy modules in a participant's kernel after the walk: {loaded}")
    print("  (own = the participants' kernels; all = every kernel process, pools included;"
          " /p = per participant)")
    print(f"  beside the kernels: Voila server {voila_rss:.0f} MB RSS, shared chart renderer "
          f"{chart_rss:.0f} MB RSS (one per server)")
    took, orphans = stopped
    print(f"  server stopped in {took:.0f} s; kernel processes that outlived it: {orphans}")
    print(f"  CPU during the walk ({cpu[0]:.0f} s): {cpu[1]:.0f} core-s busy, of which "
          f"{cpu[2]:.0f} core-s by other programs on this machine"
          + ("  <- not a quiet machine: the step times are disturbed" if cpu[2] > 0.1 * cpu[1]
             else ""))
    print(f"  (walk part: {walked:.0f} s; logs in {logdir})")

    print("\n  One kernel, outside the server (same kernelspec, shared chart renderer):")
    print(f"    {'state':<34}{'RSS MB':>7}{'PSS MB':>8}  heavy modules loaded")
    for label, rss, pss, heavy in steps:
        print(f"    {label:<34}{rss:7.0f}{pss:8.0f}  {heavy}")

    print("\n  Import cost (python -X importtime, fresh process; ms cumulative / self):")
    for module, (total, top) in imports.items():
        print(f"    import {module}: {total:.0f} ms in all; top 10 below it:")
        for cum, own, name in top:
            print(f"      {cum:7.0f} {own:6.0f}  {name}")
    print(f"\n  (run time {time.monotonic() - began:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
