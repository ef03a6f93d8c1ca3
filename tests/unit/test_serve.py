import errno
import json
import os
import socket

import pytest

from ztmo import serve
from ztmo.serve import (
    TEMPLATE_ROOT,
    ServeSettings,
    SettingsError,
    check_data_dir,
    check_port,
    kernel_pools,
    preheat_denylist,
    start_urls,
    voila_argv,
    voila_env,
)
from ztmo.serverext import app_path, busy_page, private_dir


def option(argv: list[str], name: str) -> str:
    (value,) = [a.split("=", 1)[1] for a in argv if a.startswith(f"--{name}=")]
    return value


# ---- settings -----------------------------------------------------------------------

def test_defaults_are_for_a_group_of_ten():
    s = ServeSettings.from_env({})
    assert (s.host, s.port, s.preheat) == ("127.0.0.1", 8866, True)
    assert (s.deelnemers, s.pool_size) == (10, 0)
    assert s.kernel_cap == 30 and (s.cull_idle_seconds, s.cull_interval_seconds) == (300, 30)


def test_settings_from_environment():
    s = ServeSettings.from_env({"ZTMO_HOST": "0.0.0.0", "PORT": "9100", "ZTMO_DEELNEMERS": "30",
                                "ZTMO_POOL_SIZE": "2", "ZTMO_MAX_KERNELS": "80",
                                "ZTMO_PREHEAT": "0", "ZTMO_CULL_IDLE": "120"})
    assert (s.host, s.port, s.deelnemers, s.pool_size, s.kernel_cap, s.preheat,
            s.cull_idle_seconds) == ("0.0.0.0", 9100, 30, 2, 80, False, 120)
    assert ServeSettings.from_env({"ZTMO_DEELNEMERS": "30"}).kernel_cap == 70
    assert start_urls(s)[0] == "http://127.0.0.1:9100/voila/render/notebooks/index.ipynb"


@pytest.mark.parametrize("env, message", [
    ({"PORT": "acht"}, "PORT moet een geheel getal zijn, niet 'acht'."),
    ({"PORT": "99999"}, "PORT moet tussen 1 en 65535 zijn, niet 99999."),
    ({"PORT": "-5"}, "PORT moet tussen 1 en 65535 zijn, niet -5."),
    ({"ZTMO_DEELNEMERS": "veel"}, "ZTMO_DEELNEMERS moet een geheel getal zijn"),
    ({"ZTMO_MAX_KERNELS": "0"}, "ZTMO_MAX_KERNELS moet minstens 1 zijn"),
])
def test_bad_settings_give_a_dutch_message(env, message):
    with pytest.raises(SettingsError) as err:
        ServeSettings.from_env(env)
    assert str(err.value).startswith(message)


# ---- the Voila command line ---------------------------------------------------------

def test_argv_runs_our_server_with_its_settings(tmp_path):
    s = ServeSettings(port=9000, deelnemers=3, cull_idle_seconds=600, runtime_dir=tmp_path)
    argv = voila_argv(s)
    assert argv[1:3] == ["-m", "ztmo.serverext"] and argv[3] == str(s.root)
    assert "--template=ztmo" in argv and "--port=9000" in argv
    assert option(argv, "Voila.port_retries") == "0"
    assert "--VoilaConfiguration.show_tracebacks=False" in argv
    assert option(argv, "MappingKernelManager.cull_idle_timeout") == "600"
    assert option(argv, "MappingKernelManager.cull_connected") == "False"
    assert option(argv, "CappedKernelManager.max_kernels") == "16"
    assert option(argv, "VoilaConfiguration.multi_kernel_manager_class") == \
        "ztmo.kernelcap.CappedKernelManager"
    assert option(argv, "KernelManager.transport") == "ipc"
    assert option(argv, "Voila.connection_dir_root") == str(tmp_path)
    assert int(option(argv, "VoilaExecutor.iopub_timeout")) >= 30
    assert int(option(argv, "VoilaExecutor.startup_timeout")) >= 120
    pools = json.loads(option(argv, "VoilaKernelManager.kernel_pools_config"))
    assert pools["notebooks/index.ipynb"] == {"pool_size": 3}
    assert pools["notebooks/trainer.ipynb"] == {"pool_size": 1}
    assert pools["default"] == {"pool_size": 0}


