"""A participant's link to a group session, and the pieces that write answers.

The store is the only place that writes; this module only decides which session
and which anonymous participant a page belongs to, and turns store errors into
Dutch boxes. Without a session, answers stay on the participant's own page.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache

import ipywidgets as w

from ..errors import SessionClosed, ZtmoError
from ..params import Params
from ..texts import text
from .answers import AnswerSink, LocalAnswers
from .base import error_box, esc, guarded, html_block, log_exception, saved_html

MAX_ANSWER = 500


def _privacy(key: str, **values: object) -> str:
    from ..texts import text

    return text("privacy", key, **values)


PRIVACY = _privacy("noem_geen")


def _kept() -> str:
    """How long a session's answers stay: on a server for a network the clean-up deletes
    them after the retention period; on a laptop the trainer does."""
    from .account import accounts_on, months

    return (_privacy("weg.vanzelf", maanden=months()) if accounts_on()
            else _privacy("weg.trainer"))


def audience(sink: AnswerSink, choice: bool = False) -> str:
    """The line at every answer box (or, with ``choice``, every choice): who will see what
    is given there, and for how long it is kept: true with and without a session."""
    if not isinstance(sink, SessionAnswers):
        return _privacy("keuze.alleen_jij" if choice else "antwoord.alleen_jij") + (
            "" if choice else " " + PRIVACY)
    parts = [_privacy("keuze.sessie" if choice else "antwoord.sessie"), _kept()]
    if sink.in_network:
        parts.append(_privacy("netwerk"))
    if not choice:
        parts.append(PRIVACY)
    return " ".join(parts)


def saved_note(sink: AnswerSink) -> str:
    """After a save: "Opgeslagen om 10:42." only when the store took it."""
    if isinstance(sink, SessionAnswers):
        return _privacy("bewaard", tijd=f"{datetime.now():%H:%M}")
    return _privacy("niet_bewaard")


SEEN_BY_YOU = _privacy("antwoord.alleen_jij") + " " + PRIVACY
HEARTBEAT = 30.0  # seconds between "still here" notes of a participant's app
_BOXES: weakref.WeakSet = weakref.WeakSet()  # every answer box, for `flush_within`


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
        self._network: bool | None = None
        self.store = store or shared_store()
        self._values: dict[str, object] = {
            a.activity: a.value for a in self.store.answers(link.code)
            if a.participant == link.token
        }

    @property
    def in_network(self) -> bool:
        """Is the session a meeting of a learning network (asked once)?"""
        if self._network is None:
            try:
                self._network = self.store.network_of(self.link.code) is not None
            except Exception:  # noqa: BLE001 - the line then leaves the network out
                self._network = False
        return self._network

    def save(self, activity: str, value: object) -> None:
        self.store.save_answer(self.link.code, self.link.token, activity, value)
        self._values[activity] = str(value).strip()

    def get(self, activity: str) -> object | None:
        return self._values.get(activity)


def answer_sink(link: SessionLink | None, store=None) -> AnswerSink:
    return SessionAnswers(link, store) if link and link.joined else LocalAnswers()


class AnswerBox:
    """A text answer with a privacy notice, a length check and a clear saved/failed state.

    "Opgeslagen" is shown only after the store took the text, and only as long as the box
    holds that text. A failed save keeps the text in the box, so nothing typed is lost;
    moving on (`flush`) saves what was typed, or keeps it with the reason next to it.
    """

    def __init__(self, activity: str, question_html: str, sink: AnswerSink,
                 placeholder: str = "Typ hier je antwoord", rows: int = 2,
                 on_saved: Callable[[], None] | None = None):
        self.activity = activity
        self.sink = sink
        self.on_saved = on_saved
        self.saved = ""  # the text as stored (or loaded) for this activity
        self.question = html_block(question_html, "ztmo-answer-question")
        self.input = w.Textarea(placeholder=placeholder, rows=rows, layout=w.Layout(width="100%"))
        self.input.add_class("ztmo-answer-input")
        self.button = w.Button(description="Opslaan", tooltip="Antwoord opslaan")
        self.button.add_class("ztmo-answer-submit")
        self.status = html_block("", "ztmo-answer-status")
        self.button.on_click(guarded(self.submit, self._show_error, "antwoord opslaan"))
        self.input.observe(self._edited, "value")
        self.privacy = html_block("")
        self.root = w.VBox([self.question, self.privacy, self.input, self.button, self.status])
        self.root.add_class("ztmo-answer")
        self.load()
        _BOXES.add(self)

    def point_at(self, activity: str, question_html: str) -> None:
        """Reuse the box for another activity (the walk moves to the next guideline).
        Call `flush` first: what was typed for the previous one is not kept here."""
        was_saved = "ztmo-saved" in self.status.value
        self.activity = activity
        self.question.value = question_html
        self.load()
        if was_saved:  # said next to the box that now holds the next one's answer
            self.status.value = saved_html(text("meldingen", "antwoord.vorige"))

    @property
    def unsaved(self) -> bool:
        return self.input.value.strip() not in ("", self.saved)

    def flush(self) -> bool:
        """Before moving on: save what was typed and not saved. False when it cannot be
        (too long, or the store refused): the text stays in the box with the reason."""
        if not self.unsaved:
            return True
        try:
            return self.submit()
        except ZtmoError as exc:
            self._show_error(error_box(exc))
            return False

    def _edited(self, change) -> None:
        """Typing on after a save: "Opgeslagen" no longer speaks for the text in the box."""
        if "ztmo-saved" in self.status.value and str(change["new"]).strip() != self.saved:
            self.status.value = ""

    @property
    def limit(self) -> int:
        from ..activities import registry

        act = registry().get(self.activity)
        return act.max_length if act else MAX_ANSWER

    def load(self) -> None:
        value = self.sink.get(self.activity)
        self.saved = "" if value is None else str(value).strip()
        self.status.value = ""
        self.input.value = "" if value is None else str(value)
        self.privacy.value = (f'<p class="ztmo-privacy">{esc(audience(self.sink))} Maximaal '
                              f"{self.limit} tekens.</p>")

    def submit(self, _=None) -> bool:
        """Save the text; True when the store took it. Errors of the store are raised (the
        button's guard shows them next to the box, in place of any earlier status)."""
        typed = self.input.value.strip()
        self.status.value = ""  # no earlier "Opgeslagen" next to the text being saved now
        if not typed:
            self.status.value = '<p class="ztmo-missing">Typ eerst een antwoord.</p>'
            return False
        if len(typed) > self.limit:
            self.status.value = (
                f'<p class="ztmo-missing">Je antwoord heeft {len(typed)} tekens. Het mogen er '
                f"{self.limit} zijn. Maak het wat korter; je tekst blijft staan.</p>"
            )
            return False
        self.sink.save(self.activity, typed)
        self.saved = typed
        self.status.value = saved_html(saved_note(self.sink))
        if self.on_saved:
            self.on_saved()
        return True

    def _show_error(self, box: w.Widget) -> None:
        self.status.value = box.value.replace('role="alert"', 'role="alert" class="ztmo-error"')


def flush_within(root: w.Widget) -> bool:
    """Before a view is left: every answer box in it saves what was typed and not saved
    (or keeps it, with the reason next to it, for when the participant comes back).
    False when one could not."""
    inside, stack = set(), [root]
    while stack:
        widget = stack.pop()
        inside.add(id(widget))
        stack.extend(getattr(widget, "children", ()))
    done = True
    for box in list(_BOXES):
        if id(box.root) in inside:
            try:
                done = box.flush() and done
            except Exception:  # noqa: BLE001 - leaving a view never fails on one box
                log_exception("antwoord bewaren bij verder gaan")
                done = False
    return done


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
