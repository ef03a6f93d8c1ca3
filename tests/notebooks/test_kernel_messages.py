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
