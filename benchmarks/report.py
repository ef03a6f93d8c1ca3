"""`make bench`: the report of a session of 60 participants, ours against the naive way.

    python benchmarks/report.py [--rounds 3] [--participants 60]

Measured in one run, on this machine, with the same notebook, session and database:
- ours: `ztmo verslag CODE --uit MAP --geen-pdf --opnieuw` as a user runs it (a subprocess):
  Papermill on a kernel that starts while the command loads Papermill and our nbconvert
  exporter, our template (no inputs, no scripts), the other-host check, an atomic write.
- naive: `papermill verslag.ipynb out.ipynb -p sessie CODE` and then
  `jupyter nbconvert --to html --no-input out.ipynb` (two commands, as the docs show).
The rounds alternate (ours, naive, ours, ...) so a busy machine hurts both alike; the
median of each is compared. Target: ours / naive <= 0.5. The PDF is left out of both.
Not a test: figures go in the closing note, never into an assertion.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
NOTEBOOK = REPO / "notebooks" / "verslag.ipynb"
TARGET_RATIO = 0.5


def seed(participants: int) -> str:
    """A network with two meetings; the second has `participants` people who answered every
    registered activity. Rows go in with one transaction per meeting (the store's own
    one-commit-per-answer would only make the set-up slow)."""
    from ztmo import activities as acts
    from ztmo.store import Store, codes, schema

    store = Store.from_env()
    net = store.create_network("Leernetwerk Twente", region="Twente")
    meetings = [store.start_meeting(net.id, net.trainer_key, name, day)
                for name, day in (("Twente, mei", date(2026, 5, 12)),
                                  ("Twente, oktober", date(2026, 10, 6)))]
    now = datetime.now(UTC)
    for m, (number, base) in zip(meetings, ((0, 2), (1, 3)), strict=True):
        people, answers = [], []
        for i in range(participants):
            token = codes.new_token()
            people.append({"session_code": m.code, "token": token, "nickname": f"Bijnaam{i}",
                           "joined_at": now, "last_seen": now})
            for a in acts.registry().values():
                if a.kind == acts.RATING:
                    value = str(min(5, base + (i + number) % 3))
                elif a.kind == acts.TEXT:
                    value = f"Antwoord {i} over {a.label}"[: a.max_length]
                elif a.kind == acts.CHOICE:
                    value = a.choices[i % len(a.choices)]
                else:
                    value = ",".join(a.choices[:2])
                answers.append({"session_code": m.code, "participant": token,
                                "activity": a.key, "value": value, "updated_at": now,
                                "hidden": False})
        with store._engine.begin() as conn:
            conn.execute(schema.participants.insert(), people)
            conn.execute(schema.answers.insert(), answers)
        store.close_session(m.code, m.trainer_key)
    store.close()
    return meetings[-1].code


def ours(code: str, out: Path) -> float:
    argv = [str(BIN / "ztmo"), "verslag", code, "--uit", str(out), "--geen-pdf", "--opnieuw"]
    started = time.monotonic()
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        raise SystemExit(f"ztmo verslag faalde (code {done.returncode}): {done.stderr[-2000:]}")
    return seconds


def naive(code: str, out: Path) -> float:
    out.mkdir(parents=True, exist_ok=True)
    executed = out / "verslag.ipynb"
    started = time.monotonic()
    for argv in ([str(BIN / "papermill"), str(NOTEBOOK), str(executed), "-p", "sessie", code,
                  "--kernel", "python3", "--no-progress-bar"],
                 [str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input",
                  str(executed), "--output-dir", str(out)]):
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"{Path(argv[0]).name} faalde: {done.stderr[-2000:]}")
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--participants", type=int, default=60)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ztmo-bench-report-"))
    os.environ["ZTMO_DATA_DIR"] = str(work / "data")
    os.environ.pop("ZTMO_DATABASE_URL", None)
    try:
        code = seed(args.participants)
        ours(code, work / "warm-up")  # compiled bytecode and disk cache for both
        load_before = os.getloadavg()[0]
        t_ours, t_naive = [], []
        for r in range(args.rounds):
            t_ours.append(ours(code, work / f"ours-{r}"))
            t_naive.append(naive(code, work / f"naive-{r}"))
        load_after = os.getloadavg()[0]
        size = (work / "ours-0" / f"verslag-{code}.html").stat().st_size
    finally:
        shutil.rmtree(work, ignore_errors=True)
    mine, theirs = statistics.median(t_ours), statistics.median(t_naive)
    print(f"ZTMO benchmark: session report (one run, this machine, {os.cpu_count()} cores)")
    print(f"  session: {args.participants} participants, every activity answered, second "
          "meeting of a network with a region")
    print(f"  ours (ztmo verslag, HTML {size // 1024} kB): median {mine:.2f} s "
          f"({', '.join(f'{t:.2f}' for t in t_ours)})")
    print(f"  naive (papermill CLI + jupyter nbconvert --no-input): median {theirs:.2f} s "
          f"({', '.join(f'{t:.2f}' for t in t_naive)})")
    print(f"  ratio ours / naive: {mine / theirs:.3f}   (target <= {TARGET_RATIO})")
    print(f"  load average (1 min) before / after: {load_before:.1f} / {load_after:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
