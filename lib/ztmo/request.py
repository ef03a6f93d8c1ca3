"""The page request of a preheated Voila kernel, read without importing Voila.

Voila starts preheated kernels before anybody asks for the page. When a page is
requested, Voila's server hands the request's details (query string, path, server name)
to the kernel over a small websocket, ``<server>voila/query/<kernel id>``: the kernel
connects, and receives one JSON object of environment variables when its page is asked
for. Voila's own helper for this (``voila.utils.get_query_string``) imports the whole of
Voila, Jupyter Server and JupyterLab Server into every kernel: about 40 MB and over a
second of CPU per kernel, for one websocket message. This module reads the same message
with the small ``websockets`` client Voila itself depends on.

Only the variables Voila sends are set, and only those with the names Voila uses.
"""

from __future__ import annotations

import json
import os
import threading
import time

# What Voila's server sends (voila.utils.ENV_VARIABLE, request part), plus the one header
# our server passes on (the signed-in trainer, see ztmo.serverauth; only the server sets it).
REQUEST_VARIABLES = frozenset({
    "QUERY_STRING", "PATH_INFO", "SCRIPT_NAME", "SERVER_NAME", "SERVER_PORT",
    "SERVER_PROTOCOL", "SERVER_SOFTWARE", "VOILA_REQUEST_URL", "HTTP_X_ZTMO_TRAINER",
})
CONNECT_TRIES = 5
CONNECT_PAUSE = 1.0  # s between tries: the server may be busy starting many kernels
STEADY = 10.0  # s: a connection that dropped after this long was fine; try again afresh

_lock = threading.Lock()
_received: dict[str, str] | None = None


def request_url(env: dict[str, str] | os._Environ | None = None) -> str | None:
    """The websocket address on which this kernel's page request arrives, or None
    outside a preheated Voila kernel. Built as Voila builds it."""
    env = os.environ if env is None else env
    kernel_id = env.get("VOILA_KERNEL_ID")
    if env.get("VOILA_PREHEAT", "False") != "True" or not kernel_id:
        return None
    protocol = env.get("VOILA_WS_PROTOCOL", "ws")
    host = env.get("VOILA_APP_IP", "127.0.0.1")
    port = env.get("VOILA_APP_PORT", "8866")
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    return f"{protocol}://{host}:{port}{base}voila/query/{kernel_id}"


def parse_message(raw: str | bytes) -> dict[str, str]:
    """The request variables from Voila's message; anything else is left out."""
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if k in REQUEST_VARIABLES and isinstance(v, str)}


def _receive(url: str) -> dict[str, str]:
    """Connect and wait for the one message. A connection that drops while waiting is made
    again: a pooled kernel may wait many minutes, and Voila's server keeps a request that
    arrives while the kernel is not connected, and hands it over on the next connection.
    No keepalive pings of our own: on a busy server a late answer to one made the client
    close the connection (the server's own pings keep it alive; the client answers them).
    Only CONNECT_TRIES failures in a row (no connection, or one dropped within
    STEADY seconds) give up."""
    from websockets.exceptions import ConnectionClosed
    from websockets.sync.client import connect

    failures = 0
    while True:
        opened = None
        try:
            with connect(url, open_timeout=30, close_timeout=1, ping_interval=None) as ws:
                opened = time.monotonic()
                return parse_message(ws.recv())
        except (OSError, TimeoutError, ConnectionClosed):
            steady = opened is not None and time.monotonic() - opened >= STEADY
            failures = 1 if steady else failures + 1
            if failures >= CONNECT_TRIES:
                raise
            time.sleep(CONNECT_PAUSE)


def wait_for_request() -> dict[str, str]:
    """Block until this preheated kernel's page is requested; put the request's
    variables in ``os.environ`` (as Voila's helper does) and return them.

    Outside a preheated kernel, or once received, return at once. A connection that
    fails (the server went away) gives an empty request: the app then starts with no
    parameters, which it handles like a bare address.
    """
    global _received
    with _lock:
        if _received is not None:
            return _received
        url = request_url()
        if url is None:
            _received = {}
            return _received
        try:
            values = _receive(url)
        except Exception:  # noqa: BLE001 - any websocket failure: a bare address
            import sys
            import traceback

            if sys.__stderr__ is not None:
                print("[ztmo] fout bij het lezen van het paginaverzoek:", file=sys.__stderr__)
                traceback.print_exc(file=sys.__stderr__)
            values = {}
        os.environ.update(values)
        _received = values
        return values
