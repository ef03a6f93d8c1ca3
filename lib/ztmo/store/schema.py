"""Tables of the session store and the schema version check (with a hook for migrations)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    select,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Always tz-aware UTC in Python; SQLite keeps naive UTC text, PostgreSQL timestamptz."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: the store only takes tz-aware times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

schema_version = Table(
    "schema_version", metadata,
    Column("version", Integer, nullable=False),
)

# A learning network: meetings (sessions) that build on each other. Its own key protects
# what concerns the whole network (linking a meeting, export, delete).
# Version 4: trainer accounts on a hosted server (ZTMO_ACCOUNTS=1). An administrator adds
# a trainer; the trainer's personal key is stored only as a salted hash. A sign-in in a
# browser is a random token (only its SHA-256 is stored), so signing out, revoking the
# trainer and the retention clean-up can end it.
trainers = Table(
    "trainers", metadata,
    Column("id", String(6), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("key_hash", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime, nullable=True),
)

trainer_logins = Table(
    "trainer_logins", metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("trainer_id", String(6), ForeignKey("trainers.id", ondelete="CASCADE"),
           nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_used", UTCDateTime, nullable=False),
    Index("ix_trainer_logins_trainer_id", "trainer_id"),
)

networks = Table(
    "networks", metadata,
    Column("id", String(6), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("region_code", String(8), nullable=True),  # a jeugdregio, e.g. "JZ14"
    Column("trainer_key_hash", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    # Version 4: the trainer account that made it (hosted server), else NULL.
    Column("trainer_id", String(6), ForeignKey("trainers.id", ondelete="SET NULL"),
           nullable=True),
    Index("ix_networks_trainer_id", "trainer_id"),
)

sessions = Table(
    "sessions", metadata,
    Column("code", String(6), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("trainer_key_hash", String(200), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime, nullable=True),
    Column("revision", Integer, nullable=False, default=0),
    # Version 3: a session can be a meeting of a network, held on a (local) date.
    Column("network_id", String(6), ForeignKey("networks.id", ondelete="SET NULL"),
           nullable=True),
    Column("meeting_date", Date, nullable=True),
    # Version 4: the trainer account that made it (hosted server), else NULL.
    Column("trainer_id", String(6), ForeignKey("trainers.id", ondelete="SET NULL"),
           nullable=True),
    Index("ix_sessions_network_id", "network_id"),
    Index("ix_sessions_trainer_id", "trainer_id"),
)

participants = Table(
    "participants", metadata,
    Column("session_code", String(6), ForeignKey("sessions.code", ondelete="CASCADE"),
           primary_key=True),
    Column("token", String(16), primary_key=True),
    Column("nickname", String(30), nullable=True),
    Column("joined_at", UTCDateTime, nullable=False),
    # When this participant's app last said it is alive: who is still in the room.
    Column("last_seen", UTCDateTime, nullable=True),
)

answers = Table(
    "answers", metadata,
    Column("session_code", String(6), primary_key=True),
    Column("participant", String(16), primary_key=True),
    Column("activity", String(80), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("hidden", Boolean, nullable=False, default=False),
    ForeignKeyConstraint(["session_code", "participant"],
                         ["participants.session_code", "participants.token"],
                         ondelete="CASCADE"),
)

# Presenter state and other per-session data that is not one participant's answer
# (the duo pairs, later the trainer's current activity and what is revealed).
session_state = Table(
    "session_state", metadata,
    Column("session_code", String(6), ForeignKey("sessions.code", ondelete="CASCADE"),
           primary_key=True),
    Column("key", String(40), primary_key=True),
    Column("value", Text, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

SCHEMA_VERSION = 4


def _to_v2(conn: Connection) -> None:
    """Version 2: participants.last_seen, the session_state table, longer key hashes."""
    conn.execute(text("ALTER TABLE participants ADD COLUMN last_seen "
                      + ("TIMESTAMP WITH TIME ZONE" if conn.dialect.name == "postgresql"
                         else "DATETIME")))
    session_state.create(conn)
    if conn.dialect.name == "postgresql":  # SQLite does not enforce VARCHAR lengths
        conn.execute(text("ALTER TABLE sessions ALTER COLUMN trainer_key_hash TYPE VARCHAR(200)"))


def _to_v3(conn: Connection) -> None:
    """Version 3: the networks table; sessions.network_id and sessions.meeting_date.

    Plain ADD COLUMN on both databases (SQLite allows a REFERENCES clause there as long as
    the default is NULL), so existing sessions stay as they are: meetings of no network.
    """
    v3 = MetaData()  # the table as version 3 made it (today's has version 4's columns)
    Table("networks", v3,
          Column("id", String(6), primary_key=True),
          Column("name", String(100), nullable=False),
          Column("region_code", String(8), nullable=True),
          Column("trainer_key_hash", String(200), nullable=False),
          Column("created_at", UTCDateTime, nullable=False)).create(conn)
    conn.execute(text("ALTER TABLE sessions ADD COLUMN network_id VARCHAR(6) "
                      "REFERENCES networks (id) ON DELETE SET NULL"))
    conn.execute(text("ALTER TABLE sessions ADD COLUMN meeting_date DATE"))
    conn.execute(text("CREATE INDEX ix_sessions_network_id ON sessions (network_id)"))


def _to_v4(conn: Connection) -> None:
    """Version 4: trainer accounts and their sign-ins; sessions.trainer_id and
    networks.trainer_id (NULL for everything made before: laptop mode stays as it was)."""
    trainers.create(conn)
    trainer_logins.create(conn)
    for table in ("sessions", "networks"):
        conn.execute(text(f"ALTER TABLE {table} ADD COLUMN trainer_id VARCHAR(6) "
                          "REFERENCES trainers (id) ON DELETE SET NULL"))
        conn.execute(text(f"CREATE INDEX ix_{table}_trainer_id ON {table} (trainer_id)"))


# version n -> function that brings a database from version n-1 to n (inside one transaction).
MIGRATIONS: dict[int, Callable[[Connection], None]] = {2: _to_v2, 3: _to_v3, 4: _to_v4}

# Any constant will do: serialises schema creation between processes on PostgreSQL.
_PG_LOCK_ID = 7_461_001


class SchemaTooNew(RuntimeError):
    """The database was made by a newer ztmo; refuse rather than guess."""


def current_version(conn: Connection) -> int | None:
    """The stored schema version, or None when the tables do not exist yet."""
    if not conn.dialect.has_table(conn, "schema_version"):
        return None
    return conn.execute(select(func.max(schema_version.c.version))).scalar_one_or_none()


def ensure_schema(conn: Connection) -> None:
    """Create the tables on first use, or migrate them; call inside a write transaction."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _PG_LOCK_ID})
    version = current_version(conn)
    if version is None:
        metadata.create_all(conn)
        conn.execute(schema_version.insert().values(version=SCHEMA_VERSION))
        return
    if version > SCHEMA_VERSION:
        raise SchemaTooNew(f"database schema {version} is newer than this ztmo ({SCHEMA_VERSION})")
    for target in range(version + 1, SCHEMA_VERSION + 1):
        MIGRATIONS[target](conn)
        conn.execute(schema_version.update().values(version=target))
