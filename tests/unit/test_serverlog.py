"""The server log of a page's kernel: each cause once, then a count a minute (ztmo.serverlog)."""

from __future__ import annotations

import io

import pytest

from ztmo import serverlog
from ztmo.errors import StoreUnavailable


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_cause_is_said_once_then_counted_once_a_minute():
    clock = Clock()
    repeats = serverlog.Repeats(every=60, clock=clock)
    assert repeats.note("a") == 0
    for _ in range(119):  # twice a second for a minute
        clock.now += 0.5
        assert repeats.note("a") is None
    clock.now = 60.5
    assert repeats.note("a") == 120
    assert repeats.note("b") == 0  # another cause is said at once
    clock.now = 90
    assert repeats.note("a") is None


def failure() -> StoreUnavailable:
    try:
        try:
            raise OSError('connection to server at "127.0.0.1", port 5432 failed\nmore')
        except OSError as exc:
            raise StoreUnavailable() from exc
    except StoreUnavailable as exc:
        return exc


def test_the_summary_is_one_line_that_says_why():
    line = serverlog.summary(failure())
    assert line == ('StoreUnavailable <- OSError: connection to server at "127.0.0.1", '
                    "port 5432 failed")
    assert len(serverlog.summary(ValueError("x" * 1000))) == serverlog.MAX_LINE


@pytest.fixture()
def log(monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr(serverlog, "server_stream", lambda: stream)
    monkeypatch.setattr(serverlog, "_repeats", serverlog.Repeats())
    return stream


def test_a_store_that_is_down_gives_one_short_line_however_often_it_fails(log):
    for _ in range(50):
        serverlog.report("tempo volgen", failure())
    lines = log.getvalue().splitlines()
    assert lines == [("[ztmo] fout in tempo volgen: StoreUnavailable <- OSError: connection "
                      'to server at "127.0.0.1", port 5432 failed')]


def test_an_unexpected_error_gets_its_traceback_once(log):
    for _ in range(3):
        try:
            raise KeyError("weg")
        except KeyError:
            serverlog.report("bouwen")
    assert log.getvalue().count("Traceback") == 1
    assert log.getvalue().count("[ztmo] fout in bouwen: KeyError: 'weg'") == 1


def test_messages_from_a_page_are_counted_by_kind_whatever_they_say(log):
    for n in range(100):  # someone sends a hundred different odd messages
        serverlog.report("bericht van de pagina", ValueError(f"waarde {n}"), from_page=True)
    assert len(log.getvalue().splitlines()) == 1 and "Traceback" not in log.getvalue()
