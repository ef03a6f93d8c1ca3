"""Trainer accounts on a hosted server (``ZTMO_ACCOUNTS=1``), as a part of the store.

An administrator adds a trainer from the command line and hands over the personal key,
which is shown once and stored only as a salted hash (scrypt, as session keys). The key
starts with the trainer's id, so checking it costs one hash, however many trainers there
are. Signing in makes a random token for that browser (a cookie); only its SHA-256 is
stored, so a copied database opens nothing. Revoking a trainer ends every sign-in at
once; their sessions, networks and answers stay.

The checks answer the same for an unknown, a revoked and a mistyped key: nothing tells a
guesser whether an account exists.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, func, select

from ..errors import WrongTrainerKey, ZtmoError
from . import codes
from .schema import networks, sessions, trainer_logins, trainers

if TYPE_CHECKING:
    from collections.abc import Callable

TRAINER_ID_LENGTH = 6
TRAINER_SECRET_LENGTH = 14   # 31**14: about 69 bits, on top of the slow hash
MAX_TRAINER_NAME = 100
LOGIN_DAYS = 90              # a sign-in not used for this long ends by itself
TOUCH_EVERY = timedelta(hours=1)
_KEY_CHARS = re.compile(r"[^A-Za-z0-9]")

WRONG_KEY = ("Deze sleutel klopt niet. Kijk of je hem goed hebt overgenomen, of vraag de "
             "beheerder van de server om een nieuwe.")


class UnknownTrainer(ZtmoError):
    title = "Deze trainer kennen we niet"


@dataclass(frozen=True)
class Owner:
    """A signed-in trainer acting on their own sessions and networks: accepted wherever a
    session's or network's key is asked for, for what that trainer made."""

    trainer_id: str


@dataclass(frozen=True)
class Trainer:
    """A trainer account; ``key`` is the plain key only right after it was made."""

    id: str
    name: str
    created_at: datetime
    revoked_at: datetime | None = None
    key: str = ""
    sessions: int = 0
    networks: int = 0

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True)
class OwnSession:
    code: str
    name: str
    created_at: datetime
    closed_at: datetime | None
    network_id: str | None
    meeting_date: Any


@dataclass(frozen=True)
class OwnNetwork:
    id: str
    name: str
    region_code: str | None
    created_at: datetime


def normalise_key(key: object) -> str:
    """Keys are typed over: ignore case, spaces and the dashes we print between groups."""
    return _KEY_CHARS.sub("", key).upper() if isinstance(key, str) else ""


def format_key(key: str) -> str:
    """The key in groups of five, as it is shown once: easier to read out and type."""
    return "-".join(key[i:i + 5] for i in range(0, len(key), 5))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_trainer_name(name: object) -> str:
    text = " ".join(name.split()) if isinstance(name, str) else ""
    if not text:
        raise ZtmoError("Geef de trainer een naam, zodat je de account later herkent.")
    if len(text) > MAX_TRAINER_NAME or "\x00" in text:
        raise ZtmoError(f"Deze naam kunnen we niet gebruiken: hoogstens {MAX_TRAINER_NAME} "
                        "tekens.")
    return text


def _now() -> datetime:
    return datetime.now(UTC)


class TrainerAccounts:
    """Mixed into `ztmo.store.Store` (which provides ``_run``)."""

    _run: Callable[..., Any]

    def create_trainer(self, name: str) -> Trainer:
        name = check_trainer_name(name)
        now = _now()
        secret = "".join(secrets.choice(codes.ALPHABET) for _ in range(TRAINER_SECRET_LENGTH))

        def work(conn: Connection) -> tuple[str, str]:
            for _ in range(50):
                trainer_id = codes.new_code()
                key = trainer_id + secret
                found = conn.execute(select(trainers.c.id).where(trainers.c.id == trainer_id))
                if found.first() is None:
                    conn.execute(trainers.insert().values(
                        id=trainer_id, name=name, key_hash=codes.hash_key(key), created_at=now,
                        revoked_at=None))
                    return trainer_id, key
            raise RuntimeError("no free trainer id found")

        trainer_id, key = self._run(work, write=True)
        return Trainer(trainer_id, name, now, None, key)

    def trainers(self) -> list[Trainer]:
        """Every account, with how many sessions and networks it made (oldest first)."""

        def work(conn: Connection) -> list[Trainer]:
            counts = dict(conn.execute(select(sessions.c.trainer_id, func.count()).where(
                sessions.c.trainer_id.is_not(None)).group_by(sessions.c.trainer_id)).all())
            nets = dict(conn.execute(select(networks.c.trainer_id, func.count()).where(
                networks.c.trainer_id.is_not(None)).group_by(networks.c.trainer_id)).all())
            rows = conn.execute(select(trainers).order_by(trainers.c.created_at, trainers.c.id))
            return [Trainer(r.id, r.name, r.created_at, r.revoked_at, "",
                            int(counts.get(r.id, 0)), int(nets.get(r.id, 0))) for r in rows]

        return self._run(work)

    def get_trainer(self, trainer_id: str) -> Trainer:
        trainer_id = codes.normalise(trainer_id)

        def work(conn: Connection) -> Trainer:
            row = conn.execute(select(trainers).where(trainers.c.id == trainer_id)).first()
            if row is None:
                raise UnknownTrainer(f"Er is geen trainer met de code '{trainer_id[:12]}'. "
                                     "Kijk in de lijst van trainers.")
            return Trainer(row.id, row.name, row.created_at, row.revoked_at)

        return self._run(work)

    def revoke_trainer(self, trainer_id: str) -> Trainer:
        """The key no longer opens anything and every sign-in ends; what the trainer made
        stays (an administrator can still export or delete it)."""
        trainer = self.get_trainer(trainer_id)

        def work(conn: Connection) -> None:
            conn.execute(trainers.update().where(trainers.c.id == trainer.id,
                                                 trainers.c.revoked_at.is_(None))
                         .values(revoked_at=_now()))
            conn.execute(trainer_logins.delete().where(trainer_logins.c.trainer_id == trainer.id))

        self._run(work, write=True)
        return self.get_trainer(trainer.id)

    def check_trainer(self, key: str) -> Trainer:
        """The active trainer this personal key belongs to; WrongTrainerKey otherwise (the
        same answer for an unknown, a revoked or a mistyped key)."""
        key = normalise_key(key)
        trainer_id = key[:TRAINER_ID_LENGTH]
        if len(key) != TRAINER_ID_LENGTH + TRAINER_SECRET_LENGTH or not codes.is_code(trainer_id):
            codes.key_matches(key, _dummy_hash())  # the same cost as a real check
            raise WrongTrainerKey(WRONG_KEY)

        def work(conn: Connection) -> Any:
            return conn.execute(select(trainers).where(trainers.c.id == trainer_id)).first()

        row = self._run(work)
        stored = row.key_hash if row is not None else _dummy_hash()
        if not codes.key_matches(key, stored) or row is None or row.revoked_at is not None:
            raise WrongTrainerKey(WRONG_KEY)
        return Trainer(row.id, row.name, row.created_at, row.revoked_at)

    def sign_in(self, key: str) -> tuple[str, Trainer]:
        """Check the key and open a sign-in for one browser: (token for the cookie, trainer)."""
        trainer = self.check_trainer(key)
        token = secrets.token_urlsafe(32)
        now = _now()

        def work(conn: Connection) -> None:
            conn.execute(trainer_logins.insert().values(
                token_hash=token_hash(token), trainer_id=trainer.id, created_at=now,
                last_used=now))

        self._run(work, write=True)
        return token, trainer

    def signed_in(self, token: str) -> Trainer | None:
        """The active trainer of this browser's sign-in, or None (unknown, expired, signed
        out or revoked)."""
        if not isinstance(token, str) or not 20 <= len(token) <= 100:
            return None
        digest = token_hash(token)
        now = _now()

        def work(conn: Connection) -> Any:
            return conn.execute(
                select(trainers, trainer_logins.c.last_used)
                .join(trainer_logins, trainer_logins.c.trainer_id == trainers.c.id)
                .where(trainer_logins.c.token_hash == digest)).first()

        row = self._run(work)
        if row is None or row.revoked_at is not None:
            return None
        if now - row.last_used > timedelta(days=LOGIN_DAYS):
            self.sign_out(token)
            return None
        if now - row.last_used > TOUCH_EVERY:
            self._run(lambda conn: conn.execute(trainer_logins.update().where(
                trainer_logins.c.token_hash == digest).values(last_used=now)), write=True)
        return Trainer(row.id, row.name, row.created_at, row.revoked_at)

    def sign_out(self, token: str) -> None:
        if not isinstance(token, str):
            return
        digest = token_hash(token)
        self._run(lambda conn: conn.execute(trainer_logins.delete().where(
            trainer_logins.c.token_hash == digest)), write=True)

    def sessions_of(self, trainer_id: str) -> list[OwnSession]:
        """The sessions this trainer made, newest first."""

        def work(conn: Connection) -> list[OwnSession]:
            rows = conn.execute(select(sessions).where(sessions.c.trainer_id == trainer_id)
                                .order_by(sessions.c.created_at.desc(), sessions.c.code))
            return [OwnSession(r.code, r.name, r.created_at, r.closed_at, r.network_id,
                               r.meeting_date) for r in rows]

        return self._run(work)

    def networks_of(self, trainer_id: str) -> list[OwnNetwork]:
        def work(conn: Connection) -> list[OwnNetwork]:
            rows = conn.execute(select(networks).where(networks.c.trainer_id == trainer_id)
                                .order_by(networks.c.created_at.desc(), networks.c.id))
            return [OwnNetwork(r.id, r.name, r.region_code, r.created_at) for r in rows]

        return self._run(work)


def owner_allowed(conn: Connection, row_trainer_id: str | None, owner: Owner) -> bool:
    """Is this signed-in trainer the active owner of the row (a session or a network)?"""
    if not row_trainer_id or row_trainer_id != owner.trainer_id:
        return False
    revoked = conn.execute(select(trainers.c.revoked_at).where(
        trainers.c.id == owner.trainer_id)).first()
    return revoked is not None and revoked.revoked_at is None


@cache
def _dummy_hash() -> str:
    """A real scrypt hash of a key nobody has: unknown ids cost as much as known ones
    (made on first use, not on import: kernels import the store)."""
    return codes.hash_key(secrets.token_hex(16))