def test_preheating_can_be_switched_off():
    argv = voila_argv(ServeSettings(preheat=False))
    assert not any(a.startswith(("--preheat_kernel", "--VoilaKernelManager")) for a in argv)


def test_the_beamer_gets_a_kernel_only_when_it_exists(tmp_path):
    (tmp_path / "notebooks").mkdir()
    assert "notebooks/beamer.ipynb" not in kernel_pools(ServeSettings(root=tmp_path))
    (tmp_path / "notebooks" / "beamer.ipynb").write_text("{}")
    assert kernel_pools(ServeSettings(root=tmp_path))["notebooks/beamer.ipynb"] == {"pool_size": 1}


def test_denylist_keeps_voila_to_our_notebooks():
    """Voila's pool start walks the whole root and filters the *absolute* paths."""
    from voila.voila_kernel_manager import voila_kernel_manager_factory

    cls = voila_kernel_manager_factory(object, True, 0)

    class Probe:
        preheat_denylist = preheat_denylist(serve.REPO_ROOT)

    found = list(serve.REPO_ROOT.rglob("*.ipynb"))
    kept = {p.relative_to(serve.REPO_ROOT).as_posix() for p in found
            if cls._notebook_filter(Probe(), p)}
    assert "notebooks/index.ipynb" in kept and "notebooks/trainer.ipynb" in kept
    assert all(k.startswith("notebooks/") for k in kept)
    assert len(found) > len(kept)  # there are others (tests, .venv) and they are left out


def test_template_is_put_in_front_of_jupyter_path():
    env = voila_env({"JUPYTER_PATH": "/elders"})
    assert env["JUPYTER_PATH"].split(":")[0] == str(TEMPLATE_ROOT)
    assert (TEMPLATE_ROOT / "voila/templates/ztmo/index.html.j2").exists()


def test_runtime_dir_is_short_enough_for_unix_sockets():
    long = "/" + "x" * 80
    for env in ({}, {"XDG_RUNTIME_DIR": "/run/user/1000"}, {"XDG_RUNTIME_DIR": long}):
        assert len(str(serve.default_runtime_dir(env))) <= serve.MAX_RUNTIME_ROOT


def test_private_dir_refuses_a_folder_others_can_read(tmp_path):
    mine = tmp_path / "mine"
    assert private_dir(str(mine)) == str(mine) and (mine.stat().st_mode & 0o777) == 0o700
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    other = private_dir(str(shared))
    assert other != str(shared) and (os.stat(other).st_mode & 0o777) == 0o700
    os.rmdir(other)


# ---- what the server serves ---------------------------------------------------------

@pytest.mark.parametrize("path, ok", [
    ("notebooks/index.ipynb", True),
    ("notebooks/pillars/1_het_allerliefst_thuis.ipynb", True),
    ("tests/notebooks/x.ipynb", False),
    (".venv/share/jupyter/x.ipynb", False),
    ("benchmarks/bare.ipynb", False),
    ("notebooks/../tests/x.ipynb", False),
    ("notebooks/.ipynb_checkpoints/index-checkpoint.ipynb", False),
    ("notebooks/", False),
    ("notebooks/data.csv", False),
    ("", False),
])
def test_only_notebooks_under_notebooks_are_apps(path, ok):
    assert (app_path(path, "notebooks") == path) is ok


def test_busy_page_is_plain_dutch_and_retries():
    html = busy_page()
    assert "Het is even druk. Probeer het over een halve minuut opnieuw." in html
    assert 'http-equiv="refresh"' in html and 'lang="nl"' in html


# ---- checks before the start --------------------------------------------------------

def test_port_in_use_is_reported():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        message = check_port("127.0.0.1", port)
    assert message.startswith(f"Poort {port} is al in gebruik")
    assert check_port("127.0.0.1", port) is None  # free again


def test_port_out_of_range_is_reported():
    assert check_port("127.0.0.1", 99999) == "PORT moet tussen 1 en 65535 zijn, niet 99999."


def test_data_dir_that_is_a_file(tmp_path):
    f = tmp_path / "var"
    f.write_text("")
    assert "is een bestand, geen map" in check_data_dir({"ZTMO_DATA_DIR": str(f)})
    assert check_data_dir({"ZTMO_DATA_DIR": str(f / "deeper")}).endswith(
        "ligt in een bestand, niet in een map. Kies een andere map met ZTMO_DATA_DIR.")


