"""The group-session store: the only place that writes.

A small facade over SQLAlchemy Core that takes a URL (SQLite by default, PostgreSQL via
$ZTMO_DATABASE_URL). Every write is one short transaction that commits at once, so an
answer that was acknowledged is on disk. Answers are keyed by (session, participant,
activity): saving again replaces, so a participant who clicks twice or reloads never
creates duplicates. Errors are our own Dutch ones (``ztmo.errors``), never a traceback.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Self, TypeVar

from sqlalchemy import Connection, Row, and_, false, func, select
from sqlalchemy.exc import (
    ArgumentError,
    DBAPIError,
    DisconnectionError,
    InterfaceError,
    NoSuchModuleError,
    OperationalError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout

from .. import activities, wall, wallexport
from ..errors import (
    SessionClosed,
    StoreUnavailable,
    UnknownParticipant,
    UnknownSession,
    WrongTrainerKey,
)
from . import codes, schema
from .engine import WRITE_OPTION, database_url, is_retryable, make_engine
from .retention import Expired, Retention
from .schema import (
    SchemaTooNew,
    answers,
    networks,
    participants,
    session_state,
    sessions,
    trainers,
)
from .snapshot import Person, Snapshot
from .trainers import Owner, Trainer, TrainerAccounts, owner_allowed

if TYPE_CHECKING:
    import pandas

__all__ = ["Answer", "Expired", "Meeting", "Network", "Owner", "Person", "Session", "Snapshot", "Store",
           "Trainer"]

# Where a session's or network's key is asked for, a signed-in trainer (`Owner`) may act
# on what they made instead.
Credential = str | Owner

log = logging.getLogger(__name__)
T = TypeVar("T")

RETRIES = 5
# The export's columns (Dutch headers). No participant tokens: people are numbered in the
# order they joined, as on the trainer's screen.
EXPORT_COLUMNS = ["sessie", "deelnemer", "bijnaam", "opdracht", "opdrachtcode", "antwoord",
                  "tijdstip", "verborgen"]
LOCAL_TIME = "Europe/Amsterdam"  # the export shows the time as it was in the room
# The setting's name goes to the server log (see Store.__init__); a participant reads this.
_CONFIG_PROBLEM = ("De opslag is niet goed ingesteld, dus antwoorden kunnen nu niet worden "
                   "bewaard. Wat al bewaard was, gaat niet verloren. Vraag de trainer om hulp.")


@dataclass(frozen=True)
class Session:
    """A group session. ``trainer_key`` is the plain key only right after creation, else ""."""

    code: str
    trainer_key: str
    name: str
    created_at: datetime
    closed_at: datetime | None


@dataclass(frozen=True)
class Answer:
    session: str
    participant: str
    activity: str
    value: str
    updated_at: datetime
    hidden: bool
    nickname: str | None


# -- networks and meetings (records) ------------------------------------------------------

@dataclass(frozen=True)
class Network:
    """A learning network. ``trainer_key`` is the plain key only right after creation."""

    id: str
    trainer_key: str
    name: str
    region_code: str | None
    created_at: datetime


@dataclass(frozen=True)
class Meeting:
    """A session that is a meeting of a network; ``number`` counts 1, 2, ... by date."""

    code: str
    name: str
    meeting_date: date
    created_at: datetime
    closed_at: datetime | None
    revision: int
    number: int

    @property
    def info(self):
        from ..network import MeetingInfo

        return MeetingInfo(self.code, self.name, self.meeting_date, self.closed_at is not None,
                           self.number)


def _now() -> datetime:
    return datetime.now(UTC)


def _local_date(moment: datetime | None = None) -> date:
    """The date in the room (Dutch local time), for a meeting without a date of its own."""
    from zoneinfo import ZoneInfo

    return (moment or _now()).astimezone(ZoneInfo(LOCAL_TIME)).date()


def _cleaned(value: object) -> object:
    """Text without invisible and direction characters before any check (so the length
    limits hold for what is kept); other values as given."""
    return codes.clean_text(value) if isinstance(value, str) else value


def _insert(conn: Connection) -> Callable[..., Any]:
    """The dialect's insert(), which has on_conflict_do_update / do_nothing."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert


