"""Store fixtures: every test runs on SQLite and on PostgreSQL, each time on an empty database.

PostgreSQL comes from $ZTMO_TEST_DATABASE_URL, else from a throwaway cluster started here
(Debian's `postgresql` package; `make install-test` installs it). The plain helpers
(`PostgresCluster`, `participant_worker`) are also used by benchmarks/store.py.
"""

from __future__ import annotations

import glob
import multiprocessing
import os
import queue
import shutil
import socket
import subprocess
import tempfile
import time
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Self

import pytest

from ztmo import activities
from ztmo.store import Store

# Distinct registered free-text activities: concurrent writers each save these in turn.
SAVE_KEYS = sorted(activities.free_text_keys())

TEST_URL_VAR = "ZTMO_TEST_DATABASE_URL"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def find_pg_bin() -> Path | None:
    """The newest /usr/lib/postgresql/*/bin with initdb, or initdb on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


class PostgresCluster:
    """A throwaway PostgreSQL cluster in a temporary directory, on a free local port.

    PostgreSQL refuses to run as root, so as root the server runs as user `postgres`.
    ``fast=True`` turns off fsync: fine for tests (a crashed test server is thrown away),
    wrong for benchmarks that should pay the same disk cost as SQLite.
    """

    def __init__(self, fast: bool = True, max_connections: int | None = None):
        self.fast = fast
        self.max_connections = max_connections  # Debian's default is 100
        self.dir: Path | None = None
        self.port = 0
        self.bin = find_pg_bin()

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _as_server_user(self) -> list[str]:
        return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def start(self) -> str:
        """Start the cluster and return its URL; raises RuntimeError with a readable reason."""
        if self.bin is None:
            raise RuntimeError("PostgreSQL (initdb) is niet geïnstalleerd: "
                               "installeer het Debian-pakket 'postgresql'")
        if os.geteuid() == 0 and shutil.which("runuser") is None:
            raise RuntimeError("runuser ontbreekt: PostgreSQL kan niet als root draaien")
        # Short path in /tmp: the server user must reach it, and socket paths are limited.
        self.dir = Path(tempfile.mkdtemp(prefix="ztmo-pg-", dir="/tmp" if os.geteuid() == 0 else None))
        if os.geteuid() == 0:
            shutil.chown(self.dir, user="postgres", group="postgres")
        data = self.dir / "data"
        self.port = free_port()
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        if self.fast:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        if self.max_connections:
            options += f" -c max_connections={self.max_connections}"
        steps = [
            [str(self.bin / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
             "--no-sync", "-E", "UTF8", "--locale=C"],
            [str(self.bin / "pg_ctl"), "-D", str(data), "-o", options, "-l",
             str(self.dir / "server.log"), "-w", "-t", "60", "start"],
        ]
        for argv in steps:
            done = subprocess.run(self._as_server_user() + argv, capture_output=True, text=True,
                                  cwd=self.dir, check=False)
            if done.returncode != 0:
                log = self.dir / "server.log"
                tail = log.read_text(errors="replace")[-800:] if log.exists() else ""
                self.stop()
                raise RuntimeError(f"PostgreSQL starten mislukt ({Path(argv[0]).name}): "
                                   f"{done.stderr.strip()[-800:]} {tail}")
        return self.url

    def stop(self) -> None:
        if self.dir is None:
            return
        if (self.dir / "data" / "postmaster.pid").exists() and self.bin is not None:
            subprocess.run(self._as_server_user() + [
                str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate",
                "-w", "stop"], capture_output=True, cwd=self.dir, check=False)
        shutil.rmtree(self.dir, ignore_errors=True)
        self.dir = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def reset_database(url: str) -> None:
    """Drop our tables so the next Store starts on an empty database (schema made on first use)."""
    from ztmo.store.engine import make_engine
    from ztmo.store.schema import metadata

    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            metadata.drop_all(conn)
    finally:
        engine.dispose()


def participant_worker(url: str, code: str, n_answers: int, barrier: Any, results: Any) -> None:
    """One participant in its own process: join, wait for everyone, then save answers.

    Puts (token, [seconds per save], wall-clock start, wall-clock end) on ``results``, or
    ("error", traceback, 0, 0). Top-level so the spawn start method can import it.
    """
    try:
        store = Store(url)
        token = store.join(code)
        barrier.wait()
        began = time.time()
        latencies = []
        for i in range(n_answers):
            start = time.perf_counter()
            store.save_answer(code, token, SAVE_KEYS[i % len(SAVE_KEYS)],
                              f"antwoord {i} van {token}")
            latencies.append(time.perf_counter() - start)
        ended = time.time()
        store.close()
        results.put((token, latencies, began, ended))
    except BaseException:  # noqa: BLE001 - report everything to the parent
        results.put(("error", traceback.format_exc(), 0.0, 0.0))


def run_group(url: str, code: str, n: int, answers_each: int) -> list[tuple[str, list[float],
                                                                          float, float]]:
    """n participant processes (spawn: each as fresh as a kernel) save at the same moment."""
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(n, timeout=120)
    results = ctx.Queue()
    procs = [ctx.Process(target=participant_worker, args=(url, code, answers_each, barrier, results))
             for _ in range(n)]
    for p in procs:
        p.start()
    collected = []
    try:
        for _ in range(n):
            collected.append(results.get(timeout=180))
    except queue.Empty:
        raise RuntimeError(f"only {len(collected)} of {n} participants reported back") from None
    finally:
        for p in procs:
            p.join(timeout=30)
            if p.is_alive():
                p.kill()
    errors = [detail for token, detail, *_ in collected if token == "error"]
    if errors:
        raise RuntimeError(f"{len(errors)} participants failed; first:\n{errors[0]}")
    return collected


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'ztmo.sqlite3'}"


@pytest.fixture
def sqlite_store(sqlite_url: str) -> Iterator[Store]:
    store = Store(sqlite_url)
    yield store
    store.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """The URL of an empty database, once per backend."""
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_url")
        return
    url = request.getfixturevalue("pg_url")
    reset_database(url)
    yield url
    reset_database(url)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    store = Store(store_url)
    yield store
    store.close()