def test_data_dir_is_created_and_tried(tmp_path):
    folder = tmp_path / "nieuw" / "var"
    assert check_data_dir({"ZTMO_DATA_DIR": str(folder)}) is None
    assert folder.is_dir() and list(folder.iterdir()) == []  # the probe file is gone again


@pytest.mark.parametrize("code, words", [
    (errno.EROFS, "is alleen-lezen"), (errno.EACCES, "is alleen-lezen"),
    (errno.ENOSPC, "de schijf is vol"),
])
def test_data_dir_that_cannot_be_written(tmp_path, monkeypatch, code, words):
    # As root every folder is writable, and a full disk cannot be made here: the probe
    # fails the way the operating system would make it fail.
    def failing(folder):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(serve, "_write_probe", failing)
    assert words in check_data_dir({"ZTMO_DATA_DIR": str(tmp_path)})


def test_database_url_skips_the_folder_check(tmp_path):
    f = tmp_path / "file"
    f.write_text("")
    assert check_data_dir({"ZTMO_DATA_DIR": str(f), "ZTMO_DATABASE_URL": "postgresql://x"}) is None


def test_answers_dir_follows_the_store():
    from ztmo.store.engine import data_dir

    for env in ({}, {"ZTMO_DATA_DIR": "/srv/ztmo"}, {"ZTMO_DATA_DIR": "~/ztmo"}):
        assert serve.answers_dir(env) == data_dir(env)


def test_kernel_ceiling_must_leave_room_above_the_pools(tmp_path):
    s = ServeSettings(port=1, deelnemers=10, max_kernels=11, runtime_dir=tmp_path)
    problems = serve.preflight(s, {"ZTMO_DATA_DIR": str(tmp_path)})
    assert any(p.startswith("ZTMO_MAX_KERNELS (11) moet groter zijn") for p in problems)


# ---- `ztmo serve` -------------------------------------------------------------------

def test_cli_serve_passes_flags_over_the_environment(monkeypatch):
    from ztmo import cli

    calls = []
    monkeypatch.setattr(serve, "run", lambda s: calls.append(s) or 0)
    monkeypatch.setenv("PORT", "9200")
    monkeypatch.setenv("ZTMO_HOST", "0.0.0.0")
    assert cli.main(["serve", "--deelnemers", "25", "--pool-size", "4",
                     "--geen-voorverwarming"]) == 0
    (s,) = calls
    assert (s.port, s.host, s.deelnemers, s.pool_size, s.preheat) == (9200, "0.0.0.0", 25, 4, False)


