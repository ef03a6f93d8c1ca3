"""A participant's link to a group session, and the pieces that write answers.

The store is the only place that writes; this module only decides which session
and which anonymous participant a page belongs to, and turns store errors into
Dutch boxes. Without a session, answers stay on the participant's own page.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache

import ipywidgets as w

from ..errors import SessionClosed, ZtmoError
from ..params import Params
from .answers import AnswerSink, LocalAnswers
from .base import esc, guarded, html_block, log_exception

MAX_ANSWER = 500
PRIVACY = "Noem geen namen of andere gegevens waaraan iemand te herkennen is."
SEEN_BY_GROUP = ("Wie ziet dit? Je groep en het scherm van de trainer, zonder je naam. "
                 + PRIVACY)
SEEN_BY_YOU = ("Wie ziet dit? Alleen jij, op dit scherm; het wordt niet bewaard. " + PRIVACY)
HEARTBEAT = 30.0  # seconds between "still here" notes of a participant's app


def audience(sink: AnswerSink) -> str:
    """The one line at every answer box: who will see what is typed there."""
    return SEEN_BY_GROUP if isinstance(sink, SessionAnswers) else SEEN_BY_YOU


@lru_cache(maxsize=1)
def shared_store():
    """One store per kernel (its engine pools connections)."""
    from ..store import Store

    return Store.from_env()


@dataclass(frozen=True)
class SessionLink:
    """The session this page belongs to; ``token`` is "" until the participant joins."""

    code: str
    name: str
    token: str = ""

    @property
    def joined(self) -> bool:
        return bool(self.token)


def open_session(params: Params, store=None) -> tuple[SessionLink | None, list[ZtmoError]]:
    """Look up the session in the page's link; problems come back as Dutch errors."""
    if not params.sessie:
        return None, []
    try:
        store = store or shared_store()
        session = store.get_session(params.sessie)
        if session.closed_at is not None:
            raise SessionClosed()
        token = params.deelnemer if params.deelnemer and store.is_participant(
            session.code, params.deelnemer) else ""
    except ZtmoError as exc:
        return None, [exc]
    return SessionLink(session.code, session.name, token), []


def join(params: Params, code: str, nickname: str | None, store=None) -> Params:
    """Join a session; the returned Params carry the new anonymous token along."""
    store = store or shared_store()
    token = store.join(code, nickname or None)
    session = store.get_session(code)
    return replace(params, sessie=session.code, deelnemer=token)


class SessionAnswers:
    """Answers saved in the session store, with this participant's earlier answers loaded."""

    def __init__(self, link: SessionLink, store=None):
        self.link = link
        self.store = store or shared_store()
        self._values: dict[str, object] = {
            a.activity: a.value for a in self.store.answers(link.code)
            if a.participant == link.token
        }

    def save(self, activity: str, value: object) -> None:
        self.store.save_answer(self.link.code, self.link.token, activity, value)
        self._values[activity] = str(value).strip()

    def get(self, activity: str) -> object | None:
        return self._values.get(activity)


def answer_sink(link: SessionLink | None, store=None) -> AnswerSink:
    return SessionAnswers(link, store) if link and link.joined else LocalAnswers()


class AnswerBox:
    """A text answer with a privacy notice, a length check and a clear saved/failed state.

    A failed save keeps the text in the box, so nothing typed is lost.
    """

    def __init__(self, activity: str, question_html: str, sink: AnswerSink,
                 placeholder: str = "Typ hier je antwoord", rows: int = 2,
                 on_saved: Callable[[], None] | None = None):
        self.activity = activity
        self.sink = sink
        self.on_saved = on_saved
        self.question = html_block(question_html, "ztmo-answer-question")
        self.input = w.Textarea(placeholder=placeholder, rows=rows, layout=w.Layout(width="100%"))
        self.input.add_class("ztmo-answer-input")
        self.button = w.Button(description="Opslaan", tooltip="Antwoord opslaan")
        self.button.add_class("ztmo-answer-submit")
        self.status = html_block("", "ztmo-answer-status")
        self.button.on_click(guarded(self.submit, self._show_error, "antwoord opslaan"))
        self.privacy = html_block("")
        self.root = w.VBox([self.question, self.privacy, self.input, self.button, self.status])
        self.root.add_class("ztmo-answer")
        self.load()

    def point_at(self, activity: str, question_html: str) -> None:
        """Reuse the box for another activity (the walk moves to the next guideline)."""
        self.activity = activity
        self.question.value = question_html
        self.load()

    @property
    def limit(self) -> int:
        from ..activities import registry

        act = registry().get(self.activity)
        return act.max_length if act else MAX_ANSWER

    def load(self) -> None:
        value = self.sink.get(self.activity)
        self.input.value = "" if value is None else str(value)
        self.status.value = ""
        self.privacy.value = (f'<p class="ztmo-privacy">{esc(audience(self.sink))} Maximaal '
                              f"{self.limit} tekens.</p>")

    def submit(self, _=None) -> None:
        text = self.input.value.strip()
        if not text:
            self.status.value = '<p class="ztmo-missing">Typ eerst een antwoord.</p>'
            return
        if len(text) > self.limit:
            self.status.value = (
                f'<p class="ztmo-missing">Je antwoord heeft {len(text)} tekens. Het mogen er '
                f"{self.limit} zijn. Maak het wat korter; je tekst blijft staan.</p>"
            )
            return
        self.sink.save(self.activity, text)
        self.status.value = f'<p class="ztmo-saved">Opgeslagen om {datetime.now():%H:%M}.</p>'
        if self.on_saved:
            self.on_saved()

    def _show_error(self, box: w.Widget) -> None:
        self.status.value = box.value.replace('role="alert"', 'role="alert" class="ztmo-error"')


class Live:
    """Refresh group views from the store by themselves.

    Poll a cheap revision number; only when it changed, read the session's whole state
    once (`Store.snapshot`) and hand that one snapshot to every view. A participant's
    Live also notes now and then that the app is alive (`Store.touch`), so duo pairs
    leave out people who went away.
    """

    def __init__(self, store, code: str, interval: float = 1.0, token: str = ""):
        self.store = store
        self.code = code
        self.token = token
        self.interval = interval
        self.refreshers: list[Callable[[object], None]] = []
        self.last: int | None = None
        self.snapshot = None
        self._beat = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def add(self, refresher: Callable[[object], None]) -> None:
        self.refreshers.append(refresher)
        refresher(self.current())

    def current(self):
        """The latest snapshot (read now if there is none yet)."""
        if self.snapshot is None:
            self.snapshot = self.store.snapshot(self.code)
            self.last = self.snapshot.revision
        return self.snapshot

    def poll_once(self) -> bool:
        """Refresh if the session changed; True when it did."""
        with self._lock:
            self._heartbeat()
            revision = self.store.revision(self.code)
            if revision == self.last:
                return False
            self.snapshot = self.store.snapshot(self.code)
            self.last = self.snapshot.revision
            for refresh in self.refreshers:
                refresh(self.snapshot)
            return True

    def _heartbeat(self) -> None:
        import time

        if self.token and time.monotonic() - self._beat >= HEARTBEAT:
            self._beat = time.monotonic()
            self.store.touch(self.code, self.token)

    def start(self) -> Live:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="ztmo-live", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        failures = 0
        while not self._stop.wait(self.interval * (1 + min(failures, 10))):
            try:
                self.poll_once()
                failures = 0
            except Exception:  # noqa: BLE001 - keep polling; the log says why
                failures += 1
                if failures in (1, 10):
                    log_exception("live groepsbeeld")
