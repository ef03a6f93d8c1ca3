"""Which database, and how to talk to it safely from many kernels at once.

SQLite (one machine): WAL so readers never wait for writers, synchronous=FULL so a
committed answer survives a power cut, BEGIN IMMEDIATE so writers queue at the start of
a transaction instead of failing half-way, and a busy timeout plus a few retries for
the rare "database is locked". PostgreSQL (beyond one machine): psycopg 3 with
pre-ping, so a restarted server costs one reconnect instead of an error.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError

BUSY_TIMEOUT_MS = 10_000  # also literally in the PRAGMA below (PRAGMA takes no parameters)
WRITE_OPTION = "ztmo_write"  # execution option that turns BEGIN into BEGIN IMMEDIATE on SQLite
REPO_ROOT = Path(__file__).resolve().parents[3]


def data_dir(env: Mapping[str, str]) -> Path:
    override = env.get("ZTMO_DATA_DIR", "").strip()
    return Path(override).expanduser() if override else REPO_ROOT / "var"


def database_url(env: Mapping[str, str] | None = None) -> str:
    """$ZTMO_DATABASE_URL, else a SQLite file in the data dir (which is created)."""
    env = os.environ if env is None else env
    url = env.get("ZTMO_DATABASE_URL", "").strip()
    if url:
        return url
    folder = data_dir(env)
    folder.mkdir(parents=True, exist_ok=True)
    return URL.create("sqlite", database=str(folder.resolve() / "ztmo.sqlite3")).render_as_string()


def normalise_url(url: str | URL) -> URL:
    """Accept postgres:// and postgresql:// (as hosting services hand them out): use psycopg 3."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str | URL) -> Engine:
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
        _configure_sqlite(engine)
        return engine
    connect_args: dict[str, Any] = {}
    if parsed.get_driver_name() == "psycopg":
        connect_args["connect_timeout"] = 5  # a missing server should not hang a kernel
    # A kernel rarely needs more than one connection: it keeps one (a second only for a
    # moment), so a server of many kernels stays within PostgreSQL's max_connections.
    return create_engine(parsed, pool_pre_ping=True, pool_size=1, max_overflow=4,
                         connect_args=connect_args)


def _configure_sqlite(engine: Engine) -> None:
    """The documented pysqlite recipe: we emit BEGIN ourselves, choosing its kind."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # stop pysqlite's own implicit BEGIN
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA busy_timeout = 10000")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = FULL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        write = conn.get_execution_options().get(WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def is_retryable(exc: BaseException) -> bool:
    """Lock contention that a short wait will cure (never a real error)."""
    if not isinstance(exc, DBAPIError):
        return False
    message = str(exc.orig).lower()
    if "database is locked" in message or "database is busy" in message:
        return True
    # PostgreSQL serialization failure / deadlock detected.
    return getattr(exc.orig, "sqlstate", None) in ("40001", "40P01")
