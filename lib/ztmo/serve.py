"""How we start Voila: one function builds the command line, so `make serve`,
the tests and the benchmarks all run the same server settings.

`ztmo serve` first checks what it can check without starting anything (the port, the
folder for the answers) and says in plain Dutch what is wrong (exit code 2). Then it
replaces itself with our Voila server (`ztmo.serverext`): preheated kernels for the
start page (one per expected participant), one for the trainer's screen, none for the
other apps; kernels on Unix sockets in a private folder (no TCP ports that can collide
when many start at once); a ceiling on the number of kernels; culling of kernels whose
page is gone; timeouts that make a busy server slow rather than broken.
"""

from __future__ import annotations

import errno
import json
import os
import re
import socket
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

START_PATH = "voila/render/notebooks/index.ipynb"
APPS_DIR = "notebooks"
PARTICIPANT_APP = "notebooks/index.ipynb"
ONE_KERNEL_APPS = ("notebooks/trainer.ipynb", "notebooks/beamer.ipynb")  # if the file exists
TEMPLATE_ROOT = Path(__file__).resolve().parent / "share" / "jupyter"
REPO_ROOT = Path(__file__).resolve().parents[2]
# Unix socket paths are at most 107 bytes; Voila adds /voila_XXXXXXXX/kernel-<uuid>-ipc-N.
MAX_RUNTIME_ROOT = 40


class SettingsError(ValueError):
    """A server setting that cannot work; the message is Dutch and meant for the trainer."""


@dataclass(frozen=True)
class ServeSettings:
    """Server settings a trainer may change through environment variables."""

    host: str = "127.0.0.1"
    port: int = 8866
    preheat: bool = True
    deelnemers: int = 10          # preheated kernels for the start page
    pool_size: int = 0            # preheated kernels for each other app (deprecated knob)
    max_kernels: int | None = None  # None: 2 * deelnemers + 10
    cull_idle_seconds: int = 300
    cull_interval_seconds: int = 30
    root: Path = REPO_ROOT
    runtime_dir: Path | None = None  # socket files; None: default_runtime_dir()
    base_url: str = "/"           # the path everything is served under (from ZTMO_BASE_URL)
    public_url: str = ""          # ZTMO_BASE_URL, checked ("" on a laptop)
    accounts: bool = False        # ZTMO_ACCOUNTS: a hosted server with trainer accounts

    @property
    def kernel_cap(self) -> int:
        return self.max_kernels if self.max_kernels is not None else 2 * self.deelnemers + 10

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ServeSettings:
        env = os.environ if env is None else env

        from .hosting import AddressError, HostSettings, env_int

        def number(key: str, default: int | None, low: int, high: int | None = None) -> int | None:
            return env_int(env, key, default, low, high, SettingsError)

        try:
            hosted = HostSettings.from_env(env)
        except AddressError as exc:
            raise SettingsError(str(exc)) from None
        return cls(
            base_url=hosted.prefix,
            public_url=hosted.address.url if hosted.address else "",
            accounts=hosted.accounts,
            host=env.get("ZTMO_HOST", "").strip() or "127.0.0.1",
            port=number("PORT", 8866, 1, 65535),
            preheat=env.get("ZTMO_PREHEAT", "1").strip().lower() not in ("0", "false", "nee", "no"),
            deelnemers=number("ZTMO_DEELNEMERS", 10, 0, 500),
            pool_size=number("ZTMO_POOL_SIZE", 0, 0, 50),
            max_kernels=number("ZTMO_MAX_KERNELS", None, 1),
            cull_idle_seconds=number("ZTMO_CULL_IDLE", 300, 10),
            cull_interval_seconds=number("ZTMO_CULL_INTERVAL", 30, 1),
        )


def kernel_pools(s: ServeSettings) -> dict[str, dict[str, int]]:
    """Voila's pool sizes per notebook (paths relative to the root)."""
    pools = {"default": {"pool_size": s.pool_size}, PARTICIPANT_APP: {"pool_size": s.deelnemers}}
    for nb in ONE_KERNEL_APPS:
        if (s.root / nb).exists():
            pools[nb] = {"pool_size": max(1, s.pool_size)}
    return pools


def preheated_total(s: ServeSettings) -> int:
    """How many kernels wait in the pools when the server is idle."""
    if not s.preheat:
        return 0
    pools = kernel_pools(s)
    apps = [p.relative_to(s.root).as_posix() for p in (s.root / APPS_DIR).rglob("*.ipynb")
            if ".ipynb_checkpoints" not in p.parts]
    return sum(pools.get(nb, pools["default"])["pool_size"] for nb in apps)


def preheat_denylist(root: Path) -> list[str]:
    """Everything outside the apps folder. Voila matches these against the *absolute*
    path of each notebook it finds under the root (`^\\.venv` therefore never matched:
    that is why `make serve` used to preheat, and warn about, the notebooks in .venv)."""
    apps = os.path.join(os.path.abspath(root), APPS_DIR) + "/"  # as Voila makes its root_dir
    return ["^(?!" + re.escape(apps) + ")"]


