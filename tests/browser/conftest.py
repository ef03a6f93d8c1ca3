"""A real Voila server (our serve settings) and headless Debian Chromium via Playwright."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, REPO, skip_or_fail  # noqa: F401 - used by tests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class VoilaServer:
    """Our server as `make serve` starts it. By default one preheated kernel per app
    (deelnemers=1, pool_size=1) and a roomy kernel ceiling; tests of the server itself
    pass their own numbers and extra environment (such as short cull times)."""

    def __init__(self, port: int, log: Path, preheat: bool = True, deelnemers: int = 1,
                 pool_size: int = 1, max_kernels: int | None = 40, cull_idle: int = 300,
                 cull_interval: int = 30, extra_env: dict[str, str] | None = None):
        import secrets
        import tempfile

        from ztmo import chartd
        from ztmo.serve import ServeSettings, voila_argv, voila_env

        self.port = port
        self.base = f"http://127.0.0.1:{port}"
        # A short private folder of its own for the kernels' socket files (path limit).
        self.runtime = Path(tempfile.mkdtemp(prefix="ztmo-t-"))
        settings = ServeSettings(port=port, preheat=preheat, deelnemers=deelnemers,
                                 pool_size=pool_size, max_kernels=max_kernels,
                                 cull_idle_seconds=cull_idle, cull_interval_seconds=cull_interval,
                                 runtime_dir=self.runtime)
        self.settings = settings
        self.log = log
        # Like `make serve`: one shared chart renderer beside the server.
        self.charts, chart_env = chartd.start()
        self.status_token = secrets.token_urlsafe(16)
        self.env = voila_env(extra={**chart_env, "ZTMO_STATUS_TOKEN": self.status_token,
                                    **(extra_env or {})})
        self.proc = subprocess.Popen(voila_argv(settings, isolated=True), env=self.env,
                                     cwd=str(REPO), stdout=log.open("w"), stderr=subprocess.STDOUT)

    def status(self) -> dict:
        """The server's own kernel counts (private endpoint, see ztmo.serverext)."""
        import json

        from ztmo.serverext import STATUS_HEADER

        req = urllib.request.Request(self.base + "/voila/api/ztmo/status",
                                     headers={STATUS_HEADER: self.status_token})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.load(r)

    def url(self, rel: str, query: str = "") -> str:
        return f"{self.base}/voila/render/notebooks/{rel}{('?' + query) if query else ''}"

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("Voila stopped:\n" + self.log.read_text()[-3000:])
            try:
                with urllib.request.urlopen(self.base + "/", timeout=2):
                    return
            except urllib.error.HTTPError:
                return  # it answers: it is up
            except OSError:
                time.sleep(0.3)
        raise TimeoutError("Voila did not start:\n" + self.log.read_text()[-3000:])

    def stop(self) -> None:
        import shutil

        self.charts.terminate()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.runtime, ignore_errors=True)


@pytest.fixture(scope="session")
def voila(tmp_path_factory):
    server = VoilaServer(free_port(), tmp_path_factory.mktemp("voila") / "voila.log")
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()




class Page:
    """A browser page that blocks and records every request to another host."""

    def __init__(self, browser, voila, width: int, height: int):
        self.context = browser.new_context(viewport={"width": width, "height": height},
                                           locale="nl-NL")
        self.foreign: list[str] = []
        self.local_requests = 0
        own = urlparse(voila.base).netloc

        def gate(route):
            url = route.request.url
            if urlparse(url).netloc == own or url.startswith(("data:", "blob:")):
                self.local_requests += 1
                route.continue_()
            else:
                self.foreign.append(url)
                route.abort()

        self.context.route("**/*", gate)
        self.page = self.context.new_page()


@pytest.fixture()
def make_page(browser, voila):
    pages: list[Page] = []

    def make(width: int = 1280, height: int = 900):
        p = Page(browser, voila, width, height)
        pages.append(p)
        return p.page

    yield make
    for p in pages:
        foreign = list(p.foreign)
        p.context.close()
        assert foreign == [], f"requests to other hosts: {foreign}"
        assert p.local_requests > 0


def menu_go(page, step: str) -> None:
    """Open the journey's menu (behind one button on a phone) and tap a step, as a
    participant does."""
    toggle = page.locator(".ztmo-menu .ztmo-menu-toggle")
    if toggle.get_attribute("open") is None:
        toggle.locator("summary").click()
    page.locator(f".ztmo-menu a[data-ztmo-stap='{step}']").click()
