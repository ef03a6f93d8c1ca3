"""A preheated kernel reads its page request from a real websocket, as Voila sends it."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import pytest
from websockets.sync.server import serve

from ztmo import request


@pytest.fixture()
def fresh(monkeypatch):
    monkeypatch.setattr(request, "_received", None)
    for key in request.REQUEST_VARIABLES:  # set, then delete: undone at the end either way
        monkeypatch.setenv(key, "")
        monkeypatch.delenv(key)
    return monkeypatch


def _voila_like_server(message: str, drop_first: int = 0):
    """A websocket server on a free port that answers /voila/query/<id> with one message,
    as Voila's RequestInfoSocketHandler does (after dropping the first ``drop_first``
    connections, -1: every one); records the paths asked for."""
    paths: list[str] = []

    def handler(ws):
        paths.append(ws.request.path)
        if drop_first < 0 or len(paths) <= drop_first:
            ws.close(1011, "keepalive ping timeout")  # dropped while waiting
            return
        ws.send(message)

    server = serve(handler, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.socket.getsockname()[1], paths


def _preheated(fresh, kernel_id: str, port: int) -> None:
    """This process as a preheated kernel of a server on ``port``."""
    fresh.setenv("VOILA_PREHEAT", "True")
    fresh.setenv("VOILA_KERNEL_ID", kernel_id)
    fresh.setenv("VOILA_APP_PORT", str(port))
    fresh.setenv("VOILA_SERVER_URL", "/")


def test_url_is_built_as_voila_builds_it():
    env = {"VOILA_PREHEAT": "True", "VOILA_KERNEL_ID": "abc", "VOILA_APP_PORT": "9000",
           "VOILA_SERVER_URL": "/sub/"}
    assert request.request_url(env) == "ws://127.0.0.1:9000/sub/voila/query/abc"
    env["VOILA_WS_BASE_URL"] = "/ws/"
    assert request.request_url(env) == "ws://127.0.0.1:9000/ws/voila/query/abc"
    assert request.request_url({"VOILA_KERNEL_ID": "abc"}) is None  # not preheated


def test_only_request_variables_are_taken():
    raw = json.dumps({"QUERY_STRING": "sessie=AB12CD", "PATH": "/evil", "SERVER_PORT": 1})
    assert request.parse_message(raw) == {"QUERY_STRING": "sessie=AB12CD"}
    assert request.parse_message("geen json") == {}
    assert request.parse_message("[1, 2]") == {}


def test_waits_for_the_request_and_sets_the_environment(fresh):
    message = json.dumps({"QUERY_STRING": "sessie=AB12CD&stap=scan", "PATH_INFO": "/x"})
    server, port, paths = _voila_like_server(message)
    try:
        _preheated(fresh, "k-1", port)
        from ztmo.params import query_string, resolve

        assert query_string() == "sessie=AB12CD&stap=scan"
        assert resolve().sessie == "AB12CD" and resolve().stap == "scan"
        assert paths == ["/voila/query/k-1"]  # asked once, then remembered
    finally:
        server.shutdown()


def test_a_server_that_is_gone_gives_a_bare_address(fresh):
    server, port, _ = _voila_like_server("{}")
    server.shutdown()
    fresh.setattr(request, "CONNECT_TRIES", 2)
    fresh.setattr(request, "CONNECT_PAUSE", 0.01)
    _preheated(fresh, "k-2", port)
    assert request.wait_for_request() == {}


def test_the_kernel_side_does_not_import_voila():
    code = ("import sys, ztmo.request, ztmo.params, ztmo.ui.journey\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('voila', 'jupyter_server', 'jupyterlab_server')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def test_a_connection_dropped_while_waiting_is_made_again(fresh):
    """A preheated kernel can wait in the pool for many minutes. Should its connection drop
    meanwhile (CI once caught a pooled kernel that then showed a bare page), it connects
    again: Voila's server keeps a request that comes while nobody listens, and hands it over
    on the next connection."""
    message = json.dumps({"QUERY_STRING": "regio=Zeeland"})
    server, port, paths = _voila_like_server(message, drop_first=1)
    try:
        fresh.setattr(request, "CONNECT_PAUSE", 0.01)
        _preheated(fresh, "k-3", port)
        assert request.wait_for_request() == {"QUERY_STRING": "regio=Zeeland"}
        assert paths == ["/voila/query/k-3", "/voila/query/k-3"]
    finally:
        server.shutdown()


def test_a_server_that_keeps_dropping_the_connection_gives_a_bare_address(fresh):
    server, port, _ = _voila_like_server("{}", drop_first=-1)
    try:
        fresh.setattr(request, "CONNECT_PAUSE", 0.01)
        _preheated(fresh, "k-4", port)
        assert request.wait_for_request() == {}
    finally:
        server.shutdown()
