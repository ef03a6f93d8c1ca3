"""Store under a group's load: N participant processes save answers at the same moment.

    python benchmarks/store.py [--n 30] [--answers 5]

Each participant is a separate process (spawn, like a kernel of its own) with its own
Store: it joins, waits until everyone has joined, then saves its answers one after the
other. Prints, per backend, the save latency (p50/p95, ms), the throughput (answers/s
over the saving phase) and how many answers went missing ("verloren", must be 0).
SQLite in a temporary file; PostgreSQL from $ZTMO_TEST_DATABASE_URL or a throwaway
cluster started like the test fixture (with fsync on, so both backends pay for their
disk). Not a test: figures go in the closing note, never into an assertion.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.store.conftest import TEST_URL_VAR, PostgresCluster, run_group
from ztmo.store import Store


def measure(label: str, url: str, n: int, answers_each: int) -> None:
    with Store(url) as store:
        session = store.create_session(f"benchmark {label}")
        results = run_group(url, session.code, n, answers_each)
        latencies = sorted(x * 1000 for _, lat, _, _ in results for x in lat)
        began = min(r[2] for r in results)
        ended = max(r[3] for r in results)
        lost = n * answers_each - len(store.answers(session.code))
        store.delete_session(session.code, session.trainer_key)
    q = statistics.quantiles(latencies, n=20)
    print(f"{label:<11} deelnemers: {n}  antwoorden: {len(latencies)}  "
          f"p50: {statistics.median(latencies):.1f} ms  p95: {q[18]:.1f} ms  "
          f"max: {latencies[-1]:.1f} ms  {len(latencies) / (ended - began):.0f} antwoorden/s  "
          f"verloren: {lost}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30, help="aantal deelnemers (processen)")
    parser.add_argument("--answers", type=int, default=5, help="antwoorden per deelnemer")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        measure("SQLite", f"sqlite:///{Path(tmp) / 'ztmo.sqlite3'}", args.n, args.answers)

    given = os.environ.get(TEST_URL_VAR, "").strip()
    if given:
        measure("PostgreSQL", given, args.n, args.answers)
        return 0
    cluster = PostgresCluster(fast=False)
    try:
        url = cluster.start()
    except (RuntimeError, OSError) as exc:
        print(f"PostgreSQL  overgeslagen: {exc}")
        return 0
    try:
        measure("PostgreSQL", url, args.n, args.answers)
    finally:
        cluster.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