def default_runtime_dir(env: Mapping[str, str] | None = None) -> Path:
    """A per-user folder for the kernels' socket files (serverext makes it private)."""
    env = os.environ if env is None else env
    xdg = env.get("XDG_RUNTIME_DIR", "").strip()
    if xdg and len(xdg) + len("/ztmo") <= MAX_RUNTIME_ROOT:
        return Path(xdg) / "ztmo"
    tmp = tempfile.gettempdir()
    base = tmp if len(tmp) + 16 <= MAX_RUNTIME_ROOT else "/tmp"
    return Path(base) / f"ztmo-{os.getuid()}"


def voila_argv(s: ServeSettings, python: str = sys.executable, isolated: bool = False) -> list[str]:
    """The Voila command line for these settings (pure: easy to test)."""
    runtime = s.runtime_dir or default_runtime_dir()
    argv = [
        python, "-m", "ztmo.serverext", str(s.root),
        "--no-browser",
        f"--port={s.port}",
        "--Voila.port_retries=0",  # a busy port is an error, never a silent other port
        f"--Voila.ip={s.host}",
        f"--Voila.base_url={s.base_url}",
        "--template=ztmo",
        "--theme=light",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.strip_sources=True",
        '--VoilaConfiguration.file_allowlist=["' + APPS_DIR + '/.*[.](png|jpg|gif|svg)"]',
        "--VoilaConfiguration.multi_kernel_manager_class=ztmo.kernelcap.CappedKernelManager",
        f"--CappedKernelManager.max_kernels={s.kernel_cap}",
        f"--MappingKernelManager.cull_idle_timeout={s.cull_idle_seconds}",
        f"--MappingKernelManager.cull_interval={s.cull_interval_seconds}",
        "--MappingKernelManager.cull_connected=False",
        # A burst of starts on two cores: wait, do not give up.
        "--MappingKernelManager.kernel_info_timeout=180",
        "--VoilaExecutor.startup_timeout=300",
        "--VoilaExecutor.iopub_timeout=60",
        # Kernels talk over Unix sockets in a private folder: no TCP ports to collide.
        "--KernelManager.transport=ipc",
        f"--Voila.connection_dir_root={runtime}",
    ]
    if s.preheat:
        argv += [
            "--preheat_kernel=True",
            "--VoilaKernelManager.kernel_pools_config=" + json.dumps(kernel_pools(s)),
            "--VoilaKernelManager.preheat_denylist=" + json.dumps(preheat_denylist(s.root)),
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
    """The addresses people can open: the public address when there is one; else this
    machine's (for 0.0.0.0 its own network addresses)."""
    if s.public_url:
        return [s.public_url + "/"]
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
    return [f"http://{h}:{s.port}{s.base_url}{START_PATH}" for h in hosts]


# ---- checks before the start --------------------------------------------------------

def check_port(host: str, port: int) -> str | None:
    """None if Voila can listen on host:port, else a Dutch sentence why not."""
    if not 1 <= port <= 65535:
        return f"PORT moet tussen 1 en 65535 zijn, niet {port}."
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except OSError:
        return f"Het adres ZTMO_HOST={host} is onbekend. Gebruik 127.0.0.1 of 0.0.0.0."
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Tornado does
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                other = port + 1 if port < 65535 else 8866
                return (f"Poort {port} is al in gebruik (draait de server al?). "
                        f"Stop dat programma of kies een andere poort, bijvoorbeeld PORT={other}.")
            if exc.errno == errno.EACCES:
                return f"Poort {port} mag alleen de beheerder gebruiken. Kies een poort boven 1024."
            if exc.errno == errno.EADDRNOTAVAIL:
                return f"Het adres ZTMO_HOST={host} hoort niet bij deze computer."
            return f"Op poort {port} kan de server niet luisteren: {exc.strerror}."
    return None


def answers_dir(env: Mapping[str, str]) -> Path:
    """Same rule as ztmo.store.engine.data_dir (kept here: serving needs no SQLAlchemy)."""
    override = env.get("ZTMO_DATA_DIR", "").strip()
    return Path(override).expanduser() if override else REPO_ROOT / "var"


def _write_probe(folder: Path) -> None:
    """Create, write, sync and delete a small file: fails like saving an answer would."""
    fd, name = tempfile.mkstemp(prefix=".ztmo-check-", dir=folder)
    try:
        os.write(fd, b"x" * 4096)
        os.fsync(fd)
    finally:
        os.close(fd)
        os.unlink(name)


def check_data_dir(env: Mapping[str, str] | None = None) -> str | None:
    """None if answers can be saved in the data folder, else a Dutch sentence why not.
    With ZTMO_DATABASE_URL the answers go elsewhere: nothing to check here."""
    env = os.environ if env is None else env
    if env.get("ZTMO_DATABASE_URL", "").strip():
        return None
    folder = answers_dir(env)
    where = f"De map voor de antwoorden ({folder})"
    if folder.exists() and not folder.is_dir():
        return f"{where} is een bestand, geen map. Kies een andere map met ZTMO_DATA_DIR."
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _write_probe(folder)
    except OSError as exc:
        if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
            return (f"{where}: de schijf is vol. Maak ruimte vrij of kies een andere map "
                    "met ZTMO_DATA_DIR.")
        if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return (f"{where} is alleen-lezen: de server mag daar niet schrijven. "
                    "Kies een andere map met ZTMO_DATA_DIR.")
        if exc.errno in (errno.ENOTDIR, errno.EEXIST):
            return (f"{where} ligt in een bestand, niet in een map. Kies een andere map "
                    "met ZTMO_DATA_DIR.")
        return f"{where} is niet bruikbaar: {exc.strerror}."
    return None


def database_notes(s: ServeSettings, env: Mapping[str, str] | None = None) -> list[str]:
    """Warnings (not refusals) about PostgreSQL: every kernel keeps one connection, so
    max_connections must leave room for the kernel ceiling; an unreachable database is
    said, and the server starts anyway (it may be starting too, after a reboot)."""
    env = os.environ if env is None else env
    url = env.get("ZTMO_DATABASE_URL", "").strip()
    if not url.startswith(("postgres", "postgresql")):
        return []
    from sqlalchemy import text

    from .store.engine import make_engine

    need = s.kernel_cap + 20  # one per kernel, and the server's own
    try:
        engine = make_engine(url)
        try:
            with engine.connect() as conn:
                allowed = int(conn.execute(text("SHOW max_connections")).scalar_one())
        finally:
            engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any reason: say it, start anyway
        return [(f"De database is nu niet bereikbaar ({type(exc).__name__}); de server start "
                "toch en probeert het steeds opnieuw. Klopt ZTMO_DATABASE_URL?")]
    if allowed < need:
        return [(f"PostgreSQL staat hoogstens {allowed} verbindingen toe, maar deze server kan "
                f"er tot {need} gebruiken (één per kernel; ZTMO_MAX_KERNELS={s.kernel_cap}). "
                f"Zet max_connections in postgresql.conf op minstens {need} (zie de README), "
                "anders krijgen deelnemers in een volle zaal foutmeldingen.")]
    return []


def preflight(s: ServeSettings, env: Mapping[str, str] | None = None) -> list[str]:
    """Every problem found before starting, as Dutch sentences (empty: all is well)."""
    problems = [p for p in (check_port(s.host, s.port), check_data_dir(env)) if p]
    pooled = preheated_total(s)
    if s.kernel_cap <= pooled:
        problems.append(f"ZTMO_MAX_KERNELS ({s.kernel_cap}) moet groter zijn dan het aantal "
                        f"voorverwarmde kernels ({pooled}).")
    return problems


def run(s: ServeSettings) -> int:
    """Check, then start Voila in the foreground (replaces this process)."""
    problems = preflight(s)
    if problems:
        print("De server start niet:", file=sys.stderr)
        for p in problems:
            print(f"  - {p}", file=sys.stderr)
        return 2
    print("Zo thuis mogelijk opgroeien: de apps starten.")
    for note in database_notes(s):
        print(f"  Let op: {note}", flush=True)
    if s.accounts:
        print("  Modus: server voor een leernetwerk, met trainersaccounts (ZTMO_ACCOUNTS=1). "
              "Deelnemers komen alleen binnen met een code; trainers melden zich aan met hun "
              "sleutel (ztmo trainer nieuw).")
    else:
        print("  Modus: laptop, zonder accounts: iedereen die deze server bereikt, kan het "
              "trainersscherm openen.")
    for url in start_urls(s):
        print(f"  Open: {url}")
    if s.public_url:
        print(f"  Intern (voor nginx): http://{s.host}:{s.port}{s.base_url}")
    elif s.host == "127.0.0.1":
        print("  (Alleen op deze computer. Deelnemers op hetzelfde wifi-netwerk: "
              "start met ZTMO_HOST=0.0.0.0 make serve)")
    if s.preheat:
        print(f"  Klaar voor {s.deelnemers} deelnemers tegelijk (ZTMO_DEELNEMERS); "
              f"hoogstens {s.kernel_cap} kernels (ZTMO_MAX_KERNELS).")
    print("  Stoppen: Ctrl+C", flush=True)
    from . import chartd

    _worker, chart_env = chartd.start(parent=os.getpid())  # Voila keeps this pid after exec
    argv = voila_argv(s)
    os.chdir(s.root)
    os.execve(argv[0], argv, voila_env(extra=chart_env))
    return 0  # not reached
