"""What deploy/ ships is accepted by the real tools: nginx -t, systemd-analyze verify, and
`ztmo serve`'s own checks for the example settings."""

from __future__ import annotations

import re
import shutil
import ssl
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail
from tests.hosted.proxy import NGINX, SITE, Nginx, free_port
from ztmo.hosting import HostSettings
from ztmo.serve import ServeSettings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def env_file() -> dict[str, str]:
    values = {}
    for line in (DEPLOY / "ztmo.env").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def test_the_example_settings_make_a_hosted_server():
    env = env_file()
    host = HostSettings.from_env(env)
    assert host.accounts and host.address.url == "https://leren.example.nl/ztmo"
    serve = ServeSettings.from_env(env)
    assert serve.base_url == "/ztmo/" and serve.host == "127.0.0.1"
    assert env["ZTMO_DATABASE_URL"].startswith("postgresql+psycopg://")


def test_the_site_file_has_what_a_hosted_server_needs():
    site = SITE.read_text(encoding="utf-8")
    for needed in ("proxy_set_header Upgrade $http_upgrade", "proxy_http_version 1.1",
                   "proxy_buffering off", "proxy_read_timeout 3600s",
                   "Strict-Transport-Security", "ssl_protocols TLSv1.2 TLSv1.3",
                   "client_max_body_size", "limit_req zone=ztmo_aanmelden",
                   'proxy_set_header X-Ztmo-Trainer ""', "location /ztmo/ {",
                   "return 301 https://$host$request_uri"):
        assert needed in site, needed
    # No rewriting: the path goes to ztmo as it came in.
    assert re.search(r"proxy_pass http://ztmo_server;", site)
    assert "rewrite" not in site and not re.search(r"proxy_pass http://ztmo_server/", site)


def test_nginx_accepts_the_site_file_and_serves_through_it():
    if not Path(NGINX).exists():
        skip_or_fail("nginx ontbreekt (Debian-pakket 'nginx')")
    proxy = Nginx(upstream=free_port())  # nginx -t runs first, then it starts
    try:
        context = ssl.create_default_context(cafile=str(proxy.cert))
        with pytest.raises(urllib.error.HTTPError) as info:  # nothing behind it yet
            urllib.request.urlopen(proxy.base + "/ztmo/", context=context, timeout=10)
        assert info.value.code == 502
        assert "max-age=31536000" in info.value.headers.get("Strict-Transport-Security", "")
        request = urllib.request.Request(proxy.base + "/ztmo", method="GET")
        opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=context),
                                             NoRedirect())
        with pytest.raises(urllib.error.HTTPError) as moved:
            opener.open(request, timeout=10)
        assert moved.value.code == 301
        assert moved.value.headers["Location"].endswith("/ztmo/")
    finally:
        proxy.stop()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.parametrize("unit", ["ztmo.service", "ztmo-opruimen.service", "ztmo-opruimen.timer"])
def test_systemd_accepts_the_units(unit, tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        skip_or_fail("systemd-analyze ontbreekt (Debian-pakket 'systemd')")
    for path in (DEPLOY / "systemd").iterdir():
        # Only the program's place differs on this machine: point it at a real executable.
        text = path.read_text(encoding="utf-8").replace("/opt/ztmo/.venv/bin/ztmo",
                                                        shutil.which("true"))
        (tmp_path / path.name).write_text(text, encoding="utf-8")
    done = subprocess.run([analyze, "verify", "--man=no", str(tmp_path / unit)],
                          capture_output=True, text=True, check=False)
    problems = [line for line in (done.stdout + done.stderr).splitlines()
                if line.strip() and "ztmo" in line]
    assert done.returncode == 0 and problems == [], done.stdout + done.stderr


def test_the_service_runs_as_its_own_user_restarts_and_keeps_data_in_one_place():
    unit = (DEPLOY / "systemd" / "ztmo.service").read_text(encoding="utf-8")
    for line in ("User=ztmo", "Restart=on-failure", "StateDirectory=ztmo",
                 "Environment=ZTMO_DATA_DIR=/var/lib/ztmo", "EnvironmentFile=/etc/ztmo/ztmo.env",
                 "ExecStart=/opt/ztmo/.venv/bin/ztmo serve", "ProtectSystem=strict"):
        assert line in unit.splitlines(), line
    timer = (DEPLOY / "systemd" / "ztmo-opruimen.timer").read_text(encoding="utf-8")
    assert "Persistent=true" in timer
    clean = (DEPLOY / "systemd" / "ztmo-opruimen.service").read_text(encoding="utf-8")
    assert "ExecStart=/opt/ztmo/.venv/bin/ztmo opruimen" in clean
