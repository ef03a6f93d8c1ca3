"""How we start Voila: one function builds the command line, so `make serve`,
the tests and the benchmarks all run the same server settings.
"""

from __future__ import annotations

import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

START_PATH = "voila/render/notebooks/index.ipynb"
TEMPLATE_ROOT = Path(__file__).resolve().parent / "share" / "jupyter"
REPO_ROOT = Path(__file__).resolve().parents[2]
# Notebooks that must never get a preheated kernel (tests, benchmarks, the venv's own).
PREHEAT_DENYLIST = [r"^\.venv", r"^tests", r"^benchmarks", r"^build", r"^var", r"^lib"]


@dataclass(frozen=True)
class ServeSettings:
    """Server settings a trainer may change through environment variables."""

    host: str = "127.0.0.1"
    port: int = 8866
    preheat: bool = True
    pool_size: int = 1
    cull_idle_seconds: int = 1800
    cull_interval_seconds: int = 120
    root: Path = REPO_ROOT

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> ServeSettings:
        env = os.environ if env is None else env

        def number(key: str, default: int) -> int:
            raw = env.get(key, "").strip()
            if not raw:
                return default
            try:
                return int(raw)
            except ValueError:
                raise SystemExit(f"{key} moet een geheel getal zijn, niet '{raw}'.") from None

        return cls(
            host=env.get("ZTMO_HOST", "").strip() or "127.0.0.1",
            port=number("PORT", 8866),
            preheat=env.get("ZTMO_PREHEAT", "1").strip() not in ("0", "false", "nee", "no"),
            pool_size=number("ZTMO_POOL_SIZE", 1),
            cull_idle_seconds=number("ZTMO_CULL_IDLE", 1800),
            cull_interval_seconds=number("ZTMO_CULL_INTERVAL", 120),
        )


def voila_argv(s: ServeSettings, python: str = sys.executable, isolated: bool = False) -> list[str]:
    """The Voila command line for these settings (pure: easy to test)."""
    argv = [
        python, "-m", "voila", str(s.root),
        "--no-browser",
        f"--port={s.port}",
        f"--Voila.ip={s.host}",
        "--template=ztmo",
        "--theme=light",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.strip_sources=True",
        f"--MappingKernelManager.cull_idle_timeout={s.cull_idle_seconds}",
        f"--MappingKernelManager.cull_interval={s.cull_interval_seconds}",
        "--MappingKernelManager.cull_connected=False",
    ]
    if s.preheat and s.pool_size > 0:
        argv += [
            "--preheat_kernel=True",
            f"--pool_size={s.pool_size}",
            "--VoilaKernelManager.preheat_denylist=" + repr(PREHEAT_DENYLIST).replace("'", '"'),
        ]
    if isolated:
        argv.append("--Voila.config_file_paths=[]")
    return argv


def voila_env(base: dict[str, str] | None = None, extra: dict[str, str] | None = None
              ) -> dict[str, str]:
    """The environment for Voila (and so its kernels): our template on JUPYTER_PATH, in
    front, plus ``extra`` (such as the shared chart renderer's address)."""
    env = dict(os.environ if base is None else base)
    env.update(extra or {})
    paths = [str(TEMPLATE_ROOT)] + [p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    env["JUPYTER_PATH"] = os.pathsep.join(paths)
    env.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
    return env


def start_urls(s: ServeSettings) -> list[str]:
    """The addresses people can open; for 0.0.0.0 the machine's own network addresses."""
    hosts = [s.host]
    if s.host in ("0.0.0.0", "::"):
        hosts = ["127.0.0.1"]
        try:
            for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
                ip = info[4][0]
                if ip not in hosts and not ip.startswith("127."):
                    hosts.append(ip)
        except OSError:
            pass
    return [f"http://{h}:{s.port}/{START_PATH}" for h in hosts]


def run(s: ServeSettings) -> int:
    """Start Voila in the foreground (replaces this process)."""
    print("Zo thuis mogelijk opgroeien: de apps starten.")
    for url in start_urls(s):
        print(f"  Open: {url}")
    if s.host == "127.0.0.1":
        print("  (Alleen op deze computer. Deelnemers op hetzelfde wifi-netwerk: "
              "start met ZTMO_HOST=0.0.0.0 make serve)")
    print("  Stoppen: Ctrl+C", flush=True)
    from . import chartd

    _worker, chart_env = chartd.start(parent=os.getpid())  # Voila keeps this pid after exec
    argv = voila_argv(s)
    os.chdir(s.root)
    os.execve(argv[0], argv, voila_env(extra=chart_env))
    return 0  # not reached
