"""A page's kernel sends no traceback back to whoever sends it a malformed widget message."""

from __future__ import annotations

import json
import os
import queue
import time

import pytest

from tests.conftest import NOTEBOOKS

pytestmark = pytest.mark.notebooks

BOGUS = [
    {"method": "update", "state": {"value": 12345}},  # wrong type for a text field
    {"nothing": 1},  # no method at all
    {"method": "update", "state": {"layout": "IPY_MODEL_nope"}},  # a widget that does not exist
    {"method": "bogus"},
]


def leaks(env_extra: dict[str, str]) -> list[str]:
    """Start a real kernel as Voila does, build the participant app, send bogus messages to
    its widgets, and collect every error or stderr text the kernel publishes back."""
    from jupyter_client.manager import KernelManager

    km = KernelManager(kernel_name="python3")
    km.start_kernel(cwd=str(NOTEBOOKS), env={**os.environ, **env_extra})
    kc = km.client()
    kc.start_channels()
    out: list[dict] = []
    try:
        kc.wait_for_ready(timeout=120)
        reply = kc.execute_interactive(
            "from ztmo.ui import journey_app\nimport ipywidgets as w\napp = journey_app()\n"
            "ids = [x.model_id for x in w.widgets.widget._instances.values()]\n"
            "print(' '.join(ids))", timeout=120,
            output_hook=lambda m: out.append(m) if m["msg_type"] == "stream" else None)
        assert reply["content"]["status"] == "ok"
        ids = "".join(m["content"]["text"] for m in out).split()[-12:]
        for comm_id in ids:
            for data in BOGUS:
                kc.shell_channel.send(kc.session.msg("comm_msg", {"comm_id": comm_id,
                                                                  "data": data}))
        found, deadline = [], time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                msg = kc.get_iopub_msg(timeout=0.5)
            except queue.Empty:  # keep listening until the deadline
                continue
            if msg["msg_type"] == "error" or (msg["msg_type"] == "stream"
                                              and msg["content"].get("name") == "stderr"):
                found.append(json.dumps(msg["content"])[:200])
        return found
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_behind_voila_a_malformed_widget_message_gets_no_traceback_back(tmp_path):
    # The variables Voila gives every kernel it starts for a page.
    assert leaks({"VOILA_SERVER_URL": "/", "VOILA_APP_PORT": "8866",
                  "ZTMO_DATA_DIR": str(tmp_path)}) == []


def test_outside_voila_the_notebook_author_still_sees_tracebacks(tmp_path):
    env = {k: "" for k in ("VOILA_SERVER_URL", "VOILA_APP_PORT", "VOILA_PREHEAT")}
    assert leaks({**env, "ZTMO_DATA_DIR": str(tmp_path)})  # the check above can fail


# As Voila starts a page's kernel: its variables, and not inside pytest (a kernel started
# from pytest inherits PYTEST_CURRENT_TEST and then does not capture its stderr file
# descriptor, as it does behind a real server).
def voila_env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
    env.pop("ZTMO_DATABASE_URL", None)
    return {**env, "VOILA_SERVER_URL": "/", "VOILA_APP_PORT": "8866",
            "ZTMO_DATA_DIR": str(tmp_path)}


def closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nobody listens here once the socket is closed


# A joined participant's app; then PostgreSQL "goes down": the store the app uses from now
# on points at a port where nothing listens, and the app keeps following the trainer.
STORE_DOWN = """
import os
from ztmo.ui import journey_app, session
store = session.shared_store()
code = store.create_session("Proef").code
app = journey_app(sessie=code, deelnemer=store.join(code))
session.shared_store.cache_clear()
os.environ["ZTMO_DATABASE_URL"] = "postgresql://ztmo@127.0.0.1:{port}/ztmo"
import ipywidgets as w
print(" ".join(x.model_id for x in w.widgets.widget._instances.values()))
"""


def test_nothing_from_stderr_reaches_the_page_and_the_server_log_says_each_cause_once(tmp_path):
    """A malformed widget message and a database that went away: the page's websocket gets
    no stderr stream and no error message; the server log (the kernel's own stderr) gets a
    short line per cause, not a traceback per poll."""
    from jupyter_client.manager import KernelManager

    port = closed_port()
    log = tmp_path / "server.log"
    km = KernelManager(kernel_name="python3")
    with log.open("w") as server_log:
        km.start_kernel(cwd=str(NOTEBOOKS), env=voila_env(tmp_path), stderr=server_log)
    kc = km.client()
    kc.start_channels()
    out: list[dict] = []
    found: list[str] = []
    try:
        kc.wait_for_ready(timeout=120)
        reply = kc.execute_interactive(
            STORE_DOWN.format(port=port), timeout=120,
            output_hook=lambda m: out.append(m) if m["msg_type"] == "stream" else None)
        assert reply["content"]["status"] == "ok"
        ids = "".join(m["content"]["text"] for m in out
                      if m["content"]["name"] == "stdout").split()[-12:]
        for comm_id in ids:
            for data in BOGUS:
                kc.shell_channel.send(kc.session.msg("comm_msg", {"comm_id": comm_id,
                                                                  "data": data}))
        deadline = time.monotonic() + 8  # the app follows the trainer twice a second
        while time.monotonic() < deadline:
            try:
                msg = kc.get_iopub_msg(timeout=0.5)
            except queue.Empty:
                continue
            if msg["msg_type"] == "error" or (msg["msg_type"] == "stream"
                                              and msg["content"].get("name") == "stderr"):
                found.append(json.dumps(msg["content"])[:300])
        found += [json.dumps(m["content"])[:300] for m in out
                  if m["content"].get("name") == "stderr"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert found == []
    text = log.read_text(errors="replace")
    down = [line for line in text.splitlines() if "tempo volgen" in line]
    assert len(down) == 1, text[-3000:]  # about 15 failures: one line, not one each
    assert str(port) in down[0] and len(down[0]) < 400, text[-3000:]  # short, says why
    assert text.count("Traceback") <= 1, text[-3000:]  # at most once, for the bogus message
    assert "bericht van de pagina" in text  # the malformed message is in the log, not the page
