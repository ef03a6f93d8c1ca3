"""One chart renderer shared by all kernels of a server.

Drawing a chart needs altair and vl-convert (a JavaScript engine), about 90 MB per
process. With thirty participants that is thirty copies. `ztmo serve` therefore starts
this small renderer once; kernels send it (chart name, arguments) over a local socket
protected by a random key and get SVG back. Without a renderer (Papermill, Binder,
JupyterLab) or when it does not answer, the kernel draws the chart itself.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ENV_ADDRESS = "ZTMO_CHART_SOCKET"
ENV_KEY = "ZTMO_CHART_KEY"
TIMEOUT = 20.0  # s: a chart that takes longer is drawn by the kernel itself


def _charts():
    from . import charts, maps

    return {"region_map": maps.region_map, "trend": charts.trend_chart,
            "compare": charts.compare_chart, "ratings": charts.ratings_chart, "group_ratings": charts.group_ratings_chart,
            "preference_profile": charts.preference_profile_chart,
            "preference_distribution": charts.preference_distribution_chart}


def draw(name: str, kwargs: dict) -> str:
    """Build the named chart and render it to SVG, in this process."""
    from . import charts

    if name in PAGES:
        return PAGES[name](**kwargs)
    return charts.to_svg(_charts()[name](**kwargs))


def _data_stamp() -> tuple:
    """When the figures' files last changed: a cached page is drawn again after that."""
    from .paths import data_dir

    stamp = []
    for folder in ("figures", "lokaal", "regions"):
        path = data_dir() / folder
        if path.is_dir():
            stamp += [(p.name, p.stat().st_mtime_ns) for p in sorted(path.iterdir())
                      if p.is_file()]
    return tuple(stamp)


_pages: dict[tuple, str] = {}


def region_body(code: str) -> str:
    """A region's figures page (without its link back), drawn once per region and data
    version for every kernel of the server: the kernels then need no pandas."""
    from .regions import get_region
    from .ui import region as page

    region = get_region(code)
    key = (region.code, _data_stamp())
    if key not in _pages:
        if len(_pages) > 100:
            _pages.clear()
        _pages[key] = page.region_body(page.load_sources(), region)
    return _pages[key]


def region_slide(code: str = "") -> str:
    """The projector's figures (`ui.region.slide_html`) for a meeting's region, or for the
    Netherlands (``code`` empty), drawn once per region and data version."""
    from .regions import get_region
    from .ui import region as page

    key = ("slide", code, _data_stamp())
    if key not in _pages:
        if len(_pages) > 100:
            _pages.clear()
        _pages[key] = page.slide_html(page.load_sources(), get_region(code) if code else None)
    return _pages[key]


def word_cloud(words: list, **size) -> str:
    """A word cloud's SVG for (word, count) pairs (`ztmo.wordcloud`, which needs numpy)."""
    from . import wordcloud

    return wordcloud.svg([wordcloud.Word(str(t), int(c)) for t, c in words], **size)


PAGES = {"region_body": region_body, "region_slide": region_slide, "word_cloud": word_cloud}


def request(name: str, kwargs: dict, env: dict[str, str] | None = None) -> str | None:
    """Ask the shared renderer; None when there is none or it fails (caller draws itself)."""
    env = os.environ if env is None else env
    address, key = env.get(ENV_ADDRESS), env.get(ENV_KEY)
    if not address or not key or not os.path.exists(address):
        return None
    from multiprocessing.connection import Client

    try:
        with Client(address, family="AF_UNIX", authkey=key.encode()) as conn:
            conn.send((name, kwargs))
            if not conn.poll(TIMEOUT):
                return None
            status, payload = conn.recv()
    except Exception:  # noqa: BLE001 - any trouble: the kernel draws the chart itself
        return None
    return payload if status == "ok" else None


def _handle(conn, lock: threading.Lock) -> None:
    with conn:
        try:
            name, kwargs = conn.recv()
            with lock:  # one JavaScript engine: draw one chart at a time
                conn.send(("ok", draw(name, kwargs)))
        except Exception as exc:  # noqa: BLE001 - report to the caller, keep serving
            try:
                conn.send(("error", f"{type(exc).__name__}: {exc}"))
            except OSError:
                pass


def serve(address: str, key: str, parent: int) -> None:
    """Accept requests until the parent process (the Voila server) is gone."""
    from multiprocessing.connection import Listener

    def watch_parent() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(0)
            threading.Event().wait(2)

    threading.Thread(target=watch_parent, daemon=True).start()
    os.environ.pop(ENV_ADDRESS, None)  # this process draws itself: never ask itself
    draw("ratings", {"rows": [("warm-up", 3)], "question": "", "labels": {3: "x"}})
    lock = threading.Lock()
    with Listener(address, family="AF_UNIX", authkey=key.encode()) as listener:
        while True:
            try:
                conn = listener.accept()
            except Exception:  # noqa: BLE001, S112 - a client with a wrong key, or one that left
                continue
            threading.Thread(target=_handle, args=(conn, lock), daemon=True).start()


def start(parent: int | None = None) -> tuple[subprocess.Popen, dict[str, str]]:
    """Start the renderer for a server process; returns it and the env for the kernels."""
    folder = Path(tempfile.mkdtemp(prefix="ztmo-charts-"))
    os.chmod(folder, 0o700)
    address, key = str(folder / "charts.sock"), secrets.token_hex(16)
    env = dict(os.environ, **{ENV_KEY: key})
    proc = subprocess.Popen(
        [sys.executable, "-m", "ztmo.chartd", address, str(parent or os.getpid())],
        env=env, stdin=subprocess.DEVNULL,
    )
    return proc, {ENV_ADDRESS: address, ENV_KEY: key}


if __name__ == "__main__":
    serve(sys.argv[1], os.environ[ENV_KEY], int(sys.argv[2]))
