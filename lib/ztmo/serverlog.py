"""What a page's kernel writes goes to the server log, never to the page, and says each
cause once.

Behind Voila, ipykernel sends everything written to the kernel's stderr to the page: Python
writes to ``sys.stderr`` (logging's last resort, warnings, a thread's exception) and, since
it also captures the file descriptor, writes to ``sys.__stderr__`` and from C code. So a
traceback with the server's paths, or "connection to server at 127.0.0.1, port 5432
failed", reached a participant's websocket. `to_server_log` gives the kernel's stderr back
to the process (where the server log is) and sends our own log records there.

And a failure that repeats (the database is down: every open app tries twice a second) is
said in one short line the first time, then as a count at most once a minute (`Repeats`),
not as a traceback per try.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable
from typing import TextIO

from .errors import ZtmoError

EVERY = 60.0  # s: a failure that keeps coming back is counted, and said this often
MAX_LINE = 300  # characters of one cause


def server_stream() -> TextIO | None:
    """Where the server log is: the process's own stderr."""
    return sys.__stderr__


def summary(exc: BaseException) -> str:
    """One line: the exception and what caused it ("StoreUnavailable: ... <-
    OperationalError: connection to server at ... failed"), first lines only."""
    parts, seen = [], set()
    while exc is not None and id(exc) not in seen and len(parts) < 3:
        seen.add(id(exc))
        cause = exc.__cause__ or exc.__context__
        first = (str(exc).strip().splitlines() or [""])[0]
        ours = isinstance(exc, ZtmoError)
        # Our own errors carry a message for people; with a cause, the cause says why.
        plain = not first or (cause is not None and ours)
        parts.append(type(exc).__name__ if plain else f"{type(exc).__name__}: {first}")
        if not ours:  # the first cause that is not ours says it (a driver's repeat it)
            break
        exc = cause
    line = " <- ".join(parts)
    return line if len(line) <= MAX_LINE else line[:MAX_LINE - 1] + "…"


class Repeats:
    """Counts each cause: says it the first time, then how often it came back, at most
    once every ``every`` seconds."""

    def __init__(self, every: float = EVERY, clock: Callable[[], float] = time.monotonic):
        self.every, self.clock = every, clock
        self._seen: dict[object, list] = {}  # cause -> [last said, times since]
        self._lock = threading.Lock()

    def note(self, cause: object) -> int | None:
        """0: say it (the first time); n > 0: say it came back n times; None: keep quiet."""
        now = self.clock()
        with self._lock:
            seen = self._seen.get(cause)
            if seen is None:
                if len(self._seen) > 1000:  # a bounded memory, however many causes
                    self._seen.clear()
                self._seen[cause] = [now, 0]
                return 0
            seen[1] += 1
            if now - seen[0] < self.every:
                return None
            times, seen[0], seen[1] = seen[1], now, 0
            return times


_repeats = Repeats()


def report(context: str, exc: BaseException | None = None, from_page: bool = False) -> None:
    """One failure to the server log (see the module's docstring). Without ``exc``, the
    exception being handled. A traceback only the first time of an unexpected error.

    ``from_page``: caused by what a page sent (anyone can send anything), so counted by
    its kind only, whatever it said, and without a traceback: a flood of odd messages is
    a line a minute, not a full log."""
    if exc is None:
        exc = sys.exc_info()[1]
    line = summary(exc) if exc is not None else "onbekende fout"
    times = _repeats.note((context, type(exc).__name__ if from_page else line))
    stream = server_stream()
    if times is None or stream is None:
        return
    try:
        if times:
            print(f"[ztmo] fout in {context} (nog {times} keer): {line}", file=stream)
        else:
            print(f"[ztmo] fout in {context}: {line}", file=stream)
            if exc is not None and not from_page and not isinstance(exc, ZtmoError):
                traceback.print_exception(exc, file=stream)
        stream.flush()
    except (OSError, ValueError):  # the log is gone: nothing to be done
        pass


class _OnceFilter(logging.Filter):
    """A record as one short line, said again only as a count (`Repeats`)."""

    def __init__(self):
        super().__init__()
        self.repeats = Repeats()

    def filter(self, record: logging.LogRecord) -> bool:
        message = (record.getMessage().strip().splitlines() or [""])[0][:MAX_LINE]
        times = self.repeats.note((record.name, record.levelno, message))
        if times is None:
            return False
        record.msg, record.args, record.exc_info, record.exc_text = (
            message + (f" (nog {times} keer)" if times else ""), None, None, None)
        return True


def to_server_log() -> None:
    """In a page's kernel: stderr (the Python stream and the file descriptor) goes to the
    server log, not to the page; our log records too, one short line per cause."""
    captured = sys.stderr
    original = getattr(captured, "_original_stdstream_copy", None)
    if original is not None:  # ipykernel captured fd 2 into a pipe to the page: undo that
        sys.__stderr__.flush()
        os.dup2(original, 2)
    sys.stderr = sys.__stderr__
    for logger in [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]:
        for handler in getattr(logger, "handlers", ()):  # ipykernel's and tornado's own log
            if isinstance(handler, logging.StreamHandler):
                if handler.stream is captured:
                    handler.setStream(sys.__stderr__)
                if not any(isinstance(f, _OnceFilter) for f in handler.filters):
                    handler.addFilter(_OnceFilter())
    ours = logging.getLogger("ztmo")
    if not any(getattr(h, "_ztmo", False) for h in ours.handlers):
        handler = logging.StreamHandler(sys.__stderr__)
        handler.setFormatter(logging.Formatter("[ztmo] %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(_OnceFilter())
        handler._ztmo = True
        ours.addHandler(handler)
        ours.setLevel(logging.INFO)
        ours.propagate = False
