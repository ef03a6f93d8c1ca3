"""Keeping only what is allowed (AVG): sessions and networks past the retention period go.

A session's age counts from the day it was held (a meeting's date, else the day it was
made, in Dutch time). A network goes when it was made before the cut-off and none of its
meetings remain. Sign-ins of trainers that were not used for ``LOGIN_DAYS`` go too.
`ztmo opruimen` calls this on a schedule (a systemd timer), with a dry run that lists what
would go.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select

from ..hosting import local_day
from .schema import answers, networks, participants, session_state, sessions, trainer_logins
from .trainers import LOGIN_DAYS


@dataclass(frozen=True)
class ExpiredSession:
    code: str
    name: str
    held_on: date
    network_id: str | None


@dataclass(frozen=True)
class ExpiredNetwork:
    id: str
    name: str
    created_on: date


@dataclass(frozen=True)
class Expired:
    sessions: tuple[ExpiredSession, ...]
    networks: tuple[ExpiredNetwork, ...]
    logins: int

    @property
    def empty(self) -> bool:
        return not (self.sessions or self.networks or self.logins)


def held_on(row: Any) -> date:
    return row.meeting_date or local_day(row.created_at)


class Retention:
    """Mixed into `ztmo.store.Store` (which provides ``_run``)."""

    _run: Callable[..., Any]

    def expired(self, cutoff: date) -> Expired:
        """What is held before ``cutoff`` (nothing is deleted)."""
        return self._run(lambda conn: _find(conn, cutoff))

    def purge(self, cutoff: date) -> Expired:
        """Delete what is held before ``cutoff``, in one transaction; returns what went."""

        def work(conn: Connection) -> Expired:
            found = _find(conn, cutoff)
            for s in found.sessions:
                conn.execute(answers.delete().where(answers.c.session_code == s.code))
                conn.execute(session_state.delete().where(session_state.c.session_code == s.code))
                conn.execute(participants.delete().where(participants.c.session_code == s.code))
                conn.execute(sessions.delete().where(sessions.c.code == s.code))
            for n in found.networks:
                conn.execute(networks.delete().where(networks.c.id == n.id))
            conn.execute(trainer_logins.delete().where(
                trainer_logins.c.last_used < _login_cutoff()))
            return found

        return self._run(work, write=True)


def _now() -> datetime:
    return datetime.now(UTC)


def _login_cutoff() -> datetime:
    return _now() - timedelta(days=LOGIN_DAYS)


def _find(conn: Connection, cutoff: date) -> Expired:
    rows = conn.execute(select(sessions.c.code, sessions.c.name, sessions.c.created_at,
                               sessions.c.meeting_date, sessions.c.network_id)).all()
    gone = tuple(sorted((ExpiredSession(r.code, r.name, held_on(r), r.network_id)
                         for r in rows if held_on(r) < cutoff),
                        key=lambda s: (s.held_on, s.code)))
    gone_codes = {s.code for s in gone}
    still_held = {r.network_id for r in rows if r.network_id and r.code not in gone_codes}
    nets = tuple(sorted((ExpiredNetwork(n.id, n.name, local_day(n.created_at))
                         for n in conn.execute(select(networks.c.id, networks.c.name,
                                                      networks.c.created_at))
                         if local_day(n.created_at) < cutoff and n.id not in still_held),
                        key=lambda n: (n.created_on, n.id)))
    logins = len(conn.execute(select(trainer_logins.c.token_hash).where(
        trainer_logins.c.last_used < _login_cutoff())).all())
    return Expired(gone, nets, logins)