@pytest.mark.parametrize("port", ["99999", "-5", "acht"])
def test_cli_serve_bad_port_exits_2_in_dutch(monkeypatch, capsys, port):
    from ztmo import cli

    monkeypatch.setattr(os, "execve", lambda *a: pytest.fail("Voila must not start"))
    monkeypatch.setenv("PORT", port)
    assert cli.main(["serve"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("De server start niet: PORT moet") and "Traceback" not in err


def test_serve_refuses_a_busy_port_before_starting(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(os, "execve", lambda *a: pytest.fail("Voila must not start"))
    monkeypatch.setenv("ZTMO_DATA_DIR", str(tmp_path))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert serve.run(ServeSettings(port=port)) == 2
    err = capsys.readouterr().err
    assert f"Poort {port} is al in gebruik" in err


def test_serve_refuses_a_data_dir_that_is_a_file(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(os, "execve", lambda *a: pytest.fail("Voila must not start"))
    (tmp_path / "var").write_text("")
    monkeypatch.setenv("ZTMO_DATA_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("ZTMO_DATABASE_URL", raising=False)
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    assert serve.run(ServeSettings(port=port)) == 2
    assert "is een bestand, geen map" in capsys.readouterr().err



def test_ztmo_serve_command_exits_2_without_traceback(tmp_path):
    import subprocess
    import sys

    env = {**os.environ, "PORT": "99999", "ZTMO_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "ztmo.cli", "serve"], env=env, check=False,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip() == ("De server start niet: "
                                   "PORT moet tussen 1 en 65535 zijn, niet 99999.")


def test_kernel_ceiling_refuses_pages_and_makes_pool_refills_wait(monkeypatch):
    import asyncio

    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

    from ztmo.kernelcap import CappedKernelManager, ServerBusy

    ids = iter(range(100))

    async def fake_start(self, *args, **kwargs):  # registers like jupyter_client does
        kid = f"k{next(ids)}"
        self._kernels[kid] = object()
        return kid

    monkeypatch.setattr(AsyncMappingKernelManager, "start_kernel", fake_start)
    km = CappedKernelManager(max_kernels=2, slot_wait=0.01)
    pool_env = {"env": {"VOILA_PREHEAT": "True"}}

    async def scenario():
        await km.start_kernel(env={"VOILA_PREHEAT": "False"})
        await km.start_kernel(**pool_env)
        assert not km.has_room()
        with pytest.raises(ServerBusy):
            await km.start_kernel(env={"VOILA_PREHEAT": "False"})
        refill = asyncio.ensure_future(km.start_kernel(**pool_env))
        await asyncio.sleep(0.05)
        assert not refill.done()  # waits for a place instead of failing
        km._kernels.pop("k0")
        assert await asyncio.wait_for(refill, 1) == "k2"
        km._stopping = True  # the server stops: a waiting refill gives up
        with pytest.raises(ServerBusy):
            await km.start_kernel(**pool_env)

    # In its own thread: in a full run the session's Playwright browser keeps an event loop
    # running in this one, and asyncio.run() refuses to start a second.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, scenario()).result(timeout=60)


def test_pool_refills_wait_until_the_arrivals_are_over(monkeypatch):
    """A group arriving at once: the kernels that replace theirs start after the burst."""
    import asyncio
    import time

    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager

    from ztmo.kernelcap import CappedKernelManager

    started: list[tuple[str, float]] = []

    async def fake_start(self, *args, **kwargs):
        kid = f"k{len(started)}"
        started.append((kwargs["env"]["VOILA_PREHEAT"], time.monotonic()))
        self._kernels[kid] = object()
        return kid

    monkeypatch.setattr(AsyncMappingKernelManager, "start_kernel", fake_start)
    km = CappedKernelManager(max_kernels=0, refill_quiet=0.3, refill_max_wait=5)
    pool_env = {"env": {"VOILA_PREHEAT": "True"}}

    async def scenario():
        await km.start_kernel(**pool_env)  # the first fill: nobody asked yet, no wait
        assert len(started) == 1
        t0 = time.monotonic()
        refill = asyncio.ensure_future(km.start_kernel(**pool_env))
        for _ in range(5):  # pages keep arriving every 0.1 s
            km.note_demand()
            await asyncio.sleep(0.1)
        assert not refill.done()
        last = km._last_demand
        await asyncio.wait_for(refill, 2)
        assert started[-1][1] - last >= 0.3 - 0.02  # only after 0.3 s of quiet
        await km.start_kernel(env={"VOILA_PREHEAT": "False"})  # a page's own kernel: no wait
        assert started[-1][1] - t0 < 2
        km2 = CappedKernelManager(max_kernels=0, refill_quiet=10, refill_max_wait=0.2)
        km2.note_demand()
        t1 = time.monotonic()
        await km2.start_kernel(**pool_env)  # never waits longer than refill_max_wait
        assert 0.2 - 0.02 <= time.monotonic() - t1 < 2

    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, scenario()).result(timeout=60)


@pytest.mark.postgres
def test_serve_warns_when_postgresql_allows_fewer_connections_than_kernels(pg_url):
    from ztmo.serve import database_notes

    small = ServeSettings(deelnemers=10, max_kernels=30)
    assert database_notes(small, {"ZTMO_DATABASE_URL": pg_url}) == []  # 100 >= 50
    big = ServeSettings(deelnemers=100, max_kernels=300)
    notes = database_notes(big, {"ZTMO_DATABASE_URL": pg_url})
    assert len(notes) == 1 and "max_connections" in notes[0] and "minstens 320" in notes[0]
    gone = database_notes(small, {"ZTMO_DATABASE_URL": "postgresql+psycopg://x@127.0.0.1:1/x"})
    assert "niet bereikbaar" in gone[0]
    assert database_notes(small, {}) == []  # SQLite: nothing to say
