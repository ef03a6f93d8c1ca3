"""Debian's nginx in front of our server, as an administrator runs it: the site file we
ship (deploy/nginx/ztmo.conf), with only the lines marked "PAS AAN" (and the ports) changed
for a loopback test, and a self-signed certificate made with openssl.

Plain helpers (no pytest), so the benchmarks use them too.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "deploy" / "nginx" / "ztmo.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def self_signed(folder: Path, host: str = "127.0.0.1") -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    # ECDSA P-256, as Let's Encrypt issues by default: cheap handshakes for phones and server.
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                    "-subj", f"/CN={host}", "-addext", f"subjectAltName=IP:{host}",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def _replace(text: str, pattern: str, new: str, count: int = 1) -> str:
    found = len(re.findall(pattern, text, flags=re.MULTILINE))
    if found != count:
        raise AssertionError(f"deploy/nginx/ztmo.conf: expected {count} x {pattern!r}, "
                             f"found {found}: the test no longer matches the shipped file")
    return re.sub(pattern, new, text, flags=re.MULTILINE)


def site_for_test(upstream: int, https_port: int, cert: Path, key: str | Path,
                  without_websocket: bool = False, text: str | None = None,
                  cache: str | Path = "/tmp/ztmo-nginx-cache") -> str:
    """The shipped site file with loopback ports and the test certificate."""
    site = SITE.read_text(encoding="utf-8") if text is None else text
    site = _replace(site, r"^\s*server 127\.0\.0\.1:8866;.*$", f"    server 127.0.0.1:{upstream};")
    site = _replace(site, r"^proxy_cache_path /var/cache/nginx/ztmo ", f"proxy_cache_path {cache} ")
    site = _replace(site, r"^\s*listen 80;\n\s*listen \[::\]:80;\n", "    listen 127.0.0.1:1;\n")
    site = _replace(site, r"^\s*listen 443 ssl http2;\n\s*listen \[::\]:443 ssl http2;\n",
                    f"    listen 127.0.0.1:{https_port} ssl http2;\n")
    site = _replace(site, r"^\s*ssl_certificate /etc/letsencrypt/.*$",
                    f"    ssl_certificate {cert};")
    site = _replace(site, r"^\s*ssl_certificate_key /etc/letsencrypt/.*$",
                    f"    ssl_certificate_key {key};")
    # The port-80 server (redirect to https) cannot bind port 1 as a test: drop it.
    site = _replace(site, r"^server \{\n    listen 127\.0\.0\.1:1;\n(?:.*\n)*?\}\n", "")
    if without_websocket:  # an administrator who forgot the websocket lines
        site = _replace(site, r"^\s*proxy_set_header Upgrade .*\n", "")
        site = _replace(site, r"^\s*proxy_set_header Connection .*\n", "")
    return site


class Nginx:
    """nginx in a private folder, in the foreground (stopped by stop())."""

    def __init__(self, upstream: int, without_websocket: bool = False):
        self.dir = Path(tempfile.mkdtemp(prefix="ztmo-nginx-"))
        self.port = free_port()
        cert, key = self_signed(self.dir)
        self.cert = cert
        for sub in ("logs", "tmp"):
            (self.dir / sub).mkdir()
        site = site_for_test(upstream, self.port, cert, key, without_websocket,
                             cache=self.dir / "cache")
        (self.dir / "site.conf").write_text(site, encoding="utf-8")
        user = "user root;\n" if _is_root() else ""
        (self.dir / "nginx.conf").write_text(f"""{user}worker_processes 1;
pid {self.dir}/nginx.pid;
error_log {self.dir}/logs/error.log info;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    log_format timed '$status $request_time $upstream_connect_time $upstream_header_time $upstream_response_time "$request"';
    access_log {self.dir}/logs/access.log timed;
    client_body_temp_path {self.dir}/tmp/body;
    proxy_temp_path {self.dir}/tmp/proxy;
    fastcgi_temp_path {self.dir}/tmp/fastcgi;
    uwsgi_temp_path {self.dir}/tmp/uwsgi;
    scgi_temp_path {self.dir}/tmp/scgi;
    include {self.dir}/site.conf;
}}
""", encoding="utf-8")
        check = subprocess.run([NGINX, "-t", "-p", str(self.dir), "-c",
                                str(self.dir / "nginx.conf")], capture_output=True, text=True,
                               check=False)
        if check.returncode != 0:
            raise RuntimeError("nginx -t: " + check.stderr)
        self.proc = subprocess.Popen([NGINX, "-p", str(self.dir), "-c",
                                      str(self.dir / "nginx.conf"), "-g", "daemon off;"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            if self.proc.poll() is not None:
                raise RuntimeError("nginx stopped: " + self.proc.stderr.read().decode())
            time.sleep(0.1)
        raise TimeoutError("nginx did not start")

    @property
    def base(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def access_log(self) -> str:
        path = self.dir / "logs" / "access.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def _is_root() -> bool:
    import os

    return os.geteuid() == 0
