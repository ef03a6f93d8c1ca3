"""A hosted server as an administrator runs it: `ztmo serve` with trainer accounts under a
path prefix, the answers in a real PostgreSQL, Debian's nginx with TLS (our site file) in
front. Tests reach it only through https, like phones in a room."""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO, skip_or_fail
from tests.hosted.proxy import NGINX, Nginx, free_port

ZTMO = REPO / ".venv" / "bin" / "ztmo"


def deploy_env() -> dict[str, str]:
    """The example settings an administrator starts from (deploy/ztmo.env)."""
    values = {}
    for line in (REPO / "deploy" / "ztmo.env").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


class HostedServer:
    """`ztmo serve` (the real command) behind nginx; stop() ends both."""

    def __init__(self, database_url: str, log: Path, **settings: str):
        if not Path(NGINX).exists():
            skip_or_fail("nginx ontbreekt (Debian-pakket 'nginx')")
        self.upstream = free_port()
        self.proxy = Nginx(self.upstream)
        self.public = self.proxy.base + "/ztmo"
        self.runtime = Path(tempfile.mkdtemp(prefix="ztmo-h-"))
        self.data = Path(tempfile.mkdtemp(prefix="ztmo-hd-"))
        self.status_token = secrets.token_urlsafe(16)
        self.log = log
        env = dict(os.environ)
        env.update(deploy_env())
        env.update({
            "ZTMO_BASE_URL": self.public, "PORT": str(self.upstream),
            "ZTMO_DATABASE_URL": database_url, "ZTMO_DATA_DIR": str(self.data),
            "XDG_RUNTIME_DIR": str(self.runtime), "ZTMO_STATUS_TOKEN": self.status_token,
            "ZTMO_DEELNEMERS": "3", "ZTMO_MAX_KERNELS": "40", "ZTMO_CONNECT_GRACE": "25",
            **settings,
        })
        self.env = env
        self.proc = subprocess.Popen([str(ZTMO), "serve"], env=env, cwd=str(REPO),
                                     stdout=log.open("w"), stderr=subprocess.STDOUT)

    def wait_ready(self, timeout: float = 120) -> None:
        """Until the start page's kernels are ready (the line trainers wait for)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("ztmo serve stopped:\n" + self.log.read_text()[-3000:])
            if "Klaar:" in self.log.read_text(errors="replace"):
                return
            time.sleep(0.5)
        raise TimeoutError("ztmo serve was not ready:\n" + self.log.read_text()[-3000:])

    def url(self, rel: str, query: str = "") -> str:
        return f"{self.public}/voila/render/notebooks/{rel}{('?' + query) if query else ''}"

    def open(self, url: str, method: str = "GET", data: bytes | None = None,
             headers: dict[str, str] | None = None, direct: bool = False):
        """An HTTP request through nginx (or, with ``direct``, to the server's own port, as
        a test of the server alone): (status, headers, body)."""
        import ssl

        if direct:
            url = url.replace(self.proxy.base, f"http://127.0.0.1:{self.upstream}")
        request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
        context = ssl.create_default_context(cafile=str(self.proxy.cert))
        handlers = [urllib.request.HTTPSHandler(context=context), _NoRedirect()]
        try:
            with urllib.request.build_opener(*handlers).open(request, timeout=300) as r:
                return r.status, r.headers, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.headers, exc.read().decode("utf-8", "replace")

    def status(self) -> dict:
        import json

        from ztmo.serverext import STATUS_HEADER

        code, _, body = self.open(self.public + "/voila/api/ztmo/status",
                                  headers={STATUS_HEADER: self.status_token})
        assert code == 200, body
        return json.loads(body)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.proxy.stop()
        shutil.rmtree(self.runtime, ignore_errors=True)
        shutil.rmtree(self.data, ignore_errors=True)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture(scope="session")
def hosted_pg(pg_url):
    """A database of its own in the test cluster (the store tests empty theirs often)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    from tests.store.conftest import reset_database

    url = make_url(pg_url)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if not conn.execute(text("SELECT 1 FROM pg_database WHERE datname = 'ztmo_hosted'")
                            ).first():
            conn.execute(text("CREATE DATABASE ztmo_hosted"))
    engine.dispose()
    hosted = url.set(database="ztmo_hosted").render_as_string(hide_password=False)
    reset_database(hosted)
    return hosted


@pytest.fixture(scope="module")
def hosted(hosted_pg, tmp_path_factory):
    server = HostedServer(hosted_pg, tmp_path_factory.mktemp("hosted") / "serve.log")
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def store(hosted_pg):
    from ztmo.store import Store

    with Store(hosted_pg) as s:
        yield s
