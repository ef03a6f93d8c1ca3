"""`make bench`: all 42 regional editions (`ztmo editie --alle`) against the naive loop.

    python benchmarks/editions.py [--subset 3] [--workers N]

Measured in one run, on this machine:
- ours: `ztmo editie --alle` into an empty folder (a subprocess, as a user runs it):
  every edition notebook for every region, executed by Papermill on warm kernels,
  plus the HTML pages and indexes.
- naive: one `papermill` CLI process per notebook per region (each starts a kernel and
  imports everything again), for the same notebooks, with the same parameters and
  ZTMO_EDITIE=1. Timed on a subset of regions and scaled to all 42, and it does NOT
  convert to HTML, so the naive figure is, if anything, too kind to the naive loop.
Prints both absolute times and the ratio ours / naive (target <= 0.25; ours < 300 s).
Not a test: figures go in the closing note, never into an assertion.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TARGET_RATIO = 0.25
TARGET_SECONDS = 300


def naive(regions, notebooks: list[str], notebooks_dir: Path, out: Path) -> float:
    """One papermill CLI run per notebook per region; returns the wall time in seconds."""
    env = dict(os.environ, ZTMO_EDITIE="1")
    started = time.monotonic()
    for region in regions:
        for rel in notebooks:
            src = notebooks_dir / rel
            dest = out / region.code / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            subprocess.run([str(BIN / "papermill"), str(src), str(dest), "-p", "regio",
                            region.code, "--cwd", str(src.parent), "--no-progress-bar",
                            "--kernel", "python3"],
                           env=env, check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
    return time.monotonic() - started


def ours(out: Path, workers: int | None) -> float:
    """`ztmo editie --alle` as a user runs it; returns the wall time in seconds."""
    argv = [str(BIN / "ztmo"), "editie", "--alle", "--uit", str(out)]
    if workers:
        argv += ["--workers", str(workers)]
    started = time.monotonic()
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        print(done.stdout + done.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"ztmo editie --alle faalde (code {done.returncode})")
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subset", type=int, default=3, help="regions for the naive loop")
    parser.add_argument("--workers", type=int, help="workers for ztmo editie (default: cores)")
    args = parser.parse_args()

    from ztmo.editions import layout, render
    from ztmo.regions import load_regions

    regions = list(load_regions())
    notebooks = layout.edition_notebooks(render.DEFAULT_NOTEBOOKS)
    step = max(1, len(regions) // args.subset)
    subset = regions[::step][: args.subset]
    work = Path(tempfile.mkdtemp(prefix="ztmo-bench-editions-"))
    try:
        load_before = os.getloadavg()[0]
        t_naive = naive(subset, notebooks, render.DEFAULT_NOTEBOOKS, work / "naive")
        t_ours = ours(work / "edities", args.workers)
        load_after = os.getloadavg()[0]
        pages = len(list((work / "edities").glob("*/index.html")))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    per_nb = t_naive / (len(subset) * len(notebooks))
    naive_all = per_nb * len(regions) * len(notebooks)
    ratio = t_ours / naive_all
    print("ZTMO benchmark: regional editions (one run, this machine, "
          f"{os.cpu_count()} cores)")
    print(f"  notebooks per edition: {len(notebooks)} ({', '.join(notebooks)})")
    print(f"  naive loop (papermill CLI per notebook, no HTML): {t_naive:.1f} s for "
          f"{len(subset)} regions ({', '.join(r.code for r in subset)}) = {per_nb:.2f} s per "
          f"notebook; scaled to {len(regions)} regions: {naive_all:.0f} s")
    print(f"  ours (ztmo editie --alle, with HTML): {t_ours:.1f} s for {len(regions)} regions "
          f"({pages} editions written)   (target < {TARGET_SECONDS} s)")
    print(f"  ratio ours / naive: {ratio:.3f}   (target <= {TARGET_RATIO})")
    print(f"  load average (1 min) before / after: {load_before:.1f} / {load_after:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
