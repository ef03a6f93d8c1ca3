"""The join gate: who gets an app, and so a kernel, on this server.

A kernel costs about 70 MB and a second of CPU. On a hosted server (``ZTMO_ACCOUNTS=1``)
nobody gets one without a reason: participants need the code of an open session (or must
already be one of its participants), trainers must be signed in. Everyone else gets a
light page without a kernel (`ztmo.serverpages`). On a laptop the apps stay open as they
were; only a code that does not exist is answered with the light page.

Each session may hold a budget of kernels (from the number of participants its trainer
expects, `hosting.session_budget`), so one session, or one client reloading in a loop,
can never take the kernels of another session on the same server.

`decide` is pure: the facts about the session and the kernels are looked up first.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .hosting import PER_PARTICIPANT, parse_expected, session_budget
from .store.codes import is_code, is_token, normalise

TRAINER_APPS = frozenset({"notebooks/trainer.ipynb", "notebooks/verslag.ipynb"})
# The network page is the projector's comparison with a session code, a trainer's page
# without one.
TRAINER_APPS_WITHOUT_CODE = frozenset({"notebooks/netwerk.ipynb"})
EXPECTED_KEY = "verwacht"  # session state: how many participants the trainer expects


@dataclass(frozen=True)
class SessionFacts:
    code: str
    open: bool
    expected: int | None
    known: bool = False  # the participant token in the address belongs to this session


@dataclass(frozen=True)
class Verdict:
    """``kind``: "allow" (the app, counted against ``session``), "join" (the light join
    page, with ``problem`` a text key or ""), "signin" or "full"."""

    kind: str
    session: str = ""
    participant: str = ""
    problem: str = ""
    guess: bool = False  # a code that does not exist: counts against the client's limit

    @property
    def allowed(self) -> bool:
        return self.kind == "allow"


def requested(query: Mapping[str, str]) -> tuple[str, str]:
    """The session code and participant token a page's address asks for."""
    code = normalise(query.get("sessie", ""))[:32]
    token = query.get("deelnemer", "").strip()
    return code, token if is_token(token) else ""


def decide(notebook: str, query: Mapping[str, str], *, hosted: bool, trainer: bool,
           facts: SessionFacts | None, held: int = 0, held_by_participant: int = 0) -> Verdict:
    """May this request have the app (and a kernel)?

    ``facts`` describes the session the address names (None: no such session), ``held``
    how many kernels that session holds on this server now, ``held_by_participant`` how
    many the participant in the address holds.
    """
    code, token = requested(query)
    if notebook in TRAINER_APPS or (notebook in TRAINER_APPS_WITHOUT_CODE and not code):
        if hosted and not trainer:
            return Verdict("signin")
        return Verdict("allow")
    if not code:
        if hosted and not trainer:
            return Verdict("join")
        return Verdict("allow")
    if not is_code(code) or facts is None:
        return Verdict("join", problem="meedoen.onbekend", guess=True)
    known = bool(token) and facts.known
    if not facts.open and not known:
        return Verdict("join", problem="meedoen.gesloten")
    if trainer:
        return Verdict("allow", session=facts.code)
    if known:
        if held_by_participant >= PER_PARTICIPANT:
            return Verdict("full", session=facts.code)
        return Verdict("allow", session=facts.code, participant=token)
    if held >= session_budget(facts.expected):
        return Verdict("full", session=facts.code)
    return Verdict("allow", session=facts.code)


class LazyStore:
    """The store, opened on first use (the server starts before the database may be up),
    once, from any thread."""

    def __init__(self, store_factory: Callable[[], object]):
        self._factory = store_factory
        self._store = None
        self._lock = threading.Lock()

    @property
    def store(self):
        with self._lock:
            if self._store is None:
                self._store = self._factory()
            return self._store


class SessionLookup(LazyStore):
    """Facts about sessions from the store, remembered for a few seconds: a page reloaded
    in a loop, or a room arriving at once, asks the database once per session per
    ``ttl``. Thread-safe (the server asks from worker threads)."""

    def __init__(self, store_factory: Callable[[], object], ttl: float = 3.0,
                 clock: Callable[[], float] = time.monotonic):
        super().__init__(store_factory)
        self.ttl = ttl
        self.clock = clock
        self._cache: dict[str, tuple[float, SessionFacts | None]] = {}
        self._known: dict[tuple[str, str], float] = {}

    def facts(self, code: str, token: str = "") -> SessionFacts | None:
        """The session's facts (None: it does not exist). Raises StoreUnavailable."""
        from .errors import UnknownSession

        now = self.clock()
        with self._lock:
            hit = self._cache.get(code)
            if len(self._cache) > 5000:
                self._cache.clear()
        if hit is None or now - hit[0] > self.ttl:
            try:
                session = self.store.get_session(code)
                expected = parse_expected(self.store.state(code).get(EXPECTED_KEY))
                found: SessionFacts | None = SessionFacts(session.code, session.closed_at is None,
                                                          expected)
            except UnknownSession:
                found = None
            with self._lock:
                self._cache[code] = (now, found)
            hit = (now, found)
        found = hit[1]
        if found is None or not token:
            return found
        return SessionFacts(found.code, found.open, found.expected, self._is_known(code, token))

    def _is_known(self, code: str, token: str) -> bool:
        key = (code, token)
        with self._lock:
            if key in self._known:
                return True
        known = self.store.is_participant(code, token)
        if known:
            with self._lock:
                if len(self._known) > 20000:
                    self._known.clear()
                self._known[key] = self.clock()
        return known

    def forget(self, code: str) -> None:
        with self._lock:
            self._cache.pop(code, None)


@dataclass
class KernelBook:
    """Which session (and participant) each handed-out kernel belongs to, so the gate can
    count a session's kernels. Kernels that are gone are dropped when counting."""

    tags: dict[str, tuple[str, str]] = field(default_factory=dict)

    def tag(self, kernel_id: str, session: str, participant: str = "") -> None:
        if session:
            self.tags[kernel_id] = (session, participant)

    def drop(self, kernel_id: str) -> None:
        self.tags.pop(kernel_id, None)

    def prune(self, live: set[str]) -> None:
        for kernel_id in [k for k in self.tags if k not in live]:
            del self.tags[kernel_id]

    def held(self, session: str) -> int:
        return sum(1 for s, _ in self.tags.values() if s == session)

    def held_by(self, session: str, participant: str) -> int:
        if not participant:
            return 0
        return sum(1 for tag in self.tags.values() if tag == (session, participant))

    def per_session(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for s, _ in self.tags.values():
            counts[s] = counts.get(s, 0) + 1
        return counts