class Store(TrainerAccounts, Retention):
    """Sessions, anonymous participants and their answers, in SQLite or PostgreSQL."""

    def __init__(self, url: str):
        self.url = str(url)
        try:
            self._engine = make_engine(url)
        except (ArgumentError, NoSuchModuleError, ImportError, ValueError) as exc:
            log.error("store: cannot use the database URL (ZTMO_DATABASE_URL): %s", exc)
            raise StoreUnavailable(_CONFIG_PROBLEM) from exc
        if self._engine.dialect.name not in ("sqlite", "postgresql"):
            raise StoreUnavailable(_CONFIG_PROBLEM)
        self._writer = self._engine.execution_options(**{WRITE_OPTION: True})
        self._schema_ready = False
        self._schema_lock = threading.Lock()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Store:
        """$ZTMO_DATABASE_URL, else <$ZTMO_DATA_DIR or repo/var>/ztmo.sqlite3."""
        return cls(database_url(env))

    def __repr__(self) -> str:
        return f"Store({self._engine.url.render_as_string(hide_password=True)!r})"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._engine.dispose()

    def warm_up(self) -> None:
        """Load the database driver, open a connection and check the schema now, so that
        the first real question is fast (a preheated kernel does this before its page is
        asked for)."""
        self._ensure_schema()

    # -- sessions ---------------------------------------------------------------------

    def create_session(self, name: str, owner: Owner | None = None) -> Session:
        """A new session; with ``owner`` it belongs to that signed-in trainer's account."""
        name = codes.check_session_name(name)
        key = codes.new_trainer_key()
        now = _now()

        def work(conn: Connection) -> str:
            trainer_id = self._active_owner(conn, owner)
            for _ in range(50):  # 31**6 codes: a collision is rare, two in a row rarer still
                code = codes.new_code()
                stmt = _insert(conn)(sessions).values(
                    code=code, name=name, trainer_key_hash=codes.hash_key(key),
                    created_at=now, closed_at=None, revision=0, trainer_id=trainer_id,
                ).on_conflict_do_nothing(index_elements=[sessions.c.code]).returning(sessions.c.code)
                if conn.execute(stmt).first() is not None:  # rowcount is not reliable here
                    return code
            raise RuntimeError("no free session code found")

        code = self._run(work, write=True)
        return Session(code=code, trainer_key=key, name=name, created_at=now, closed_at=None)

    def get_session(self, code: str) -> Session:
        code = self._code(code)
        row = self._run(lambda conn: self._session_row(conn, code))
        return Session(code=row.code, trainer_key="", name=row.name,
                       created_at=row.created_at, closed_at=row.closed_at)

    def check_trainer_key(self, code: str, trainer_key: Credential) -> None:
        """Raise WrongTrainerKey (or UnknownSession) unless the key opens this session."""
        code = self._code(code)
        self._run(lambda conn: self._trainer_row(conn, code, trainer_key))

    def close_session(self, code: str, trainer_key: Credential) -> None:
        code = self._code(code)

        def work(conn: Connection) -> None:
            self._trainer_row(conn, code, trainer_key)
            self._bump(conn, code, only_open=True, closed_at=_now())  # closing twice: no-op

        self._run(work, write=True)

    def delete_session(self, code: str, trainer_key: Credential) -> None:
        """Remove the session with all its participants and answers (explicitly, not only by
        cascade, so it also holds for a database made without foreign keys)."""
        code = self._code(code)

        def work(conn: Connection) -> None:
            self._trainer_row(conn, code, trainer_key)
            self._remove_session(conn, code)

        self._run(work, write=True)

    def revision(self, code: str) -> int:
        """Changes on every join, save, hide and close: live views poll this cheaply."""
        code = self._code(code)
        return int(self._run(lambda conn: self._session_row(conn, code).revision))

    # -- participants -------------------------------------------------------------------

    def join(self, code: str, nickname: str | None = None) -> str:
        code = self._code(code)
        nickname = codes.check_nickname(nickname)

        def work(conn: Connection) -> str:
            if self._session_row(conn, code).closed_at is not None:
                raise SessionClosed(code)
            token = codes.new_token()
            conn.execute(participants.insert().values(
                session_code=code, token=token, nickname=nickname, joined_at=_now()))
            if not self._bump(conn, code, only_open=True):
                self._session_row(conn, code)  # deleted while we were joining: UnknownSession
                raise SessionClosed(code)  # closed while we were joining: roll back
            return token

        return self._run(work, write=True)

    def is_participant(self, code: str, token: str) -> bool:
        code = codes.normalise(code)
        if not codes.is_code(code) or not codes.is_token(token):
            return False
        return self._run(lambda conn: self._participant_row(conn, code, token) is not None)

    def participant_count(self, code: str) -> int:
        code = self._code(code)

        def work(conn: Connection) -> int:
            self._session_row(conn, code)
            return conn.execute(select(func.count()).select_from(participants)
                                .where(participants.c.session_code == code)).scalar_one()

        return int(self._run(work))

    def participants(self, code: str) -> list[tuple[str, str | None]]:
        """(token, nickname) of everyone in the session, in the order they joined, so
        screens can show the same number ("deelnemer 7") for a person everywhere."""
        code = self._code(code)

        def work(conn: Connection) -> list[tuple[str, str | None]]:
            self._session_row(conn, code)
            rows = conn.execute(select(participants.c.token, participants.c.nickname)
                                .where(participants.c.session_code == code)
                                .order_by(participants.c.joined_at, participants.c.token))
            return [(r.token, r.nickname) for r in rows]

        return self._run(work)

    def nickname(self, code: str, token: str) -> str | None:
        code = self._code(code)

        def work(conn: Connection) -> str | None:
            self._session_row(conn, code)
            row = self._participant_row(conn, code, token) if codes.is_token(token) else None
            return None if row is None else row.nickname

        return self._run(work)

    # -- answers ------------------------------------------------------------------------

    def save_answer(self, code: str, token: str, activity: str,
                    value: str | int | float) -> Answer:  # noqa: PYI041 - says what callers pass
        """Insert or replace this participant's answer; ``hidden`` stays as the trainer set it."""
        code = self._code(code)
        text = codes.check_value(activities.get(activity).check(_cleaned(value)))

        def work(conn: Connection) -> Answer:
            return self._upsert(conn, code, token, activity, text, self._person(conn, code, token))

        return self._run(work, write=True)

    def update_answer(self, code: str, token: str, activity: str,
                      change: Callable[[str | None], str | None]) -> Answer | None:
        """Read-modify-write one participant's answer in one write transaction.

        ``change`` gets the stored value (or None) and returns the new one (None: no
        change). Two changes of one person's answer never both start from the same old
        value (BEGIN IMMEDIATE on SQLite, a row lock on the participant in PostgreSQL), so
        two quick taps on an idea wall both count.
        """
        code = self._code(code)
        check = activities.get(activity).check

        def work(conn: Connection) -> Answer | None:
            person = self._person(conn, code, token, lock=True)
            old = conn.execute(select(answers.c.value).where(
                answers.c.session_code == code, answers.c.participant == token,
                answers.c.activity == activity)).scalar()
            new = change(old)
            if new is None:
                return None
            return self._upsert(conn, code, token, activity,
                                codes.check_value(check(_cleaned(new))), person)

        return self._run(work, write=True)

    def _person(self, conn: Connection, code: str, token: str, lock: bool = False) -> Row[Any]:
        """The participant's row in an open session (locked for the transaction in
        PostgreSQL with ``lock``), else SessionClosed / UnknownParticipant."""
        if self._session_row(conn, code).closed_at is not None:
            raise SessionClosed(code)
        person = None
        if codes.is_token(token):
            query = select(participants.c.nickname).where(
                participants.c.session_code == code, participants.c.token == token)
            if lock and conn.dialect.name == "postgresql":
                query = query.with_for_update()
            person = conn.execute(query).first()
        if person is None:
            raise UnknownParticipant()
        return person

    def _upsert(self, conn: Connection, code: str, token: str, activity: str, text: str,
                person: Row[Any]) -> Answer:
        """Insert or replace the answer (``hidden`` stays), then count the change."""
        now = _now()
        stmt = _insert(conn)(answers).values(session_code=code, participant=token,
                                             activity=activity, value=text, updated_at=now,
                                             hidden=False)
        stmt = stmt.on_conflict_do_update(
            index_elements=[answers.c.session_code, answers.c.participant, answers.c.activity],
            set_={"value": stmt.excluded.value, "updated_at": stmt.excluded.updated_at},
        ).returning(answers.c.hidden)
        hidden = bool(conn.execute(stmt).scalar_one())
        if not self._bump(conn, code, only_open=True):
            self._session_row(conn, code)  # deleted while we were saving: UnknownSession
            raise SessionClosed(code)  # closed while we were saving: roll back
        return Answer(code, token, activity, text, now, hidden, person.nickname)

    def answers(self, code: str, activity: str | None = None,
                include_hidden: bool = True) -> list[Answer]:
        """Answers in the order they were last changed. ``activity`` ending in ':' is a prefix."""
        code = self._code(code)
        query = (
            select(answers, participants.c.nickname)
            .select_from(answers.join(participants, and_(
                participants.c.session_code == answers.c.session_code,
                participants.c.token == answers.c.participant)))
            .where(answers.c.session_code == code)
            .order_by(answers.c.updated_at, answers.c.participant, answers.c.activity)
        )
        if activity is not None:
            codes.check_activity(activity)
            if activity.endswith(":"):
                query = query.where(answers.c.activity.startswith(activity, autoescape=True))
            else:
                query = query.where(answers.c.activity == activity)
        if not include_hidden:
            query = query.where(answers.c.hidden == false())

        def work(conn: Connection) -> list[Answer]:
            self._session_row(conn, code)
            return [Answer(r.session_code, r.participant, r.activity, r.value, r.updated_at,
                           bool(r.hidden), r.nickname) for r in conn.execute(query)]

        return self._run(work)

    def hide_answer(self, code: str, trainer_key: Credential, participant: str,
                    activity: str,
                    hidden: bool = True) -> None:
        """Hide (or show again) one answer on the group screens; an absent answer is a no-op."""
        self._trainer_change(code, trainer_key, participant, activity,
                             lambda where: answers.update().where(*where)
                             .values(hidden=bool(hidden)))

    def delete_answer(self, code: str, trainer_key: Credential, participant: str,
                      activity: str
                      ) -> None:
        """Remove one answer for good (gone from the screens and the export, unlike hiding);
        an absent answer is a no-op. Works in a closed session too: removing is privacy."""
        self._trainer_change(code, trainer_key, participant, activity,
                             lambda where: answers.delete().where(*where))

    def _trainer_change(self, code: str, trainer_key: Credential, participant: str,
                        activity: str,
                        statement: Callable[[tuple], Any]) -> None:
        """One trainer action on one answer: check the key, then run ``statement`` for
        exactly that (participant, activity); count a change only when a row changed."""
        code = self._code(code)

        def work(conn: Connection) -> None:
            self._trainer_row(conn, code, trainer_key)
            if not codes.is_token(participant) or not (
                    isinstance(activity, str) and codes.ACTIVITY_RE.fullmatch(activity)):
                return
            result = conn.execute(statement((
                answers.c.session_code == code, answers.c.participant == participant,
                answers.c.activity == activity)))
            if result.rowcount:
                self._bump(conn, code)

        self._run(work, write=True)

    # -- the whole state, for live views ------------------------------------------------

    def snapshot(self, code: str) -> Snapshot:
        """Session, participants, answers and session state in one read transaction."""
        code = self._code(code)

        def work(conn: Connection) -> Snapshot:
            row = self._session_row(conn, code)
            people = tuple(
                Person(r.token, r.nickname, r.joined_at, r.last_seen, n)
                for n, r in enumerate(conn.execute(
                    select(participants).where(participants.c.session_code == code)
                    .order_by(participants.c.joined_at, participants.c.token)), start=1))
            nick = {p.token: p.nickname for p in people}
            rows = conn.execute(select(answers).where(answers.c.session_code == code)
                                .order_by(answers.c.updated_at, answers.c.participant,
                                          answers.c.activity))
            given = tuple(Answer(r.session_code, r.participant, r.activity, r.value,
                                 r.updated_at, bool(r.hidden), nick.get(r.participant))
                          for r in rows)
            state = {r.key: r.value for r in conn.execute(
                select(session_state.c.key, session_state.c.value)
                .where(session_state.c.session_code == code))}
            return Snapshot(code=code, name=row.name, revision=int(row.revision),
                            closed=row.closed_at is not None, people=people, answers=given,
                            state=state, taken_at=_now())

        return self._run(work)

    def state(self, code: str) -> dict[str, str]:
        """Only the session state (the trainer's pace, reveal, run sheet): one small query,
        cheap enough for every participant's app to poll each second."""
        code = self._code(code)

        def work(conn: Connection) -> dict[str, str]:
            return {r.key: r.value for r in conn.execute(
                select(session_state.c.key, session_state.c.value)
                .where(session_state.c.session_code == code))}

        return self._run(work)

    def touch(self, code: str, token: str) -> None:
        """Note that this participant's app is alive (no revision bump: nothing to redraw)."""
        code = self._code(code)
        if not codes.is_token(token):
            return

        def work(conn: Connection) -> None:
            conn.execute(participants.update().where(
                participants.c.session_code == code, participants.c.token == token)
                .values(last_seen=_now()))

        self._run(work, write=True)

    def update_state(self, code: str, key: str, change: Callable[[str | None], str | None]
                     ) -> str | None:
        """Read-modify-write one piece of session state in one write transaction.

        ``change`` gets the stored value (or None) and returns the new one (None: no
        change). Writers are serialised (BEGIN IMMEDIATE on SQLite, a row lock on the
        session in PostgreSQL), so two kernels never both extend the duo pairs.
        """
        code = self._code(code)

        def work(conn: Connection) -> str | None:
            lock = select(sessions.c.code).where(sessions.c.code == code)
            if conn.dialect.name == "postgresql":
                lock = lock.with_for_update()
            if conn.execute(lock).first() is None:
                raise UnknownSession(code)
            old = conn.execute(select(session_state.c.value).where(
                session_state.c.session_code == code, session_state.c.key == key)).scalar()
            new = change(old)
            if new is None or new == old:
                return old
            stmt = _insert(conn)(session_state).values(session_code=code, key=key, value=new,
                                                       updated_at=_now())
            conn.execute(stmt.on_conflict_do_update(
                index_elements=[session_state.c.session_code, session_state.c.key],
                set_={"value": stmt.excluded.value, "updated_at": stmt.excluded.updated_at}))
            self._bump(conn, code)
            return new

        return self._run(work, write=True)

    def export(self, code: str, include_hidden: bool = False) -> pandas.DataFrame:
        """The session's answers as a table for a report (columns: EXPORT_COLUMNS).

        Nobody's token leaves the store: people are "deelnemer N" in the order they joined.
        Hidden answers stay out unless the trainer asks. Times are Dutch local time.
        """
        from zoneinfo import ZoneInfo

        import pandas as pd  # here, not at the top: keeps `import ztmo.store` light

        local = ZoneInfo(LOCAL_TIME)
        snap = self.snapshot(code)
        people = {p.token: p for p in snap.people}
        votes: dict[str, dict[str, str]] = {}  # per wall: the dots that count, in words
        rows = []
        for a in snap.answers:
            if a.hidden and not include_hidden:
                continue
            person = people.get(a.participant)
            value = activities.in_words(a.activity, a.value)
            parsed = wall.parse_key(a.activity)
            if parsed is not None and parsed[0] == wall.VOTE and a.hidden:
                value = wallexport.vote_text(a.value,
                                             wallexport.idea_texts(snap, True).get(parsed[1], {}))
            elif parsed is not None and parsed[0] == wall.VOTE:  # as the tally counts them
                if parsed[1] not in votes:
                    found = wall.decided(snap.state, parsed[1])
                    votes[parsed[1]] = wallexport.export_votes(
                        snap, parsed[1], found.merges, found.dots, include_hidden)
                value = votes[parsed[1]].get(a.participant, value)
            rows.append((
                snap.code,
                f"deelnemer {person.number}" if person else "deelnemer onbekend",
                codes.display_nickname(person.nickname if person else None),
                activities.label(a.activity), a.activity, value,
                a.updated_at.astimezone(local), "ja" if a.hidden else "nee",
            ))
        return pd.DataFrame(rows, columns=EXPORT_COLUMNS)

    # -- networks and meetings ----------------------------------------------------------
    # A network's own trainer key protects what concerns the whole network: starting or
    # linking a meeting, the export of every meeting, deleting a meeting or the network.
    # Meetings are ordinary sessions with a network_id; nothing links their participants.

    def create_network(self, name: str, region: str | None = None,
                       owner: Owner | None = None) -> Network:
        """A new network (optionally for a jeugdregio: name or code); its key is shown once.
        With ``owner`` it belongs to that signed-in trainer's account."""
        from ..network import check_network_name

        name = check_network_name(name)
        region_code = None
        if region is not None and str(region).strip():
            from ..regions import get_region

            region_code = get_region(str(region)).code  # UnknownRegion: a Dutch message
        key = codes.new_trainer_key()
        now = _now()

        def work(conn: Connection) -> str:
            trainer_id = self._active_owner(conn, owner)
            for _ in range(50):
                network_id = codes.new_code()
                stmt = _insert(conn)(networks).values(
                    id=network_id, name=name, region_code=region_code,
                    trainer_key_hash=codes.hash_key(key), created_at=now, trainer_id=trainer_id,
                ).on_conflict_do_nothing(index_elements=[networks.c.id]).returning(networks.c.id)
                if conn.execute(stmt).first() is not None:
                    return network_id
            raise RuntimeError("no free network code found")

        network_id = self._run(work, write=True)
        return Network(network_id, key, name, region_code, now)

    def get_network(self, network_id: str) -> Network:
        network_id = self._network_id(network_id)
        row = self._run(lambda conn: self._network_row(conn, network_id))
        return Network(row.id, "", row.name, row.region_code, row.created_at)

    def check_network_key(self, network_id: str, network_key: Credential) -> None:
        """Raise WrongTrainerKey (or UnknownNetwork) unless the key opens this network."""
        network_id = self._network_id(network_id)
        self._run(lambda conn: self._network_key_row(conn, network_id, network_key))

    def network_of(self, code: str) -> Network | None:
        """The network this session is a meeting of, or None."""
        code = self._code(code)

        def work(conn: Connection) -> Network | None:
            row = self._session_row(conn, code)
            if row.network_id is None:
                return None
            net = conn.execute(select(networks).where(networks.c.id == row.network_id)).first()
            return None if net is None else Network(net.id, "", net.name, net.region_code,
                                                    net.created_at)

        return self._run(work)

    def meetings(self, network_id: str) -> list[Meeting]:
        """The network's meetings in the order it met (date, then when they were made)."""
        network_id = self._network_id(network_id)

        def work(conn: Connection) -> list[Meeting]:
            self._network_row(conn, network_id)
            return self._meeting_rows(conn, network_id)

        return self._run(work)

    def network_snapshots(self, network_id: str) -> list[tuple[Meeting, Snapshot]]:
        """Every meeting with its whole state (a meeting deleted meanwhile is left out)."""
        found = []
        for meeting in self.meetings(network_id):
            try:
                found.append((meeting, self.snapshot(meeting.code)))
            except UnknownSession:
                continue
        return found

    def start_meeting(self, network_id: str, network_key: Credential, name: str,
                      meeting_date: date | None = None, template: bool = True) -> Session:
        """A new session as the network's next meeting; with ``template`` it starts from the
        previous meeting's run sheet. Returns the session with its own (new) trainer key."""
        network_id = self._network_id(network_id)
        name = codes.check_session_name(name)
        key = codes.new_trainer_key()
        now = _now()
        day = meeting_date or _local_date(now)

        def work(conn: Connection) -> str:
            net = self._network_key_row(conn, network_id, network_key)
            sheet = self._last_run_sheet(conn, network_id) if template else None
            trainer_id = (network_key.trainer_id if isinstance(network_key, Owner)
                          else net.trainer_id)
            for _ in range(50):
                code = codes.new_code()
                stmt = _insert(conn)(sessions).values(
                    code=code, name=name, trainer_key_hash=codes.hash_key(key),
                    created_at=now, closed_at=None, revision=0, network_id=network_id,
                    meeting_date=day, trainer_id=trainer_id,
                ).on_conflict_do_nothing(index_elements=[sessions.c.code]).returning(sessions.c.code)
                if conn.execute(stmt).first() is not None:
                    break
            else:
                raise RuntimeError("no free session code found")
            if sheet is not None:
                from ..presenter import RUN_SHEET

                conn.execute(session_state.insert().values(session_code=code, key=RUN_SHEET,
                                                           value=sheet, updated_at=now))
            return code

        code = self._run(work, write=True)
        return Session(code=code, trainer_key=key, name=name, created_at=now, closed_at=None)

    def link_session(self, code: str, trainer_key: Credential, network_id: str,
                     network_key: Credential,
                     meeting_date: date | None = None, template: bool = False) -> Meeting:
        """Make an existing session a meeting of the network (both keys needed); with
        ``template`` it takes over the run sheet of the network's latest other meeting."""
        code = self._code(code)
        network_id = self._network_id(network_id)

        def work(conn: Connection) -> None:
            row = self._trainer_row(conn, code, trainer_key)
            self._network_key_row(conn, network_id, network_key)
            day = meeting_date or row.meeting_date or _local_date(row.created_at)
            sheet = self._last_run_sheet(conn, network_id, but=code) if template else None
            conn.execute(sessions.update().where(sessions.c.code == code)
                         .values(network_id=network_id, meeting_date=day))
            if sheet is not None:
                from ..presenter import RUN_SHEET

                stmt = _insert(conn)(session_state).values(session_code=code, key=RUN_SHEET,
                                                           value=sheet, updated_at=_now())
                conn.execute(stmt.on_conflict_do_update(
                    index_elements=[session_state.c.session_code, session_state.c.key],
                    set_={"value": stmt.excluded.value, "updated_at": stmt.excluded.updated_at}))
            self._bump(conn, code)

        self._run(work, write=True)
        return next(m for m in self.meetings(network_id) if m.code == code)

    def unlink_session(self, code: str, trainer_key: Credential) -> None:
        """The session is no longer a meeting of any network (its answers stay)."""
        code = self._code(code)

        def work(conn: Connection) -> None:
            self._trainer_row(conn, code, trainer_key)
            conn.execute(sessions.update().where(sessions.c.code == code)
                         .values(network_id=None))
            self._bump(conn, code)

        self._run(work, write=True)

    def export_network(self, network_id: str, network_key: Credential,
                       include_hidden: bool = False) -> pandas.DataFrame:
        """Every meeting's answers in one table: the network's columns, then the session
        export's (people are "deelnemer N" per meeting: nobody is followed across)."""
        import pandas as pd

        network_id = self._network_id(network_id)
        net = self._run(lambda conn: self._network_key_row(conn, network_id, network_key))
        frames = []
        for meeting in self.meetings(network_id):
            try:
                frame = self.export(meeting.code, include_hidden=include_hidden)
            except UnknownSession:
                continue
            frame.insert(0, "datum", meeting.meeting_date.strftime("%d-%m-%Y"))
            frame.insert(0, "bijeenkomst", f"{meeting.number}. {meeting.name}")
            frame.insert(0, "netwerk", net.name)
            frames.append(frame)
        columns = ["netwerk", "bijeenkomst", "datum", *EXPORT_COLUMNS]
        if not frames:
            return pd.DataFrame([], columns=columns)
        return pd.concat(frames, ignore_index=True)[columns]

    def delete_meeting(self, network_id: str, network_key: Credential, code: str) -> None:
        """Remove one meeting of the network with everything in it (the network's key)."""
        network_id = self._network_id(network_id)
        code = self._code(code)

        def work(conn: Connection) -> None:
            self._network_key_row(conn, network_id, network_key)
            if self._session_row(conn, code).network_id != network_id:
                from ..network import NetworkError

                raise NetworkError("Deze sessie is geen bijeenkomst van dit leernetwerk, dus er "
                                   "is niets verwijderd.")
            self._remove_session(conn, code)

        self._run(work, write=True)

    def delete_network(self, network_id: str, network_key: Credential) -> int:
        """Remove the network and all its meetings with their answers; the number of
        meetings removed."""
        network_id = self._network_id(network_id)

        def work(conn: Connection) -> int:
            self._network_key_row(conn, network_id, network_key)
            found = [r.code for r in conn.execute(
                select(sessions.c.code).where(sessions.c.network_id == network_id))]
            for code in found:
                self._remove_session(conn, code)
            conn.execute(networks.delete().where(networks.c.id == network_id))
            return len(found)

        return self._run(work, write=True)

    @staticmethod
    def _network_id(network_id: str) -> str:
        from ..network import UnknownNetwork

        normal = codes.normalise(network_id)
        if not codes.is_code(normal):
            raise UnknownNetwork(normal)
        return normal

    @staticmethod
    def _network_row(conn: Connection, network_id: str) -> Row[Any]:
        row = conn.execute(select(networks).where(networks.c.id == network_id)).first()
        if row is None:
            from ..network import UnknownNetwork

            raise UnknownNetwork(network_id)
        return row

    def _network_key_row(self, conn: Connection, network_id: str, key: Credential
                         ) -> Row[Any]:
        row = self._network_row(conn, network_id)
        if isinstance(key, Owner):
            if owner_allowed(conn, row.trainer_id, key):
                return row
            raise WrongTrainerKey("Dit leernetwerk hoort niet bij jouw account. Vul de sleutel "
                                  "van het leernetwerk in.")
        if not codes.key_matches(key, row.trainer_key_hash):
            raise WrongTrainerKey("De sleutel van het leernetwerk klopt niet, dus er is niets "
                                  "veranderd. Kijk of je de sleutel goed hebt overgenomen.")
        return row

    @staticmethod
    def _meeting_rows(conn: Connection, network_id: str) -> list[Meeting]:
        rows = conn.execute(select(sessions).where(sessions.c.network_id == network_id))
        found = sorted(rows, key=lambda r: (r.meeting_date or _local_date(r.created_at),
                                            r.created_at, r.code))
        return [Meeting(r.code, r.name, r.meeting_date or _local_date(r.created_at),
                        r.created_at, r.closed_at, int(r.revision), n)
                for n, r in enumerate(found, start=1)]

    def _last_run_sheet(self, conn: Connection, network_id: str, but: str = "") -> str | None:
        """The run sheet of the network's latest meeting (other than ``but``), if it has one."""
        from ..presenter import RUN_SHEET

        for meeting in reversed(self._meeting_rows(conn, network_id)):
            if meeting.code == but:
                continue
            return conn.execute(select(session_state.c.value).where(
                session_state.c.session_code == meeting.code,
                session_state.c.key == RUN_SHEET)).scalar()
        return None

    @staticmethod
    def _remove_session(conn: Connection, code: str) -> None:
        """Delete a session's rows explicitly, not only by cascade, so it also holds for a
        database made without foreign keys."""
        conn.execute(answers.delete().where(answers.c.session_code == code))
        conn.execute(session_state.delete().where(session_state.c.session_code == code))
        conn.execute(participants.delete().where(participants.c.session_code == code))
        conn.execute(sessions.delete().where(sessions.c.code == code))

    # -- internals ----------------------------------------------------------------------

    @staticmethod
    def _code(code: str) -> str:
        normal = codes.normalise(code)
        if not codes.is_code(normal):
            raise UnknownSession(normal)
        return normal

    @staticmethod
    def _session_row(conn: Connection, code: str) -> Row[Any]:
        row = conn.execute(select(sessions).where(sessions.c.code == code)).first()
        if row is None:
            raise UnknownSession(code)
        return row

    @staticmethod
    def _active_owner(conn: Connection, owner: Owner | None) -> str | None:
        """The owner's id if that trainer is active; a revoked trainer makes nothing new."""
        if owner is None:
            return None
        row = conn.execute(select(trainers.c.revoked_at).where(
            trainers.c.id == owner.trainer_id)).first()
        if row is None or row.revoked_at is not None:
            raise WrongTrainerKey("Je bent niet meer aangemeld als trainer. Meld je opnieuw "
                                  "aan.")
        return owner.trainer_id

    def _trainer_row(self, conn: Connection, code: str, key: Credential) -> Row[Any]:
        row = self._session_row(conn, code)  # no lock needed: a key never changes
        if isinstance(key, Owner):
            if owner_allowed(conn, row.trainer_id, key):
                return row
            raise WrongTrainerKey("Deze sessie hoort niet bij jouw account. Vul de code en de "
                                  "sleutel van de sessie in.")
        if not codes.key_matches(key, row.trainer_key_hash):
            raise WrongTrainerKey()
        if codes.is_legacy_hash(row.trainer_key_hash) and conn.get_execution_options().get(
                WRITE_OPTION):
            # A session from version 1 (unsalted SHA-256): store the salted hash now that we
            # know the key. Once per session; it takes the session's row lock early, which at
            # worst makes PostgreSQL retry one deadlocked write (is_retryable).
            conn.execute(sessions.update().where(
                sessions.c.code == code, sessions.c.trainer_key_hash == row.trainer_key_hash)
                .values(trainer_key_hash=codes.hash_key(key)))
        return row

    @staticmethod
    def _participant_row(conn: Connection, code: str, token: str) -> Row[Any] | None:
        return conn.execute(select(participants.c.nickname).where(
            participants.c.session_code == code, participants.c.token == token)).first()

    @staticmethod
    def _bump(conn: Connection, code: str, only_open: bool = False, **values: Any) -> bool:
        """Count a change; False if the session is gone (or closed, with ``only_open``).

        This row is the one every writer of a session touches, so it comes last in each
        transaction: on PostgreSQL its row lock is held only for this update and the commit
        (and every write takes its locks in the same order: answer, then session). The
        condition is checked again under that lock, so a close cannot slip in unseen.
        """
        query = sessions.update().where(sessions.c.code == code)
        if only_open:
            query = query.where(sessions.c.closed_at.is_(None))
        result = conn.execute(query.values(revision=sessions.c.revision + 1, **values)
                              .returning(sessions.c.revision))
        return result.first() is not None

    def _run(self, work: Callable[[Connection], T], write: bool = False) -> T:
        self._ensure_schema()
        return self._attempt(work, write)

    def _attempt(self, work: Callable[[Connection], T], write: bool) -> T:
        """One transaction, committed at once; retried a few times on lock contention."""
        engine = self._writer if write else self._engine
        for attempt in range(RETRIES):
            try:
                with engine.begin() as conn:
                    return work(conn)
            except DBAPIError as exc:
                if is_retryable(exc) and attempt < RETRIES - 1:
                    log.info("store: busy, retry %d: %s", attempt + 1, exc.orig)
                    time.sleep(0.05 * 2 ** attempt + random.uniform(0, 0.05))
                    continue
                if isinstance(exc, (OperationalError, InterfaceError)) or is_retryable(exc):
                    log.error("store: database unavailable: %s", exc)
                    raise StoreUnavailable() from exc
                raise
            except (DisconnectionError, PoolTimeout) as exc:
                log.error("store: database unavailable: %s", exc)
                raise StoreUnavailable() from exc
        raise AssertionError("unreachable")

    def _ensure_schema(self) -> None:
        """Create or migrate the tables on first use (once per Store, cheap afterwards)."""
        if self._schema_ready:
            return
        with self._schema_lock:
            if self._schema_ready:
                return
            if self._attempt(schema.current_version, write=False) != schema.SCHEMA_VERSION:
                try:
                    self._attempt(schema.ensure_schema, write=True)
                except SchemaTooNew as exc:
                    log.error("store: %s", exc)
                    raise StoreUnavailable(
                        "Deze opslag is gemaakt door een nieuwere versie van de leeromgeving. "
                        "Er gaat niets verloren; vraag de trainer om de leeromgeving bij te "
                        "werken.") from exc
            self._schema_ready = True
